// How the command line finds what a reference names, in-process: an id or a name, a reference
// written as an id (always an id, whatever is named like it), and empty or blank references, which
// are refused rather than taken for a name.

import { assertEquals, assertMatch } from "@std/assert";
import { testEmulator } from "./_emulator.ts";
import { cliRunner, launchArgs, launched } from "./_cli.ts";
import { EXIT } from "../lib/cli/mod.ts";

Deno.test("cli name lookup: an empty or blank argument is refused, not taken for a name", async () => {
  const emulator = testEmulator();
  const run = cliRunner(emulator);
  await run(["ssh-keys", "add", "k"]);
  const [id] = await launched(run, "to-clear");
  // The API allows an empty name: such an instance must not answer to "$UNSET".
  await run(["api", "postInstance", "--path", `id=${id}`, "--body", '{"name": ""}']);
  emulator.clearRequests();
  for (
    const argv of [
      ["instances", "terminate", "", "--yes"],
      ["instances", "terminate", " \t", "--yes"],
      ["instances", "rename", id!, ""],
      ["ssh-keys", "delete", "", "--yes"],
      ["instances", "get", "--", ""],
      // The same for names given as options.
      [...launchArgs("gpu_1x_a10", "us-east-1", " ")],
      [...launchArgs(), "--firewall-ruleset", "\t"],
    ]
  ) {
    const result = await run(argv);
    assertEquals(result.code, EXIT.usage, argv.join(" "));
    assertMatch(
      result.err,
      /^error: (an argument must not be empty or blank, received '.*'|option '--[a-z-]+' needs a value, received '( |\\t)')/,
    );
  }
  assertEquals(emulator.requests.length, 0);
  assertEquals(emulator.instances()[0]!.status, "booting");
});

Deno.test("cli name lookup: a reference written as an id selects by id, never the one named like it", async () => {
  const emulator = testEmulator();
  const run = cliRunner(emulator);
  await run(["ssh-keys", "add", "k"]);
  const [a, b] = await launched(run, "prod-db", "scratch");
  // Someone names their scratch box with prod-db's id.
  await run(["instances", "rename", b!, a!]);
  const got = await run(["instances", "get", a!, "--json"]);
  assertEquals([got.code, JSON.parse(got.out).name], [EXIT.ok, "prod-db"]);
  const gone = await run(["instances", "terminate", a!, "--yes"]);
  assertEquals(gone.code, EXIT.ok, gone.err);
  assertEquals(emulator.instances().map((instance) => instance.status), ["terminating", "booting"]);
  // The same for SSH keys: the key with that id goes, not the one named with it.
  const key = JSON.parse((await run(["ssh-keys", "list", "--json"])).out)[0];
  await run(["api", "addSSHKey", "--body", JSON.stringify({ name: key.id })]);
  const asked = await cliRunner(emulator, { terminal: true })(["ssh-keys", "delete", key.id]);
  assertEquals([asked.code, asked.questions], [EXIT.cancelled, [
    `Delete the SSH key 'k' (${key.id})?`,
  ]]);
});

Deno.test("cli name lookup: an id nothing has is refused when an instance merely has it as its name", async () => {
  const emulator = testEmulator();
  const run = cliRunner(emulator);
  await run(["ssh-keys", "add", "k"]);
  // A stale id (its instance gone from the listing) that a teammate's instance is named with.
  const stale = "deadbeefdeadbeefdeadbeefdeadbeef";
  const [teammate] = await launched(run, stale);
  emulator.clearRequests();
  for (const argv of [["instances", "terminate", stale, "--yes"], ["instances", "get", stale]]) {
    const result = await run(argv);
    assertEquals(result.code, EXIT.notFound, argv.join(" "));
    assertEquals(
      result.err.split("\n")[0],
      `error: no instance has the id '${stale}': it is only the name of the instance ${teammate}, and a reference written as an id is always an id (give that id to mean it)`,
    );
  }
  assertEquals(emulator.requests.map((request) => request.method), ["GET", "GET"]);
  assertEquals(emulator.instances()[0]!.status, "booting");
  // An id that nothing lists or is named is still sent as an id, for the API to answer.
  const nobody = await run(["instances", "get", "0".repeat(32)]);
  assertEquals(nobody.code, EXIT.notFound);
});
