// The command line against what a hostile review tried: empty arguments and variables, names that
// look like ids, names that carry terminal escapes, listings without tags, malformed answers, a
// second Ctrl-C, options only the client checked. In-process, on a virtual clock.

import { assert, assertEquals, assertMatch } from "./_deps.ts";
import { testEmulator } from "./_emulator.ts";
import { FakeClock } from "./_fakes.ts";
import { cliRunner, launchArgs } from "./_cli.ts";
import { EXIT } from "../lib/cli/mod.ts";
import { Interruption, listenForInterrupts } from "../lib/cli/_interrupts.ts";
import { LAUNCH_TOKEN_KEY } from "../mod.ts";
import type { LambdaEmulator } from "../lib/testing/mod.ts";

/** Counts what is sent, and keeps the methods of the requests that change something. */
function counting(emulator: LambdaEmulator) {
  const sent: string[] = [];
  const fetch = (request: Request) => {
    sent.push(request.method);
    return emulator.fetch(request);
  };
  return { sent, fetch };
}

/** Launches instances named `names` through the command line, and returns their ids. */
async function launched(
  run: ReturnType<typeof cliRunner>,
  ...names: string[]
): Promise<string[]> {
  const ids: string[] = [];
  for (const name of names) {
    const result = await run([...launchArgs(), "--name", name, "--json"]);
    assertEquals(result.code, EXIT.ok, result.err);
    ids.push(JSON.parse(result.out).instance_ids[0]);
  }
  return ids;
}

Deno.test("cli review: LAMBDA_BASE_URL set but empty or blank is refused, never taken for unset", async () => {
  const emulator = testEmulator();
  const { sent, fetch } = counting(emulator);
  for (const value of ["", "  "]) {
    const run = cliRunner(emulator, { env: { LAMBDA_BASE_URL: value } }, {
      fetch,
      rateLimit: false,
    });
    for (const extra of [[], ["--dry-run"]]) {
      const result = await run(["instances", "terminate", "0".repeat(32), "--yes", ...extra]);
      assertEquals(result.code, EXIT.usage, result.err);
      assertMatch(result.err, /^error: LAMBDA_BASE_URL is set but empty, received '\s*'/);
      assert(!result.out.includes("cloud.lambda.ai"));
    }
  }
  assertEquals(sent, []);
});

