// A private key Lambda generates exists nowhere else, so the command line prints it only where it
// cannot be lost: to a pipe or a file only when asked, as it is (CRLF and all), and on stderr even
// under -q when it cannot be saved. That it is saved before it is shown is in cli_safety_test.ts;
// a key whose stdout is lost, in cli_lost_output_test.ts.

import { assertEquals, assertMatch } from "@std/assert";
import { testEmulator } from "./_emulator.ts";
import { cliRunner, KEY_BEGIN } from "./_cli.ts";
import { EXIT } from "../lib/cli/mod.ts";

Deno.test("cli generated keys: a key Lambda generates is printed to a pipe or a file only when asked", async () => {
  const emulator = testEmulator();
  const run = cliRunner(emulator, { stdoutTerminal: false });
  for (
    const argv of [
      ["ssh-keys", "add", "a"],
      ["ssh-keys", "add", "a", "--json"],
      ["api", "addSSHKey", "--body", '{"name": "a"}'],
    ]
  ) {
    const refused = await run(argv);
    assertEquals(refused.code, EXIT.usage, argv.join(" "));
    assertMatch(
      argv.includes("--json") ? `error: ${JSON.parse(refused.err).error.message}` : refused.err,
      /^error: the generated private key would be printed to a pipe or a file, where a reader that stops early \(\| head -1\) loses the rest for good, since Lambda keeps no copy: .*, or '--print-private-key' to print it anyway/,
    );
  }
  assertEquals(emulator.requests.length, 0);
  const asked = await run(["ssh-keys", "add", "a", "--print-private-key"]);
  assertEquals(asked.code, EXIT.ok);
  assertMatch(asked.out.split("\n")[2]!, KEY_BEGIN);
  const raw = await run(["api", "addSSHKey", "--body", '{"name": "b"}', "--print-private-key"]);
  assertMatch(JSON.parse(raw.out).private_key, /PRIVATE KEY/);
  // An uploaded key, or one saved to a file, prints no private key: nothing to ask.
  assertEquals((await run(["ssh-keys", "add", "c", "--public-key", "ssh-ed25519 AAAA c"])).code, 0);
  assertEquals((await run(["ssh-keys", "add", "d", "--save-private-key", "d.pem"])).code, 0);
  const misplaced = await run([
    "ssh-keys",
    "add",
    "e",
    "--public-key",
    "ssh-ed25519 AAAA e",
    "--print-private-key",
  ]);
  assertEquals(misplaced.code, EXIT.usage);
  const keys = JSON.parse((await cliRunner(emulator)(["ssh-keys", "list", "--json"])).out);
  assertEquals(keys.map((key: { name: string }) => key.name), ["a", "b", "c", "d"]);
});

Deno.test("cli generated keys: a CRLF private key is printed as it is; other text from the API stays escaped", async () => {
  const emulator = testEmulator();
  const crlf =
    "-----BEGIN OPENSSH PRIVATE KEY-----\r\nb3BlbnNzaA==\r\n-----END OPENSSH PRIVATE KEY-----\r\n";
  emulator.override("addSSHKey", () =>
    Response.json({
      data: {
        id: "f".repeat(32),
        name: "crlf\rkey",
        public_key: "ssh-ed25519 AAAA",
        private_key: crlf,
      },
    }));
  const shown = await cliRunner(emulator)(["ssh-keys", "add", "crlf"]);
  assertEquals(shown.out.split("\n"), [
    `Added SSH key 'crlf\\rkey' (${"f".repeat(32)})`,
    "Its private key, shown this once (Lambda keeps no copy):",
    "-----BEGIN OPENSSH PRIVATE KEY-----\r",
    "b3BlbnNzaA==\r",
    "-----END OPENSSH PRIVATE KEY-----\r",
  ]);
  // Rescued to stderr, still as it is.
  const rescued = await cliRunner(emulator, { stdoutGone: true })(["ssh-keys", "add", "crlf"]);
  assertEquals(rescued.err.split("\n").slice(1), [
    "-----BEGIN OPENSSH PRIVATE KEY-----\r",
    "b3BlbnNzaA==\r",
    "-----END OPENSSH PRIVATE KEY-----\r",
  ]);
  // And when it cannot be saved, under -q, on stderr as it is.
  const quiet = await cliRunner(emulator, { failingWrites: new Set(["k.pem"]) })([
    "ssh-keys",
    "add",
    "crlf",
    "--save-private-key",
    "k.pem",
    "-q",
  ]);
  assertEquals(quiet.err.split("\n").slice(1), [
    "-----BEGIN OPENSSH PRIVATE KEY-----\r",
    "b3BlbnNzaA==\r",
    "-----END OPENSSH PRIVATE KEY-----\r",
  ]);
});

Deno.test("cli generated keys: a generated key that cannot be saved is shown even with -q", async () => {
  const emulator = testEmulator();
  const run = cliRunner(emulator, { failingWrites: new Set(["full.pem"]) });
  const quiet = await run(["ssh-keys", "add", "q", "--save-private-key", "full.pem", "-q"]);
  assertEquals(quiet.code, EXIT.failed);
  assertMatch(quiet.out, /^[0-9a-f]{32}$/); // stdout still holds the id alone
  assertMatch(
    quiet.err,
    /^warning: could not save the private key to 'full\.pem' \(disk full\); here it is, this once, since Lambda keeps no copy\n-----BEGIN OPENSSH PRIVATE KEY-----\n/,
  );
  const json = await run(["ssh-keys", "add", "j", "--save-private-key", "full.pem", "--json"]);
  assertEquals(json.code, EXIT.failed);
  assertMatch(JSON.parse(json.out).private_key, /^-----BEGIN OPENSSH PRIVATE KEY-----/);
  assertMatch(JSON.parse(json.err).warning, /it is in the JSON output, this once/);
});
