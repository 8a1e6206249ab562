// The launch journal and `instances recover`, in-process: a launch is recorded before it is sent
// (without its user data or the key) and closed once its outcome is said; recover looks for every
// open launch by its token, shows what it left billing, and terminates or keeps it as asked.

import { assert, assertEquals, assertMatch } from "@std/assert";
import { cliRunner, launchArgs, memoryJournal } from "./_cli.ts";
import { testEmulator } from "./_emulator.ts";
import { FakeClock } from "./_fakes.ts";
import { EXIT } from "../lib/cli/mod.ts";
import { HEARTBEAT_MS, keyFingerprint, launchJournal } from "../lib/cli/_journal.ts";
import type { CommandContext } from "../lib/cli/_command.ts";
import { recordedLaunch } from "../lib/cli/_recorded_launch.ts";
import { FakeTime } from "@std/testing/time";
import { type InstanceLaunchRequest, LambdaCloudClient, LAUNCH_TOKEN_KEY } from "../mod.ts";

/** The journal's lines, parsed. */
const lines = (file: { text: string }) =>
  file.text.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line));

/** An emulator with the key `k`, a clock, and a command line that keeps `journal`. */
async function setUp(journal = memoryJournal()) {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock, timing: { bootMs: 1000 } });
  const files = new Map([["init.sh", "#!/bin/sh\nexport TOKEN=hunter2\n"]]);
  const run = cliRunner(emulator, { clock, files }, {
    fetch: emulator.fetch,
    rateLimit: false,
    journal,
  });
  await run(["ssh-keys", "add", "k", "--public-key", "ssh-ed25519 AAAA k"]);
  return { clock, emulator, run, journal };
}

const LAUNCH_BODY = {
  instance_type_name: "gpu_1x_a10",
  region_name: "us-east-1",
  ssh_key_names: ["k"],
};

/** An open launch of `token`, written as a run of this key that was killed would have left it. */
async function openLaunch(apiKey: string, token: string, sentAt: number, api?: string) {
  return `${
    JSON.stringify({
      v: 1,
      api: api ?? "https://cloud.lambda.ai/api/v1",
      key: await keyFingerprint(apiKey),
      event: "sending",
      launch_token: token,
      sent_at: new Date(sentAt).toISOString(),
      request: { instance_type_name: "gpu_1x_a10", region_name: "us-east-1", ssh_key_names: ["k"] },
    })
  }\n`;
}

Deno.test("launch journal: a launch is recorded before it is sent, without its user data or the key, and closed once it is known", async () => {
  const { emulator, run, journal } = await setUp();
  let atSend = "";
  emulator.override("launchInstance", () => {
    atSend = journal.text;
    return undefined; // the emulator launches as usual
  });
  const result = await run([...launchArgs(), "--user-data-file", "init.sh", "--json"]);
  assertEquals(result.code, EXIT.ok, result.err);
  const id = JSON.parse(result.out).instance_ids[0];
  const [sending] = lines({ text: atSend });
  const token = emulator.instances()[0]!.tags!.find((tag) => tag.key === LAUNCH_TOKEN_KEY)!.value;
  assertEquals([sending.event, sending.launch_token], ["sending", token]);
  assertEquals(sending.request.instance_type_name, "gpu_1x_a10");
  assert(!("user_data" in sending.request));
  assert(!journal.text.includes("hunter2") && !journal.text.includes(emulator.apiKey));
  // Said on stderr before it was sent too, with the command that finds it.
  assertEquals(JSON.parse(result.err.split("\n")[0]!).launch_token, token);
  const [, resolved] = lines(journal);
  assertEquals([resolved.event, resolved.outcome, resolved.instance_ids], [
    "resolved",
    "launched",
    [id],
  ]);
  const recovered = await run(["instances", "recover", "--json"]);
  assertEquals([recovered.code, JSON.parse(recovered.out)], [EXIT.ok, []]);
});

Deno.test("launch journal: a launch the API refuses is closed as not launched; a dry run records nothing", async () => {
  const { emulator, run, journal } = await setUp();
  emulator.override("launchInstance", () =>
    Response.json({
      error: {
        code: "instance-operations/launch/insufficient-capacity",
        message: "Not enough capacity to fulfill launch request.",
      },
    }, { status: 400 }), { times: 1 });
  const refused = await run(launchArgs());
  assertEquals(refused.code, EXIT.noCapacity);
  assertEquals(lines(journal).map((line) => line.outcome ?? line.event), [
    "sending",
    "not-launched",
  ]);
  const dry = await run([...launchArgs(), "--dry-run"]);
  assertEquals(dry.code, EXIT.ok, dry.err);
  assertEquals(lines(journal).length, 2);
  assert(!dry.progress.some((line) => line.startsWith("Launching")));
});

