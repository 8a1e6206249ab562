import { hashApiKey, RateLimiter, sharedLimiterIds } from "../lib/_rate_limiter.ts";
import { LocalLedger } from "../lib/_turn_ledger.ts";
import { ApiError, RateLimitError, RateLimitWaitError, systemClock } from "../mod.ts";
import { assert, assertEquals, assertMatch, assertRejects, assertStrictEquals } from "@std/assert";
import { stub } from "@std/testing/mock";
import { dataResponse, errorResponse, fakeClient, FakeClock, FakeFetch } from "./_fakes.ts";

/** A fake fetch that always succeeds, and the fake-clock times at which requests were sent. */
function timedClient(
  clock: FakeClock,
  options: Parameters<typeof fakeClient>[1] = {},
): { client: ReturnType<typeof fakeClient>["client"]; times: number[]; fake: FakeFetch } {
  const times: number[] = [];
  const fake = new FakeFetch();
  // A launch answers with its ids; everything else these tests call, with a list.
  const answer = (request: Request) =>
    dataResponse(request.url.endsWith("/launch") ? { instance_ids: ["i"] } : []);
  for (let i = 0; i < 20; i++) fake.push(answer);
  const { client } = fakeClient(fake, {
    clock,
    rateLimit: {},
    hooks: { onRequest: () => times.push(clock.time - 1_000_000) },
    ...options,
  });
  return { client, times, fake };
}

/** A fake clock, and the times on it (from 0) at which a client given `hooks` sent requests. */
function sendTimes(): { clock: FakeClock; times: number[]; hooks: { onRequest: () => void } } {
  const clock = new FakeClock();
  const times: number[] = [];
  return { clock, times, hooks: { onRequest: () => times.push(clock.time - 1_000_000) } };
}

/** A 429 that asks for `retryAfter` seconds before the next call. */
function tooMany(retryAfter: string): Response {
  return new Response("", { status: 429, headers: { "retry-after": retryAfter } });
}

Deno.test("the limiter spaces requests one second apart, in call order", async () => {
  const { client, times } = timedClient(new FakeClock());
  const order: number[] = [];
  await Promise.all([0, 1, 2, 3].map((n) => client.regions.list().then(() => order.push(n))));
  assertEquals(times, [0, 1000, 2000, 3000]);
  assertEquals(order, [0, 1, 2, 3]);
});

Deno.test("launches are spaced 12 seconds apart; requests behind a waiting launch go first", async () => {
  const { client, times } = timedClient(new FakeClock());
  const body = { region_name: "r", instance_type_name: "t", ssh_key_names: ["k"] as [string] };
  await Promise.all([
    client.regions.list(),
    client.instances.launch(body),
    client.instances.launch(body),
    client.regions.list(),
  ]);
  // Requests go one second apart, in order: the first launch at 1 s. The second launch keeps its
  // place but must wait for its launch turn, 12 s after the first, so the list behind it goes at
  // 2 s, and the launch at 13 s.
  assertEquals(times, [0, 1000, 2000, 13_000]);
});

Deno.test("clients that share a key share one budget; other keys do not", async () => {
  const { clock, times, hooks } = sendTimes();
  const fake = new FakeFetch(dataResponse([]), dataResponse([]), dataResponse([]));
  const shared = { clock, rateLimit: {}, apiKey: "secret_shared", hooks };
  const a = fakeClient(fake, shared).client;
  const b = fakeClient(fake, shared).client;
  const other = fakeClient(fake, { ...shared, apiKey: "secret_other" }).client;
  // The other key goes first and alone: were it in the same budget, a would wait for it. (Run
  // together, the keys' digests race the virtual clock, and the order would be luck.)
  await other.regions.list();
  await Promise.all([a.regions.list(), b.regions.list()]);
  assertEquals(times, [0, 0, 1000]);
});

Deno.test("intervals can be tuned, and the limiter turned off", async () => {
  const tuned = timedClient(new FakeClock(), { rateLimit: { requestIntervalMs: 250 } });
  await Promise.all([1, 2, 3].map(() => tuned.client.regions.list()));
  assertEquals(tuned.times, [0, 250, 500]);

  const offClock = new FakeClock();
  const off = timedClient(offClock, { rateLimit: false });
  await Promise.all([1, 2, 3].map(() => off.client.regions.list()));
  assertEquals(off.times, [0, 0, 0]);
  assertEquals(offClock.sleeps, []);
});

