// One launch, one bill: a launch that has left the process is never sent again, and a launch whose
// answer is lost is looked for by its launch token. Each case is one that a simpler design got
// wrong: a backend that finishes after the client gave up, a success that cannot be read, a
// listing without tags, an abort mid-flight.

import {
  ConnectionError,
  InvalidResponseError,
  type LambdaCloudClient,
  type LambdaCloudClientOptions,
  LAUNCH_TOKEN_KEY,
  LaunchAbortedError,
  LaunchOutcomeUnknownError,
  LaunchWaitError,
  NoCapacityError,
  ServerError,
  TimeoutError,
  UnidentifiedInstanceError,
} from "../mod.ts";
import type { LambdaEmulator } from "../lib/testing/mod.ts";
import { assert, assertEquals, assertMatch, assertRejects, assertStrictEquals } from "./_deps.ts";
import { emulatorClient, LAUNCH, testEmulator } from "./_emulator.ts";
import {
  dataResponse,
  errorResponse,
  fakeClient,
  FakeClock,
  FakeFetch,
  type Reply,
  sampleInstance,
  unhandledRejections,
} from "./_fakes.ts";

/** An emulator and a client on one virtual clock, with the SSH key the launches use. */
async function setup(options: LambdaCloudClientOptions = {}) {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock, timing: { bootMs: 60_000 } });
  const client = emulatorClient(emulator, { clock, ...options });
  await client.sshKeys.create({ name: "k" });
  emulator.clearRequests();
  return { clock, emulator, client };
}

const operations = (emulator: LambdaEmulator) =>
  emulator.requests.map((request) => `${request.operationId} ${request.status ?? "dropped"}`);

const launches = (emulator: LambdaEmulator) =>
  emulator.requests.filter((request) => request.operationId === "launchInstance").length;

/** The launch token a recorded launch body carried. */
function tokenOf(body: unknown): string | undefined {
  const tags = (body as { tags?: { key: string; value: string }[] }).tags;
  return tags?.find((tag) => tag.key === LAUNCH_TOKEN_KEY)?.value;
}

/** A fetch that hangs until its request is aborted. */
const hang: Reply = (request) =>
  new Promise<Response>((_, reject) =>
    request.signal.addEventListener("abort", () => reject(request.signal.reason), { once: true })
  );

Deno.test("a backend that finishes the launch after a gateway's 504 is found, never launched twice", async () => {
  const { clock, emulator, client } = await setup();
  // The backend needs 30 s more: longer than the old design's three looks, two seconds apart.
  emulator.faults.inject({ kind: "gateway-timeout", operation: "launchInstance", delayMs: 30_000 });
  const started = clock.now();
  const { instance_ids } = await client.instances.launch(LAUNCH);
  assertEquals(emulator.instances().map((instance) => instance.id), instance_ids);
  assertEquals(launches(emulator), 1);
  assertEquals(clock.now() - started, 30_000); // found at the first listing after it landed
  assertEquals(operations(emulator), ["launchInstance 504", ...Array(7).fill("listInstances 200")]);
});

Deno.test("launchAndWait() looks for a lost launch as long as it was asked to wait, not two minutes", async () => {
  const { clock, emulator, client } = await setup();
  // The backend finishes 200 s after the gateway gave up: past the two minutes of a plain launch.
  emulator.faults.inject({
    kind: "gateway-timeout",
    operation: "launchInstance",
    delayMs: 200_000,
  });
  const started = clock.now();
  const instance = await client.instances.launchAndWait(LAUNCH, { timeout: 600_000 });
  assertEquals(instance.status, "active");
  assertEquals(emulator.instances().map((item) => item.id), [instance.id]);
  assertEquals(launches(emulator), 1);
  assert(clock.now() - started >= 200_000);
  // The lookup comes out of the wait's time: the whole call keeps to its timeout.
  assert(clock.now() - started <= 600_000);
  // With a short wait, the lookup keeps its two minutes (or the attempt timeout) at least, so that
  // a launch found past the timeout is still terminated rather than left billing unseen.
  const short = await setup();
  short.emulator.faults.inject({
    kind: "gateway-timeout",
    operation: "launchInstance",
    delayMs: 100_000,
  });
  const late = await assertRejects(
    short.client.instances.launchAndWait(LAUNCH, { timeout: 90_000 }),
    LaunchWaitError,
  );
  assertMatch(late.message, /found only 100 s after it was sent, past the 'timeout' of 90 s/);
  assertEquals(late.terminated, true);
  assertEquals(short.emulator.instances().map((item) => [item.id, item.status]), [
    [late.instanceId, "terminating"],
  ]);
});

Deno.test("a launch still unseen when the lookup ends is reported with its token, and can be found later", async () => {
  const { clock, emulator, client } = await setup();
  emulator.faults.inject({ kind: "late", operation: "launchInstance", delayMs: 10 * 60_000 });
  const started = clock.now();
  const error = await assertRejects(client.instances.launch(LAUNCH), LaunchOutcomeUnknownError);
  assertEquals(clock.now() - started, 120_000); // the default lookup: two minutes
  assertEquals([error.reason, error.aborted], ["not-listed", false]);
  assert(error.cause instanceof ConnectionError && error.cause.requestSent);
  const token = error.launchToken!;
  assertMatch(token, /^[0-9a-f]{32}$/);
  assertEquals(tokenOf(error.request), token);
  assertEquals(error.request?.instance_type_name, "gpu_1x_a10");
  assertMatch(
    error.message,
    /no instance with launch token '[0-9a-f]{32}' was listed within 120 s/,
  );
  assertMatch(error.message, /findByLaunchToken\('[0-9a-f]{32}'\) before launching again/);
  assertEquals(launches(emulator), 1);
  assertEquals(await client.instances.findByLaunchToken(token), []);

  emulator.advance(10 * 60_000); // the backend catches up
  const found = await client.instances.findByLaunchToken(token);
  assertEquals(found.map((instance) => instance.id), emulator.instances().map((i) => i.id));
  assertEquals(found.length, 1);
});

Deno.test("after any failure of unknown outcome, the launch is looked for and never sent again", async () => {
  const failures: [string, () => Reply, new (...args: never[]) => Error][] = [
    ["500", () => errorResponse(500, { code: "global/internal-error" }), ServerError],
    [
      "503 provider",
      () => errorResponse(503, { code: "provider/internal-unavailable" }),
      ServerError,
    ],
    ["a reset", () => new TypeError("connection reset by peer"), ConnectionError],
    ["a timeout", () => hang, TimeoutError],
    [
      "a cut-off 200",
      () => new Response('{"data": {"instance_ids": ["ab', { status: 200 }),
      InvalidResponseError,
    ],
    [
      "a proxy's 200 page",
      () => new Response("<html>ok</html>", { status: 200 }),
      InvalidResponseError,
    ],
  ];
  for (const [name, failure, causeClass] of failures) {
    const fake = new FakeFetch(failure());
    for (let i = 0; i < 10; i++) fake.push(dataResponse([sampleInstance({ id: `other-${i}` })]));
    const { client, clock } = fakeClient(fake, { maxRetries: 5, timeout: 5 });
    const started = clock.now();
    const error = await assertRejects(
      client.instances.launch(LAUNCH, { lookup: { timeout: 20_000, interval: 5000 } }),
      LaunchOutcomeUnknownError,
    );
    assert(error.cause instanceof causeClass, `${name}: ${String(error.cause)}`);
    assertEquals(error.reason, "not-listed", name);
    // One launch, then a listing every 5 s until the 20 s lookup ran out.
    assertEquals(fake.requests.map((request) => request.method), [
      "POST",
      "GET",
      "GET",
      "GET",
      "GET",
    ], name);
    // After a timeout, the lookup starts once the attempt's 5 ms are up.
    assertEquals(clock.now() - started, 20_000 + (causeClass === TimeoutError ? 5 : 0), name);
  }
});