Deno.test("launch journal: a launch whose outcome is unknown stays open, and recover finds it billing and terminates it", async () => {
  const { emulator, run, journal, clock } = await setUp();
  // The launch lands, and its answer and every listing after it are lost (the one before it, which
  // finds no other instance named train-1, is answered).
  emulator.faults.inject({ kind: "lost-answer", operation: "launchInstance" });
  emulator.faults.inject({
    kind: "server-error",
    status: 503,
    operation: "listInstances",
    skip: 1,
    times: 1000,
  });
  const lost = await run([...launchArgs(), "--name", "train-1"]);
  assertEquals(lost.code, EXIT.unavailable, lost.err);
  emulator.faults.clear();
  assertEquals(lines(journal).map((line) => line.event), ["sending", "ended"]);
  const id = emulator.instances()[0]!.id;
  // Its run has ended: nothing waits on the launch, so it is billing at once, not running.
  const atOnce = await run(["instances", "recover"]);
  assertMatch(atOnce.out, new RegExp(`billing +${id} \\(active\\)`));
  const atOnceJson = JSON.parse((await run(["instances", "recover", "--json"])).out);
  assertEquals(atOnceJson[0].alive_at, null);
  clock.advance(10 * 60_000);
  // Without --terminate, it is shown, stays open, and the run fails: something bills.
  const shown = await run(["instances", "recover"]);
  assertEquals(shown.code, EXIT.failed, shown.err);
  assertMatch(shown.out, new RegExp(`billing +${id} \\(active\\)`));
  assertMatch(
    shown.err,
    /^warning: 1 found billing: '--terminate' terminates them, '--keep' closes their entries/,
  );
  // Off a terminal, terminating needs --yes.
  const refused = await run(["instances", "recover", "--terminate"]);
  assertEquals(refused.code, EXIT.usage);
  assertEquals(emulator.instances()[0]!.status, "active");
  const asked = await cliRunner(emulator, { terminal: true, clock }, {
    fetch: emulator.fetch,
    rateLimit: false,
    journal,
  })(["instances", "recover", "--terminate"]);
  assertEquals(asked.code, EXIT.cancelled);
  assertMatch(asked.questions[0]!, new RegExp(`^Terminate 'train-1' ${id} \\(gpu_1x_a10, \\$`));
  const done = await run(["instances", "recover", "--terminate", "--yes", "--json"]);
  assertEquals(done.code, EXIT.ok, done.err);
  assertEquals(
    JSON.parse(done.out).map((
      entry: { outcome: string; closed: boolean },
    ) => [entry.outcome, entry.closed]),
    [["billing", true]],
  );
  assertEquals(emulator.instances()[0]!.status, "terminating");
  assertEquals((await run(["instances", "recover", "-q"])).out, "");
});

Deno.test("launch journal: recover closes what did not launch, waits on what may land late or whose run goes on, and keeps when asked", async () => {
  const { emulator, run, journal, clock } = await setUp();
  const [old, late, live, kept] = ["a", "b", "c", "d"].map((char) => char.repeat(32)) as [
    string,
    string,
    string,
    string,
  ];
  // Launched by the library, with tokens of its caller's: what killed runs would have left.
  const client = new LambdaCloudClient({
    apiKey: emulator.apiKey,
    fetch: emulator.fetch,
    rateLimit: false,
  });
  for (const token of [live, kept]) {
    await client.instances.launch(LAUNCH_BODY as InstanceLaunchRequest, { launchToken: token });
  }
  journal.text = await openLaunch(emulator.apiKey, old, clock.now() - 20 * 60_000) +
    await openLaunch(emulator.apiKey, late, clock.now() - 5 * 60_000) +
    await openLaunch(emulator.apiKey, live, clock.now() - 30_000) +
    await openLaunch(emulator.apiKey, kept, clock.now() - 5 * 60_000);
  // Exit 1 while something is left that may bill (here, the running one).
  const outcomes = async (...flags: string[]) => {
    const result = await run(["instances", "recover", "--json", ...flags]);
    const running = JSON.parse(result.out).some((entry: { outcome: string }) =>
      entry.outcome === "running"
    );
    assertEquals(result.code, running ? EXIT.failed : EXIT.ok, result.err);
    return JSON.parse(result.out).map((entry: { outcome: string; closed: boolean }) =>
      `${entry.outcome}${entry.closed ? " (closed)" : ""}`
    );
  };
  // The live run's instance is left alone, even with --terminate: another lambda may wait on it.
  assertEquals(await outcomes("--keep"), [
    "not-launched (closed)",
    "not-listed-yet",
    "running",
    "billing (closed)",
  ]);
  assertEquals(await outcomes("--terminate", "--yes"), ["not-listed-yet", "running"]);
  assertEquals(emulator.instances().map((instance) => instance.status), ["booting", "booting"]);
  assertEquals(await outcomes("--terminate", "--yes", "--force"), [
    "not-listed-yet",
    "billing (closed)",
  ]);
  assertEquals(emulator.instances()[0]!.status, "terminating");
});