Deno.test("a 429 holds back every call that shares the key", async () => {
  const { clock, times, hooks } = sendTimes();
  const fake = new FakeFetch(tooMany("5"), dataResponse([]), dataResponse([]));
  const { client } = fakeClient(fake, { clock, rateLimit: {}, hooks });
  await Promise.all([client.regions.list(), client.regions.list()]);
  // The first call's 429 (at 0) asked for 5 s, so the second call, queued behind it, waits too;
  // the retry then goes one second after it.
  assertEquals(times, [0, 5000, 6000]);
});

Deno.test("a 429 asking for hours holds later calls back no longer than maxRetryAfterMs", async () => {
  const { clock, times, hooks } = sendTimes();
  const fake = new FakeFetch(tooMany("7200"), dataResponse([]));
  const { client } = fakeClient(fake, {
    clock,
    rateLimit: {},
    backoff: { maxRetryAfterMs: 30_000 },
    hooks,
  });
  await assertRejects(() => client.regions.list(), RateLimitError);
  // The next call asks again once maxRetryAfterMs has passed, not two hours later.
  await client.regions.list();
  assertEquals(times, [0, 30_000]);
});

Deno.test("a call whose turn is further off than the client waits for one fails at once, unsent, saying why", async () => {
  const { clock, times, hooks } = sendTimes();
  const apiKey = "secret_patient_and_not";
  // A client that waits out long holds met a 429 asking for 90 s: it holds every client of the key.
  const patient = fakeClient(new FakeFetch(tooMany("90")), {
    apiKey,
    clock,
    rateLimit: {},
    maxRetries: 0,
    backoff: { maxRetryAfterMs: 120_000 },
    hooks,
  }).client;
  await assertRejects(() => patient.regions.list(), RateLimitError);
  const { client } = fakeClient(new FakeFetch(dataResponse([])), {
    apiKey,
    clock,
    rateLimit: {},
    hooks,
  });
  // This one waits 60 s at most (its backoff.maxRetryAfterMs).
  const error = await assertRejects(() => client.regions.list(), RateLimitWaitError);
  assertEquals(
    error.message,
    "Cannot list regions: its turn under the rate limit is 90 s away, longer than the client waits for one (60 s); nothing was sent",
  );
  assertEquals([error.waitMs, error.maxWaitMs, clock.time - 1_000_000], [90_000, 60_000, 0]);
  await clock.sleep(30_000);
  await client.regions.list();
  assertEquals(times, [0, 90_000]);
});

Deno.test("the wait for a turn is bounded at the front of the line only, and never below the limiter's own intervals", async () => {
  const { clock, times, hooks } = sendTimes();
  const fake = new FakeFetch(...Array.from({ length: 20 }, () => dataResponse([])));
  // No Retry-After is ever waited out, and each attempt has 5 ms for its answer: still, every call
  // waits its turn, 19 s for the last one in all, and never more than 1 s once first in line.
  const { client } = fakeClient(fake, {
    clock,
    rateLimit: {},
    timeout: 5,
    backoff: { maxRetryAfterMs: 0 },
    hooks,
  });
  await Promise.all(Array.from({ length: 20 }, () => client.regions.list()));
  assertEquals(times, Array.from({ length: 20 }, (_, i) => i * 1000));
});

const LAUNCH = { region_name: "r", instance_type_name: "t", ssh_key_names: ["k"] as [string] };
const LAUNCHED = () => dataResponse({ instance_ids: ["i"] });

Deno.test("a launch refused by the client's own checks takes no launch turn", async () => {
  const { clock, times, hooks } = sendTimes();
  const fake = new FakeFetch(LAUNCHED(), LAUNCHED());
  const { client } = fakeClient(fake, { clock, rateLimit: {}, hooks });
  const twoKeys = { ...LAUNCH, ssh_key_names: ["k", "l"] as unknown as [string] };
  await assertRejects(() => client.instances.launch(twoKeys), RangeError);
  await assertRejects(
    () => client.instances.launch(LAUNCH, { headers: { "x-note": "secret_\0" } }),
    TypeError,
    "Cannot launch instance: 'headers' must hold valid HTTP header names and values",
  );
  await client.instances.launch(LAUNCH);
  await client.instances.launch(LAUNCH);
  // Neither refusal was sent, so neither holds the launches after it back.
  assertEquals(times, [0, 12_000]);
});

Deno.test("a launch Lambda refused still holds the next launch its interval: the spec limits requests to the endpoint", async () => {
  const { clock, times, hooks } = sendTimes();
  const refused = errorResponse(400, { code: "global/invalid-parameters", message: "bad" });
  const { client } = fakeClient(new FakeFetch(refused, LAUNCHED()), {
    clock,
    rateLimit: {},
    hooks,
  });
  await assertRejects(() => client.instances.launch(LAUNCH), ApiError);
  await client.instances.launch(LAUNCH);
  assertEquals(times, [0, 12_000]);
});

