// A caller's abort during a launch: before the launch is sent, it rejects with the caller's reason
// and sends nothing; once sent, the launch is still looked for, within the after-abort budget, and
// what is found is named (launch) or terminated (launchAndWait). An abort during launchAndWait()'s
// listing for extras is kept to; one during its cleanup does not cut the cleanup short.

import {
  LAUNCH_TOKEN_KEY,
  LaunchAbortedError,
  LaunchOutcomeUnknownError,
  LaunchWaitError,
} from "../mod.ts";
import { assert, assertEquals, assertMatch, assertRejects, assertStrictEquals } from "@std/assert";
import { emulatorClient, LAUNCH, testEmulator } from "./_emulator.ts";
import { dataResponse, fakeClient, FakeClock, FakeFetch, hang, sampleInstance } from "./_fakes.ts";
import { launches, listingAlso, setup, tokenOf } from "./_launch.ts";

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
    () => acting.instances.launch(LAUNCH, { signal: controller.signal }),
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
  const unknown = await assertRejects(() => launch, LaunchOutcomeUnknownError);
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
    () => client.instances.launchAndWait(LAUNCH, { signal: controller.signal }),
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

Deno.test("launchAndWait()'s listing once the instance is up keeps to the caller's abort", async () => {
  const { clock, emulator } = await setup();
  const controller = new AbortController();
  const reason = new Error("stop");
  const client = listingAlso(emulator, clock, () => [], (request) => {
    controller.abort(reason);
    return (hang as (r: Request) => Promise<Response>)(request);
  });
  const error = await assertRejects(
    () => client.instances.launchAndWait(LAUNCH, { signal: controller.signal }),
    LaunchWaitError,
  );
  assertStrictEquals(error.cause, reason);
  assertEquals(error.terminated, true);
  assertEquals(emulator.instances().map((item) => [item.id, item.status]), [
    [error.instanceId, "terminating"],
  ]);
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
    () => client.instances.launchAndWait(LAUNCH, { signal: controller.signal }),
    LaunchWaitError,
  );
  assertEquals(error.terminated, true);
  assertEquals(fake.requests.length, 4);
});

Deno.test("after an abort, a launch the listing shows is cleaned up, however many others hide their tags", async () => {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock, timing: { bootMs: 60_000 } });
  const setupClient = emulatorClient(emulator, { clock });
  await setupClient.sshKeys.create({ name: "k" });
  emulator.setCapacity(LAUNCH.instance_type_name, LAUNCH.region_name, 20);
  for (let i = 0; i < 16; i++) await setupClient.instances.launch(LAUNCH, { launchToken: false });
  // Instances without a launch token are listed without tags; the answer to the launch comes late.
  const noTags = async (response: Response) => {
    const json = await response.json();
    const strip = (item: { tags?: { key: string }[] }) => {
      if (!item.tags?.some((tag) => tag.key === LAUNCH_TOKEN_KEY)) delete item.tags;
    };
    if (Array.isArray(json.data)) json.data.forEach(strip);
    else if (json.data) strip(json.data);
    return Response.json(json, { status: response.status });
  };
  const controller = new AbortController();
  const client = emulatorClient(emulator, {
    clock,
    rateLimit: {},
    fetch: async (request) => {
      const answer = emulator.fetch(request);
      if (request.url.endsWith("/launch")) {
        // Ctrl-C two seconds after the launch was sent, its answer still on its way.
        clock.sleep(2000).then(() => controller.abort(new Error("Ctrl-C")));
        await clock.sleep(30_000, request.signal).catch(() => {});
      }
      return request.method === "GET" ? noTags(await answer) : answer;
    },
  });
  const launch = client.instances.launchAndWait(LAUNCH, { signal: controller.signal });
  const error = await assertRejects(() => launch, LaunchWaitError);
  assert(error.terminated, error.message);
  const ours = emulator.instances().filter((item) => item.id === error.instanceId);
  assertEquals(ours.map((item) => item.status), ["terminating"]);
});

Deno.test("onLaunchToken that never settles ends with the caller's abort, and nothing is sent", async () => {
  const fake = new FakeFetch(dataResponse({ instance_ids: ["i-1"] }));
  const { client, clock } = fakeClient(fake);
  const controller = new AbortController();
  const reason = new Error("stop");
  clock.sleep(500).then(() => controller.abort(reason));
  const launch = client.instances.launch(LAUNCH, {
    signal: controller.signal,
    onLaunchToken: () => new Promise(() => {}),
  });
  assertStrictEquals(await launch.catch((error) => error), reason);
  assertEquals(fake.requests.length, 0);
});
