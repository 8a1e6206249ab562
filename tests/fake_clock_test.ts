// The virtual clock exported from ./testing: shared by the emulator and the client, it runs a
// whole workflow (launch, two minutes of boot, terminate) without sleeping for real.

import { assertEquals, assertRejects, assertStrictEquals, assertThrows } from "@std/assert";
import { LambdaCloudClient } from "../mod.ts";
import { FakeClock, LambdaEmulator } from "../lib/testing/mod.ts";
import { testEmulator } from "./_emulator.ts";

const LAUNCH = {
  region_name: "us-east-1",
  instance_type_name: "gpu_1x_a10",
  ssh_key_names: ["laptop"] as [string],
};

Deno.test("docs/emulator.md's recipe: launch, two minutes of boot, terminate, on one virtual clock", async () => {
  const clock = new FakeClock();
  // Both sides at Lambda's real pace: rate limits on in the emulator and in the client.
  const emulator = testEmulator({ clock, rateLimit: {} });
  const client = new LambdaCloudClient({ apiKey: emulator.apiKey, fetch: emulator.fetch, clock });
  await client.sshKeys.create({ name: "laptop" });
  const instance = await client.instances.launchAndWait(LAUNCH);
  assertEquals(instance.status, "active");
  const booted = clock.now() - clock.start;
  assertEquals(booted >= 120_000 && booted < 140_000, true, `booted after ${booted} ms`);
  await client.instances.terminate(instance.id);
  const gone = await client.instances.waitFor(instance.id, { until: "terminated" });
  assertEquals(gone?.status, "terminated");
  assertEquals(emulator.requests.every((request) => request.status === 200), true);
  assertStrictEquals(clock.pendingSleeps, 0);
});

Deno.test("advance() moves time and ends the sleeps that are due, in order", async () => {
  const clock = new FakeClock(0);
  const woke: number[] = [];
  const late = clock.sleep(2000).then(() => woke.push(2000));
  const early = clock.sleep(1000).then(() => woke.push(1000));
  clock.advance(1500);
  await early;
  assertEquals([woke, clock.pendingSleeps], [[1000], 1]);
  clock.advance(500);
  await late;
  assertEquals([woke, clock.now(), clock.sleeps], [[1000, 2000], 2000, [2000, 1000]]);
});

Deno.test("a sleep ends at once when nothing else runs, and an abort ends it early", async () => {
  const clock = new FakeClock(0);
  await clock.sleep(3_600_000);
  assertEquals(clock.now(), 3_600_000);
  const controller = new AbortController();
  const reason = new Error("stop");
  const waiting = clock.sleep(60_000, controller.signal);
  controller.abort(reason);
  assertStrictEquals(await waiting.catch((error) => error), reason);
  assertStrictEquals(clock.pendingSleeps, 0);
  await assertRejects(() => clock.sleep(1, controller.signal));
  const { now, sleep } = clock; // bound: usable off the object
  await sleep(5);
  assertEquals(now(), 3_600_005);
});

Deno.test("the emulator reads its time from the clock it is given", async () => {
  const clock = new FakeClock();
  const emulator = new LambdaEmulator({ clock, rateLimit: false });
  const client = new LambdaCloudClient({
    apiKey: emulator.apiKey,
    fetch: emulator.fetch,
    clock,
    rateLimit: false,
  });
  await client.sshKeys.create({ name: "laptop" });
  const [id] = (await client.instances.launch(LAUNCH)).instance_ids;
  clock.advance(119_000);
  assertEquals((await client.instances.get(id!)).status, "booting");
  clock.advance(1_000);
  assertEquals((await client.instances.get(id!)).status, "active");
});

Deno.test("the clock checks its input", () => {
  assertThrows(() => new FakeClock(-1), RangeError);
  assertThrows(() => new FakeClock(0).advance(Number.NaN), TypeError);
  assertThrows(() => new FakeClock(0).advance(-1), RangeError);
});
