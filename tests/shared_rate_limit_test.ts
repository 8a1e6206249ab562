// The rate budget shared through a store (rateLimit.store): processes are simulated by clients with
// their own limiters (one store object each) over one FakeKv, on one virtual clock. Processes whose
// clocks disagree are in shared_budget_clocks_test.ts.

import {
  type Clock,
  kvRateLimitStore,
  LambdaCloudClient,
  type RateLimitFallbackEvent,
  type RateLimitStore,
  systemClock,
} from "../mod.ts";
import { hashApiKey } from "../lib/_rate_limiter.ts";
import { FALLBACK_MS, MAX_WRITE_TRIES, STORE_TIMEOUT_MS } from "../lib/_shared_ledger.ts";
import { assert, assertEquals, assertRejects, assertStrictEquals } from "@std/assert";
import { dataResponse, errorResponse, FakeClock, FakeFetch, FakeKv } from "./_fakes.ts";

const KEY = "secret_shared_budget";

interface Process {
  client: LambdaCloudClient;
  fallbacks: RateLimitFallbackEvent[];
}

/** A "process": its own client, limiter and store object, over the shared `kv`. */
function startProcess(
  name: string,
  kv: FakeKv,
  clock: Clock,
  log: string[],
  options: { clockSkewMs?: number; launchIntervalMs?: number; fetch?: FakeFetch } = {},
): Process {
  const fallbacks: RateLimitFallbackEvent[] = [];
  const fake = options.fetch ?? new FakeFetch();
  if (options.fetch === undefined) {
    // A launch answers with its ids; everything else these tests call, with a list.
    const answer = (request: Request) =>
      dataResponse(request.url.endsWith("/launch") ? { instance_ids: ["i"] } : []);
    for (let i = 0; i < 20; i++) fake.push(answer);
  }
  const client = new LambdaCloudClient({
    apiKey: KEY,
    fetch: fake.fetch,
    clock,
    random: () => 1,
    rateLimit: {
      store: kvRateLimitStore(kv),
      requestIntervalMs: 1000,
      launchIntervalMs: options.launchIntervalMs ?? 12_000,
      clockSkewMs: options.clockSkewMs ?? 0,
    },
    hooks: {
      onRequest: (event) => log.push(`${name}@${virtualTime(clock)} ${event.action}`),
      onRateLimitFallback: (event) => fallbacks.push(event),
    },
  });
  return { client, fallbacks };
}

function virtualTime(clock: Clock): number {
  return Math.round(clock.now() - 1_000_000);
}

/** Processes `a` and `b` over one store, on one clock. */
function twoProcesses(): { a: Process; b: Process; log: string[] } {
  const kv = new FakeKv();
  const clock = new FakeClock();
  const log: string[] = [];
  return { a: startProcess("a", kv, clock, log), b: startProcess("b", kv, clock, log), log };
}

const LAUNCH = { region_name: "r", instance_type_name: "t", ssh_key_names: ["k"] as [string] };

Deno.test("shared budget: processes over one store take turns one interval apart, never the same one", async () => {
  const { a, b, log } = twoProcesses();
  // One call each first, one after the other: each client digests its key (a real crypto job,
  // which virtual time must not outrun) before the calls that race.
  await a.client.regions.list();
  await b.client.regions.list();
  await Promise.all([a.client.regions.list(), b.client.regions.list(), a.client.regions.list()]);
  const times = log.map((line) => Number(line.split("@")[1]!.split(" ")[0]));
  assertEquals(times, [0, 1000, 2000, 3000, 4000]);
  assertEquals(log.filter((line) => line.startsWith("a")).length, 3);
  assertEquals(log.filter((line) => line.startsWith("b")).length, 2);
});

Deno.test("shared budget: without a store, the same two processes collide", async () => {
  const clock = new FakeClock();
  const log: string[] = [];
  const fake = new FakeFetch(...Array.from({ length: 4 }, () => dataResponse([])));
  const alone = (name: string) =>
    new LambdaCloudClient({
      apiKey: KEY,
      fetch: fake.fetch,
      // Each process has its own clock object, as separate processes do: no shared limiter.
      clock: { now: clock.now, sleep: clock.sleep },
      rateLimit: {},
      hooks: { onRequest: () => log.push(`${name}@${virtualTime(clock)}`) },
    });
  const [a, b] = [alone("a"), alone("b")];
  await a.regions.list();
  await b.regions.list();
  await Promise.all([a.regions.list(), b.regions.list()]);
  assertEquals(log.sort(), ["a@0", "a@1000", "b@0", "b@1000"]);
});

Deno.test("shared budget: a launch in one process holds back the next launch in another", async () => {
  const { a, b, log } = twoProcesses();
  await a.client.regions.list();
  await b.client.regions.list();
  await Promise.all([
    a.client.instances.launch(LAUNCH, { launchToken: false }),
    b.client.instances.launch(LAUNCH, { launchToken: false }),
    b.client.regions.list(),
  ]);
  // b's launch waits for the shared launch turn, 12 s after a's, and b's list goes before it.
  assertEquals(log, [
    "a@0 list regions",
    "b@1000 list regions",
    "a@2000 launch instance",
    "b@3000 list regions",
    "b@14000 launch instance",
  ]);
});

