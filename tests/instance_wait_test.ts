// Waiting for instances, against the emulator on a virtual clock shared with the client.

import { assert, assertEquals, assertMatch, assertRejects } from "@std/assert";
import { assertSpyCallArgs, assertSpyCalls, spy } from "@std/testing/mock";
import { emulatorClient, keyed, LAUNCH, testEmulator } from "./_emulator.ts";
import { dataResponse, fakeClient, FakeClock, FakeFetch, hang, sampleInstance } from "./_fakes.ts";
import { givenUpAtFirstProgress } from "./_launch.ts";
import {
  AuthenticationError,
  InstanceWaitError,
  LAUNCH_TOKEN_KEY,
  LaunchWaitError,
  systemClock,
  type WaitProgress,
} from "../mod.ts";

const MINUTE = 60_000;

async function setup(timing: { bootMs?: number; terminatedVisibleMs?: number } = {}) {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock, timing: { bootMs: MINUTE, ...timing } });
  const client = await keyed(emulatorClient(emulator, { clock, maxRetries: 0 }));
  return { clock, emulator, client };
}

Deno.test("waitFor() polls until active, reporting each poll", async () => {
  const { clock, client } = await setup();
  const [id] = (await client.instances.launch(LAUNCH)).instance_ids;
  const seen: WaitProgress[] = [];
  const started = clock.now();
  const instance = await client.instances.waitFor(id!, {
    interval: 10_000,
    onProgress: (progress) => seen.push(progress),
  });
  assertEquals(instance.status, "active");
  assertEquals(clock.now() - started, MINUTE);
  assertEquals(seen.map((progress) => progress.instance?.status), [
    ...Array(6).fill("booting"),
    "active",
  ]);
  assertEquals(seen.at(-1)?.polls, 7);
});

Deno.test("waitFor() with until 'ip' returns an instance with an address", async () => {
  const { client } = await setup();
  const [id] = (await client.instances.launch(LAUNCH)).instance_ids;
  const instance = await client.instances.waitFor(id!, { until: "ip" });
  assertMatch(instance.ip ?? "", /^192\.222\./);
});

Deno.test("waitFor() fails fast, with the last instance, when it turns unhealthy or preempted", async () => {
  for (const status of ["unhealthy", "preempted"] as const) {
    const { emulator, client } = await setup({ bootMs: 30 * MINUTE });
    const [id] = (await client.instances.launch(LAUNCH)).instance_ids;
    emulator.setInstanceStatus(id!, status);
    const error = await assertRejects(() => client.instances.waitFor(id!), InstanceWaitError);
    assertEquals([error.reason, error.instance?.status, error.elapsedMs], [status, status, 0]);
    assertMatch(error.message, new RegExp(`it became ${status} after 0 s`));
  }
});

Deno.test("waitFor() gives up at its timeout, saying what it saw last", async () => {
  const { clock, client } = await setup({ bootMs: 60 * MINUTE });
  const [id] = (await client.instances.launch(LAUNCH)).instance_ids;
  const started = clock.now();
  const error = await assertRejects(
    () => client.instances.waitFor(id!, { timeout: 45_000, interval: 20_000 }),
    InstanceWaitError,
  );
  assertEquals([error.reason, error.elapsedMs, clock.now() - started], ["timeout", 45_000, 45_000]);
  assertMatch(error.message, /gave up after 45 s \(last status: booting\)/);
});

Deno.test("waitFor() for termination: the terminated instance, or undefined once gone", async () => {
  const { emulator, client } = await setup({ terminatedVisibleMs: MINUTE });
  const [id] = (await client.instances.launch(LAUNCH)).instance_ids;
  await client.instances.terminate(id!);
  assertEquals(
    (await client.instances.waitFor(id!, { until: "terminated" }))?.status,
    "terminated",
  );
  emulator.advance(MINUTE);
  assertEquals(await client.instances.waitFor(id!, { until: "terminated" }), undefined);
});

Deno.test("waitFor() waits out transient failures, and stops on the others", async () => {
  const { emulator, client } = await setup();
  const [id] = (await client.instances.launch(LAUNCH)).instance_ids;
  emulator.faults.inject({ kind: "server-error", operation: "getInstance", times: 3 });
  emulator.faults.inject({ kind: "drop", operation: "getInstance" });
  assertEquals((await client.instances.waitFor(id!)).status, "active");
  const wrongKey = emulatorClient(emulator, { apiKey: "secret_wrong", maxRetries: 0 });
  await assertRejects(() => wrongKey.instances.waitFor(id!), AuthenticationError);
});

Deno.test("waitFor() stops when aborted, with the caller's reason", async () => {
  const { client } = await setup({ bootMs: 60 * MINUTE });
  const [id] = (await client.instances.launch(LAUNCH)).instance_ids;
  const controller = new AbortController();
  const waiting = client.instances.waitFor(id!, {
    signal: controller.signal,
    onProgress: ({ polls }) => polls === 3 && controller.abort(new Error("user pressed ^C")),
  });
  await assertRejects(() => waiting, Error, "user pressed ^C");
});

Deno.test("waitFor() checks its options before any request", async () => {
  const { emulator, client } = await setup();
  emulator.clearRequests();
  await assertRejects(
    () => client.instances.waitFor("abc", { until: "gone" as never }),
    RangeError,
  );
  await assertRejects(() => client.instances.waitFor("abc", { timeout: 0 }), RangeError);
  await assertRejects(() => client.instances.waitFor("abc", { interval: -1 }), RangeError);
  await assertRejects(() => client.instances.waitFor(".."), RangeError);
  assertEquals(emulator.requests.length, 0);
});

