// The emulator's rate limits and injected faults, in-process and over a real socket.

import { assert, assertEquals, assertMatch, assertRejects, assertThrows } from "@std/assert";
import { emulatorClient, keyed, LAUNCH, testEmulator } from "./_emulator.ts";
import { FakeClock } from "./_fakes.ts";
import {
  ConnectionError,
  type InstanceLaunchResponse,
  InvalidResponseError,
  LambdaCloudClient,
  LaunchOutcomeUnknownError,
  RateLimitError,
  ServerError,
  systemClock,
  TimeoutError,
} from "../mod.ts";
import type { LambdaEmulator } from "../lib/testing/mod.ts";

/** An emulator, and a client of it that has added the SSH key `k`; no request recorded yet. */
async function withKey(): Promise<{ emulator: LambdaEmulator; client: LambdaCloudClient }> {
  const emulator = testEmulator();
  const client = await keyed(emulatorClient(emulator));
  emulator.clearRequests();
  return { emulator, client };
}

/** A launch with no launch token: when its outcome is unknown, there is nothing to look for. */
function withoutToken(client: LambdaCloudClient): Promise<InstanceLaunchResponse> {
  return client.instances.launch(LAUNCH, { launchToken: false });
}

Deno.test("rate limits: a burst gets 429 with Retry-After, per second and per launch", async () => {
  const clock = new FakeClock();
  const emulator = testEmulator({
    clock,
    rateLimit: {},
    rateLimitAnswer: { body: "json", retryAfter: true },
  });
  const client = emulatorClient(emulator, { maxRetries: 0 });
  await client.regions.list();
  const error = await assertRejects(() => client.regions.list(), RateLimitError);
  assertEquals([error.status, error.retryAfterMs], [429, 1000]);
  clock.time += 1000;
  await client.sshKeys.create({ name: "k" });
  clock.time += 1000;
  await client.instances.launch(LAUNCH);
  clock.time += 1000;
  const launch = await assertRejects(() => client.instances.launch(LAUNCH), RateLimitError);
  assertEquals(launch.retryAfterMs, 11_000);
  await client.regions.list(); // a refused launch used up nothing, so a read may go
  clock.time += 11_000;
  await client.instances.launch(LAUNCH);
  assertEquals(emulator.instances().length, 2);
});

Deno.test("rate limits: the client's limiter at the same pace never meets a 429", async () => {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock, rateLimit: {} });
  const client = await keyed(emulatorClient(emulator, { clock, rateLimit: {} }));
  const started = clock.now();
  await Promise.all([
    client.instances.launch(LAUNCH),
    client.regions.list(),
    client.instances.launch(LAUNCH),
    client.instances.list(),
  ]);
  assertEquals(emulator.requests.map((request) => request.status), [200, 200, 200, 200, 200]);
  assert(clock.now() - started >= 12_000);
});

Deno.test("rate limits scale: 20 requests a second when configured", async () => {
  const clock = new FakeClock();
  const emulator = testEmulator({
    clock,
    rateLimit: { requestIntervalMs: 50, launchIntervalMs: 500 },
  });
  const client = emulatorClient(emulator, {
    clock,
    rateLimit: { requestIntervalMs: 50, launchIntervalMs: 500 },
  });
  const started = clock.now();
  await Promise.all(Array.from({ length: 21 }, () => client.regions.list()));
  assertEquals(clock.now() - started, 1000);
  assert(emulator.requests.every((request) => request.status === 200));
});

Deno.test("faults: 429 with and without Retry-After are retried after the right wait", async () => {
  const clock = new FakeClock();
  const emulator = testEmulator();
  const client = emulatorClient(emulator, { clock });
  emulator.faults.inject({ kind: "rate-limit", retryAfterSeconds: 3 });
  emulator.faults.inject({ kind: "rate-limit", skip: 1 });
  await client.regions.list();
  assertEquals(clock.sleeps, [3000, 500]); // Retry-After, then backoff: 1000 ms with equal jitter at its low end
  assertEquals(emulator.requests.map((request) => [request.status, request.fault]), [
    [429, "rate-limit"],
    [429, "rate-limit"],
    [200, undefined],
  ]);
  assertEquals(emulator.faults.injected, 2);
});

