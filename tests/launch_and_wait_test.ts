// launchAndWait(): the launch, then the wait for the instance to run. It looks for a lost launch as
// long as it was asked to wait, waits for the id a lookup found, waits out a 404 right after the
// launch, reports a launch of unknown outcome with its token, reads each of its options once,
// before anything is sent, and swallows the rejections of async hooks and progress callbacks.
// What it terminates when the wait fails, extras included, is in launch_cleanup_test.ts; what an
// abort does, in launch_abort_test.ts.

import { LaunchOutcomeUnknownError, LaunchWaitError } from "../mod.ts";
import { assert, assertEquals, assertMatch, assertRejects } from "@std/assert";
import { emulatorClient, keyed, LAUNCH, testEmulator } from "./_emulator.ts";
import {
  dataResponse,
  fakeClient,
  FakeClock,
  FakeFetch,
  sampleInstance,
  unhandledRejections,
} from "./_fakes.ts";
import { launches, setup } from "./_launch.ts";

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
    () => short.client.instances.launchAndWait(LAUNCH, { timeout: 90_000 }),
    LaunchWaitError,
  );
  assertMatch(late.message, /found only 100 s after it was sent, past the 'timeout' of 90 s/);
  assertEquals(late.terminated, true);
  assertEquals(short.emulator.instances().map((item) => [item.id, item.status]), [
    [late.instanceId, "terminating"],
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
    () => gone.client.instances.launchAndWait(LAUNCH, { interval: 5000 }),
    LaunchWaitError,
  );
  assertEquals(error.terminated, true);
  assertEquals(gone.emulator.instances().map((item) => item.status), ["terminating"]);
});

Deno.test("launchAndWait() reports a launch of unknown outcome with its token, and refuses launchToken: false", async () => {
  const { emulator, client } = await setup();
  emulator.faults.inject({ kind: "late", operation: "launchInstance", delayMs: 3_600_000 });
  const error = await assertRejects(
    () =>
      client.instances.launchAndWait(LAUNCH, { launchToken: "job-7", lookup: { timeout: 30_000 } }),
    LaunchOutcomeUnknownError,
  );
  assertEquals(error.launchToken, "job-7");
  await assertRejects(
    () => client.instances.launchAndWait(LAUNCH, { launchToken: false as never }),
    RangeError,
  );
  assertEquals(launches(emulator), 1);
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
      () => client.instances.launchAndWait(LAUNCH, options),
      TypeError,
      `reading 'options.${name}' threw (logger not configured), so nothing was sent`,
    );
    assert(error.cause instanceof Error, name);
    assertEquals(fake.requests.length, 0, name);
  }
  const fake = new FakeFetch();
  const { client } = fakeClient(fake);
  await assertRejects(
    () => client.instances.launchAndWait(LAUNCH, { onLaunched: "log" as never }),
    TypeError,
    "'onLaunched' must be a function",
  );
  await assertRejects(
    () => client.instances.launchAndWait(LAUNCH, { terminateOnFailure: "no" as never }),
    TypeError,
    "'terminateOnFailure' must be a boolean",
  );
  await assertRejects(
    () => client.instances.launchAndWait(LAUNCH, { onProgress: "yes" as never }),
    TypeError,
    "'onProgress' must be a function",
  );
  await assertRejects(
    () => client.instances.waitFor("i-1", { onProgress: "yes" as never }),
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
    () => client.instances.launchAndWait(LAUNCH, options as never),
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

Deno.test("launchAndWait() waits by default twice as long as a type is expected to boot, and 30 minutes at least", async () => {
  const clock = new FakeClock();
  // Both boot for 35 minutes, past the 30 a small type is given, inside the 44 of an 8x H100.
  const emulator = testEmulator({
    clock,
    timing: { bootMs: { gpu_8x_h100_sxm5: 35 * 60_000, gpu_1x_a10: 35 * 60_000 } },
  });
  emulator.setCapacity("gpu_8x_h100_sxm5", "us-east-3", 1);
  const client = await keyed(emulatorClient(emulator, { clock }));
  const big = await client.instances.launchAndWait({
    ...LAUNCH,
    instance_type_name: "gpu_8x_h100_sxm5",
    region_name: "us-east-3",
  });
  assertEquals(big.status, "active");
  const started = clock.now();
  const small = await assertRejects(() => client.instances.launchAndWait(LAUNCH), LaunchWaitError);
  assertMatch(small.message, /gave up after 1800 s/);
  assert(clock.now() - started < 35 * 60_000);
});
