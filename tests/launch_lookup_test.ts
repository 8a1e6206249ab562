// One launch, one bill: a launch that has left the process is never sent again, and a launch whose
// answer is lost is looked for by its launch token. Each case is one that a simpler design got
// wrong: a backend that finishes after the client gave up, a success that cannot be read, an
// answer that a gateway, a proxy or a custom fetch made unreadable. Here: what makes a launch be
// looked for rather than sent again, and how long and how the lookup looks, through the rate
// limiter. What it makes of listings without tags or usable ids is in launch_listing_test.ts; the
// token itself in launch_token_test.ts; aborts in launch_abort_test.ts; launchAndWait() in
// launch_and_wait_test.ts and launch_cleanup_test.ts.

import {
  ConnectionError,
  InvalidResponseError,
  type LambdaCloudClient,
  LAUNCH_TOKEN_KEY,
  LaunchOutcomeUnknownError,
  NoCapacityError,
  ServerError,
  TimeoutError,
} from "../mod.ts";
import type { LambdaEmulator } from "../lib/testing/mod.ts";
import { assert, assertEquals, assertMatch, assertRejects } from "@std/assert";
import { LAUNCH } from "./_emulator.ts";
import {
  dataResponse,
  errorResponse,
  fakeClient,
  FakeFetch,
  hang,
  type Reply,
  sampleInstance,
} from "./_fakes.ts";
import { launches, lostLaunch, operations, setup, through, tokenOf } from "./_launch.ts";

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

Deno.test("a launch still unseen when the lookup ends is reported with its token, and can be found later", async () => {
  const { clock, emulator, client } = await setup();
  emulator.faults.inject({ kind: "late", operation: "launchInstance", delayMs: 10 * 60_000 });
  const started = clock.now();
  const error = await assertRejects(
    () => client.instances.launch(LAUNCH),
    LaunchOutcomeUnknownError,
  );
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
      () => client.instances.launch(LAUNCH, { lookup: { timeout: 20_000, interval: 5000 } }),
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
      () => fakeClient(lost).client.instances.launch(LAUNCH, { lookup: { timeout: 10_000 } }),
      LaunchOutcomeUnknownError,
    );
    assert(error.cause instanceof InvalidResponseError);
    assertMatch(error.cause.message, new RegExp(`launch token '${error.launchToken}'`));
    assertEquals(lost.requests.filter((request) => request.method === "POST").length, 1);
  }
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
  const error = await assertRejects(
    () => client.instances.launch(LAUNCH),
    LaunchOutcomeUnknownError,
  );
  assertEquals(error.reason, "listing-failed");
  assertMatch(error.message, /failed \(HTTP 401 \(code 'global\/invalid-api-key'\)\)/);
  assertEquals(fake.requests.map((request) => request.method), ["POST", "GET"]);
});

Deno.test("a lookup whose every listing hangs past its window says no listing was answered, not 'not listed'", async () => {
  const fake = new FakeFetch(errorResponse(500, { code: "global/internal-error" }), hang, hang);
  const { client } = fakeClient(fake, { maxRetries: 0, timeout: 5_000 });
  const error = await assertRejects(
    () => client.instances.launch(LAUNCH, { lookup: { timeout: 3_000 } }),
    LaunchOutcomeUnknownError,
  );
  assertEquals(error.reason, "listing-failed");
  assertMatch(error.message, /no listing was answered before the lookup's 3 s were up/);
});

Deno.test("the lookup goes through the rate limiter", async () => {
  const times: number[] = [];
  const { fake, client, clock } = lostLaunch(500, {
    rateLimit: { requestIntervalMs: 4000 },
    hooks: { onRequest: () => times.push(clock.now() - 1_000_000) },
  });
  for (let i = 0; i < 10; i++) fake.push(dataResponse([]));
  await assertRejects(
    () => client.instances.launch(LAUNCH, { lookup: { timeout: 10_000, interval: 1000 } }),
    LaunchOutcomeUnknownError,
  );
  assertEquals(times, [0, 4000, 8000]);
});

Deno.test("launchFirstAvailable() stops at the first launch of unknown outcome", async () => {
  const { emulator, client } = await setup();
  emulator.faults.inject({ kind: "late", operation: "launchInstance", delayMs: 3_600_000 });
  const candidates = [
    { instance_type_name: "gpu_1x_a10", region_name: "us-east-1" },
    { instance_type_name: "gpu_1x_a10", region_name: "us-west-1" },
  ];
  const error = await assertRejects(
    () =>
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
    () => clean.client.instances.launchFirstAvailable(candidates, { ssh_key_names: ["k"] }),
    NoCapacityError,
  );
  assertEquals([none.tried.length, clean.emulator.instances().length], [2, 0]);
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
    const error = await assertRejects(() => client.instances.launch(LAUNCH, { lookup }));
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
    const acting = through(emulator, async (request) => {
      const done = await emulator.fetch(request);
      if (!request.url.endsWith("/launch")) return done;
      await done.body?.cancel();
      return answer();
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
  return through(emulator, async (request) => {
    const done = await emulator.fetch(request);
    return request.url.endsWith("/launch") ? await answer(done) : done;
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