Deno.test("shared budget: a 429 in one process holds back the other", async () => {
  const kv = new FakeKv();
  const clock = new FakeClock();
  const log: string[] = [];
  const refused = new FakeFetch(
    errorResponse(429, { code: "global/rate-limited" }, { "retry-after": "5" }),
  );
  const a = startProcess("a", kv, clock, log, { fetch: refused });
  const b = startProcess("b", kv, clock, log);
  await assertRejects(() => a.client.regions.list({ maxRetries: 0 }));
  await b.client.regions.list();
  assertEquals(log, ["a@0 list regions", "b@5000 list regions"]);
});

/** `clock`, except that its pauses (not the store's timeouts) end `lateMs` late, `times` times. */
function lateClock(clock: Clock, lateMs: number, times: number): Clock {
  let left = times;
  return {
    now: clock.now,
    sleep: (ms, signal) =>
      clock.sleep(ms === STORE_TIMEOUT_MS || left-- <= 0 ? ms : ms + lateMs, signal),
  };
}

Deno.test("shared budget: a turn come to too late is let pass, so the next process's turn stays an interval away", async () => {
  for (const [lateTimes, sentAt] of [[0, 1010], [1, 2010], [2, 3010], [Infinity, 4160]] as const) {
    const kv = new FakeKv();
    const clock = new FakeClock();
    const log: string[] = [];
    const a = startProcess("a", kv, lateClock(clock, 150, lateTimes), log, { clockSkewMs: 10 });
    const b = startProcess("b", kv, clock, log, { clockSkewMs: 10 });
    await b.client.regions.list();
    await a.client.regions.list();
    // a's turn is at 1010 (b's, plus the interval and the skew), to be used by 1020 (the skew's
    // room). Woken at 1160, it books the next; a process late every time uses its fourth turn
    // rather than starve.
    assertEquals(log, ["b@0 list regions", `a@${sentAt} list regions`], `late ${lateTimes}x`);
  }
});

Deno.test("shared budget: the store holds a digest of the key, never the key", async () => {
  const kv = new FakeKv();
  const clock = new FakeClock();
  const a = startProcess("a", kv, clock, []);
  await a.client.regions.list();
  const [name, entry] = [...kv.entries][0]!;
  assertEquals(JSON.parse(name!), ["lambda-cloud-client", "rate-limit", await hashApiKey(KEY)]);
  assert(!JSON.stringify(entry).includes(KEY));
  assert(entry!.expireIn! > 0);
});

Deno.test("shared budget: 'database is locked' is retried, and the call paced by the store", async () => {
  const kv = new FakeKv();
  // The real clock: the store's short pauses between tries are real ones.
  const a = startProcess("a", kv, systemClock, []);
  kv.failures.push(new TypeError("database is locked"), new TypeError("database is locked"));
  await a.client.regions.list();
  assertEquals(a.fallbacks, []);
  assertEquals(kv.entries.size, 1);
});

Deno.test("shared budget: a store that fails never fails a call; it paces alone, says so, and tries the store again later", async () => {
  const kv = new FakeKv();
  const clock = new FakeClock();
  const log: string[] = [];
  const a = startProcess("a", kv, clock, log);
  kv.failures.push(new Error("connection reset"));
  await Promise.all([a.client.regions.list(), a.client.regions.list()]);
  assertEquals(log, ["a@0 list regions", "a@1000 list regions"]);
  assertEquals(a.fallbacks.map((event) => [event.action, event.error.message]), [
    ["list regions", "connection reset"],
    ["list regions", "connection reset"],
  ]);
  const operations = kv.operations;
  await clock.sleep(FALLBACK_MS);
  await a.client.regions.list();
  assertEquals(a.fallbacks.length, 2);
  assert(kv.operations > operations);
});

/** A store that refuses every write, read after `pauseMs` (at once, without I/O, when 0). */
function refusingStore(
  clock: FakeClock,
  pauseMs: number,
): { store: RateLimitStore; reads(): number } {
  let reads = 0;
  const store: RateLimitStore = {
    get: async () => {
      reads++;
      if (pauseMs > 0) await clock.sleep(pauseMs);
      return { state: undefined, version: null };
    },
    compareAndSet: () => Promise.resolve(false),
  };
  return { store, reads: () => reads };
}

/** A client over `store` that lists regions once, and the fallbacks it reported. */
async function listOnce(store: RateLimitStore, clock: FakeClock): Promise<string[]> {
  const fallbacks: string[] = [];
  const client = new LambdaCloudClient({
    apiKey: KEY,
    fetch: new FakeFetch(dataResponse([])).fetch,
    clock,
    rateLimit: { store, clockSkewMs: 0 },
    hooks: { onRateLimitFallback: (event) => fallbacks.push(event.error.message) },
  });
  await client.regions.list();
  return fallbacks;
}

