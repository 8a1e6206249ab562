// The emulator's guesses about production, each switched to its other choice: terminating twice,
// a launch with a shared key name, deleting a key in use, white space around a public key, a
// launch's `name: null`, a ticket's instance; the option checked, and each listed in
// docs/emulator.md.

import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import { emulatorClient, keyed, LAUNCH, MINUTE, raw, testEmulator } from "./_emulator.ts";
import { ConflictError, InvalidParametersError, LaunchOutcomeUnknownError } from "../mod.ts";
import { ASSUMPTIONS } from "../lib/testing/_assumptions.ts";
import { type EmulatorAssumptions, LambdaEmulator } from "../lib/testing/mod.ts";

/**
 * An emulator with `assumptions`. Not logged for the schema check when a choice answers what the
 * spec does not declare for its status (a 400 with a code the spec's 400 does not hold).
 */
function assuming(assumptions: EmulatorAssumptions, logged = true) {
  const clock = { now: () => Date.parse("2026-01-01T00:00:00Z") };
  const emulator = logged
    ? testEmulator({ assumptions })
    : new LambdaEmulator({ clock, rateLimit: false, assumptions });
  return { emulator, client: emulatorClient(emulator) };
}

Deno.test('assumptions: reterminate "200" terminates the others and lists every one as it is', async () => {
  const { emulator, client } = assuming({ reterminate: "200" });
  await keyed(client);
  const first = (await client.instances.launch(LAUNCH)).instance_ids[0]!;
  const second = (await client.instances.launch(LAUNCH)).instance_ids[0]!;
  await client.instances.terminate(first);
  const again = await raw(emulator, "POST", "/instance-operations/terminate", {
    instance_ids: [second, first],
  });
  assertEquals(again.status, 200);
  const listed = (again.json.data as { terminated_instances: { id: string; status: string }[] })
    .terminated_instances;
  assertEquals(listed.map((i) => [i.id, i.status]), [[second, "terminating"], [
    first,
    "terminating",
  ]]);
  emulator.advance(MINUTE); // both terminated, still listed: terminated once more, answered alike
  const settled = await client.instances.terminate([first, second]);
  assertEquals(settled.terminated_instances.map((i) => i.status), ["terminated", "terminated"]);
  assertEquals(
    emulator.requests.filter((r) => r.operationId === "terminateInstance").map((r) => r.status),
    [200, 200, 200],
  );
});

Deno.test('assumptions: sharedKeyName "400" refuses the launch for certain, so nothing is looked for', async () => {
  const { emulator, client } = assuming({ sharedKeyName: "400" }, false);
  await keyed(client);
  await client.sshKeys.create({ name: "k", public_key: "ssh-ed25519 AAAA second" });
  const launch = await raw(emulator, "POST", "/instance-operations/launch", LAUNCH);
  assertEquals([launch.status, launch.json.error?.code], [400, "global/unknown"]);
  emulator.clearRequests();
  const error = await assertRejects(() => client.instances.launch(LAUNCH), InvalidParametersError);
  assert(!(error instanceof LaunchOutcomeUnknownError));
  assertEquals(emulator.requests.map((r) => r.operationId), ["launchInstance"]);
});

Deno.test('assumptions: keyInUse "400" sends ssh-keys/key-in-use with a 400, still a ConflictError', async () => {
  const { client } = assuming({ keyInUse: "400" }, false);
  await keyed(client);
  const key = (await client.sshKeys.list())[0]!;
  await client.instances.launch(LAUNCH);
  const error = await assertRejects(() => client.sshKeys.delete(key.id), ConflictError);
  assertEquals([error.status, error.code], [400, "ssh-keys/key-in-use"]);
});