Deno.test("launchAndWait() returns the running instance", async () => {
  const { emulator, client } = await setup();
  const instance = await client.instances.launchAndWait(LAUNCH, { until: "ip" });
  assertEquals([instance.status, emulator.instances().length], ["active", 1]);
  assert(instance.ip);
});

Deno.test("launchAndWait() terminates what it launched when the wait fails", async () => {
  const { emulator, client } = await setup({ bootMs: 60 * MINUTE });
  const error = await assertRejects(
    () => client.instances.launchAndWait(LAUNCH, { timeout: MINUTE }),
    LaunchWaitError,
  );
  assertEquals(error.terminated, true);
  assert(error.cause instanceof InstanceWaitError);
  assertMatch(error.message, /gave up after 60 s .*; it was terminated, so it no longer bills/);
  assertEquals(emulator.instances().map((instance) => instance.status), ["terminating"]);
});

Deno.test("launchAndWait() leaves the instance when told, and says when cleanup failed", async () => {
  const kept = await setup({ bootMs: 60 * MINUTE });
  const left = await assertRejects(
    () =>
      kept.client.instances.launchAndWait(LAUNCH, { timeout: MINUTE, terminateOnFailure: false }),
    LaunchWaitError,
  );
  assertEquals([left.terminated, kept.emulator.instances()[0]?.status], [false, "booting"]);
  assertMatch(left.message, /left running as asked/);

  const broken = await setup({ bootMs: 60 * MINUTE });
  // Every terminate fails: the cleanup, which tries again for a minute, cannot succeed.
  broken.emulator.faults.inject({ kind: "drop", operation: "terminateInstance", probability: 1 });
  const failed = await givenUpAtFirstProgress(broken.client);
  assertEquals([failed.terminated, failed.instanceId], [false, broken.emulator.instances()[0]?.id]);
  assertMatch(failed.message, /stop; terminating it failed too .*terminate it yourself/);
});

Deno.test("waitFor()'s timeout bounds the whole wait, a poll that hangs included", async () => {
  const clock = new FakeClock();
  // Every read hangs until aborted: without a deadline on the poll itself, the wait never ends.
  const fake = new FakeFetch(...Array.from({ length: 3 }, () => hang));
  const { client } = fakeClient(fake, { clock, timeout: 3_600_000 });
  const started = clock.now();
  const error = await assertRejects(
    () => client.instances.waitFor("0920582c", { timeout: MINUTE }),
    InstanceWaitError,
  );
  assertEquals([error.reason, clock.now() - started], ["timeout", MINUTE]);
  assertEquals(fake.requests.length, 1);
});

Deno.test("waits and launch lookups on the real clock leave no timer behind", async () => {
  // The op sanitizer fails this test if a deadline's timer outlives the call that armed it.
  const instance = { ...sampleInstance(), id: "i-1", status: "active" };
  const fake = new FakeFetch(
    dataResponse(instance),
    new TypeError("connection reset"),
    dataResponse([{ ...instance, tags: [] }, {
      ...instance,
      id: "i-2",
      tags: [{ key: LAUNCH_TOKEN_KEY, value: "token-1" }],
    }]),
  );
  const { client } = fakeClient(fake, { clock: systemClock, apiKey: "secret_real_clock" });
  assertEquals((await client.instances.waitFor("i-1")).status, "active");
  assertEquals(await client.instances.launch(LAUNCH, { launchToken: "token-1" }), {
    instance_ids: ["i-2"],
  });
});

Deno.test("a junk poll is waited out, and a status named like Object's keys is not a death", async () => {
  const clock = new FakeClock();
  const active = { ...sampleInstance(), status: "active" };
  const fake = new FakeFetch(
    dataResponse(null),
    dataResponse({ ...active, status: "constructor" }),
    dataResponse(active),
  );
  const { client } = fakeClient(fake, { clock });
  const instance = await client.instances.waitFor("0920582c", { interval: 1000 });
  assertEquals([instance.status, fake.requests.length], ["active", 3]);
});

Deno.test("a wait whose key source stalls still ends at its timeout", async () => {
  const clock = new FakeClock();
  const { client } = fakeClient(new FakeFetch(), {
    clock,
    apiKey: () => new Promise<string>(() => {}),
  });
  const error = await assertRejects(
    () => client.instances.waitFor("0920582c", { timeout: MINUTE }),
    InstanceWaitError,
  );
  assertEquals(error.reason, "timeout");
});

Deno.test("launchAndWait() tells onLaunched the id before the wait", async () => {
  const { client } = await setup();
  const onLaunched = spy((_ids: string[]) => {});
  // Each poll returns how often onLaunched was called by then: what a callback throws is ignored.
  const onProgress = spy(() => onLaunched.calls.length);
  const instance = await client.instances.launchAndWait(LAUNCH, { onLaunched, onProgress });
  assertSpyCallArgs(onLaunched, 0, [[instance.id]]);
  assertSpyCalls(onLaunched, 1);
  assert(onProgress.calls.length > 0);
  assert(onProgress.calls.every((call) => call.returned === 1)); // already told at the first poll
});
