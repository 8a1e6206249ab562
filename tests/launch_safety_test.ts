// No sequence of faults makes one launch call bill twice: a seeded storm of faults on launches
// and on the listings that reconcile them.

import { assert, assertEquals, assertMatch } from "./_deps.ts";
import { emulatorClient, testEmulator } from "./_emulator.ts";
import { FakeClock } from "./_fakes.ts";
import { LambdaCloudError } from "../mod.ts";
import type { FaultKind } from "../lib/testing/mod.ts";

const LAUNCH = {
  region_name: "us-east-1",
  instance_type_name: "gpu_1x_a10",
  ssh_key_names: ["k"] as [string],
};
const LAUNCH_FAULTS: FaultKind[] = [
  "lost-answer",
  "drop",
  "server-error",
  "provider-unavailable",
  "proxy-html",
  "truncate",
  "rate-limit",
  "slow",
];

Deno.test("a storm of faults never turns one launch call into two instances", async () => {
  const outcomes = { launched: 0, foundAfterLostAnswer: 0, failedClean: 0, failedMaybeLaunched: 0 };
  for (let seed = 1; seed <= 60; seed++) {
    const clock = new FakeClock();
    const emulator = testEmulator({ seed, clock });
    emulator.setCapacity("gpu_1x_a10", "us-east-1", 1000);
    const client = emulatorClient(emulator, { clock, maxRetries: 3, timeout: 10 });
    await client.sshKeys.create({ name: "k" });
    for (const kind of LAUNCH_FAULTS) {
      emulator.faults.inject({
        kind,
        operation: "launchInstance",
        probability: 0.12,
        retryAfterSeconds: 1,
        delayMs: 1000,
      });
    }
    emulator.faults.inject({ kind: "drop", operation: "listInstances", probability: 0.3 });
    emulator.faults.inject({ kind: "server-error", operation: "listInstances", probability: 0.3 });

    for (let call = 0; call < 5; call++) {
      const before = new Set(emulator.instances().map((instance) => instance.id));
      const faultsBefore = emulator.requests.filter((request) => request.fault === "lost-answer")
        .length;
      let result: { instance_ids: string[] } | undefined;
      let error: unknown;
      try {
        result = await client.instances.launch(LAUNCH);
      } catch (caught) {
        error = caught;
      }
      const added = emulator.instances().map((instance) => instance.id).filter((id) =>
        !before.has(id)
      );
      assert(added.length <= 1, `seed ${seed}, call ${call}: ${added.length} instances`);
      if (result) {
        assertEquals(result.instance_ids, added, `seed ${seed}, call ${call}`);
        const lost = emulator.requests.filter((request) => request.fault === "lost-answer").length;
        if (lost > faultsBefore) outcomes.foundAfterLostAnswer++;
        else outcomes.launched++;
      } else {
        assert(error instanceof LambdaCloudError, `seed ${seed}: ${String(error)}`);
        if (added.length === 1) {
          // It did launch, and the caller is told so, with the tag to look for.
          assertMatch(error.message, /may have been launched and billed anyway: look for the tag/);
          outcomes.failedMaybeLaunched++;
        } else {
          outcomes.failedClean++;
        }
      }
    }
  }
  // The storm must have exercised every path, or it proves little.
  assert(Object.values(outcomes).every((count) => count > 0), JSON.stringify(outcomes));
  assertEquals(Object.values(outcomes).reduce((sum, count) => sum + count, 0), 300);
});