Deno.test('assumptions: publicKey "trimmed" stores a key without the white space around it', async () => {
  const padded = "  ssh-ed25519 AAAA laptop\n";
  for (const [publicKey, stored] of [["verbatim", padded], ["trimmed", padded.trim()]] as const) {
    const { emulator, client } = assuming({ publicKey });
    const added = await client.sshKeys.create({ name: "laptop", public_key: padded });
    assertEquals([added.public_key, (await client.sshKeys.list())[0]?.public_key], [
      stored,
      stored,
    ]);
    // Only white space: a key to store as it is, or none at all once trimmed.
    const blank = await raw(emulator, "POST", "/ssh-keys", { name: "blank", public_key: " \n" });
    assertEquals(
      [blank.status, blank.json.error?.code],
      publicKey === "verbatim" ? [200, undefined] : [400, "global/invalid-parameters"],
    );
  }
});

Deno.test('assumptions: nullName "absent" takes a launch\'s name: null as no name', async () => {
  for (const nullName of ["refused", "absent"] as const) {
    const { emulator, client } = assuming({ nullName });
    await keyed(client);
    const launch = await raw(emulator, "POST", "/instance-operations/launch", {
      ...LAUNCH,
      name: null,
    });
    if (nullName === "refused") {
      assertEquals([launch.status, launch.json.error?.code], [400, "global/invalid-parameters"]);
      assertEquals(emulator.instances(), []);
    } else {
      assertEquals(launch.status, 200);
      assertEquals(emulator.instances().map((instance) => "name" in instance), [false]);
    }
  }
});

Deno.test('assumptions: ticketDevice "affected-device" lists a new ticket\'s instance, IP and cluster in its affected devices', async () => {
  for (const ticketDevice of ["unlisted", "affected-device"] as const) {
    const { client } = assuming({ ticketDevice });
    const { id } = await client.tickets.create({
      subject: "A GPU is missing",
      description: "nvidia-smi shows 7 of 8",
      type: "incident",
      severity: "sev_2",
      instance_id: "0920582c7ff041399e34823a0be62549",
      ip: "10.0.0.7",
      cluster_id: "",
      affected_devices: ["gpu-3", "10.0.0.7"],
    });
    const { affected_devices } = await client.tickets.get(id);
    assertEquals(
      affected_devices,
      ticketDevice === "unlisted"
        ? ["gpu-3", "10.0.0.7"]
        : ["gpu-3", "10.0.0.7", "0920582c7ff041399e34823a0be62549"],
    );
  }
});

Deno.test("assumptions: the defaults are the first choices; a bad option is refused at once", () => {
  assertEquals(
    Object.fromEntries(Object.entries(ASSUMPTIONS).map(([name, choices]) => [name, choices[0]])),
    {
      reterminate: "500",
      sharedKeyName: "500",
      keyInUse: "409",
      publicKey: "verbatim",
      nullName: "refused",
      ticketDevice: "unlisted",
    },
  );
  for (
    const [assumptions, type, message] of [
      [
        { reterminate: "201" },
        RangeError,
        "'assumptions.reterminate' must be one of 500, 200, received '201'",
      ],
      [
        { keyInUse: 409 },
        RangeError,
        "'assumptions.keyInUse' must be one of 409, 400, received 409",
      ],
      [
        { retermiante: "200" },
        RangeError,
        "'assumptions' takes reterminate, sharedKeyName, keyInUse, publicKey, nullName, ticketDevice, received 'retermiante'",
      ],
      ["200", TypeError, "'assumptions' must be an object, received '200'"],
    ] as const
  ) {
    assertThrows(
      () => new LambdaEmulator({ assumptions: assumptions as never }),
      type,
      `Cannot create emulator: ${message}`,
    );
  }
});

Deno.test("assumptions: docs/emulator.md lists each one with every choice", async () => {
  const docs = await Deno.readTextFile(new URL("../docs/emulator.md", import.meta.url));
  for (const [name, choices] of Object.entries(ASSUMPTIONS)) {
    const row = docs.split("\n").find((line) => line.startsWith(`| \`${name}\``));
    assert(row, `no row for ${name}`);
    for (const choice of choices) assert(row.includes(`\`"${choice}"\``), `${name}: ${choice}`);
  }
});