Deno.test("launch journal: recover reads by id what a run learned it launched, when the listing lags behind it", async () => {
  const { emulator, run, journal, clock } = await setUp();
  const [instance] = JSON.parse((await run([...launchArgs(), "--json"])).out).instance_ids;
  const token = "f".repeat(32);
  journal.text = await openLaunch(emulator.apiKey, token, clock.now() - 20 * 60_000) +
    JSON.stringify({
      v: 1,
      api: "https://cloud.lambda.ai/api/v1",
      key: await keyFingerprint(emulator.apiKey),
      event: "launched",
      launch_token: token,
      at: new Date(clock.now() - 20 * 60_000).toISOString(),
      instance_ids: [instance],
    });
  const result = await run(["instances", "recover", "--json"]);
  assertEquals(JSON.parse(result.out)[0].outcome, "billing");
  assertEquals(JSON.parse(result.out)[0].instance_ids, [instance]);
});

Deno.test("launch journal: a launch after a line cut short, a key typed into the body, and a caller's token tag", async () => {
  const { emulator, run, journal } = await setUp(
    memoryJournal('{"v":1,"event":"sending","launch_to'),
  );
  const result = await run([...launchArgs(), "--name", emulator.apiKey, "--json"]);
  assertEquals(result.code, EXIT.ok, result.err);
  assert(!journal.text.includes(emulator.apiKey), journal.text);
  assertEquals(lines({ text: journal.text.split("\n").slice(1).join("\n") }).length, 2);
  const tagged = await run([...launchArgs(), "--tag", `${LAUNCH_TOKEN_KEY}=job-1`]);
  assertEquals(tagged.code, EXIT.usage);
  assertMatch(tagged.err, /is the launch token, which the command line chooses for each launch/);
});

Deno.test("launch journal: recover leaves another key's launches and lines not its own, and says so", async () => {
  const { emulator, run, journal, clock } = await setUp();
  const mine = "e".repeat(32);
  journal.text = await openLaunch("another-key", "d".repeat(32), clock.now() - 600_000) +
    await openLaunch(
      emulator.apiKey,
      mine,
      clock.now() - 600_000,
      "http://127.0.0.1:1/api/v1",
    ) +
    // A close from no one in particular closes nothing; lines not wholly the journal's are skipped.
    `${JSON.stringify({ v: 1, event: "resolved", launch_token: mine })}\n` +
    `${JSON.stringify({ v: 1, event: "sending", launch_token: "x".repeat(200) })}\n` +
    '{"v":1,"event":"sending","launch_to';
  const result = await run(["instances", "recover"]);
  assertEquals(result.code, EXIT.ok, result.err);
  assertEquals(result.err.split("\n"), [
    "No launch in the journal (/state/launches.jsonl) is open.",
    "2 other open launches were sent with another key or to another API: run this with that key to look for them",
    "2 unreadable lines of /state/launches.jsonl were skipped",
  ]);
  assertEquals(
    emulator.requests.filter((request) => request.path.endsWith("/instances")).length,
    0,
  );
});

Deno.test("launch journal: lambda api launchInstance says and records its launch as instances launch does", async () => {
  const { emulator, run, journal } = await setUp();
  let atSend = "";
  emulator.override("launchInstance", () => {
    atSend = journal.text;
    return undefined;
  });
  const result = await run(["api", "launchInstance", "--body", JSON.stringify(LAUNCH_BODY)]);
  assertEquals(result.code, EXIT.ok, result.err);
  const token = emulator.instances()[0]!.tags!.find((tag) => tag.key === LAUNCH_TOKEN_KEY)!.value;
  assertEquals(lines({ text: atSend }).map((line) => [line.event, line.launch_token]), [
    ["sending", token],
  ]);
  assertMatch(result.progress[0]!, new RegExp(`^Launching with launch token '${token}'`));
  assertEquals(lines(journal).map((line) => line.outcome ?? line.event), ["sending", "launched"]);
});

