// Boot time by instance type: the model the library and the emulator share, and the emulator's
// instances booting by it, by a number for every type, or by numbers for some.

import { assert, assertEquals, assertThrows } from "@std/assert";
import { emulatorClient, keyed, LAUNCH, MINUTE, testEmulator } from "./_emulator.ts";
import { expectedBootMs } from "../lib/_rules/boot_time.ts";
import type { EmulatorOptions, LambdaEmulator } from "../lib/testing/mod.ts";

const H100 = { ...LAUNCH, region_name: "us-east-3", instance_type_name: "gpu_8x_h100_sxm5" };
const A100 = {
  ...LAUNCH,
  region_name: "us-midwest-1",
  instance_type_name: "gpu_8x_a100_80gb_sxm4",
};

Deno.test("boot time: two minutes with one GPU, 15 for 8x A100 and 22 for 8x H100, as users record", () => {
  assertEquals(
    [
      "gpu_1x_a10",
      "gpu_1x_h100_sxm5",
      "gpu_1x_gh200",
      "gpu_8x_a100_80gb_sxm4",
      "gpu_8x_h100_sxm5",
      "gpu_8x_b200_sxm6",
    ].map(expectedBootMs),
    [2, 2, 2, 15, 22, 22].map((minutes) => minutes * MINUTE),
  );
  // In between, a straight line in the GPU count, to the second.
  assertEquals(expectedBootMs("gpu_2x_h100_sxm5"), 291_000);
  assertEquals(expectedBootMs({ gpus: 4, model: "h100" }), 634_000);
  // A model with no record at eight GPUs boots as the A100 does.
  assertEquals(expectedBootMs({ gpus: 8, model: "v100" }), 15 * MINUTE);
  assertEquals(expectedBootMs("gpu_4x_a6000"), 454_000);
  // A name not of Lambda's form, or no GPU at all: as one GPU.
  for (const odd of ["cpu_4x_general", "my-type", "", "gpu_8x_constructor_sxm"]) {
    assert(Number.isFinite(expectedBootMs(odd)), odd);
  }
  assertEquals(expectedBootMs("cpu_4x_general"), 2 * MINUTE);
  assertEquals(expectedBootMs({ gpus: 0, model: "" }), 2 * MINUTE);
  for (const model of ["a100", "h100", "a10"]) {
    const times = [1, 2, 4, 8].map((gpus) => expectedBootMs({ gpus, model }));
    assertEquals(times, [...times].sort((a, b) => a - b), model);
  }
});

async function launched(options: EmulatorOptions) {
  let now = Date.parse("2026-01-01T00:00:00Z");
  const emulator = testEmulator({ clock: { now: () => now }, ...options });
  const client = await keyed(emulatorClient(emulator));
  const ids: string[] = [];
  for (const body of [LAUNCH, A100, H100]) {
    ids.push((await client.instances.launch(body)).instance_ids[0]!);
  }
  const statusesAt = (minutes: number) => {
    now = Date.parse("2026-01-01T00:00:00Z") + minutes * MINUTE;
    return statuses(emulator, ids);
  };
  return statusesAt;
}

function statuses(emulator: LambdaEmulator, ids: string[]): string[] {
  const byId = new Map(emulator.instances().map((instance) => [instance.id, instance.status]));
  return ids.map((id) => byId.get(id)!);
}

Deno.test("boot time: the emulator's instances boot by their type by default", async () => {
  const at = await launched({});
  assertEquals(at(2), ["active", "booting", "booting"]);
  assertEquals(at(15), ["active", "active", "booting"]);
  assertEquals(at(22), ["active", "active", "active"]);
});

Deno.test("boot time: a number is every type's, numbers by name some types', the model the rest's", async () => {
  const fast = await launched({ timing: { bootMs: 1000 } });
  assertEquals(fast(1 / 60), ["active", "active", "active"]);
  const some = await launched({ timing: { bootMs: { gpu_8x_h100_sxm5: 30 * MINUTE } } });
  assertEquals(some(22), ["active", "active", "booting"]);
  assertEquals(some(30), ["active", "active", "active"]);
});

Deno.test("boot time: a bad boot option is refused before the emulator exists", () => {
  for (
    const [bootMs, type, message] of [
      [-1, RangeError, "'timing.bootMs' must be a finite number of zero or more, received -1"],
      [
        "1",
        TypeError,
        "'timing.bootMs' must be a number, or numbers by instance type name, received '1'",
      ],
      [
        { gpu_8x_h200: 1 },
        RangeError,
        "'timing.bootMs' must name instance types of the catalog, received 'gpu_8x_h200'",
      ],
      [
        { gpu_1x_a10: Number.NaN },
        TypeError,
        "'timing.bootMs.gpu_1x_a10' must be a number, received NaN",
      ],
    ] as const
  ) {
    assertThrows(
      () => testEmulator({ timing: { bootMs: bootMs as never } }),
      type,
      `Cannot create emulator: ${message}`,
    );
  }
});