Deno.test("faults: 5xx, proxy HTML and provider errors are retried on reads", async () => {
  const { emulator, client } = await withKey();
  emulator.faults.inject({ kind: "server-error", status: 503 });
  emulator.faults.inject({ kind: "proxy-html", skip: 1 });
  assertEquals((await client.regions.list()).length, 12);
  assertEquals(emulator.requests.map((request) => request.status), [503, 502, 200]);
});

Deno.test("faults: a launch answered 503 is looked for by its token, and never sent again", async () => {
  const { emulator, client } = await withKey();
  emulator.faults.inject({ kind: "provider-unavailable", operation: "launchInstance" });
  const error = await assertRejects(
    () => client.instances.launch(LAUNCH, { lookup: { timeout: 20_000 } }),
    LaunchOutcomeUnknownError,
  );
  assert(error.cause instanceof ServerError);
  assertEquals([error.cause.status, error.cause.code], [503, "provider/internal-unavailable"]);
  assertEquals(emulator.requests.map((request) => `${request.operationId} ${request.status}`), [
    "launchInstance 503",
    ...Array(4).fill("listInstances 200"),
  ]);
  assertEquals(emulator.instances(), []);
});

Deno.test("faults: without a launch token, 5xx, proxy HTML and provider errors are never resent", async () => {
  const { emulator, client } = await withKey();
  emulator.faults.inject({ kind: "provider-unavailable", operation: "launchInstance" });
  const provider = await assertRejects(() => withoutToken(client), LaunchOutcomeUnknownError);
  assertEquals(provider.reason, "no-token");
  assert(provider.cause instanceof ServerError);
  assertEquals([provider.cause.status, provider.cause.code], [
    503,
    "provider/internal-unavailable",
  ]);
  emulator.faults.inject({ kind: "proxy-html", operation: "launchInstance" });
  const proxy = await assertRejects(() => withoutToken(client), LaunchOutcomeUnknownError);
  assertMatch(String(proxy.cause), /502 Bad Gateway/);
  assertMatch(proxy.message, /outcome is unknown after HTTP 502/);
  assertEquals(emulator.instances(), []); // neither fault let the launch through
  assertEquals(emulator.requests.length, 2);
});

Deno.test("faults: a slow answer past the client's timeout is a TimeoutError, and leaves no timer", async () => {
  const emulator = testEmulator();
  // The emulator's delays run on real time here, so the client's timeout does too.
  const client = emulatorClient(emulator, { timeout: 20, maxRetries: 0, clock: systemClock });
  emulator.faults.inject({ kind: "slow", delayMs: 60_000 });
  await assertRejects(() => client.regions.list(), TimeoutError);
  emulator.faults.inject({ kind: "slow", delayMs: 1 });
  // A timeout runs on the client's clock, as the emulator's pacing does: a second is needed now.
  assertEquals((await client.regions.list({ timeout: 60_000 })).length, 12);
});

Deno.test("faults: a dropped connection means nothing happened; a lost answer means it did", async () => {
  const { emulator, client } = await withKey();
  emulator.faults.inject({ kind: "drop", operation: "launchInstance" });
  const dropped = await assertRejects(() => withoutToken(client), LaunchOutcomeUnknownError);
  // The client cannot tell a drop before the call from one after it: both are unknown.
  assert(dropped.cause instanceof ConnectionError && dropped.cause.requestSent);
  assertEquals(emulator.instances().length, 0);

  emulator.faults.inject({ kind: "lost-answer", operation: "launchInstance" });
  const lost = await assertRejects(() => withoutToken(client), LaunchOutcomeUnknownError);
  assertMatch(lost.message, /list your instances before launching again/);
  assertEquals(emulator.instances().length, 1);
  assertEquals(emulator.requests.at(-1)?.status, undefined);
});