Deno.test("cli review: an empty or blank argument is refused, not taken for a name", async () => {
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

Deno.test("cli review: a reference that is one's id and another's name is ambiguous, and asked questions name what goes", async () => {
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

Deno.test("cli review: a name that looks like an id but is nobody's id is found by its name", async () => {
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

Deno.test("cli review: names are shown with their control characters escaped; JSON stays exact", async () => {
  const emulator = testEmulator();
  const run = cliRunner(emulator);
  await run(["ssh-keys", "add", "k"]);
  const osc52 = "\x1b]52;c;bHMgLWxh\x07";
  const fake = `x\n${"f".repeat(32)}  scratch  active`;
  const [a, b] = await launched(run, osc52, fake);
  await run(["instances", "rename", b!, `${fake}\u202e\x9b`]);
  const list = await run(["instances", "list", "--format", "ID,NAME,STATUS"]);
  // Escaped before the columns are measured: they stay aligned.
  const names = ["\\x1b]52;c;bHMgLWxh\\x07", `x\\n${"f".repeat(32)}  scratch  active\\u202e\\x9b`];
  const width = Math.max(...names.map((name) => name.length));
  assertEquals(list.out.split("\n"), [
    `${"ID".padEnd(32)}  ${"NAME".padEnd(width)}  STATUS`,
    `${a}  ${names[0]!.padEnd(width)}  booting`,
    `${b}  ${names[1]!.padEnd(width)}  booting`,
  ]);
  const asked = await cliRunner(emulator, { terminal: true })(["instances", "terminate", a!]);
  assertEquals(asked.questions, [
    `Terminate '\\x1b]52;c;bHMgLWxh\\x07' ${a} (gpu_1x_a10, $0.75/h)? Its local disk is lost for good.`,
  ]);
  const json = JSON.parse((await run(["instances", "list", "--json"])).out);
  assertEquals(json.map((instance: { name: string }) => instance.name), [
    osc52,
    `${fake}\u202e\x9b`,
  ]);
  // Errors that quote a name escape it too.
  const missing = await run(["instances", "get", "no\x1b[2Jsuch"]);
  assertMatch(missing.err, /^error: no instance has the id or name 'no\\x1b\[2Jsuch'/);
});

Deno.test("cli review: instances tag reads an instance listed without tags, and refuses when they stay unknown", async () => {
  const emulator = testEmulator();
  const run = cliRunner(emulator);
  await run(["ssh-keys", "add", "k"]);
  await run([...launchArgs(), "--name", "victim", "--tag", "team=ml", "--tag", "cost=42"]);
  const before = emulator.instances()[0]!.tags!;
  assertEquals(before.length, 3); // the two given and the launch token
  // The listing carries no tags: the instance is read by id, and the removal is asked about.
  emulator.faults.inject({ kind: "untagged", operation: "listInstances", times: 10 });
  const refused = await run(["instances", "tag", "victim", "owner=bob"]);
  assertEquals(refused.code, EXIT.usage);
  assertMatch(refused.err, /asks before it changes this, and there is no terminal to ask on/);
  const asked = await cliRunner(emulator, { terminal: true })([
    "instances",
    "tag",
    "victim",
    "owner=bob",
  ]);
  assertEquals(asked.questions, ["Remove the tag(s) team=ml, cost=42 from victim?"]);
  // Not even a read by id gives them: nothing is replaced, --yes or not.
  emulator.faults.inject({ kind: "untagged", operation: "getInstance", times: 10 });
  const unknown = await run(["instances", "tag", "victim", "owner=bob", "--yes"]);
  assertEquals(unknown.code, EXIT.failed);
  assertMatch(
    unknown.err,
    /^error: Cannot tag instance '[0-9a-f]{32}': the API did not say which tags it has, so replacing them could remove tags unseen: nothing was changed/,
  );
  assertEquals(emulator.instances()[0]!.tags, before);
  assertEquals(emulator.requests.filter((request) => request.method === "POST").length, 2); // key, launch
});

Deno.test("cli review: a launch of unknown outcome with an untagged listing gets advice that works", async () => {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock });
  const run = cliRunner(emulator, { clock });
  await run(["ssh-keys", "add", "k"]);
  emulator.faults.inject({ kind: "lost-answer", operation: "launchInstance" });
  emulator.faults.inject({ kind: "untagged", operation: "listInstances", times: 1000 });
  // Reads by id give no tags either, for the launch's own lookup.
  const blindReads = emulator.faults.inject({
    kind: "untagged",
    operation: "getInstance",
    times: 1000,
  });
  const launch = await run([...launchArgs(), "--name", "job-7"]);
  blindReads.remove();
  assertEquals(launch.code, EXIT.unavailable);
  const token = emulator.instances()[0]!.tags!.find((tag) => tag.key === LAUNCH_TOKEN_KEY)!.value;
  const [message, suggestion] = launch.err.split("\n");
  assertMatch(message!, new RegExp(`launch token '${token}' cannot be seen; it may still appear`));
  assert(!launch.err.includes("client.instances"), launch.err); // no library advice on a CLI
  assertEquals(
    suggestion,
    `  suggestion: The instance listing carries no tags. Before launching again, look for it: lambda instances list --tag ${LAUNCH_TOKEN_KEY}=${token} (which reads each instance's tags by id), or look for a new instance ('job-7', gpu_1x_a10 in us-east-1) in 'lambda instances list', and check its tags with 'lambda instances get <id>'`,
  );
  // The suggested line finds it, though the listing has no tags.
  const found = await run(["instances", "list", "--tag", `${LAUNCH_TOKEN_KEY}=${token}`, "-q"]);
  assertEquals([found.code, found.out, found.err], [EXIT.ok, emulator.instances()[0]!.id, ""]);
  // Where not even a read by id gives tags, the list says so rather than print "(none)" alone.
  emulator.faults.inject({ kind: "untagged", operation: "getInstance", times: 1000 });
  const blind = await run(["instances", "list", "--tag", `${LAUNCH_TOKEN_KEY}=${token}`]);
  assertEquals(blind.out, "(none)");
  assertMatch(
    blind.err,
    /^warning: the API gave no tags for [0-9a-f]{32}, even read one by one, so whether they carry the tag cannot be told/,
  );
});

Deno.test("cli review: a second Ctrl-C says what may be left billing: the launch token, then the instance", async () => {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock, timing: { bootMs: 3_600_000 } });
  const controller = new AbortController();
  let leaving: ((code: number) => void) | undefined;
  const sentTokens: string[] = [];
  let stage: "launch" | "wait" | undefined;
  const run = cliRunner(emulator, { clock }, {
    fetch: async (request) => {
      const path = new URL(request.url).pathname;
      if (stage === "launch" && path.endsWith("/launch")) {
        const body = await request.clone().json();
        sentTokens.push(
          body.tags.find((tag: { key: string }) => tag.key === LAUNCH_TOKEN_KEY).value,
        );
        // Ctrl-C twice while the launch is in flight: the second leaves at once.
        controller.abort(new Error("interrupted (Ctrl-C)"));
        leaving!(130);
      }
      const response = await emulator.fetch(request);
      if (stage === "wait" && request.method === "GET" && /\/instances\/\w+$/.test(path)) {
        controller.abort(new Error("interrupted (Ctrl-C)"));
        leaving!(130);
        stage = undefined;
      }
      return response;
    },
    rateLimit: false,
    interrupts: (leave) => {
      leaving = leave;
      return controller.signal;
    },
  });
  await run(["ssh-keys", "add", "k"]);
  stage = "launch";
  const inFlight = await run([...launchArgs(), "--wait"]);
  const [token] = sentTokens;
  assertEquals(inFlight.err.split("\n").slice(0, 2), [
    `error: interrupted again, so it left at once while launching: the launch may have gone through, and bills if it did (launch token '${token}')`,
    `  suggestion: Before launching again, look for it: lambda instances list --tag ${LAUNCH_TOKEN_KEY}=${token} (then terminate what it lists)`,
  ]);
  assertEquals(
    inFlight.progress[0],
    "Stopping: finding out whether the launch went through (Ctrl-C again to leave at once)",
  );
});

Deno.test("cli review: a second Ctrl-C during the wait names the instance, as JSON under --json", async () => {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock, timing: { bootMs: 3_600_000 } });
  const controller = new AbortController();
  let leaving: ((code: number) => void) | undefined;
  let armed = false;
  const run = cliRunner(emulator, { clock }, {
    fetch: async (request) => {
      const response = await emulator.fetch(request);
      if (armed && request.method === "GET" && /\/instances\/\w+$/.test(request.url)) {
        armed = false;
        controller.abort(new Error("interrupted (Ctrl-C)"));
        leaving!(130);
      }
      return response;
    },
    rateLimit: false,
    interrupts: (leave) => {
      leaving = leave;
      return controller.signal;
    },
  });
  await run(["ssh-keys", "add", "k"]);
  armed = true;
  const result = await run([...launchArgs(), "--wait", "--json"]);
  const id = emulator.instances()[0]!.id;
  const lines = result.err.split("\n").map((line) => JSON.parse(line));
  const error = lines.find((line) => line.error?.code === "cli/interrupted")!.error;
  assertEquals(error, {
    code: "cli/interrupted",
    message:
      `interrupted again, so it left at once: ${id} may still be running, and bills until terminated (it was not seen terminating)`,
    suggestion: `lambda instances terminate ${id}`,
    request_id: null,
    exit_code: 130,
    launch_token: emulator.instances()[0]!.tags!.find((tag) => tag.key === LAUNCH_TOKEN_KEY)!.value,
    instance_ids: [id],
  });
});

