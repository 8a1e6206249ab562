// How the command line finds what a reference names, in-process: an id or a name, a reference that
// is one thing's id and another's name (ambiguous, and refused), a name that looks like an id, and
// empty or blank references, which are refused rather than taken for a name.

import { assertEquals, assertMatch } from "./_deps.ts";
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
      [
        "instances",
        "launch",
        "--type",
        "gpu_1x_a10",
        "--region",
        "us-east-1",
        "--ssh-key",
        "k",
        "--firewall-ruleset",
        "\t",
      ],
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

Deno.test("cli name lookup: a reference that is one's id and another's name is ambiguous, and asked questions name what goes", async () => {
  const emulator = testEmulator();
  const run = cliRunner(emulator);
  await run(["ssh-keys", "add", "k"]);
  const [a, b] = await launched(run, "prod-db", "scratch");
  // Someone names their scratch box with prod-db's id.
  await run(["instances", "rename", b!, a!]);
  emulator.clearRequests();
  for (const argv of [["instances", "terminate", a!, "--yes"], ["instances", "get", a!]]) {
    const result = await run(argv);
    assertEquals(result.code, EXIT.usage, argv.join(" "));
    assertEquals(
      result.err.split("\n")[0],
      `error: '${a}' is the id of the instance 'prod-db' (${a}) and the name of the instance ${b}: rename the one named like an id first, or use 'lambda api' with the id`,
    );
  }
  assertEquals(emulator.requests.map((request) => request.method), ["GET", "GET"]);
  assertEquals(emulator.instances().map((instance) => instance.status), ["booting", "booting"]);
  // The same for SSH keys.
  const key = JSON.parse((await run(["ssh-keys", "list", "--json"])).out)[0];
  await run(["api", "addSSHKey", "--body", JSON.stringify({ name: key.id })]);
  const keys = await run(["ssh-keys", "delete", key.id, "--yes"]);
  assertEquals(keys.code, EXIT.usage);
  assertMatch(keys.err, /is the id of the SSH key 'k' .* and the name of the SSH key/);
  assertEquals(JSON.parse((await run(["ssh-keys", "list", "--json"])).out).length, 2);
  // A delete says which key goes, by name and id.
  const asked = await cliRunner(emulator, { terminal: true })(["ssh-keys", "delete", "k"]);
  assertEquals([asked.code, asked.questions], [EXIT.cancelled, [
    `Delete the SSH key 'k' (${key.id})?`,
  ]]);
});

Deno.test("cli name lookup: a name that looks like an id but is nobody's id is found by its name", async () => {
  const emulator = testEmulator();
  const run = cliRunner(emulator);
  await run(["ssh-keys", "add", "k"]);
  const [id] = await launched(run, "deadbeefdeadbeefdeadbeefdeadbeef");
  const got = await run(["instances", "get", "deadbeefdeadbeefdeadbeefdeadbeef", "-q"]);
  assertEquals([got.code, got.out], [EXIT.ok, id]);
  // An id that nothing lists is still sent as an id, for the API to answer.
  const gone = await run(["instances", "get", "0".repeat(32)]);
  assertEquals(gone.code, EXIT.notFound);
});