Deno.test("faults: with its launch token, a lost answer is found and returned, never launched twice", async () => {
  const { emulator, client } = await withKey();
  emulator.faults.inject({ kind: "lost-answer", operation: "launchInstance" });
  const { instance_ids } = await client.instances.launch(LAUNCH);
  assertEquals(emulator.instances().map((instance) => instance.id), instance_ids);
  assertEquals(emulator.requests.map((request) => request.operationId), [
    "launchInstance",
    "listInstances",
  ]);
});

Deno.test("faults: a truncated body is an InvalidResponseError, never a bare SyntaxError", async () => {
  const emulator = testEmulator();
  const client = emulatorClient(emulator, { maxRetries: 0 });
  emulator.faults.inject({ kind: "truncate", operation: "listRegions" });
  const error = await assertRejects(() => client.regions.list(), InvalidResponseError);
  assertEquals(error.status, 200);
});

Deno.test("faults: probability draws follow the seed; handles count, remove and clear", async () => {
  const pattern = async (seed: number) => {
    const emulator = testEmulator({ seed });
    const client = emulatorClient(emulator, { maxRetries: 0 });
    const fault = emulator.faults.inject({ kind: "server-error", probability: 0.5 });
    const outcomes: boolean[] = [];
    for (let i = 0; i < 24; i++) {
      outcomes.push(await client.regions.list().then(() => true, () => false));
    }
    assertEquals(fault.hits, outcomes.filter((ok) => !ok).length);
    fault.remove();
    await client.regions.list();
    return outcomes;
  };
  const first = await pattern(5);
  assertEquals(await pattern(5), first);
  assert(first.includes(true) && first.includes(false));

  const emulator = testEmulator();
  emulator.faults.inject({ kind: "drop", times: 5 });
  emulator.faults.clear();
  assertEquals((await emulatorClient(emulator).regions.list()).length, 12);
  assertThrows(() => emulator.faults.inject({ kind: "meltdown" as never }), RangeError);
  assertThrows(() => emulator.faults.inject({ kind: "drop", probability: 2 }), RangeError);
  assertThrows(() => emulator.faults.inject({ kind: "server-error", status: 404 }), RangeError);
});

Deno.test("server: the client over a real socket, errors and faults included", async () => {
  const emulator = testEmulator();
  await using server = await emulator.serve();
  assertMatch(server.url, /^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
  const client = new LambdaCloudClient({
    baseUrl: server.url,
    apiKey: emulator.apiKey,
    rateLimit: false,
    maxRetries: 0,
  });
  await client.sshKeys.create({ name: "k" });
  const [id] = (await client.instances.launch(LAUNCH)).instance_ids;
  assertEquals((await client.instances.get(id!)).status, "booting");
  emulator.faults.inject({ kind: "lost-answer", operation: "launchInstance" });
  const found = await client.instances.launch(LAUNCH);
  assertEquals(emulator.instances().map((instance) => instance.id), [id!, ...found.instance_ids]);
  emulator.faults.inject({ kind: "drop" });
  await assertRejects(() => client.regions.list(), ConnectionError);
  emulator.faults.inject({ kind: "proxy-html" });
  await assertRejects(() => client.regions.list(), ServerError);
  const wrongKey = new LambdaCloudClient({
    baseUrl: server.url,
    apiKey: "secret_other",
    rateLimit: false,
  });
  await assertRejects(() => wrongKey.regions.list(), Error, "invalid-api-key");
});

Deno.test("server: close() is idempotent and refuses further connections", async () => {
  const emulator = testEmulator();
  const server = await emulator.serve();
  await server.close();
  await server.close();
  const client = new LambdaCloudClient({
    baseUrl: server.url,
    apiKey: emulator.apiKey,
    rateLimit: false,
    maxRetries: 0,
  });
  await assertRejects(() => client.regions.list(), ConnectionError);
});
