// The rate budget shared through a store, between processes whose clocks disagree: each "process"
// is a client with its own limiter, store object and clock over one FakeKv, all on one virtual time.
// Times in the logs are that virtual time, whatever each process's clock reads.

import { type Clock, kvRateLimitStore, LambdaCloudClient, RateLimitWaitError } from "../mod.ts";
import { assert, assertEquals, assertRejects } from "@std/assert";
import { dataResponse, FakeClock, FakeKv } from "./_fakes.ts";

const KEY = "secret_shared_budget";

interface ProcessOptions {
  /** How far ahead of the true time this process's clock reads. */
  aheadMs?: number;
  clockSkewMs?: number;
  /** The answer to its first request; a list otherwise, a launch's ids for a launch. */
  first?: Response;
  maxRetryAfterMs?: number;
}

/**
 * A budget shared through one FakeKv, on one virtual time: `start` makes each "process" of it, and
 * `log` holds `name@time` for each request they send, at the true time.
 */
function sharedBudget(): {
  clock: FakeClock;
  log: string[];
  start(name: string, options?: ProcessOptions): LambdaCloudClient;
} {
  const kv = new FakeKv();
  const clock = new FakeClock();
  const log: string[] = [];
  const start = (name: string, options: ProcessOptions = {}): LambdaCloudClient => {
    const aheadMs = options.aheadMs ?? 0;
    const own: Clock = { now: () => clock.now() + aheadMs, sleep: clock.sleep };
    let first = options.first;
    return new LambdaCloudClient({
      apiKey: KEY,
      fetch: (request) => {
        const answer = first ??
          dataResponse(request.url.endsWith("/launch") ? { instance_ids: ["i"] } : []);
        first = undefined;
        return Promise.resolve(answer);
      },
      clock: own,
      random: () => 1,
      maxRetries: 0,
      backoff: { maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000 },
      rateLimit: { store: kvRateLimitStore(kv), clockSkewMs: options.clockSkewMs ?? 0 },
      hooks: { onRequest: () => log.push(`${name}@${clock.now() - clock.start}`) },
    });
  };
  return { clock, log, start };
}

/** The true times in `log`, in order. */
function times(log: string[]): number[] {
  return log.map((line) => Number(line.split("@")[1]));
}

/** Asserts that no two requests in `log` went less than `intervalMs` apart. */
function assertApart(log: string[], intervalMs = 1000): void {
  const sorted = times(log).sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) {
    assert(sorted[i]! - sorted[i - 1]! >= intervalMs, log.join(", "));
  }
}

const LAUNCH = { region_name: "r", instance_type_name: "t", ssh_key_names: ["k"] as [string] };

Deno.test("shared budget, clocks apart: a clock a little ahead of another's is covered by clockSkewMs", async () => {
  for (const [skew, gap] of [[0, 995], [10, 1005]] as const) {
    const { log, start } = sharedBudget();
    const a = start("a", { clockSkewMs: skew });
    const b = start("b", { clockSkewMs: skew, aheadMs: 5 });
    await a.regions.list();
    await b.regions.list();
    // b's clock runs 5 ms ahead of a's, so it reads a's turn as ending 5 ms early.
    const [first, second] = times(log);
    assertEquals(second! - first!, gap, `clockSkewMs ${skew}`);
  }
});

Deno.test("shared budget, clocks apart: a busy process whose clock is five minutes ahead holds another back a turn or two, not for as long as it runs", async () => {
  const { clock, log, start } = sharedBudget();
  const honest = start("honest");
  const busy = start("busy", { aheadMs: 300_000 });
  // One call each first, one after the other (each digests its key).
  await honest.regions.list();
  await busy.regions.list();
  log.length = 0;
  let done = false;
  const loop = (async () => {
    for (let calls = 0; !done && calls < 500; calls++) await busy.regions.list();
  })();
  await clock.sleep(5000);
  const asked = clock.now();
  await honest.regions.list();
  const tookMs = clock.now() - asked;
  done = true;
  await loop;
  // Well within its timeout (60 s): the busy process's booked turn, then its own.
  assert(tookMs <= 2000, `the honest call took ${tookMs} ms: ${log.slice(-5).join(", ")}`);
  assertApart(log);
});

Deno.test("shared budget, clocks apart: a turn booked on a clock minutes or an hour ahead holds the others back an interval, not the clock's lead", async () => {
  for (const aheadMs of [600_000, 3_600_000]) {
    const { log, start } = sharedBudget();
    const a = start("a", { aheadMs });
    const b = start("b");
    await a.regions.list();
    await b.regions.list();
    assertEquals(log, ["a@0", "b@1000"], `${aheadMs} ms ahead`);
  }
});

