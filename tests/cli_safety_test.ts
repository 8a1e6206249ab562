// The command line's safety rules with money and access, in-process on a virtual clock. The same
// rules run once more through the real Deno entrypoint in cli_entrypoint_test.ts. Among them: a
// base URL or an API key that is empty or malformed is refused before anything is sent, a failure
// after a change was sent never claims nothing changed, and launch --wait terminates the extras of
// a launch sent twice, but never an instance of an earlier launch.

import { assert, assertEquals, assertMatch } from "@std/assert";
import { testEmulator } from "./_emulator.ts";
import { FakeClock } from "./_fakes.ts";
import { cliRunner, launchArgs, launched } from "./_cli.ts";
import { EXIT } from "../lib/cli/mod.ts";
import type { LambdaEmulator } from "../lib/testing/mod.ts";

const LAUNCH = [...launchArgs(), "--wait"];

/** The error names the instance it launched and why the wait failed, and says it was terminated. */
function assertTerminated(err: string, id: string, why: string): void {
  assertMatch(
    err,
    new RegExp(
      `^error: Cannot launch and wait for instance '${id}': ${why}.*; it was terminated, so it no longer bills$`,
    ),
  );
}

function setup(bootMs = 60_000) {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock, timing: { bootMs } });
  const files = new Map<string, string>();
  const failingWrites = new Set(["full.pem"]);
  const run = cliRunner(emulator, { clock, files, failingWrites });
  return { clock, emulator, files, run };
}

/** Counts what is sent, and keeps the methods of the requests that change something. */
function counting(emulator: LambdaEmulator) {
  const sent: string[] = [];
  const fetch = (request: Request) => {
    sent.push(request.method);
    return emulator.fetch(request);
  };
  return { sent, fetch };
}

Deno.test("cli safety: launch --wait that times out terminates what it launched, and says so", async () => {
  const { emulator, run } = setup(3_600_000);
  await run(["ssh-keys", "add", "k"]);
  const result = await run([...LAUNCH, "--timeout", "60"]);
  assertEquals(result.code, EXIT.waitFailed);
  const [instance] = emulator.instances();
  assertEquals(instance!.status, "terminating");
  assertTerminated(result.err, instance!.id, ".*gave up after 60 s");
  // The id is said as soon as the launch answers, before the first poll.
  assertMatch(result.progress[0]!, /^Launching with launch token '[0-9a-f]{32}'/);
  assertEquals(result.progress[1], `Launched ${instance!.id}; waiting for it to run`);
  assertMatch(result.progress[2]!, new RegExp(`^${instance!.id}: booting after 0 s$`));
});

Deno.test("cli safety: launch --wait on an unhealthy instance terminates it; --keep keeps it, with the way out", async () => {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock, timing: { bootMs: 60_000 } });
  // Every instance goes bad as soon as it is launched.
  const run = cliRunner(emulator, { clock }, {
    fetch: async (request) => {
      const response = await emulator.fetch(request);
      if (new URL(request.url).pathname.endsWith("/launch") && response.ok) {
        for (const { id } of emulator.instances()) emulator.setInstanceStatus(id, "unhealthy");
      }
      return response;
    },
    rateLimit: false,
  });
  await run(["ssh-keys", "add", "k"]);
  const terminated = await run(LAUNCH);
  assertEquals(terminated.code, EXIT.waitFailed);
  assertTerminated(terminated.err, emulator.instances()[0]!.id, ".*unhealthy");
  assertEquals(emulator.instances()[0]!.status, "terminating");
  const kept = await run([...LAUNCH, "--keep", "--json"]);
  assertEquals(kept.code, EXIT.waitFailed);
  const id = emulator.instances()[1]!.id;
  // Under --json every line on stderr is JSON: the progress, then the error.
  const lines = kept.err.split("\n").map((line) => JSON.parse(line));
  assertEquals(lines.slice(0, -1).map((line) => Object.keys(line)), [
    ["progress", "launch_token", "find"],
    ["progress"],
    ["progress"],
  ]);
  assertEquals(lines[1].progress, `Launched ${emulator.instances()[1]!.id}; waiting for it to run`);
  const error = lines.at(-1).error;
  assertEquals(
    [error.exit_code, error.instance_id, error.terminated, error.suggestion],
    [8, id, false, `Terminate it when you are done: lambda instances terminate ${id}`],
  );
  assertMatch(error.message, /it was left running as asked, and bills until terminated$/);
  assertEquals(emulator.instances()[1]!.status, "unhealthy");
});