Deno.test("a success that cannot be read is looked for: Lambda said it launched", async () => {
  const { emulator, client } = await setup();
  emulator.faults.inject({ kind: "truncate", operation: "launchInstance" });
  const { instance_ids } = await client.instances.launch(LAUNCH);
  assertEquals(emulator.instances().map((instance) => instance.id), instance_ids);
  assertEquals(operations(emulator), ["launchInstance 200", "listInstances 200"]);
});

Deno.test("a malformed success is an InvalidResponseError with the token, then the same lookup", async () => {
  for (
    const data of [{}, null, { instance_ids: "0920582c" }, { instance_ids: [7] }, {
      instance_ids: [],
    }]
  ) {
    let token = "";
    const fake = new FakeFetch(
      async (request) => {
        token = tokenOf(await request.json())!;
        return dataResponse(data);
      },
      () =>
        dataResponse([
          sampleInstance({ id: "i-1", tags: [{ key: LAUNCH_TOKEN_KEY, value: token }] }),
        ]),
    );
    const { client } = fakeClient(fake);
    assertEquals(
      await client.instances.launch(LAUNCH),
      { instance_ids: ["i-1"] },
      JSON.stringify(data),
    );

    const lost = new FakeFetch(dataResponse(data));
    for (let i = 0; i < 5; i++) lost.push(dataResponse([]));
    const error = await assertRejects(
      fakeClient(lost).client.instances.launch(LAUNCH, { lookup: { timeout: 10_000 } }),
      LaunchOutcomeUnknownError,
    );
    assert(error.cause instanceof InvalidResponseError);
    assertMatch(error.cause.message, new RegExp(`launch token '${error.launchToken}'`));
    assertEquals(lost.requests.filter((request) => request.method === "POST").length, 1);
  }
});

Deno.test("a listing without tags: instances are read by id, and the launch is found", async () => {
  const { emulator, client } = await setup();
  const other = (await client.instances.launch(LAUNCH)).instance_ids[0]!;
  emulator.faults.inject({ kind: "lost-answer", operation: "launchInstance" });
  emulator.faults.inject({ kind: "untagged", operation: "listInstances", probability: 1 });
  const { instance_ids } = await client.instances.launch(LAUNCH, { lookup: { timeout: 10_000 } });
  assertEquals(instance_ids.length, 1);
  assert(instance_ids[0] !== other);
  assertEquals([launches(emulator), emulator.instances().length], [2, 2]);
  // Each untagged instance was read once, not once per round.
  const reads = emulator.requests.filter((request) => request.operationId === "getInstance");
  assert(reads.length <= 2, `${reads.length} reads`);
});

Deno.test("tags that neither listing nor read shows: the launch is reported, never resent", async () => {
  const { emulator, client } = await setup();
  emulator.faults.inject({ kind: "lost-answer", operation: "launchInstance" });
  emulator.faults.inject({
    kind: "untagged",
    operation: ["listInstances", "getInstance"],
    probability: 1,
  });
  const error = await assertRejects(
    client.instances.launch(LAUNCH, { lookup: { timeout: 10_000 } }),
    LaunchOutcomeUnknownError,
  );
  assertEquals(error.reason, "untagged-listing");
  assertMatch(error.message, /the instance listing carries no tags/);
  assertEquals([launches(emulator), emulator.instances().length], [1, 1]);
  // Read once in the whole lookup, however many rounds it took.
  assertEquals(emulator.requests.filter((r) => r.operationId === "getInstance").length, 1);
  await assertRejects(
    client.instances.findByLaunchToken(error.launchToken!),
    LaunchOutcomeUnknownError,
    "carries no tags",
  );
  emulator.faults.clear();
  const found = await client.instances.findByLaunchToken(error.launchToken!);
  assertEquals(found.map((instance) => instance.id), emulator.instances().map((i) => i.id));
});

Deno.test("tags in a form the spec does not have may hide the token: never read as 'not launched'", async () => {
  type Tag = { key: string; value: string };
  const forms: ((tag: Tag) => unknown)[] = [
    (tag) => `${tag.key}=${tag.value}`,
    (tag) => ({ Key: tag.key, Value: tag.value }),
    (tag) => ({ key: tag.key, value: [tag.value] }),
  ];
  for (const odd of forms) {
    const { emulator, client } = await setup();
    await client.instances.launch(LAUNCH);
    const token = tokenOf(emulator.requests[0]!.body)!;
    // Listings and reads alike show each instance's tags in the odd form.
    const oddly = emulatorClient(emulator, {
      clock: new FakeClock(),
      fetch: async (request) => {
        const { data } = await (await emulator.fetch(request)).json();
        const show = (instance: { tags: Tag[] }) => ({ ...instance, tags: instance.tags.map(odd) });
        return Response.json({ data: Array.isArray(data) ? data.map(show) : show(data) });
      },
    });
    const error = await assertRejects(
      oddly.instances.findByLaunchToken(token),
      LaunchOutcomeUnknownError,
    );
    assertEquals(error.reason, "untagged-listing");
    assertEquals((await client.instances.findByLaunchToken(token)).length, 1);
  }
  // The token in the spec's form is found, whatever form the instance's other tags take.
  const { emulator, client } = await setup();
  const { instance_ids } = await client.instances.launch(LAUNCH);
  const token = tokenOf(emulator.requests[0]!.body)!;
  const beside = emulatorClient(emulator, {
    clock: new FakeClock(),
    fetch: async (request) => {
      const { data } = await (await emulator.fetch(request)).json();
      const show = (instance: { tags: Tag[] }) => ({
        ...instance,
        tags: [...instance.tags, { key: "team", value: null }, "owner=me"],
      });
      return Response.json({ data: data.map(show) });
    },
  });
  const found = await beside.instances.findByLaunchToken(token);
  assertEquals(found.map((instance) => instance.id), instance_ids);
});

