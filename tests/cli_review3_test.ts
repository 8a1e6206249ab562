// The command line against a third hostile review, in-process on a virtual clock: what must reach
// the user when stdout cannot take it (launched ids, generated keys), keys printed to pipes, `-q`
// and `--format` where they cannot apply, `lambda api`'s JSON and body fields, options checked
// before any question, `--json` for the version and a group named alone. What concerns the process
// itself (pipes, /dev/full, exit codes) runs through the real entrypoint in cli_process_test.ts.

import { assert, assertEquals, assertMatch } from "./_deps.ts";
import { testEmulator } from "./_emulator.ts";
import { FakeClock } from "./_fakes.ts";
import { cliRunner, launchArgs, type TerminalSetup } from "./_cli.ts";
import { EXIT } from "../lib/cli/mod.ts";
import { VERSION } from "../lib/version.ts";
import type { LambdaEmulator } from "../lib/testing/mod.ts";

const KEY_BEGIN = /^-----BEGIN OPENSSH PRIVATE KEY-----$/;

/** An emulator with the SSH key `k`, and a command line on it set up as `setup` says. */
async function withKey(setup: TerminalSetup = {}) {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock, timing: { bootMs: 1000 } });
  emulator.setCapacity("gpu_1x_a10", "us-east-1", 20);
  await cliRunner(emulator, { clock })([
    "ssh-keys",
    "add",
    "k",
    "--public-key",
    "ssh-ed25519 AAAA k",
  ]);
  emulator.clearRequests();
  return { emulator, run: cliRunner(emulator, { clock, ...setup }) };
}

/** The requests sent that may change something. */
function changes(emulator: LambdaEmulator): string[] {
  return emulator.requests.filter((request) => request.method !== "GET").map((request) =>
    `${request.method} ${request.operationId}`
  );
}