Deno.test("cli safety: Ctrl-C during launch --wait terminates the instance and exits 130", async () => {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock, timing: { bootMs: 3_600_000 } });
  const controller = new AbortController();
  const run = cliRunner(emulator, { clock }, {
    fetch: async (request) => {
      const response = await emulator.fetch(request);
      // The user presses Ctrl-C while the instance boots.
      if (request.method === "GET" && new URL(request.url).pathname.includes("/instances/")) {
        controller.abort(new Error("interrupted (Ctrl-C)"));
      }
      return response;
    },
    rateLimit: false,
    interrupts: () => controller.signal,
  });
  await run(["ssh-keys", "add", "k"]);
  const result = await run(LAUNCH);
  assertEquals(result.code, EXIT.interrupted);
  const [instance] = emulator.instances();
  assertEquals(instance!.status, "terminating");
  assertTerminated(result.err, instance!.id, "interrupted \\(Ctrl-C\\)");
});

Deno.test("cli safety: a generated key is saved before it is shown, and never shown once saved", async () => {
  const { emulator, files, run } = setup();
  // The file cannot be created: nothing is asked of Lambda.
  const nowhere = await run(["ssh-keys", "add", "a", "--save-private-key", "/nowhere/a.pem"]);
  assertEquals(nowhere.code, EXIT.usage);
  assertMatch(
    nowhere.err,
    /^error: cannot save a private key to '\/nowhere\/a\.pem': .*Nothing was sent/,
  );
  files.set("taken.pem", "someone's key");
  assertEquals((await run(["ssh-keys", "add", "a", "--save-private-key", "taken.pem"])).code, 2);
  assertEquals(files.get("taken.pem"), "someone's key"); // never overwritten
  assertEquals(emulator.requests.length, 0);

  for (const json of [false, true]) {
    const saved = await run([
      "ssh-keys",
      "add",
      `k${json}`,
      "--save-private-key",
      `k${json}.pem`,
      ...(json ? ["--json"] : []),
    ]);
    assertEquals(saved.code, EXIT.ok);
    assertMatch(files.get(`k${json}.pem`)!, /^-----BEGIN OPENSSH PRIVATE KEY-----/);
    assert(!saved.out.includes("PRIVATE KEY-----"), saved.out);
    if (json) {
      const data = JSON.parse(saved.out);
      assertEquals([data.private_key, data.private_key_file], [undefined, "ktrue.pem"]);
    }
  }

  // Saving fails after Lambda made the key: it is printed once, with a warning, rather than lost.
  const full = await run(["ssh-keys", "add", "b", "--save-private-key", "full.pem"]);
  assertEquals(full.code, EXIT.failed);
  assertEquals(full.out.match(/BEGIN OPENSSH PRIVATE KEY/g)?.length, 1);
  assertMatch(full.err, /^warning: could not save the private key to 'full\.pem' \(disk full\)/);
  assertEquals(files.has("full.pem"), false);
  // Lambda refuses the key: the empty file is removed again.
  emulator.override("addSSHKey", () =>
    Response.json({
      error: { code: "global/invalid-parameters", message: "Invalid request data." },
    }, { status: 400 }), { times: 1 });
  const refused = await run(["ssh-keys", "add", "b2", "--save-private-key", "b.pem"]);
  assertEquals([refused.code, files.has("b.pem")], [EXIT.failed, false]);
  // With -q a generated key would be lost: it must be saved.
  assertEquals((await run(["ssh-keys", "add", "c", "-q"])).code, EXIT.usage);
});

Deno.test("cli safety: an unreadable LAMBDA_BASE_URL is an error, never the production API", async () => {
  const emulator = testEmulator();
  let sent = 0;
  const run = cliRunner(emulator, { unreadable: ["LAMBDA_BASE_URL"] }, {
    fetch: (request) => {
      sent++;
      return emulator.fetch(request);
    },
    rateLimit: false,
  });
  const refused = await run(["regions"]);
  assertEquals(refused.code, EXIT.usage);
  assertEquals(refused.err.split("\n"), [
    "error: cannot read LAMBDA_BASE_URL (no permission), so where to send requests is unknown",
    "  suggestion: run it with --allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL, or pass --base-url",
  ]);
  const bad = await run(["regions"], {});
  assertEquals(bad.code, EXIT.usage);
  assertEquals(sent, 0);
  const explicit = await run(["regions", "--base-url", "https://cloud.lambda.ai/api/v1"]);
  assertEquals(explicit.code, EXIT.ok);
  const notUrl = await cliRunner(emulator, { env: { LAMBDA_BASE_URL: "127.0.0.1:8787" } })([
    "regions",
  ]);
  assertEquals(
    notUrl.err.split("\n")[0],
    "error: LAMBDA_BASE_URL must be an http or https URL, such as http://127.0.0.1:8787/api/v1, received '127.0.0.1:8787'",
  );
});

