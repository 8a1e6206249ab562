import { InsufficientCapacityError, RateLimitError, ServerError } from "../mod.ts";
import { parseRetryAfter, retryDelay } from "../lib/transport/_retry.ts";
import { assertEquals, assertRejects, assertStrictEquals } from "@std/assert";
import { dataResponse, errorResponse, fakeClient, FakeClock, FakeFetch } from "./_fakes.ts";

const LAUNCH_BODY = {
  region_name: "us-east-1",
  instance_type_name: "gpu_1x_a10",
  ssh_key_names: ["my-key"] as [string],
};

Deno.test("reads retry 5xx with doubling backoff, then succeed", async () => {
  const fake = new FakeFetch(
    new Response("", { status: 502 }),
    new Response("", { status: 503 }),
    dataResponse([]),
  );
  const { client, clock } = fakeClient(fake);
  assertEquals(await client.images.list(), []);
  assertStrictEquals(fake.requests.length, 3);
  assertEquals(clock.sleeps, [500, 1000]);
});

Deno.test("jitter keeps each wait between half the ceiling and the ceiling", async () => {
  const fake = new FakeFetch(new Response("", { status: 500 }), dataResponse([]));
  const { client, clock } = fakeClient(fake, { random: () => 0 });
  await client.images.list();
  assertEquals(clock.sleeps, [250]);
  const settings = { initialDelayMs: 500, maxDelayMs: 8000, maxRetryAfterMs: 60_000 };
  for (let retry = 0; retry < 10; retry++) {
    const ceiling = Math.min(8000, 500 * 2 ** retry);
    assertStrictEquals(
      retryDelay(new Error(), retry, { ...settings, random: () => 0 }),
      ceiling / 2,
    );
    assertStrictEquals(
      retryDelay(new Error(), retry, { ...settings, random: () => 0.999999 }),
      ceiling,
    );
  }
});

Deno.test("reads give up after maxRetries and throw the last error", async () => {
  const fake = new FakeFetch(
    errorResponse(500, { code: "global/internal-error" }),
    errorResponse(500, { code: "global/internal-error" }),
    errorResponse(503, { code: "provider/internal-unavailable" }),
  );
  const { client, clock } = fakeClient(fake);
  const error = await assertRejects(() => client.regions.list(), ServerError);
  assertStrictEquals(error.code, "provider/internal-unavailable");
  assertStrictEquals(fake.requests.length, 3);
  assertEquals(clock.sleeps, [500, 1000]);
});

Deno.test("maxRetries can be changed per client and per call", async () => {
  const failing = () => new Response("", { status: 500 });
  const fake = new FakeFetch(failing(), failing(), failing(), failing(), failing());
  const { client } = fakeClient(fake, { maxRetries: 3 });
  await assertRejects(() => client.regions.list(), ServerError);
  assertStrictEquals(fake.requests.length, 4);
  await assertRejects(() => client.regions.list({ maxRetries: 0 }), ServerError);
  assertStrictEquals(fake.requests.length, 5);
});

Deno.test("reads retry connection errors, timeouts, 408, 429 and provider codes", async () => {
  const fake = new FakeFetch(
    new TypeError("connection reset"),
    (request) =>
      new Promise((_, reject) =>
        request.signal.addEventListener("abort", () => reject(request.signal.reason))
      ),
    new Response("", { status: 408 }),
    new Response("", { status: 429 }),
    errorResponse(400, { code: "provider/quota-unavailable" }),
    dataResponse([]),
  );
  const { client } = fakeClient(fake, { maxRetries: 5, timeout: 5 });
  assertEquals(await client.instances.list(), []);
  assertStrictEquals(fake.requests.length, 6);
});

Deno.test("client errors other than 408 and 429 are not retried", async () => {
  for (const status of [400, 401, 403, 404, 409, 422]) {
    const fake = new FakeFetch(new Response("", { status }), dataResponse([]));
    const { client } = fakeClient(fake);
    await assertRejects(() => client.regions.list());
    assertStrictEquals(fake.requests.length, 1, `status ${status}`);
  }
});

Deno.test("launch is resent after a 429, which is refused before anything runs", async () => {
  const fake = new FakeFetch(
    new Response("", { status: 429, headers: { "retry-after": "3" } }),
    dataResponse({ instance_ids: ["i-1"] }),
  );
  const { client, clock } = fakeClient(fake);
  assertEquals(await client.instances.launch(LAUNCH_BODY), { instance_ids: ["i-1"] });
  assertStrictEquals(fake.requests.length, 2);
  assertEquals(clock.sleeps, [3000]);
  assertEquals(fake.json(0), fake.json(1));
});

Deno.test("a 429 with a provider code may follow a backend that acted: calls that bill are not resent", async () => {
  const providerLimited = () =>
    errorResponse(429, { code: "provider/internal-unavailable", message: "try later" });
  const calls: Call[] = [
    [(c) => c.instances.restart("i-1"), { restarted_instances: [] }],
    [(c) => c.sshKeys.create({ name: "k" }), {}],
    [(c) => c.fileSystems.create({ name: "fs", region: "us-east-1" }), {}],
  ];
  for (const [call, answer] of calls) {
    const fake = new FakeFetch(providerLimited(), dataResponse(answer));
    await assertRejects(() => call(fakeClient(fake).client), ServerError);
    assertStrictEquals(fake.requests.length, 1);
  }
  // A read is sent again: doing it twice costs nothing.
  const read = new FakeFetch(providerLimited(), dataResponse([]));
  assertEquals(await fakeClient(read).client.instances.list(), []);
  assertStrictEquals(read.requests.length, 2);
});