Deno.test("cli review 3: the ids of a launch whose stdout is lost go to stderr, and the run fails", async () => {
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
    const { error } = JSON.parse(json.err);
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

Deno.test("cli review 3: a change whose output is lost fails the run; a listing cut short does not", async () => {
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

Deno.test("cli review 3: a generated key whose stdout is lost reaches stderr: verbatim, or in JSON under --json", async () => {
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

Deno.test("cli review 3: a key Lambda generates is printed to a pipe or a file only when asked", async () => {
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

Deno.test("cli review 3: a CRLF private key is printed as it is; other text from the API stays escaped", async () => {
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

Deno.test("cli review 3: lambda api prints valid JSON in text, with DEL, C1 and bidi controls as JSON escapes", async () => {
  const { emulator, run } = await withKey();
  const name = "ev\x1b]52;c;SGVsbG8=\x07il\x9b31m\u202egnp.exe\x7f x";
  await run([...launchArgs(), "--name", name]);
  const id = emulator.instances()[0]!.id;
  const got = await run(["api", "getInstance", "--path", `id=${id}`]);
  assertEquals(got.code, EXIT.ok);
  // deno-lint-ignore no-control-regex
  assert(!/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]/.test(got.out), got.out);
  assertMatch(
    got.out,
    /"name": "ev\\u001b\]52;c;SGVsbG8=\\u0007il\\u009b31m\\u202egnp\.exe\\u007f x"/,
  );
  assertEquals(JSON.parse(got.out).name, name);
});

Deno.test("cli review 3: -q, --format and --no-header where they cannot apply are usage errors, before anything is sent", async () => {
  const { emulator, run } = await withKey();
  for (
    const [argv, message] of [
      [["api", "addSSHKey", "--body", '{"name": "x"}', "-q"], "'--quiet'"],
      [["api", "launchInstance", "--body", "{}", "-q"], "'--quiet'"],
      [["api", "listRegions", "--format", "OPERATION"], "'--format'"],
      [["api", "listRegions", "--no-header"], "'--no-header'"],
    ] as const
  ) {
    const result = await run([...argv]);
    assertEquals(result.code, EXIT.usage, argv.join(" "));
    assertEquals(
      result.err.split("\n")[0],
      `error: 'lambda api ${
        argv[1]
      }' prints the API's answer as JSON: ${message} does not apply (it applies to the list of operations, 'lambda api' alone)`,
    );
  }
  const completions = await run(["completions", "bash", "-q"]);
  assertEquals([completions.code, completions.err.split("\n")[0]], [
    EXIT.usage,
    "error: 'completions' prints no ids: '--quiet' does not apply",
  ]);
  assertEquals(emulator.requests.length, 0);
  // The list of operations still takes them.
  const ids = await run(["api", "-q"]);
  assertEquals([ids.code, ids.out.split("\n")[0]], [EXIT.ok, "addSSHKey"]);
  // And `audit -q` prints each event's id.
  const events = JSON.parse((await run(["audit", "--json"])).out);
  assertEquals(
    (await run(["audit", "-q"])).out,
    events.map((e: { event_id: string }) => e.event_id).join("\n"),
  );
});

Deno.test("cli review 3: lambda api refuses body fields the operation does not take, at any depth, before sending", async () => {
  const { emulator, run } = await withKey();
  await run([...launchArgs(), "--name", "t1"]);
  const id = emulator.instances()[0]!.id;
  emulator.clearRequests();
  for (
    const [argv, message] of [
      [
        ["api", "postInstance", "--path", `id=${id}`, "--body", '{"nmae": "x"}'],
        "error: Cannot update instance: 'body' of postInstance has no 'nmae' (it takes name, tags)",
      ],
      [
        ["api", "createFilesystem", "--body", '{"name": "fs", "regoin": "us-east-1"}'],
        "error: Cannot create filesystem: 'body' of createFilesystem has no 'regoin' (it takes name, region)",
      ],
      [
        [
          "api",
          "postInstance",
          "--path",
          `id=${id}`,
          "--body",
          '{"tags": [{"key": "team", "value": "ml", "colour": "red"}]}',
        ],
        "error: Cannot update instance: 'body.tags[0]' of postInstance has no 'colour' (it takes key, value)",
      ],
    ] as const
  ) {
    const result = await cliRunner(emulator, { terminal: true, answer: true })([...argv]);
    assertEquals([result.code, result.err.split("\n")[0]], [EXIT.usage, message]);
    assertEquals(result.questions, []); // refused before it asks
  }
  assertEquals(emulator.requests.length, 0);
  assertEquals(emulator.instances()[0]!.name, "t1");
});

Deno.test("cli review 3: lambda api takes a launch's quantity, which the API holds to one", async () => {
  const { emulator } = await withKey();
  const run = cliRunner(emulator, { terminal: true, answer: true });
  const body = (quantity: number) =>
    JSON.stringify({
      region_name: "us-east-1",
      instance_type_name: "gpu_1x_a10",
      ssh_key_names: ["k"],
      quantity,
    });
  // Sent as given, as every body of `lambda api` is: the API refuses it, and nothing launches.
  const two = await run(["api", "launchInstance", "--body", body(2)]);
  assertEquals(two.code, EXIT.failed, two.err);
  assertMatch(two.err, /Requested too many instances/);
  assertEquals(emulator.instances().length, 0);
  const one = await run(["api", "launchInstance", "--body", body(1)]);
  assertEquals(one.code, EXIT.ok, one.err);
  assertEquals(emulator.instances().length, 1);
});

Deno.test("cli review 3: every option is checked before the question, not after a yes", async () => {
  const { emulator, run: plain } = await withKey();
  await plain([...launchArgs(), "--name", "t1"]);
  await plain(["firewall", "rules", "set", "--rule", "tcp:22:0.0.0.0/0", "--yes"]);
  await plain(["instances", "tag", "t1", "team=ml", "--yes"]);
  emulator.clearRequests();
  const run = cliRunner(emulator, { terminal: true, answer: true });
  for (
    const [argv, code, message] of [
      [[...launchArgs(), "--wait", "--timeout", "abc"], EXIT.usage, /option '--timeout' must be/],
      [[...launchArgs(), "--user-data-file", "none"], EXIT.usage, /cannot read 'none'/],
      [[...launchArgs(), "--firewall-ruleset", "nosuch"], EXIT.notFound, /no firewall ruleset/],
      [[...launchArgs(), "--tag", "A=b"], EXIT.usage, /'tags\[0\]\.key'/],
      [["instances", "terminate", "t1", "--wait", "--interval=-1"], EXIT.usage, /'--interval'/],
      [["instances", "tag", "t1", "X=1"], EXIT.usage, /'tags\[0\]\.key'/],
      [["firewall", "rules", "set", "--rule", "tcp:99999:0.0.0.0/0"], EXIT.usage, /port from 1/],
      [["firewall", "global", "set", "--rule", "tcp:70000:0.0.0.0/0"], EXIT.usage, /port from 1/],
      [["firewall", "rulesets", "update", "x", "--rule", "udp:0:1.2.3.4"], EXIT.usage, /port/],
    ] as const
  ) {
    const result = await run([...argv]);
    assertEquals(result.questions, [], argv.join(" "));
    assertEquals(result.code, code, `${argv.join(" ")}: ${result.err}`);
    assertMatch(result.err, message);
  }
  assertEquals(changes(emulator), []);
  assertEquals(emulator.instances()[0]!.status, "booting");
});

Deno.test("cli review 3: under --json, the version is JSON and a group named alone is a JSON usage error", async () => {
  const run = cliRunner(testEmulator());
  const version = await run(["--version", "--json"]);
  assertEquals([version.code, JSON.parse(version.out)], [EXIT.ok, {
    program: "lambda",
    version: VERSION,
    package: "@lambda-cloud/client",
  }]);
  assertEquals((await run(["--version"])).out, `lambda ${VERSION} (@lambda-cloud/client)`);
  const group = await run(["instances", "--json"]);
  assertEquals([group.code, group.out], [EXIT.usage, ""]);
  const { error } = JSON.parse(group.err);
  assertEquals(error, {
    code: "cli/usage",
    message:
      "'lambda instances' needs a command: list, get, launch, rename, tag, restart, terminate, wait",
    suggestion: "Run 'lambda --help' for usage",
    request_id: null,
    exit_code: EXIT.usage,
  });
  // Help is text on stdout, as asked for, --json or not.
  const help = await run(["instances", "--help", "--json"]);
  assertEquals(help.code, EXIT.ok);
  assertMatch(help.out, /^lambda instances: 8 commands/);
});

Deno.test("cli review 3: launch --wait behind a gateway that sends the launch on twice terminates the extra", async () => {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock, timing: { bootMs: 1000 } });
  emulator.setCapacity("gpu_1x_a10", "us-east-1", 20);
  const doubling = async (request: Request) => {
    if (!request.url.endsWith("/launch")) return await emulator.fetch(request);
    await (await emulator.fetch(request.clone())).body?.cancel();
    return await emulator.fetch(request);
  };
  const run = cliRunner(emulator, { clock }, { fetch: doubling, rateLimit: false });
  await run(["ssh-keys", "add", "k", "--public-key", "ssh-ed25519 AAAA k"]);
  const result = await run([...launchArgs(), "--wait", "--json"]);
  assertEquals(result.code, EXIT.ok, result.err);
  const kept = JSON.parse(result.out).id;
  assertEquals(
    emulator.instances().map((instance) => [instance.id === kept, instance.status]).sort(),
    [[false, "terminating"], [true, "active"]],
  );
});

Deno.test("cli review 3: a later launch --wait with the token of a launch without --wait leaves that one alone", async () => {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock, timing: { bootMs: 1000 } });
  emulator.setCapacity("gpu_1x_a10", "us-east-1", 20);
  const run = cliRunner(emulator, { clock });
  await run(["ssh-keys", "add", "k", "--public-key", "ssh-ed25519 AAAA k"]);
  const first = JSON.parse((await run([...launchArgs(), "--json"])).out);
  const token =
    emulator.instances()[0]!.tags!.find((tag) => tag.key === "lambda-cloud-client:launch-token")!
      .value;
  const again = await run([
    ...launchArgs(),
    "--wait",
    "--tag",
    `lambda-cloud-client:launch-token=${token}`,
  ]);
  assertEquals(again.code, EXIT.ok, again.err);
  assertEquals(
    emulator.instances().find((instance) => instance.id === first.instance_ids[0])?.status,
    "active",
  );
});