Deno.test("cli safety: destructive commands refuse without --yes off a terminal, naming --yes", async () => {
  const { emulator, run } = setup();
  await run(["ssh-keys", "add", "k"]);
  await run(["filesystems", "create", "data", "--region", "us-east-1"]);
  await run(["firewall", "rulesets", "create", "web", "--region", "us-east-1"]);
  await run([...launchArgs(), "--name", "box"]);
  emulator.clearRequests();
  for (
    const argv of [
      ["instances", "terminate", "box"],
      ["instances", "restart", "box"],
      ["ssh-keys", "delete", "k"],
      ["filesystems", "delete", "data"],
      ["firewall", "rulesets", "delete", "web"],
      ["tickets", "attachments", "delete", "t", "a"],
    ]
  ) {
    const refused = await run(argv);
    assertEquals(refused.code, EXIT.usage, argv.join(" "));
    assertEquals(refused.err.split("\n"), [
      `error: 'lambda ${
        argv.slice(0, -1 - (argv[0] === "tickets" ? 1 : 0)).join(" ")
      }' asks before it changes this, and there is no terminal to ask on: nothing was changed`,
      "  suggestion: add --yes to go ahead without asking",
    ]);
  }
  assertEquals(emulator.requests.length, 0); // refused before anything was sent, even a read
  // On a terminal, where the answer is no.
  const declining = cliRunner(emulator, { terminal: true, answer: false });
  const asked = await declining(["instances", "terminate", "box"]);
  assertEquals(asked.code, EXIT.cancelled);
  assertMatch(
    asked.questions[0]!,
    /^Terminate 'box' [0-9a-f]{32} \(gpu_1x_a10, \$0\.75\/h\)\? Its local disk is lost for good\.$/,
  );
  assertEquals(emulator.instances()[0]!.status, "booting");
  const restart = await declining(["instances", "restart", "box"]);
  assertEquals(restart.code, EXIT.cancelled);
  assertMatch(
    restart.questions[0]!,
    /^Restart 'box' [0-9a-f]{32} \(gpu_1x_a10, \$0\.75\/h\)\? Everything running on it is stopped\.$/,
  );
  assertEquals(emulator.requests.filter((r) => r.operationId === "restartInstance"), []);
});

Deno.test("cli safety: LAMBDA_BASE_URL set but empty or blank is refused, never taken for unset", async () => {
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

Deno.test("cli safety: a malformed API key is an authentication error, and is not echoed", async () => {
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

Deno.test("cli safety: a failure once a change was sent is no usage error (2, nothing changed)", async () => {
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

Deno.test("cli safety: launch --wait behind a gateway that sends the launch on twice terminates the extra", async () => {
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

Deno.test("cli safety: a launch with the token of an earlier launch is refused, and that one left alone", async () => {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock, timing: { bootMs: 1000 } });
  emulator.setCapacity("gpu_1x_a10", "us-east-1", 20);
  const run = cliRunner(emulator, { clock });
  await run(["ssh-keys", "add", "k", "--public-key", "ssh-ed25519 AAAA k"]);
  const first = JSON.parse((await run([...launchArgs(), "--json"])).out);
  const token =
    emulator.instances()[0]!.tags!.find((tag) => tag.key === "lambda-cloud-client:launch-token")!
      .value;
  emulator.clearRequests();
  const again = await run([
    ...launchArgs(),
    "--wait",
    "--tag",
    `lambda-cloud-client:launch-token=${token}`,
  ]);
  // The token is the command line's own to choose: one copied from an earlier launch would make
  // that launch's instance look like this one's, to clean up or to recover.
  assertEquals(again.code, EXIT.usage, again.err);
  assertEquals(emulator.requests.length, 0);
  assertEquals(
    emulator.instances().find((instance) => instance.id === first.instance_ids[0])?.status,
    "booting",
  );
});

Deno.test("cli safety: a key other than the run's own, typed where a name or an id goes, never shows on stderr", async () => {
  const emulator = testEmulator();
  const run = cliRunner(emulator);
  const other = "secret_teamkey_0123456789abcdef0123456789abcdef.fedcba9876543210fedcba9876543210";
  const runs = await Promise.all([
    run(["instances", "get", other]),
    run(["instances", "get", other, "--json"]),
    run(["regions", other]),
    run(["instances", "launch", "--type", other, "--region", "us-east-1", "--ssh-key", "k"]),
    run(["instances", "terminate", other, "--dry-run"]),
    run(["instances", "get", other.toUpperCase()]),
  ]);
  for (const { err, progress } of runs) {
    assert(![err, ...progress].some((text) => /0123456789abcdef/i.test(text)), err);
  }
  assertEquals(
    runs[0]!.err.split("\n").at(-1),
    "error: no instance has the id or name '[REDACTED]'",
  );
  assertEquals(runs.map(({ code }) => code), [4, 4, 2, 2, 4, 4]);
  // A name that only starts like a key is shown as it is.
  const named = await run(["instances", "get", "secret_deploy_key_for_prod"]);
  assertEquals(
    named.err.split("\n").at(-1),
    "error: no instance has the id or name 'secret_deploy_key_for_prod'",
  );
});