Deno.test("a listing that lags behind the launch is waited out", async () => {
  const { emulator, client } = await setup();
  emulator.faults.inject({ kind: "lost-answer", operation: "launchInstance" });
  emulator.faults.inject({
    kind: "stale-read",
    operation: "listInstances",
    times: 3,
    delayMs: 60_000,
  });
  const { instance_ids } = await client.instances.launch(LAUNCH);
  assertEquals(emulator.instances().map((instance) => instance.id), instance_ids);
  assertEquals(launches(emulator), 1);
});

Deno.test("a listing that fails for good ends the lookup with the launch reported", async () => {
  const fake = new FakeFetch(
    errorResponse(500, { code: "global/internal-error" }),
    errorResponse(401, { code: "global/invalid-api-key" }),
  );
  const { client } = fakeClient(fake, { maxRetries: 5 });
  const error = await assertRejects(client.instances.launch(LAUNCH), LaunchOutcomeUnknownError);
  assertEquals(error.reason, "listing-failed");
  assertMatch(error.message, /failed \(HTTP 401 \(code 'global\/invalid-api-key'\)\)/);
  assertEquals(fake.requests.map((request) => request.method), ["POST", "GET"]);
});

Deno.test("a lookup whose every listing hangs past its window says no listing was answered, not 'not listed'", async () => {
  const fake = new FakeFetch(errorResponse(500, { code: "global/internal-error" }), hang, hang);
  const { client } = fakeClient(fake, { maxRetries: 0, timeout: 5_000 });
  const error = await assertRejects(
    client.instances.launch(LAUNCH, { lookup: { timeout: 3_000 } }),
    LaunchOutcomeUnknownError,
  );
  assertEquals(error.reason, "listing-failed");
  assertMatch(error.message, /no listing was answered before the lookup's 3 s were up/);
});

Deno.test("without a launch token, a launch of unknown outcome is reported at once", async () => {
  const fake = new FakeFetch(errorResponse(502, { code: "global/internal-error" }));
  const { client } = fakeClient(fake, { maxRetries: 5 });
  const error = await assertRejects(
    client.instances.launch(LAUNCH, { launchToken: false }),
    LaunchOutcomeUnknownError,
  );
  assertEquals([error.reason, error.launchToken], ["no-token", undefined]);
  assertEquals(fake.json(0), LAUNCH); // the body, untouched
  assertEquals(fake.requests.length, 1);
});

Deno.test("a caller's own launch token is sent, reported, and checked before anything is sent", async () => {
  const fake = new FakeFetch(errorResponse(500, {}));
  for (let i = 0; i < 5; i++) fake.push(dataResponse([]));
  const { client } = fakeClient(fake);
  const error = await assertRejects(
    client.instances.launch(LAUNCH, { launchToken: "run-42", lookup: { timeout: 1000 } }),
    LaunchOutcomeUnknownError,
  );
  assertEquals([error.launchToken, tokenOf(fake.json(0))], ["run-42", "run-42"]);

  const none = new FakeFetch();
  const strict = fakeClient(none).client;
  await assertRejects(strict.instances.launch(LAUNCH, { launchToken: "" }), RangeError);
  await assertRejects(
    strict.instances.launch(LAUNCH, { launchToken: "x".repeat(129) }),
    RangeError,
  );
  await assertRejects(strict.instances.launch(LAUNCH, { launchToken: 7 as never }), TypeError);
  await assertRejects(
    strict.instances.launch(
      { ...LAUNCH, tags: [{ key: LAUNCH_TOKEN_KEY, value: "a" }] },
      { launchToken: "b" },
    ),
    TypeError,
    "differ",
  );
  await assertRejects(strict.instances.launch(LAUNCH, { lookup: { timeout: 0 } }), RangeError);
  await assertRejects(strict.instances.findByLaunchToken(""), RangeError);
  assertEquals(none.requests.length, 0);
});

Deno.test("the lookup goes through the rate limiter", async () => {
  const clock = new FakeClock();
  const times: number[] = [];
  const fake = new FakeFetch(errorResponse(500, {}));
  for (let i = 0; i < 10; i++) fake.push(dataResponse([]));
  const { client } = fakeClient(fake, {
    clock,
    rateLimit: { requestIntervalMs: 4000 },
    hooks: { onRequest: () => times.push(clock.now() - 1_000_000) },
  });
  await assertRejects(
    client.instances.launch(LAUNCH, { lookup: { timeout: 10_000, interval: 1000 } }),
    LaunchOutcomeUnknownError,
  );
  assertEquals(times, [0, 4000, 8000]);
});

Deno.test("an abort before the launch is sent rejects with the caller's reason and sends nothing", async () => {
  const clock = new FakeClock();
  const fake = new FakeFetch(dataResponse([]), dataResponse({ instance_ids: ["i"] }));
  const { client } = fakeClient(fake, { clock, rateLimit: {} });
  await client.regions.list(); // the next launch must wait for its turn
  const controller = new AbortController();
  const reason = new Error("changed my mind");
  const launch = client.instances.launch(LAUNCH, { signal: controller.signal });
  controller.abort(reason);
  assertStrictEquals(await launch.catch((error) => error), reason);
  assertEquals(fake.requests.length, 1);
});

Deno.test("an abort in flight still looks for the launch: found, it is named; not found, reported", async () => {
  const { clock, emulator, client } = await setup();
  // The server carries out the launch, and the caller aborts before the answer arrives.
  const controller = new AbortController();
  const reason = new Error("Ctrl-C");
  const acting = emulatorClient(emulator, {
    clock,
    fetch: async (request) => {
      const answer = await emulator.fetch(request);
      if (!request.url.endsWith("/launch")) return answer;
      controller.abort(reason);
      await answer.body?.cancel();
      return await new Promise<Response>(() => {}); // never answers; the abort ends it
    },
  });
  const found = await assertRejects(
    acting.instances.launch(LAUNCH, { signal: controller.signal }),
    LaunchAbortedError,
  );
  assertStrictEquals(found.cause, reason);
  assertEquals(found.instanceIds, emulator.instances().map((instance) => instance.id));
  assertEquals(tokenOf(found.request), found.launchToken);
  assertMatch(
    found.message,
    /aborted after the request was sent, and it launched '[0-9a-f]+' anyway/,
  );

  // A launch that never reached the backend: looked for within the after-abort budget only.
  const lost = new AbortController();
  const silent = emulatorClient(emulator, {
    clock,
    fetch: (request) =>
      request.url.endsWith("/launch")
        ? (hang as (r: Request) => Promise<Response>)(request)
        : emulator.fetch(request),
  });
  const launch = silent.instances.launch(LAUNCH, { signal: lost.signal });
  await clock.sleep(1000);
  lost.abort(reason);
  const started = clock.now();
  const unknown = await assertRejects(launch, LaunchOutcomeUnknownError);
  assertEquals([unknown.aborted, unknown.reason], [true, "not-listed"]);
  assertStrictEquals(unknown.cause, reason);
  assertEquals(clock.now() - started, 15_000);
  assertMatch(unknown.message, /aborted after the request was sent, so the outcome is unknown/);
  assertEquals(emulator.instances().length, 1); // only the first launch happened
  assertEquals(launches(emulator), 1);
  await client.instances.list(); // the first client is unaffected
});

Deno.test("launchAndWait() aborted in flight terminates what its token finds", async () => {
  const { clock, emulator } = await setup();
  const controller = new AbortController();
  const client = emulatorClient(emulator, {
    clock,
    fetch: async (request) => {
      const answer = await emulator.fetch(request);
      if (!request.url.endsWith("/launch")) return answer;
      controller.abort(new Error("stop"));
      await answer.body?.cancel();
      return await new Promise<Response>(() => {});
    },
  });
  const error = await assertRejects(
    client.instances.launchAndWait(LAUNCH, { signal: controller.signal }),
    LaunchWaitError,
  );
  assert(error.cause instanceof LaunchAbortedError);
  assertEquals(error.terminated, true);
  assertEquals(error.launchToken, error.cause.launchToken);
  // One account of its billing, not "it bills until terminated" and "no longer bills" at once.
  assertEquals(
    error.message,
    `Cannot launch and wait for instance '${error.instanceId}': aborted after the launch was sent, and it launched anyway; it was terminated, so it no longer bills`,
  );
  assertEquals(emulator.instances().map((instance) => [instance.id, instance.status]), [
    [error.instanceId, "terminating"],
  ]);
});

Deno.test("launchAndWait() waits for the id the lookup found after a malformed answer", async () => {
  const { emulator, client } = await setup();
  emulator.faults.inject({ kind: "truncate", operation: "launchInstance" });
  const instance = await client.instances.launchAndWait(LAUNCH);
  assertEquals([instance.id, instance.status], [emulator.instances()[0]?.id, "active"]);
  assertEquals(launches(emulator), 1);
});

Deno.test("launchAndWait() waits out a 404 right after the launch instead of terminating", async () => {
  const { emulator, client } = await setup();
  emulator.faults.inject({ kind: "stale-read", operation: "getInstance", times: 2 });
  const instance = await client.instances.launchAndWait(LAUNCH, { interval: 5000 });
  assertEquals(instance.status, "active");
  assertEquals(emulator.instances().map((item) => item.status), ["active"]);

  // A 404 that outlasts the grace ends the wait, and the cleanup finds nothing left to bill.
  const gone = await setup();
  gone.emulator.faults.inject({
    kind: "stale-read",
    operation: "getInstance",
    probability: 1,
    delayMs: 3_600_000,
  });
  const error = await assertRejects(
    gone.client.instances.launchAndWait(LAUNCH, { interval: 5000 }),
    LaunchWaitError,
  );
  assertEquals(error.terminated, true);
  assertEquals(gone.emulator.instances().map((item) => item.status), ["terminating"]);
});

Deno.test("launchAndWait() reports a launch of unknown outcome with its token, and refuses launchToken: false", async () => {
  const { emulator, client } = await setup();
  emulator.faults.inject({ kind: "late", operation: "launchInstance", delayMs: 3_600_000 });
  const error = await assertRejects(
    client.instances.launchAndWait(LAUNCH, { launchToken: "job-7", lookup: { timeout: 30_000 } }),
    LaunchOutcomeUnknownError,
  );
  assertEquals(error.launchToken, "job-7");
  await assertRejects(
    client.instances.launchAndWait(LAUNCH, { launchToken: false as never }),
    RangeError,
  );
  assertEquals(launches(emulator), 1);
});

Deno.test("launchFirstAvailable() stops at the first launch of unknown outcome", async () => {
  const { emulator, client } = await setup();
  emulator.faults.inject({ kind: "late", operation: "launchInstance", delayMs: 3_600_000 });
  const candidates = [
    { instance_type_name: "gpu_1x_a10", region_name: "us-east-1" },
    { instance_type_name: "gpu_1x_a10", region_name: "us-west-1" },
  ];
  const error = await assertRejects(
    client.instances.launchFirstAvailable(candidates, { ssh_key_names: ["k"] }, {
      lookup: { timeout: 20_000 },
    }),
    LaunchOutcomeUnknownError,
  );
  assertEquals(error.request?.region_name, "us-east-1");
  assertEquals(launches(emulator), 1); // never a second instance elsewhere

  // After a clean refusal it moves on; NoCapacityError then means nothing was launched.
  const clean = await setup();
  clean.emulator.setCapacity("gpu_1x_a10", "us-east-1", 0);
  clean.emulator.setCapacity("gpu_1x_a10", "us-west-1", 0);
  const none = await assertRejects(
    clean.client.instances.launchFirstAvailable(candidates, { ssh_key_names: ["k"] }),
    NoCapacityError,
  );
  assertEquals([none.tried.length, clean.emulator.instances().length], [2, 0]);
});

Deno.test("hooks and progress callbacks may be async: their rejections are swallowed", async () => {
  const unhandled = await unhandledRejections(async () => {
    const reject = () => Promise.reject(new Error("hook failed"));
    const { emulator, client } = await setup({
      hooks: { onRequest: reject, onResponse: reject, onRetry: reject },
    });
    emulator.faults.inject({ kind: "lost-answer", operation: "launchInstance" });
    const instance = await client.instances.launchAndWait(LAUNCH, { onProgress: reject });
    await client.instanceTypes.waitForCapacity({ gpu: "A10" }, { onPoll: reject });
    assertEquals(instance.status, "active");
  });
  assertEquals(unhandled, []);
});

Deno.test("lookup options are checked before anything is sent", async () => {
  const fake = new FakeFetch();
  const { client } = fakeClient(fake);
  for (
    const lookup of [
      { interval: -1 },
      { timeout: Number.NaN },
      { timeoutAfterAbort: 0 },
      "soon" as never,
    ]
  ) {
    const error = await assertRejects(client.instances.launch(LAUNCH, { lookup }));
    assert(error instanceof TypeError || error instanceof RangeError, String(error));
    assertMatch(error.message, /^Cannot launch instance: 'lookup/);
  }
  assertEquals(fake.requests.length, 0);
});

Deno.test("a launch answered with a provider code on a 4xx (a 429 too), or a redirect, is looked for", async () => {
  for (
    const answer of [
      () => errorResponse(400, { code: "provider/internal-unavailable" }),
      () => errorResponse(429, { code: "provider/internal-unavailable" }),
      () => new Response(null, { status: 303, headers: { location: "/api/v1/instances" } }),
    ]
  ) {
    const { emulator, client } = await setup();
    // The backend launched; the answer that came back does not prove it did not.
    const acting = emulatorClient(emulator, {
      clock: new FakeClock(),
      fetch: async (request) => {
        const done = await emulator.fetch(request);
        if (!request.url.endsWith("/launch")) return done;
        await done.body?.cancel();
        return answer();
      },
    });
    const { instance_ids } = await acting.instances.launch(LAUNCH);
    assertEquals(emulator.instances().map((instance) => instance.id), instance_ids);
    assertEquals(launches(emulator), 1);
    await client.regions.list();
  }
});

/** A client whose launches reach the emulator, and whose caller gets `answer` of its answer. */
function answeringLaunch(
  emulator: LambdaEmulator,
  answer: (done: Response) => Response | Promise<Response>,
): LambdaCloudClient {
  return emulatorClient(emulator, {
    clock: new FakeClock(),
    fetch: async (request) => {
      const done = await emulator.fetch(request);
      return request.url.endsWith("/launch") ? await answer(done) : done;
    },
  });
}

Deno.test("a permission a fetch wrapper lacks after sending (to write its log) is no proof nothing was sent", async () => {
  const { emulator } = await setup();
  const client = answeringLaunch(emulator, () => {
    throw new Deno.errors.NotCapable(
      'Requires write access to "exchanges.log", run again with the --allow-write flag',
    );
  });
  const { instance_ids } = await client.instances.launch(LAUNCH);
  assertEquals(emulator.instances().map((instance) => instance.id), instance_ids);
  assertEquals(launches(emulator), 1);
});

Deno.test("a custom fetch's answer whose status or type cannot be read is a launch to look for", async () => {
  for (
    const odd of [
      {
        get status(): number {
          throw new TypeError("no status");
        },
        type: "basic",
      },
      {
        status: 200,
        get type(): string {
          throw new TypeError("no type");
        },
      },
      { status: "200", type: "basic" },
    ]
  ) {
    const { emulator } = await setup();
    const client = answeringLaunch(emulator, async (done) => {
      const text = await done.text();
      return Object.defineProperties({
        headers: new Headers({ "content-length": String(text.length) }),
        body: null,
        text: () => Promise.resolve(text),
      }, Object.getOwnPropertyDescriptors(odd)) as unknown as Response;
    });
    const { instance_ids } = await client.instances.launch(LAUNCH);
    assertEquals(emulator.instances().map((instance) => instance.id), instance_ids);
    assertEquals(launches(emulator), 1);
  }
});

/**
 * A client behind a gateway that sends each launch on twice, and answers what `answer` makes of
 * the second one's answer.
 */
function behindDoublingGateway(
  emulator: LambdaEmulator,
  clock: FakeClock,
  answer: (second: Response) => Promise<Response>,
): LambdaCloudClient {
  return emulatorClient(emulator, {
    clock,
    fetch: async (request) => {
      if (!request.url.endsWith("/launch")) return await emulator.fetch(request);
      await (await emulator.fetch(request.clone())).body?.cancel();
      return await answer(await emulator.fetch(request));
    },
  });
}

Deno.test("launchAndWait() terminates the extra instances of a launch sent twice upstream", async () => {
  const { clock, emulator } = await setup();
  // The gateway answers 502.
  const client = behindDoublingGateway(emulator, clock, async (second) => {
    await second.body?.cancel();
    return errorResponse(502, {});
  });
  const instance = await client.instances.launchAndWait(LAUNCH);
  const statuses = Object.fromEntries(emulator.instances().map((item) => [item.id, item.status]));
  assertEquals(Object.keys(statuses).length, 2);
  assertEquals(statuses[instance.id], "active");
  // Terminated at once, so by the time the first is active the extra is already gone.
  assertEquals(Object.values(statuses).filter((status) => status === "terminated").length, 1);
});

Deno.test("launchAndWait() finds and terminates an extra that a gateway made and no answer names", async () => {
  const { clock, emulator } = await setup();
  // The gateway hands back the second answer alone.
  const client = behindDoublingGateway(emulator, clock, (second) => Promise.resolve(second));
  const instance = await client.instances.launchAndWait(LAUNCH);
  const statuses = Object.fromEntries(emulator.instances().map((item) => [item.id, item.status]));
  assertEquals(Object.keys(statuses).length, 2);
  assertEquals(statuses[instance.id], "active");
  assertEquals(
    Object.entries(statuses).filter(([id]) => id !== instance.id).map(([, status]) => status),
    ["terminating"],
  );
  // One launch sent, as far as the client knows; one listing after the wait found the extra.
  assertEquals(
    emulator.requests.filter((request) => request.operationId === "listInstances").length,
    1,
  );
});

/** A client whose listings show the emulator's instances and `more`, each carrying `token()`. */
function listingAlso(
  emulator: LambdaEmulator,
  clock: FakeClock,
  more: (token: string) => Record<string, unknown>[],
  onList?: (request: Request) => Promise<Response> | undefined,
  onOther?: (request: Request) => Promise<Response | undefined>,
): LambdaCloudClient {
  return emulatorClient(emulator, {
    clock,
    fetch: async (request) => {
      const isList = request.method === "GET" &&
        new URL(request.url).pathname.endsWith("/instances");
      if (!isList) return await onOther?.(request) ?? await emulator.fetch(request);
      const instead = onList?.(request);
      if (instead) return await instead;
      const { data } = await (await emulator.fetch(request)).json();
      const token = tokenOf(
        emulator.requests.find((r) => r.operationId === "launchInstance")!.body,
      )!;
      return Response.json({ data: [...data, ...more(token)] });
    },
  });
}

Deno.test("launchAndWait()'s listing once the instance is up: an extra already gone is left alone", async () => {
  for (const [status, id] of [["terminated", "b".repeat(32)], ["active", "c".repeat(32)]]) {
    const { clock, emulator } = await setup();
    // The second is listed running, but answers 404 (gone since): it is not the one waited for.
    const client = listingAlso(emulator, clock, (token) => [
      sampleInstance({
        id,
        status: status as "active",
        tags: [{ key: LAUNCH_TOKEN_KEY, value: token }],
      }),
    ]);
    const instance = await client.instances.launchAndWait(LAUNCH);
    assertEquals(emulator.instances().map((item) => [item.id, item.status]), [
      [instance.id, "active"],
    ]);
  }
});

Deno.test("launchAndWait()'s listing once the instance is up: a proxy's 404 for an extra proves nothing", async () => {
  const { clock, emulator } = await setup();
  const extra = "d".repeat(32);
  const client = listingAlso(
    emulator,
    clock,
    (token) => [
      sampleInstance({
        id: extra,
        status: "active",
        tags: [{ key: LAUNCH_TOKEN_KEY, value: token }],
      }),
    ],
    undefined,
    // Whatever names the extra meets a proxy's HTML 404, not Lambda's "does not exist".
    async (request) =>
      request.url.endsWith(extra) || (await request.clone().text()).includes(extra)
        ? new Response("<html><title>404 Not Found</title></html>", { status: 404 })
        : undefined,
  );
  const error = await assertRejects(client.instances.launchAndWait(LAUNCH), LaunchWaitError);
  assertMatch(error.message, /terminating the extras failed/);
  assertEquals(error.instanceIds.includes(extra), true);
});

Deno.test("launchAndWait() with a token of the caller's never terminates what an earlier launch made", async () => {
  const { emulator, client } = await setup();
  const first = await client.instances.launchAndWait(LAUNCH);
  // A body cloned from the running instance carries its tags, launch token included.
  const second = await client.instances.launchAndWait({ ...LAUNCH, tags: first.tags ?? [] });
  assertEquals(
    emulator.instances().map((item) => item.status),
    ["active", "active"],
  );
  assert(second.id !== first.id);
});

Deno.test("launchAndWait() that hands its own token to onLaunchToken still terminates extras", async () => {
  const { clock, emulator } = await setup();
  const client = behindDoublingGateway(emulator, clock, (second) => Promise.resolve(second));
  // The token is the client's, told to the caller before the launch is sent, as the command line
  // learns it: nothing else carries it, so extras are looked for.
  const told: string[] = [];
  const instance = await client.instances.launchAndWait(LAUNCH, {
    onLaunchToken: (token) => void told.push(token),
  });
  assertEquals(told.length, 1);
  assertEquals(instance.tags?.find((tag) => tag.key === LAUNCH_TOKEN_KEY)?.value, told[0]);
  const statuses = Object.fromEntries(emulator.instances().map((item) => [item.id, item.status]));
  assertEquals(statuses[instance.id], "active");
  assertEquals(Object.values(statuses).sort(), ["active", "terminating"]);
});

Deno.test("launchAndWait() whose wait fails terminates an extra a gateway made with it", async () => {
  const { clock, emulator } = await setup();
  const client = behindDoublingGateway(emulator, clock, (second) => Promise.resolve(second));
  const error = await assertRejects(
    client.instances.launchAndWait(LAUNCH, { timeout: 10_000 }), // boot takes a minute
    LaunchWaitError,
  );
  assertEquals(error.terminated, true);
  assertEquals(error.instanceIds.length, 2);
  assertEquals(
    emulator.instances().map((item) => item.status),
    ["terminating", "terminating"],
  );
});

Deno.test("launchAndWait()'s listing once the instance is up keeps to the caller's abort", async () => {
  const { clock, emulator } = await setup();
  const controller = new AbortController();
  const reason = new Error("stop");
  const client = listingAlso(emulator, clock, () => [], (request) => {
    controller.abort(reason);
    return (hang as (r: Request) => Promise<Response>)(request);
  });
  const error = await assertRejects(
    client.instances.launchAndWait(LAUNCH, { signal: controller.signal }),
    LaunchWaitError,
  );
  assertStrictEquals(error.cause, reason);
  assertEquals(error.terminated, true);
  assertEquals(emulator.instances().map((item) => [item.id, item.status]), [
    [error.instanceId, "terminating"],
  ]);
});

Deno.test("launchAndWait()'s listing once the instance is up shows an extra without an id: reported", async () => {
  const { clock, emulator } = await setup();
  const client = listingAlso(emulator, clock, (token) => [
    { ...sampleInstance({ tags: [{ key: LAUNCH_TOKEN_KEY, value: token }] }), id: 12345 },
  ]);
  const error = await assertRejects(client.instances.launchAndWait(LAUNCH), LaunchWaitError);
  assertEquals(error.terminated, false);
  assertMatch(error.message, /has no usable id to terminate it by/);
});

Deno.test("launchAndWait() says terminated only once it has seen the instance terminating", async () => {
  // A terminate that answers 200 without listing the instance proves nothing: cleanup looks, and
  // tries again until it sees it go.
  const { emulator } = await setup();
  let ignored = 0;
  const controller = new AbortController();
  const client = emulatorClient(emulator, {
    clock: new FakeClock(),
    fetch: (request) => {
      if (request.url.endsWith("/terminate") && ignored++ < 2) {
        return Promise.resolve(dataResponse({ terminated_instances: [] }));
      }
      return emulator.fetch(request);
    },
  });
  const done = await assertRejects(
    client.instances.launchAndWait(LAUNCH, {
      signal: controller.signal,
      onProgress: () => controller.abort(new Error("stop")),
    }),
    LaunchWaitError,
  );
  assertEquals([done.terminated, ignored], [true, 3]);
  assertEquals(emulator.instances().map((item) => item.status), ["terminating"]);

  // A terminate that never takes: after a minute of trying, it says the instance still bills.
  const stuck = await setup();
  const stubborn = emulatorClient(stuck.emulator, {
    clock: new FakeClock(),
    fetch: (request) =>
      request.url.endsWith("/terminate")
        ? Promise.resolve(dataResponse({ terminated_instances: [] }))
        : stuck.emulator.fetch(request),
  });
  const stop = new AbortController();
  const left = await assertRejects(
    stubborn.instances.launchAndWait(LAUNCH, {
      signal: stop.signal,
      onProgress: () => stop.abort(new Error("stop")),
    }),
    LaunchWaitError,
  );
  assertEquals(left.terminated, false);
  assertMatch(left.message, /could not see .* terminating within 60 s.*it bills until then/);
});

Deno.test("a launch token in the body obeys the token rules, and only one may be given", async () => {
  const fake = new FakeFetch();
  const { client } = fakeClient(fake);
  await assertRejects(
    client.instances.launch({ ...LAUNCH, tags: [{ key: LAUNCH_TOKEN_KEY, value: "" }] }),
    RangeError,
    "'tags[0].value' must not be empty",
  );
  await assertRejects(
    client.instances.launch({
      ...LAUNCH,
      tags: [{ key: LAUNCH_TOKEN_KEY, value: "a" }, { key: LAUNCH_TOKEN_KEY, value: "b" }],
    }),
    RangeError,
    "at most one",
  );
  assertEquals(fake.requests.length, 0);
});

Deno.test("what is checked is what is sent: sparse arrays, toJSON and getters", async () => {
  const fake = new FakeFetch(dataResponse({ instance_ids: ["i-1"] }));
  const { client } = fakeClient(fake);
  await assertRejects(
    client.instances.launch({ ...LAUNCH, ssh_key_names: new Array(1) as [string] }),
    TypeError,
    "'ssh_key_names[0]' must be a string",
  );
  await assertRejects(client.instances.terminate(new Array(2)), TypeError, "'instanceIds[0]'");
  const sneaky = {
    ...LAUNCH,
    toJSON: () => ({ ...LAUNCH, ssh_key_names: ["a", "b"], quantity: 5 }),
  };
  await assertRejects(client.instances.launch(sneaky), Error);
  let reads = 0;
  const shifty = {
    region_name: "us-east-1",
    instance_type_name: "gpu_1x_a10",
    get ssh_key_names(): [string] {
      return (reads++ === 0 ? ["k"] : ["k", "k2"]) as [string];
    },
  };
  await client.instances.launch(shifty);
  assertEquals((fake.json(0) as { ssh_key_names: string[] }).ssh_key_names, ["k"]);
  assertEquals([fake.requests.length, reads], [1, 1]);
});

Deno.test("launchAndWait() reads its options before anything is sent: a throwing getter sends nothing", async () => {
  for (const name of ["onLaunched", "terminateOnFailure", "lookup", "signal"]) {
    const fake = new FakeFetch(dataResponse({ instance_ids: ["i-1"] }));
    const { client } = fakeClient(fake);
    const options = Object.defineProperty({ until: "active" as const }, name, {
      get() {
        throw new Error("logger not configured");
      },
    });
    const error = await assertRejects(
      client.instances.launchAndWait(LAUNCH, options),
      TypeError,
      `reading 'options.${name}' threw (logger not configured), so nothing was sent`,
    );
    assert(error.cause instanceof Error, name);
    assertEquals(fake.requests.length, 0, name);
  }
  const fake = new FakeFetch();
  const { client } = fakeClient(fake);
  await assertRejects(
    client.instances.launchAndWait(LAUNCH, { onLaunched: "log" as never }),
    TypeError,
    "'onLaunched' must be a function",
  );
  await assertRejects(
    client.instances.launchAndWait(LAUNCH, { terminateOnFailure: "no" as never }),
    TypeError,
    "'terminateOnFailure' must be a boolean",
  );
  await assertRejects(
    client.instances.launchAndWait(LAUNCH, { onProgress: "yes" as never }),
    TypeError,
    "'onProgress' must be a function",
  );
  await assertRejects(
    client.instances.waitFor("i-1", { onProgress: "yes" as never }),
    TypeError,
    "'onProgress' must be a function",
  );
  assertEquals(fake.requests.length, 0);
});

Deno.test("launchAndWait() reads each option once, so nothing after the launch can break the cleanup", async () => {
  const fake = new FakeFetch(
    dataResponse({ instance_ids: ["i-1"] }),
    dataResponse(sampleInstance({ id: "i-1", status: "unhealthy" })),
    dataResponse({ terminated_instances: [{ id: "i-1", status: "terminating" }] }),
  );
  const { client } = fakeClient(fake);
  const launched: string[][] = [];
  const values: Record<string, unknown> = {
    until: "active",
    timeout: 60_000,
    interval: 10,
    signal: new AbortController().signal,
    onProgress: () => {},
    terminateOnFailure: true,
    launchToken: "job-9",
    lookup: { timeout: 10_000 },
    onLaunchToken: () => {},
    onLaunched: (ids: string[]) => launched.push(ids),
  };
  // A config whose every option throws when read a second time.
  const reads: Record<string, number> = {};
  const options = new Proxy(values, {
    get(target, name: string) {
      reads[name] = (reads[name] ?? 0) + 1;
      if (reads[name]! > 1) throw new Error(`'${name}' read twice`);
      return target[name];
    },
  });
  const error = await assertRejects(
    client.instances.launchAndWait(LAUNCH, options as never),
    LaunchWaitError,
  );
  assertEquals([error.terminated, error.launchToken, launched], [true, "job-9", [["i-1"]]]);
  assertEquals(reads, Object.fromEntries(Object.keys(values).map((name) => [name, 1])));
  // A token of the caller's: no listing looks for extras it could not tell from others.
  assertEquals(fake.requests.map((request) => new URL(request.url).pathname), [
    "/api/v1/instance-operations/launch",
    "/api/v1/instances/i-1",
    "/api/v1/instance-operations/terminate",
  ]);
});

Deno.test("a launch answer that names an instance twice made one: it is waited for, never terminated as an extra", async () => {
  const fake: FakeFetch = new FakeFetch(
    dataResponse({ instance_ids: ["i-1", "i-1"] }),
    dataResponse(sampleInstance({ id: "i-1", status: "active" })),
    (): Response => {
      const tags = [{ key: LAUNCH_TOKEN_KEY, value: tokenOf(fake.json(0))! }];
      return dataResponse([sampleInstance({ id: "i-1", tags })]);
    },
  );
  const { client } = fakeClient(fake);
  const launched: string[][] = [];
  const instance = await client.instances.launchAndWait(LAUNCH, {
    onLaunched: (ids) => launched.push(ids),
  });
  assertEquals([instance.id, instance.status, launched], ["i-1", "active", [["i-1"]]]);
  // The listing after the wait shows the one instance: nothing to terminate.
  assertEquals(fake.requests.map((request) => new URL(request.url).pathname), [
    "/api/v1/instance-operations/launch",
    "/api/v1/instances/i-1",
    "/api/v1/instances",
  ]);

  // launch() and a lookup that lists the instance twice name it once too.
  const again = new FakeFetch(
    dataResponse({ instance_ids: ["i-2", "i-3", "i-2"] }),
    errorResponse(502, {}),
  );
  const { client: other } = fakeClient(again);
  assertEquals((await other.instances.launch(LAUNCH)).instance_ids, ["i-2", "i-3"]);
  again.push(() => {
    const token = tokenOf(again.json(1));
    const tags = [{ key: LAUNCH_TOKEN_KEY, value: token }];
    return dataResponse([sampleInstance({ id: "i-4", tags }), sampleInstance({ id: "i-4", tags })]);
  });
  assertEquals((await other.instances.launch(LAUNCH)).instance_ids, ["i-4"]);
});

/**
 * A client whose launch answer is lost (a 500), and whose lookup then lists the launch twice: as
 * "i-ok", and with the unusable id `badId`.
 */
function listedBesideUnusable(badId: string): { fake: FakeFetch; client: LambdaCloudClient } {
  const fake = new FakeFetch(errorResponse(500, {}));
  const { client } = fakeClient(fake);
  fake.push(() => {
    const tags = [{ key: LAUNCH_TOKEN_KEY, value: tokenOf(fake.json(0)) }];
    return dataResponse([
      sampleInstance({ id: "i-ok", tags }),
      { ...sampleInstance({ tags }), id: badId },
    ]);
  });
  return { fake, client };
}

Deno.test("beside an instance listed without a usable id, one with a usable id is named, to terminate", async () => {
  const { client } = listedBesideUnusable(" ");
  const error = await assertRejects(client.instances.launch(LAUNCH), UnidentifiedInstanceError);
  assertEquals(error.instanceIds, ["i-ok"]);
  assertMatch(error.message, /beside 'i-ok', which bills too/);
});

Deno.test("launchAndWait() terminates the instance with a usable id listed beside one without, and says the other bills", async () => {
  const { fake, client } = listedBesideUnusable("..");
  // The listing by token before the cleanup shows the same; then the terminate.
  fake.push(
    dataResponse([]),
    () =>
      dataResponse({
        terminated_instances: [sampleInstance({ id: "i-ok", status: "terminating" })],
      }),
  );
  const error = await assertRejects(client.instances.launchAndWait(LAUNCH), LaunchWaitError);
  // The one without a usable id still bills: never "terminated", though i-ok was.
  assertEquals([error.instanceIds, error.terminated], [["i-ok"], false]);
  assertMatch(error.message, /has no usable id to terminate it by/);
  assertMatch(error.message, /it bills until then$/);
  assert(error.cause instanceof UnidentifiedInstanceError);
  assertEquals(error.cause.listedIds, [".."]);
  assertMatch(fake.requests.at(-1)!.url, /instance-operations\/terminate$/);
});

Deno.test("ids a server chose, however long, are quoted in a message cut short", async () => {
  const fake = new FakeFetch(errorResponse(500, {}));
  const { client } = fakeClient(fake);
  fake.push(() => {
    const tags = [{ key: LAUNCH_TOKEN_KEY, value: tokenOf(fake.json(0)) }];
    return dataResponse([
      { ...sampleInstance({ tags }), id: "x ".repeat(100_000) },
      sampleInstance({ id: "i".repeat(100_000), tags }),
    ]);
  });
  const error = await assertRejects(client.instances.launch(LAUNCH), UnidentifiedInstanceError);
  assertEquals(error.listedIds, ["x ".repeat(100_000)]);
  assert(error.message.length < 4000, `${error.message.length} characters`);
  assertEquals(error.instanceIds, ["i".repeat(100_000)]); // the data itself is whole
});

Deno.test("an instance listed with the launch token but without a usable id is reported, never 'not launched'", async () => {
  for (const id of [12345, undefined, "", "..", " ", "i 1"]) {
    // launch(): the answer is lost, and the lookup's listing shows the launch with a bad id.
    const fake = new FakeFetch(errorResponse(500, {}));
    const { client } = fakeClient(fake);
    fake.push(() => {
      const tags = [{ key: LAUNCH_TOKEN_KEY, value: tokenOf(fake.json(0)) }];
      return dataResponse([sampleInstance({ id: "other" }), { ...sampleInstance({ tags }), id }]);
    });
    const error = await assertRejects(
      client.instances.launch(LAUNCH, { lookup: { timeout: 60_000 } }),
      UnidentifiedInstanceError,
    );
    assertEquals([error.listedIds, error.launchToken], [[id], tokenOf(fake.json(0))]);
    assert(error.cause instanceof ServerError);
    assertMatch(
      error.message,
      new RegExp(
        `^Cannot launch instance: it launched, but after HTTP 500 it cannot be named: an instance with launch token '${error.launchToken}' is listed without a usable id \\(received ${
          typeof id === "string" ? `'${id.replace(".", "\\.")}'` : String(id)
        }\\); it bills until terminated`,
      ),
    );
    assertEquals(fake.requests.length, 2); // found at the first listing, and not sent again

    // findByLaunchToken(): never an empty answer for a launch that is listed.
    fake.push(
      dataResponse([{
        ...sampleInstance({ tags: [{ key: LAUNCH_TOKEN_KEY, value: "tok" }] }),
        id,
      }]),
    );
    const found = await assertRejects(
      client.instances.findByLaunchToken("tok"),
      UnidentifiedInstanceError,
      "Cannot find launch: an instance with launch token 'tok' is listed without a usable id",
    );
    assertEquals([found.listedIds, found.launchToken, found.request], [[id], "tok", undefined]);
  }

  // launchAndWait(): nothing it can terminate, so the error names the token and says it bills.
  const fake = new FakeFetch(errorResponse(502, {}));
  const { client } = fakeClient(fake);
  fake.push(() =>
    dataResponse([{ status: "booting", tags: [{ key: LAUNCH_TOKEN_KEY, value: "job-3" }] }])
  );
  const error = await assertRejects(
    client.instances.launchAndWait(LAUNCH, { launchToken: "job-3" }),
    UnidentifiedInstanceError,
    "it bills until terminated",
  );
  assertEquals([error.listedIds, error.launchToken], [[undefined], "job-3"]);
});

Deno.test("an untagged listing's instance read by id is named by that id", async () => {
  // The read shows the token; its own id field is junk, but it was read by "i-7".
  const fake = new FakeFetch(errorResponse(500, {}));
  const { client } = fakeClient(fake);
  fake.push(
    dataResponse([{ ...sampleInstance({ id: "i-7" }), tags: undefined }]),
    () =>
      dataResponse({
        ...sampleInstance({ tags: [{ key: LAUNCH_TOKEN_KEY, value: tokenOf(fake.json(0)) }] }),
        id: 7,
      }),
  );
  assertEquals((await client.instances.launch(LAUNCH)).instance_ids, ["i-7"]);
});

Deno.test("launchAndWait() cleanup keeps to its minute, requests in flight included", async () => {
  const unhealthy = () => dataResponse(sampleInstance({ id: "i-1", status: "unhealthy" }));
  const running = () => dataResponse(sampleInstance({ id: "i-1", status: "active" }));
  type Answer = (request: Request) => Response | Promise<Response>;
  const cases: [string, Answer, Answer][] = [
    // A terminate that never answers: cut off when the minute is up, not after 3 attempts of
    // the client's timeout each.
    ["never answers", hang as Answer, running],
    // A terminate told to come back in 50 s, twice: its retries must not outlast the minute.
    ["429 with Retry-After", () => errorResponse(429, {}, { "retry-after": "50" }), running],
  ];
  for (const [name, terminate, read] of cases) {
    const clock = new FakeClock();
    let cleanupStarted: number | undefined;
    const fake = new FakeFetch();
    const { client } = fakeClient(fake, { clock });
    // The launch, the wait's read, and the listing by token that looks for extras to clean up.
    fake.push(dataResponse({ instance_ids: ["i-1"] }), unhealthy, dataResponse([]));
    for (let i = 0; i < 50; i++) {
      fake.push((request) => {
        cleanupStarted ??= clock.now();
        return terminate(request);
      }, read);
    }
    // A watchdog on the same clock: without a bound, the fake clock jumps here and the test fails
    // at once instead of hanging for the client's real timeout.
    const watchdog = new AbortController();
    const outlived = clock.sleep(61_000, watchdog.signal).then(() => {
      throw new Error(`${name}: the cleanup outlived its minute`);
    }, () => {});
    const error = await Promise.race([
      assertRejects(client.instances.launchAndWait(LAUNCH), LaunchWaitError),
      outlived,
    ]);
    watchdog.abort();
    assert(error instanceof LaunchWaitError, name);
    assertEquals(error.terminated, false, name);
    assertMatch(error.message, /terminate it yourself, it bills until then/, name);
    assertEquals(clock.now() - cleanupStarted!, 60_000, name);
    const terminates = fake.requests.filter((request) => request.url.endsWith("/terminate"));
    assert(terminates.length >= 1, name); // the first terminate always goes out
  }
});

Deno.test("launchAndWait() cleanup is not cut short when the caller aborts during it", async () => {
  const controller = new AbortController();
  const fake = new FakeFetch(
    dataResponse({ instance_ids: ["i-1"] }),
    dataResponse(sampleInstance({ id: "i-1", status: "unhealthy" })),
    dataResponse([]), // the listing by token that looks for extras to clean up
    () => {
      controller.abort(new Error("stop")); // the caller gives up while the terminate is sent
      return dataResponse({ terminated_instances: [{ id: "i-1", status: "terminating" }] });
    },
  );
  const { client } = fakeClient(fake);
  const error = await assertRejects(
    client.instances.launchAndWait(LAUNCH, { signal: controller.signal }),
    LaunchWaitError,
  );
  assertEquals(error.terminated, true);
  assertEquals(fake.requests.length, 4);
});