Deno.test("cli review: --dry-run of a launch prints the request at once, with or without --wait", async () => {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock });
  const run = cliRunner(emulator, { clock });
  await run(["ssh-keys", "add", "k"]);
  emulator.clearRequests();
  const started = clock.now();
  for (const extra of [[], ["--wait"]]) {
    const result = await run([...launchArgs(), ...extra, "--dry-run"]);
    assertEquals(result.code, EXIT.ok, result.err);
    assertMatch(result.out, /^Dry run: nothing was changed\. The request would be:\nPOST /);
  }
  // No looking for the launch the dry run never sent: no listing, no time spent.
  assertEquals(emulator.requests.length, 0);
  assertEquals(clock.now(), started);
});

Deno.test("cli review: every option is checked before anything is sent, in the units given", async () => {
  const emulator = testEmulator();
  const run = cliRunner(emulator);
  await run(["ssh-keys", "add", "k"]);
  const [id] = await launched(run, "a");
  emulator.clearRequests();
  for (const [flag, value] of [["--timeout", "3000000"], ["--interval", "1e12"]]) {
    const result = await run(["instances", "terminate", "a", "--yes", "--wait", flag!, value!]);
    assertEquals(result.code, EXIT.usage);
    assertEquals(
      result.err.split("\n")[0],
      `error: option '${flag}' must be a number of seconds above 0 and at most 2147483 (about 24 days), received '${value}'`,
    );
  }
  assertEquals(emulator.requests.length, 0);
  assertEquals(emulator.instances().find((instance) => instance.id === id)!.status, "booting");
});