Deno.test("launch journal: a launch token is the command line's own, in every command that sets tags", async () => {
  const { emulator, run } = await setUp();
  const [id] = JSON.parse((await run([...launchArgs(), "--json"])).out).instance_ids;
  emulator.clearRequests();
  const token = `${LAUNCH_TOKEN_KEY}=${"a".repeat(32)}`;
  const body = { ...LAUNCH_BODY, tags: [{ key: LAUNCH_TOKEN_KEY, value: "a".repeat(32) }] };
  for (
    const argv of [
      ["api", "launchInstance", "--yes", "--body", JSON.stringify(body)],
      ["instances", "tag", id, "--add", token, "--yes"],
      ["instances", "tag", id, token, "--yes"],
    ]
  ) {
    const result = await run(argv);
    assertEquals(result.code, EXIT.usage, argv.join(" "));
    assertMatch(result.err, /is the launch token, which the command line chooses for each launch/);
  }
  assertEquals(emulator.requests.filter((request) => request.method !== "GET").length, 0);
});

Deno.test("launch journal: a run writes a sign of life every minute while its launch is unsettled, even when its first line was late to land", async () => {
  using time = new FakeTime();
  const file = memoryJournal();
  const append = file.append;
  // The first line lands, but after the write's time limit: the run hears a failure.
  file.append = async (line) => {
    file.append = append;
    await append(line);
    throw new Error("writing took over 5 s");
  };
  const journal = launchJournal(file, "api", () => Promise.resolve("key"), (text) => text);
  const said: string[] = [];
  const io = { stderr: (line: string) => said.push(line), progress: () => {} };
  const context = {
    io,
    journal,
    unfinished: {},
    now: () => Date.now(),
    dryRun: false,
    json: false,
  };
  using launch = recordedLaunch(context as unknown as CommandContext, LAUNCH_BODY);
  await launch.onLaunchToken("token-1");
  assertMatch(said[0]!, /^Note: no launch journal \(writing took over 5 s\)/);
  await time.tickAsync(2 * HEARTBEAT_MS);
  const [open] = (await journal.open()).mine;
  assertEquals(Date.parse(open!.alive_at!) - Date.parse(open!.sent_at), 2 * HEARTBEAT_MS);
});

Deno.test("launch journal: a run that ends while its first line is still being written leaves no timer, and its lines in order", async () => {
  const file = memoryJournal();
  const append = file.append;
  let land = () => {};
  // The first line takes its time; the run stops meanwhile (Ctrl-C: nothing was sent).
  file.append = (line) => {
    file.append = append;
    return new Promise<void>((resolve) => land = () => resolve(append(line)));
  };
  const journal = launchJournal(file, "api", () => Promise.resolve("key"), (text) => text);
  const io = { stderr: () => {}, progress: () => {} };
  const context = { io, journal, unfinished: {}, now: () => 0, dryRun: false, json: false };
  const pending: Promise<void>[] = [];
  {
    using launch = recordedLaunch(context as unknown as CommandContext, LAUNCH_BODY);
    pending.push(launch.onLaunchToken("token-1"));
    pending.push(launch.failed(new DOMException("stopped", "AbortError")));
  } // the run ends here, before its first line has landed
  await new Promise((resolve) => setTimeout(resolve, 0)); // the line is being written
  land();
  await Promise.all(pending);
  assertEquals(lines(file).map((line) => line.event), ["sending", "resolved"]);
  assertEquals((await journal.open()).mine, []);
});

Deno.test("launch journal: a launch closed before its first line landed (a write slower than its bound) stays closed", async () => {
  const file = memoryJournal();
  const journal = launchJournal(file, "api", () => Promise.resolve("key"), (text) => text);
  await journal.resolved("token-1", "launched", 0, ["i-1"]);
  await journal.sending("token-1", LAUNCH_BODY, 0);
  await journal.sending("token-2", LAUNCH_BODY, 0);
  assertEquals((await journal.open()).mine.map((launch) => launch.launch_token), ["token-2"]);
  // Another writer's early close closes nothing of this one's.
  const other = launchJournal(file, "api", () => Promise.resolve("other"), (text) => text);
  await other.resolved("token-3", "launched", 0);
  await journal.sending("token-3", LAUNCH_BODY, 0);
  assertEquals((await journal.open()).mine.map((launch) => launch.launch_token), [
    "token-2",
    "token-3",
  ]);
});