Deno.test("insufficient capacity is never retried", async () => {
  const fake = new FakeFetch(
    errorResponse(400, { code: "instance-operations/launch/insufficient-capacity" }),
  );
  const { client } = fakeClient(fake);
  await assertRejects(() => client.instances.launch(LAUNCH_BODY), InsufficientCapacityError);
  assertStrictEquals(fake.requests.length, 1);
});

type Call = [(c: ReturnType<typeof fakeClient>["client"]) => Promise<unknown>, answer: unknown];

Deno.test("restart, SSH key and filesystem creation retry only on 429", async () => {
  const calls: Call[] = [
    [(c) => c.instances.restart("i-1"), { restarted_instances: [] }],
    [(c) => c.sshKeys.create({ name: "k" }), {}],
    [(c) => c.fileSystems.create({ name: "fs", region: "us-east-1" }), {}],
  ];
  for (const [call, answer] of calls) {
    const fake = new FakeFetch(new Response("", { status: 502 }), dataResponse(answer));
    const { client } = fakeClient(fake);
    await assertRejects(() => call(client), ServerError);
    assertStrictEquals(fake.requests.length, 1);
    const limited = new FakeFetch(new Response("", { status: 429 }), dataResponse(answer));
    await call(fakeClient(limited).client);
    assertStrictEquals(limited.requests.length, 2);
  }
});

Deno.test("terminate, update and deletes retry on transient failures", async () => {
  const calls: Call[] = [
    [(c) => c.instances.terminate(["i-1"]), { terminated_instances: [] }],
    [(c) => c.instances.update("i-1", { name: "n" }), {}],
    [(c) => c.sshKeys.delete("k-1"), {}],
    [(c) => c.fileSystems.delete("fs-1"), { deleted_ids: ["fs-1"] }],
  ];
  for (const [call, answer] of calls) {
    const fake = new FakeFetch(
      new TypeError("reset"),
      new Response("", { status: 503 }),
      dataResponse(answer),
    );
    await call(fakeClient(fake).client);
    assertStrictEquals(fake.requests.length, 3);
  }
});

Deno.test("Retry-After in seconds and as an HTTP date is honoured", async () => {
  const clock = new FakeClock();
  clock.time = Date.parse("2026-11-26T12:00:00Z");
  const fake = new FakeFetch(
    new Response("", { status: 503, headers: { "retry-after": "2" } }),
    new Response("", { status: 429, headers: { "retry-after": "Thu, 26 Nov 2026 12:00:12 GMT" } }),
    dataResponse([]),
  );
  const { client } = fakeClient(fake, { clock });
  await client.regions.list();
  assertEquals(clock.sleeps, [2000, 10_000]);
});

Deno.test("a Retry-After beyond maxRetryAfterMs is thrown at once with retryAfterMs", async () => {
  const fake = new FakeFetch(new Response("", { status: 429, headers: { "retry-after": "120" } }));
  const { client, clock } = fakeClient(fake);
  const error = await assertRejects(() => client.regions.list(), RateLimitError);
  assertStrictEquals(error.retryAfterMs, 120_000);
  assertEquals(clock.sleeps, []);
  assertStrictEquals(fake.requests.length, 1);
  const tolerant = new FakeFetch(
    new Response("", { status: 429, headers: { "retry-after": "120" } }),
    dataResponse([]),
  );
  const custom = fakeClient(tolerant, { backoff: { maxRetryAfterMs: 300_000 } });
  await custom.client.regions.list();
  assertEquals(custom.clock.sleeps, [120_000]);
});

Deno.test("backoff settings shape the waits", async () => {
  const failing = () => new Response("", { status: 500 });
  const fake = new FakeFetch(failing(), failing(), failing(), failing(), dataResponse([]));
  const { client, clock } = fakeClient(fake, {
    maxRetries: 4,
    backoff: { initialDelayMs: 100, maxDelayMs: 300 },
  });
  await client.regions.list();
  assertEquals(clock.sleeps, [100, 200, 300, 300]);
});

Deno.test("aborting during a backoff wait stops the retries", async () => {
  const controller = new AbortController();
  const reason = new Error("stop");
  const fake = new FakeFetch(new Response("", { status: 500 }), dataResponse([]));
  const clock = new FakeClock();
  clock.sleep = (_ms, signal) => {
    controller.abort(reason);
    return Promise.reject(signal?.reason);
  };
  const { client } = fakeClient(fake, { clock });
  const error = await client.regions.list({ signal: controller.signal }).catch((e) => e);
  assertStrictEquals(error, reason);
  assertStrictEquals(fake.requests.length, 1);
});

Deno.test("parseRetryAfter() reads seconds, dates and rejects junk", () => {
  const now = Date.parse("2026-11-26T12:00:00Z");
  assertStrictEquals(parseRetryAfter(null, now), undefined);
  assertStrictEquals(parseRetryAfter("5", now), 5000);
  assertStrictEquals(parseRetryAfter(" 1.5 ", now), 1500);
  assertStrictEquals(parseRetryAfter("0", now), 0);
  assertStrictEquals(parseRetryAfter("Thu, 26 Nov 2026 12:00:30 GMT", now), 30_000);
  assertStrictEquals(parseRetryAfter("Thu, 26 Nov 2026 11:00:00 GMT", now), 0);
  assertStrictEquals(parseRetryAfter("soon", now), undefined);
  assertStrictEquals(parseRetryAfter("-3", now), undefined);
});