Deno.test("cli review: a failure once a change was sent is no usage error (2, nothing changed)", async () => {
  const emulator = testEmulator();
  const run = cliRunner(emulator);
  // The client reads the answer's shape (a list here), not every item: a rule that is null
  // makes the command fail as it prints, after the rules were replaced.
  emulator.override("firewallRulesSet", () => Response.json({ data: [null] }), { times: 1 });
  const replaced = await run(["firewall", "rules", "set", "--rule", "tcp:22:0.0.0.0/0", "--yes"]);
  assertEquals(replaced.code, EXIT.failed);
  assertMatch(
    replaced.err,
    /^error: .* \(after a request that changes something was sent: it may have taken effect\)$/,
  );
  // The same failure before anything that changes things was sent is still a 2.
  emulator.override("firewallRulesList", () => Response.json({ data: [null] }), { times: 1 });
  assertEquals((await run(["firewall", "rules", "list"])).code, EXIT.usage);
  // A terminate answered {"data": {}} (a proxy) neither crashes nor claims nothing changed.
  await run(["ssh-keys", "add", "k"]);
  const [id] = await launched(run, "victim");
  emulator.override("terminateInstance", () => Response.json({ data: {} }), { times: 1 });
  const terminated = await run(["instances", "terminate", "victim", "--yes", "--json"]);
  assertEquals(terminated.code, EXIT.ok, terminated.err);
  assertEquals(JSON.parse(terminated.out)[0].id, id);
  assertEquals(emulator.instances()[0]!.status, "terminating");
});

Deno.test("cli review: under --json every line on stderr is JSON, rate-limit waits included", async () => {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock });
  const run = cliRunner(emulator, { clock });
  emulator.faults.inject({
    kind: "rate-limit",
    operation: "listRegions",
    times: 2,
    retryAfterSeconds: 5,
  });
  const result = await run(["regions", "--json"]);
  assertEquals(result.code, EXIT.ok);
  JSON.parse(result.out);
  const lines = result.err.split("\n").map((line) => JSON.parse(line));
  assertEquals(lines.length, 2);
  for (const line of lines) {
    assertMatch(line.progress, /^Rate limited by the API: trying again in \d+\.\d s/);
  }
  assertEquals(result.progress, []); // not a line rewritten in place
});