Deno.test("shared budget: a store whose writes never succeed is given up on, and asked no more", async () => {
  const clock = new FakeClock();
  // Answers at once, without I/O: a loop over it would starve every timer of the process.
  const { store, reads } = refusingStore(clock, 0);
  assertEquals(await listOnce(store, clock), [
    `the rate limit store refused ${MAX_WRITE_TRIES} writes in a row`,
  ]);
  assertEquals(reads(), MAX_WRITE_TRIES);
  await clock.sleep(STORE_TIMEOUT_MS * 2);
  assertEquals(reads(), MAX_WRITE_TRIES);
});

Deno.test("shared budget: a write loop given up on by the timeout stops", async () => {
  const clock = new FakeClock();
  // Every write is refused after a pause, so the timeout ends the call before the tries run out.
  const { store, reads } = refusingStore(clock, 100);
  await listOnce(store, clock);
  const after = reads();
  await clock.sleep(10_000);
  assert(reads() <= after + 1, `${reads() - after} reads after the call was given up on`);
});

Deno.test("shared budget: a store that stalls is given up on after its timeout", async () => {
  const kv = new FakeKv();
  const clock = new FakeClock();
  const log: string[] = [];
  const a = startProcess("a", kv, clock, log);
  kv.stalled = true;
  await a.client.regions.list();
  assertEquals(log, [`a@${STORE_TIMEOUT_MS} list regions`]);
  assertStrictEquals(a.fallbacks.length, 1);
  assertStrictEquals(
    a.fallbacks[0]!.error.message,
    `the rate limit store did not answer within ${STORE_TIMEOUT_MS} ms`,
  );
});

Deno.test("shared budget: while a process stopped mid-write leaves every operation hanging, the others pace alone at the interval, and share again once it resumes", async () => {
  const kv = new FakeKv();
  const clock = new FakeClock();
  const log: string[] = [];
  const [holder, a, b] = ["holder", "a", "b"].map((name) => startProcess(name, kv, clock, log));
  for (const process of [holder!, a!, b!]) await process.client.regions.list();
  // The holder is stopped (SIGSTOP, Ctrl-Z) inside a write: a local KV file then answers nobody.
  kv.stalled = true;
  log.length = 0;
  await Promise.all([a!.client.regions.list(), a!.client.regions.list(), b!.client.regions.list()]);
  // Each waits for the store once, then paces alone from the last state it saw: a from its own
  // turn, b from its own, which came after a's. Alone, they can meet: a wider interval would not
  // keep apart processes that know neither how many they are nor each other's turns.
  assertEquals(log, [
    `a@${2000 + STORE_TIMEOUT_MS} list regions`,
    `b@${2000 + STORE_TIMEOUT_MS} list regions`,
    `a@${3000 + STORE_TIMEOUT_MS} list regions`,
  ]);
  assertEquals([a!.fallbacks.length, b!.fallbacks.length], [2, 1]);
  assertEquals(
    a!.fallbacks[0]!.error.message,
    `the rate limit store did not answer within ${STORE_TIMEOUT_MS} ms`,
  );
  // Resumed, the holder finishes its write; after FALLBACK_MS the others use the store again.
  kv.stalled = false;
  await clock.sleep(FALLBACK_MS);
  log.length = 0;
  await Promise.all([a!.client.regions.list(), b!.client.regions.list(), a!.client.regions.list()]);
  const times = log.map((line) => Number(line.split("@")[1]!.split(" ")[0]));
  assertEquals(times.length, 3);
  for (let i = 1; i < times.length; i++) assert(times[i]! - times[i - 1]! >= 1000, log.join());
  assertEquals([a!.fallbacks.length, b!.fallbacks.length], [2, 1]);
});

Deno.test("shared budget: a process that booked a turn and died only lets that turn pass", async () => {
  const kv = new FakeKv();
  const clock = new FakeClock();
  const log: string[] = [];
  const dying = startProcess("dying", kv, clock, log);
  const controller = new AbortController();
  // Its first call goes; its second books the next turn, then the process is gone (aborted).
  await dying.client.regions.list();
  const second = dying.client.regions.list({ signal: controller.signal });
  await Promise.resolve();
  controller.abort(new Error("killed"));
  await assertRejects(() => second);
  const b = startProcess("b", kv, clock, log);
  await b.client.regions.list();
  assertEquals(log, ["dying@0 list regions", "b@2000 list regions"]);
});

Deno.test("shared budget: a store must have get() and compareAndSet(); a KV must have get() and atomic()", () => {
  for (const store of [null, {}, { get: () => {} }, "kv"]) {
    let error: unknown;
    try {
      // deno-lint-ignore no-explicit-any
      new LambdaCloudClient({ apiKey: KEY, rateLimit: { store: store as any } });
    } catch (caught) {
      error = caught;
    }
    assert(error instanceof TypeError, String(store));
  }
  for (const kv of [null, {}, { get: () => {} }]) {
    let error: unknown;
    try {
      // deno-lint-ignore no-explicit-any
      kvRateLimitStore(kv as any);
    } catch (caught) {
      error = caught;
    }
    assert(error instanceof TypeError);
  }
});
