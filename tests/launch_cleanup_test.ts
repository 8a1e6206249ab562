// What launchAndWait() terminates so that nothing bills unseen: the extras of a launch a gateway
// sent on twice, found by the launch token once the instance is up (but never an instance of an
// earlier launch whose token the caller passed again, nor one already gone, nor one an answer
// merely named twice), and the instance whose wait failed. It says "terminated" only once it has
// seen the instance terminating, keeps the cleanup to its minute, and says what still bills.

import {
  type LambdaCloudClient,
  LAUNCH_TOKEN_KEY,
  LaunchWaitError,
  UnidentifiedInstanceError,
} from "../mod.ts";
import type { LambdaEmulator } from "../lib/testing/mod.ts";
import { assert, assertEquals, assertMatch, assertRejects } from "@std/assert";
import { LAUNCH } from "./_emulator.ts";
import {
  dataResponse,
  errorResponse,
  fakeClient,
  type FakeClock,
  FakeFetch,
  hang,
  sampleInstance,
} from "./_fakes.ts";
import {
  givenUpAtFirstProgress,
  listedBesideUnusable,
  listingAlso,
  setup,
  through,
  tokenOf,
} from "./_launch.ts";

/**
 * A client behind a gateway that sends each launch on twice, and answers what `answer` makes of
 * the second one's answer.
 */
function behindDoublingGateway(
  emulator: LambdaEmulator,
  clock: FakeClock,
  answer: (second: Response) => Promise<Response>,
): LambdaCloudClient {
  return through(emulator, async (request) => {
    if (!request.url.endsWith("/launch")) return await emulator.fetch(request);
    await (await emulator.fetch(request.clone())).body?.cancel();
    return await answer(await emulator.fetch(request));
  }, clock);
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
  const error = await assertRejects(() => client.instances.launchAndWait(LAUNCH), LaunchWaitError);
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
    () => client.instances.launchAndWait(LAUNCH, { timeout: 10_000 }), // boot takes a minute
    LaunchWaitError,
  );
  assertEquals(error.terminated, true);
  assertEquals(error.instanceIds.length, 2);
  assertEquals(
    emulator.instances().map((item) => item.status),
    ["terminating", "terminating"],
  );
});

Deno.test("launchAndWait()'s listing once the instance is up shows an extra without an id: reported", async () => {
  const { clock, emulator } = await setup();
  const client = listingAlso(emulator, clock, (token) => [
    { ...sampleInstance({ tags: [{ key: LAUNCH_TOKEN_KEY, value: token }] }), id: 12345 },
  ]);
  const error = await assertRejects(() => client.instances.launchAndWait(LAUNCH), LaunchWaitError);
  assertEquals(error.terminated, false);
  assertMatch(error.message, /has no usable id to terminate it by/);
});

Deno.test("launchAndWait() says terminated only once it has seen the instance terminating", async () => {
  // A terminate that answers 200 without listing the instance proves nothing: cleanup looks, and
  // tries again until it sees it go.
  const { emulator } = await setup();
  let ignored = 0;
  const client = through(emulator, (request) => {
    if (request.url.endsWith("/terminate") && ignored++ < 2) {
      return Promise.resolve(dataResponse({ terminated_instances: [] }));
    }
    return emulator.fetch(request);
  });
  const done = await givenUpAtFirstProgress(client);
  assertEquals([done.terminated, ignored], [true, 3]);
  assertEquals(emulator.instances().map((item) => item.status), ["terminating"]);

  // A terminate that never takes: after a minute of trying, it says the instance still bills.
  const stuck = await setup();
  const stubborn = through(
    stuck.emulator,
    (request) =>
      request.url.endsWith("/terminate")
        ? Promise.resolve(dataResponse({ terminated_instances: [] }))
        : stuck.emulator.fetch(request),
  );
  const left = await givenUpAtFirstProgress(stubborn);
  assertEquals(left.terminated, false);
  assertMatch(left.message, /could not see .* terminating within 60 s.*it bills until then/);
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
  const error = await assertRejects(() => client.instances.launchAndWait(LAUNCH), LaunchWaitError);
  // The one without a usable id still bills: never "terminated", though i-ok was.
  assertEquals([error.instanceIds, error.terminated], [["i-ok"], false]);
  assertMatch(error.message, /has no usable id to terminate it by/);
  assertMatch(error.message, /it bills until then$/);
  assert(error.cause instanceof UnidentifiedInstanceError);
  assertEquals(error.cause.listedIds, [".."]);
  assertMatch(fake.requests.at(-1)!.url, /instance-operations\/terminate$/);
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
    let cleanupStarted: number | undefined;
    const fake = new FakeFetch();
    const { client, clock } = fakeClient(fake);
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
      assertRejects(() => client.instances.launchAndWait(LAUNCH), LaunchWaitError),
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