Deno.test("a waiting call can be aborted, and the queue moves on without it", async () => {
  const clock = new FakeClock();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  // The first sleep parks until released, so the second waiter can abort while queued.
  const sleep = clock.sleep;
  let parked = false;
  clock.sleep = async (ms, signal) => {
    if (!parked) {
      parked = true;
      await gate;
    }
    return sleep(ms, signal);
  };
  const queue = new RateLimiter(clock, new LocalLedger(1000, 12_000));
  await queue.acquire("request");
  const controller = new AbortController();
  const reason = new Error("gave up");
  const aborted = queue.acquire("request", controller.signal).catch((e) => e);
  const third = queue.acquire("request");
  controller.abort(reason);
  assertStrictEquals(await aborted, reason);
  release();
  await third;
  assertStrictEquals(clock.time - 1_000_000, 1000);
});

Deno.test("an aborted wait leaves no timer behind on the real clock", async () => {
  // The op and resource sanitizers fail this test if the limiter's timer outlives it.
  const limiter = new RateLimiter(systemClock, new LocalLedger(60_000, 60_000));
  await limiter.acquire("request");
  const controller = new AbortController();
  const waiting = limiter.acquire("request", controller.signal).catch((e) => e);
  controller.abort(new Error("done"));
  assertStrictEquals((await waiting).message, "done");
});

Deno.test("acquire() with an already-aborted signal rejects at once", async () => {
  const queue = new RateLimiter(new FakeClock(), new LocalLedger(1000, 12_000));
  const reason = new Error("no");
  assertStrictEquals(
    await queue.acquire("launch", AbortSignal.abort(reason)).catch((e) => e),
    reason,
  );
});

Deno.test("systemClock.sleep() waits, and stops early on abort", async () => {
  const started = Date.now();
  await systemClock.sleep(5);
  assertEquals(Date.now() - started >= 4, true);
  const controller = new AbortController();
  const pending = systemClock.sleep(60_000, controller.signal).catch((e) => e);
  controller.abort(new Error("cancelled"));
  assertStrictEquals((await pending).message, "cancelled");
  const reason = new Error("before");
  assertStrictEquals(
    await systemClock.sleep(10, AbortSignal.abort(reason)).catch((e) => e),
    reason,
  );
});

Deno.test("systemClock.sleep() does not fire early for delays past the timer limit", async () => {
  const controller = new AbortController();
  let settled = false;
  const pending = systemClock.sleep(2 ** 32, controller.signal).then(
    () => (settled = true),
    (e) => e,
  );
  await systemClock.sleep(5);
  assertStrictEquals(settled, false);
  controller.abort(new Error("enough"));
  assertStrictEquals((await pending).message, "enough");
});

Deno.test("a launch stuck behind requests never lets the next launch follow it closely", async () => {
  // Ten requests queued first, then two launches: each launch goes out at a request turn, and
  // the second exactly one launch interval after the first, whatever the queue in front did.
  const clock = new FakeClock();
  const limiter = new RateLimiter(clock, new LocalLedger(50, 500));
  const sent: [string, number][] = [];
  const call = (kind: "request" | "launch") =>
    limiter.acquire(kind).then(() => sent.push([kind, clock.now() - 1_000_000]));
  await Promise.all([
    ...Array.from({ length: 10 }, () => call("request")),
    call("launch"),
    call("launch"),
    call("request"),
  ]);
  const launches = sent.filter(([kind]) => kind === "launch").map(([, at]) => at);
  assertEquals(launches, [500, 1000]);
  const times = sent.map(([, at]) => at);
  assertEquals(times, [0, 50, 100, 150, 200, 250, 300, 350, 400, 450, 500, 550, 1000]);
});

Deno.test("an aborted launch lets the launch behind it take its turn", async () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter(clock, new LocalLedger(1000, 12_000));
  await limiter.acquire("launch");
  const controller = new AbortController();
  const first = limiter.acquire("launch", controller.signal).catch((e) => e);
  const second = limiter.acquire("launch");
  controller.abort(new Error("changed my mind"));
  assertStrictEquals((await first).message, "changed my mind");
  await second;
  assertStrictEquals(clock.now() - 1_000_000, 12_000);
});