Deno.test("cli review: a generated key that cannot be saved is shown even with -q", async () => {
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

Deno.test("cli review: a malformed API key is an authentication error, and is not echoed", async () => {
  const emulator = testEmulator();
  const { sent, fetch } = counting(emulator);
  for (const key of ["secret_abc\ndef123", "secret_abc def123", "secret_abc\u00e9def123"]) {
    const run = cliRunner(emulator, { env: { LAMBDA_API_KEY: key } }, { fetch, rateLimit: false });
    const result = await run(["regions"]);
    assertEquals(result.code, EXIT.auth);
    assertMatch(result.err, /^error: LAMBDA_API_KEY is not a valid API key: it holds a space/);
    assert(!result.err.includes("def123"));
  }
  assertEquals(sent, []);
});

Deno.test("cli review: Ctrl-C and SIGTERM stop the run; a second leaves at once, after its last words", () => {
  for (
    const [first, second, code] of [["SIGINT", "SIGINT", 130], ["SIGTERM", "SIGINT", 130], [
      "SIGTERM",
      "SIGTERM",
      143,
    ]] as const
  ) {
    const handlers = new Map<string, () => void>();
    const exits: number[] = [];
    const said: number[] = [];
    const signal = listenForInterrupts({
      addSignalListener: (name, handler) => handlers.set(name, handler),
      exit: (exitCode) => {
        exits.push(exitCode);
        return undefined as never;
      },
    })((exitCode) => said.push(exitCode));
    handlers.get(first)!();
    assert(signal.reason instanceof Interruption);
    assertEquals([signal.reason.signal, exits], [first, []]);
    handlers.get(second)!();
    assertEquals([said, exits], [[code], [code]]);
  }
  // Where SIGTERM and SIGHUP cannot be listened for (Windows), Ctrl-C still works.
  const handlers = new Map<string, () => void>();
  const signal = listenForInterrupts({
    addSignalListener: (name, handler) => {
      if (name !== "SIGINT") throw new TypeError("Windows only supports ctrl-c and ctrl-break");
      handlers.set(name, handler);
    },
    exit: () => undefined as never,
  })(() => {});
  handlers.get("SIGINT")!();
  assertEquals([signal.aborted, [...handlers.keys()]], [true, ["SIGINT"]]);
});

Deno.test("cli review: a generated key whose stdout reader has gone is written to stderr, and the run fails", async () => {
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

Deno.test("cli review: a launch listed without a usable id is said to bill, with where to find it", async () => {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock });
  const run = cliRunner(emulator, { clock });
  await run(["ssh-keys", "add", "k"]);
  emulator.faults.inject({ kind: "lost-answer", operation: "launchInstance" });
  // The listing shows the launched instance, its id mangled into a number.
  emulator.override("listInstances", () =>
    Response.json({
      data: emulator.instances().map((instance) => ({ ...instance, id: 7 })),
    }));
  const launch = await run(launchArgs());
  const token = emulator.instances()[0]!.tags!.find((tag) => tag.key === LAUNCH_TOKEN_KEY)!.value;
  const [message, suggestion] = launch.err.split("\n");
  assertEquals(launch.code, EXIT.unavailable);
  assertMatch(
    message!,
    new RegExp(`launch token '${token}' is listed without a usable id \\(received 7\\); it bills`),
  );
  assertEquals(
    suggestion,
    `  suggestion: It launched, and bills until terminated, but Lambda listed it without a usable id: find it in Lambda's console by its tag ${LAUNCH_TOKEN_KEY}=${token}, and terminate it there`,
  );
  assertEquals(emulator.requests.filter((r) => r.operationId === "launchInstance").length, 1);
});
