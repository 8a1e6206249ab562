// What exists nowhere else reaches the user when stdout cannot take it (its reader has gone, or
// its disk is full), in-process: the ids of a launch, the ids a change held, a generated private
// key; and a listing cut short by its reader is no failure. The same through the real entrypoint,
// with pipes and /dev/full, is in cli_process_test.ts.

import { assertEquals, assertMatch } from "@std/assert";
import { testEmulator } from "./_emulator.ts";
import { cliRunner, KEY_BEGIN, launchArgs, type TerminalSetup, withKey } from "./_cli.ts";
import { EXIT } from "../lib/cli/mod.ts";

Deno.test("cli lost output: the ids of a launch whose stdout is lost go to stderr, and the run fails", async () => {
  const full = Object.assign(new Error("No space left on device (os error 28)"), { name: "Other" });
  for (const setup of [{ stdoutGone: true }, { stdoutError: full }] as TerminalSetup[]) {
    const { emulator, run } = await withKey(setup);
    for (const extra of [[], ["-q"], ["--wait"]]) {
      const result = await run([...launchArgs(), ...extra]);
      const id = emulator.instances().at(-1)!.id;
      assertEquals(result.code, EXIT.failed, result.err);
      const why = setup.stdoutGone
        ? "the output's reader has gone"
        : "cannot write the output \\(No space left on device \\(os error 28\\)\\)";
      assertMatch(
        result.err,
        new RegExp(`^error: ${why}, and it held what exists nowhere else; here it is\n${id}$`),
      );
    }
    // Under --json, one JSON error on stderr, with the ids in a field.
    const json = await run([...launchArgs(), "--json"]);
    const { error } = JSON.parse(json.err.split("\n").at(-1)!);
    assertEquals([json.code, error.code, error.exit_code], [
      EXIT.failed,
      "cli/output-lost",
      EXIT.failed,
    ]);
    assertEquals(error.instance_ids, [emulator.instances().at(-1)!.id]);
    // Through `lambda api` too.
    const raw = await run([
      "api",
      "launchInstance",
      "--body",
      JSON.stringify({
        region_name: "us-east-1",
        instance_type_name: "gpu_1x_a10",
        ssh_key_names: ["k"],
      }),
    ]);
    assertEquals(raw.code, EXIT.failed);
    assertEquals(raw.err.split("\n").at(-1), emulator.instances().at(-1)!.id);
  }
});

Deno.test("cli lost output: a change whose output is lost fails the run; a listing cut short does not", async () => {
  const { emulator, run } = await withKey({ stdoutGone: true });
  const launched = JSON.parse((await cliRunner(emulator)([...launchArgs(), "--json"])).out)
    .instance_ids[0];
  const renamed = await run(["instances", "rename", launched, "new-name"]);
  assertEquals(renamed.code, EXIT.failed);
  assertEquals(renamed.err.split("\n"), [
    "error: the output's reader has gone, after a change was sent; the ids it held follow",
    launched,
  ]);
  assertEquals(emulator.instances()[0]!.name, "new-name");
  // `lambda instances list | head -1`: the reader had what it wanted.
  assertEquals((await run(["instances", "list"])).code, EXIT.ok);
  // A write that failed (a full disk) fails even a listing, whose output was wanted.
  const full = Object.assign(new Error("No space left on device (os error 28)"), { name: "Other" });
  const listed = await cliRunner(emulator, { stdoutError: full })(["instances", "list"]);
  assertEquals([listed.code, listed.err], [
    EXIT.failed,
    "error: cannot write the output (No space left on device (os error 28))",
  ]);
});

Deno.test("cli lost output: a generated key whose stdout is lost reaches stderr: verbatim, or in JSON under --json", async () => {
  const emulator = testEmulator();
  const run = cliRunner(emulator, { stdoutGone: true });
  const text = await run(["ssh-keys", "add", "t"]);
  const [message, ...key] = text.err.split("\n");
  assertEquals([text.code, message], [
    EXIT.failed,
    "error: the output's reader has gone, and it held what exists nowhere else; here it is",
  ]);
  assertMatch(key[0]!, KEY_BEGIN);
  const json = await run(["ssh-keys", "add", "j", "--json"]);
  assertEquals(json.code, EXIT.failed);
  const lines = json.err.split("\n");
  assertEquals(lines.length, 1);
  const { error } = JSON.parse(lines[0]!);
  const keys = JSON.parse((await cliRunner(emulator)(["ssh-keys", "list", "--json"])).out);
  assertEquals(
    [error.code, error.exit_code, error.ssh_key_id],
    ["cli/output-lost", EXIT.failed, keys.find((key: { name: string }) => key.name === "j").id],
  );
  assertMatch(error.private_key, /^-----BEGIN OPENSSH PRIVATE KEY-----\n[\s\S]*-----END/);
  // `lambda api addSSHKey` too.
  const raw = await run(["api", "addSSHKey", "--body", '{"name": "r"}']);
  assertEquals(raw.code, EXIT.failed);
  assertMatch(raw.err.split("\n")[1]!, KEY_BEGIN);
});

Deno.test("cli lost output: a generated key whose stdout reader has gone is written to stderr, and the run fails", async () => {
  const emulator = testEmulator();
  const run = cliRunner(emulator, { stdoutGone: true });
  const added = await run(["ssh-keys", "add", "k"]); // as in `lambda ssh-keys add k | true`
  assertEquals(added.code, EXIT.failed);
  const [warning, ...key] = added.err.split("\n");
  assertMatch(
    warning!,
    /^error: the output's reader has gone, and it held what exists nowhere else/,
  );
  assertMatch(key[0]!, /^-----BEGIN .*PRIVATE KEY-----$/);
  assertMatch(key.at(-1)!, /^-----END .*PRIVATE KEY-----$/);
  // A run whose output was not secret is not failed for a reader that left (`| head -1`).
  assertEquals((await run(["ssh-keys", "list"])).code, EXIT.ok);
});