Deno.test("a 429 seen by one client holds back another client with the same key", async () => {
  const clock = new FakeClock();
  const times: string[] = [];
  const fake = new FakeFetch(tooMany("7"), dataResponse([]), dataResponse([]));
  const shared = { clock, rateLimit: {}, apiKey: "secret_two_clients" };
  const second = fakeClient(fake, {
    ...shared,
    hooks: { onRequest: () => times.push(`second ${clock.time - 1_000_000}`) },
  }).client;
  let secondCall: Promise<unknown> | undefined;
  const first = fakeClient(fake, {
    ...shared,
    hooks: {
      onRequest: () => times.push(`first ${clock.time - 1_000_000}`),
      // The moment the first client has met its 429, the second one asks for its turn.
      onRetry: () => secondCall = second.regions.list(),
    },
  }).client;
  await first.regions.list();
  await secondCall;
  // The second client waits out the 7 s the server asked of the first; which of the two then goes
  // first depends on when each reached the limiter, but they keep a second apart.
  assertEquals(times.map((entry) => Number(entry.split(" ")[1])), [0, 7000, 8000]);
  assertEquals(times[0], "first 0");
});

Deno.test("the limiter registry keeps keys only as digests, and forgets idle ones", async () => {
  const clock = new FakeClock();
  const fake = new FakeFetch();
  for (let i = 0; i < 50; i++) fake.push(dataResponse([]));
  for (let i = 0; i < 50; i++) {
    const { client } = fakeClient(fake, { clock, rateLimit: {}, apiKey: `secret_customer_${i}` });
    await client.regions.list();
    await clock.sleep(2000); // the key's turn has passed: nothing left to remember
  }
  const ids = sharedLimiterIds(clock);
  // Only the last key is still remembered; every earlier one was forgotten once idle.
  assertEquals(ids.length, 1);
  assert(ids.every((id) => !id.includes("secret_")), ids.join());
  assertMatch(ids[0]!, new RegExp(`:${await hashApiKey("secret_customer_49")}$`));
});

Deno.test("pacing survives a wall clock stepped back by a minute", async () => {
  const realNow = Date.now;
  const fake = new FakeFetch(dataResponse([]), dataResponse([]));
  const { client } = fakeClient(fake, {
    clock: systemClock,
    rateLimit: { requestIntervalMs: 20 },
    apiKey: "secret_wall_clock",
  });
  await client.regions.list();
  const started = performance.now();
  {
    using _stepped = stub(Date, "now", () => realNow() - 60_000); // NTP, or a laptop waking up
    await client.regions.list();
  }
  // The second call waited its 20 ms turn, not the minute the wall clock went back.
  assert(performance.now() - started < 5000, `${performance.now() - started} ms`);
  assertEquals(fake.requests.length, 2);
});

Deno.test("a 429 holds back the key even when its own call does not retry", async () => {
  const { clock, times, hooks } = sendTimes();
  const fake = new FakeFetch(tooMany("90"), dataResponse([]));
  const shared = { clock, rateLimit: {}, apiKey: "secret_held_back", hooks };
  const first = fakeClient(fake, shared).client;
  // 90 s is past maxRetryAfterMs: the first call throws at once instead of waiting, and the key
  // is held back for maxRetryAfterMs (60 s), after which the next call asks again.
  await assertRejects(() => first.regions.list(), Error);
  await fakeClient(fake, shared).client.regions.list();
  assertEquals(times, [0, 60_000]);
});

Deno.test("a call backing off keeps its key's limiter in the registry", async () => {
  const { clock, times, hooks } = sendTimes();
  const fake = new FakeFetch(new Response("", { status: 503 }), dataResponse([]), dataResponse([]));
  const options = {
    clock,
    rateLimit: {},
    apiKey: "secret_backing_off",
    backoff: { initialDelayMs: 4000, maxDelayMs: 4000 },
    hooks,
  };
  const retrying = fakeClient(fake, options).client.regions.list(); // fails at 0, retries at 4 s
  // Its key is digested on real time first: virtual time moves on only once it has been sent.
  while (times.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
  await clock.sleep(2500); // the key's turns have passed: only the retry to come holds it
  // Another key's first call prunes idle limiters: this key's must survive, it is still in use.
  const other = new FakeFetch(dataResponse([]));
  await fakeClient(other, { clock, rateLimit: {}, apiKey: "secret_other_key" }).client.regions
    .list();
  await clock.sleep(1000 - (clock.time - 1_000_000 - 2500));
  const second = fakeClient(fake, options).client.regions.list(); // at 3.5 s
  await Promise.all([retrying, second]);
  // One budget: the retry, due at 4 s, waits for the turn after the second call's (3.5 s + 1 s).
  // Two budgets (the first forgotten) would let it go at 4 s.
  assertEquals(times, [0, 3500, 4500]);
});