Deno.test("shared budget, clocks apart: a launch after one booked on a clock an hour ahead waits the launch interval", async () => {
  const { log, start } = sharedBudget();
  const a = start("a", { aheadMs: 3_600_000 });
  const b = start("b");
  await a.instances.launch(LAUNCH, { launchToken: false });
  await b.regions.list();
  await b.instances.launch(LAUNCH, { launchToken: false });
  assertEquals(log, ["a@0", "b@1000", "b@12000"]);
});

Deno.test("shared budget, clocks apart: a process whose own clock is ahead does not read the others' turns as past once it has looked at the store", async () => {
  const { log, start } = sharedBudget();
  const honest = start("honest");
  const ahead = start("ahead", { aheadMs: 300_000 });
  await ahead.regions.list();
  await honest.regions.list();
  log.length = 0;
  // Each call as soon as the other's is done: the honest process's next turn, booked an interval
  // after its last, is five minutes in the past on the other's clock.
  for (let round = 0; round < 3; round++) {
    await honest.regions.list();
    await ahead.regions.list();
  }
  assertEquals(log.length, 6);
  assertApart(log);
});

Deno.test("shared budget, clocks apart: a long hold written on a correct clock is waited out, and leaves no lasting offset", async () => {
  const { clock, log, start } = sharedBudget();
  const refused = new Response("", { status: 429, headers: { "retry-after": "120" } });
  const a = start("a", { first: refused, maxRetryAfterMs: 120_000 });
  const b = start("b", { maxRetryAfterMs: 120_000 });
  await assertRejects(() => a.regions.list());
  await b.regions.list();
  assertEquals(log, ["a@0", "b@120000"]);
  // Later, both busy: their turns stay an interval apart, as with no hold ever seen.
  await clock.sleep(200_000);
  log.length = 0;
  await Promise.all([a.regions.list(), b.regions.list(), a.regions.list(), b.regions.list()]);
  assertApart(log);
});

Deno.test("shared budget, clocks apart: a hold written on a clock an hour ahead, longer than a process waits for a turn, fails its call at once, saying why", async () => {
  const { clock, log, start } = sharedBudget();
  const refused = new Response("", { status: 429, headers: { "retry-after": "300" } });
  const a = start("a", {
    aheadMs: 3_600_000,
    first: refused,
    maxRetryAfterMs: 600_000,
  });
  const b = start("b");
  await assertRejects(() => a.regions.list());
  const error = await assertRejects(() => b.regions.list(), RateLimitWaitError);
  assertEquals(
    error.message,
    "Cannot list regions: its turn under the rate limit is 300 s away, longer than the client waits for one (60 s); nothing was sent",
  );
  assertEquals(clock.now() - clock.start, 0);
  // A process that waits longer waits out what the other asked, counted from when it read it.
  const patient = start("patient", { maxRetryAfterMs: 600_000 });
  await patient.regions.list();
  assertEquals(log, ["a@0", "patient@300000"]);
});

Deno.test("shared budget, clocks apart: a long queue is joined at its end", async () => {
  const { log, start } = sharedBudget();
  const processes = Array.from({ length: 40 }, (_, i) => start(`p${i}`));
  // One call each first, one after the other (each digests its key), then all at once.
  for (const process of processes) await process.regions.list();
  log.length = 0;
  await Promise.all(processes.map((process) => process.regions.list()));
  assertEquals(log.length, processes.length);
  assertApart(log);
});

Deno.test("shared budget, clocks apart: two busy processes whose clocks disagree keep the shared pace, however long they run", async () => {
  for (const aheadMs of [2000, 300_000, -300_000]) {
    const { clock, log, start } = sharedBudget();
    const honest = start("honest");
    const other = start("other", { aheadMs });
    await honest.regions.list();
    await other.regions.list();
    log.length = 0;
    const started = clock.now();
    // Each sends forty requests as fast as the budget lets it: two processes, one a second.
    const run = async (client: LambdaCloudClient) => {
      for (let call = 0; call < 40; call++) await client.regions.list();
    };
    await Promise.all([run(honest), run(other)]);
    const sent = times(log).sort((a, b) => a - b).map((time) => time - (started - clock.start));
    // What a clock that disagrees costs is bounded (the time between a write and its reading, at
    // most an interval a turn) and the same all along: the second forty requests take no longer
    // than the first, however long the two run.
    const [first, second] = [sent[39]! - sent[0]!, sent[79]! - sent[40]!];
    assert(second <= first + 1000, `${aheadMs} ms ahead: ${first} ms, then ${second} ms`);
    assert(sent[79]! <= 2 * 80_000, `${aheadMs} ms ahead: eighty requests took ${sent[79]} ms`);
    assertApart(log);
  }
});
