// Capacity: finding it, waiting for it, launching where it is, and what an instance allows.

import { assert, assertEquals, assertMatch, assertRejects } from "@std/assert";
import { emulatorClient, keyed, LAUNCH, testEmulator } from "./_emulator.ts";
import { dataResponse, fakeClient, FakeClock, FakeFetch } from "./_fakes.ts";
import {
  actionAvailability,
  CapacityWaitError,
  type Instance,
  InsufficientCapacityError,
  InvalidResponseError,
  LAUNCH_TOKEN_KEY,
  type LaunchOptions,
  NoCapacityError,
  NotFoundError,
} from "../mod.ts";

async function setup(rateLimit = false) {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock, ...(rateLimit ? { rateLimit: {} } : {}) });
  const client = await keyed(
    emulatorClient(emulator, { clock, ...(rateLimit ? { rateLimit: {} } : {}) }),
  );
  clock.time += 1000;
  return { clock, emulator, client };
}

/** Two candidates: an A10 in us-east-1, then one in us-west-1. */
const EAST_THEN_WEST = [
  { instance_type_name: "gpu_1x_a10", region_name: "us-east-1" },
  { instance_type_name: "gpu_1x_a10", region_name: "us-west-1" },
];

const pairs = (list: { instance_type_name: string; region_name: string }[]) =>
  list.map((pair) => `${pair.instance_type_name}@${pair.region_name}`);

Deno.test("available() filters by GPU, count, region, architecture, price and name, cheapest first", async () => {
  const { client, emulator } = await setup();
  assertEquals(pairs(await client.instanceTypes.available({ gpu: "h100" })), [
    "gpu_1x_h100_pcie@us-south-1",
    "gpu_1x_h100_pcie@us-west-3",
    "gpu_1x_h100_sxm5@us-south-3",
    "gpu_8x_h100_sxm5@us-east-3",
  ]);
  assertEquals(pairs(await client.instanceTypes.available({ gpu: ["H100"], gpus: 8 })), [
    "gpu_8x_h100_sxm5@us-east-3",
  ]);
  // A model is a whole word: A10 is never an A100 (dearer), H100 never a GH200.
  const a10 = pairs(await client.instanceTypes.available({ gpu: "A10" }));
  assert(a10.length > 0 && a10.every((pair) => pair.startsWith("gpu_1x_a10@")), a10.join());
  assert(pairs(await client.instanceTypes.available({ gpu: "a100" })).length > 0);
  assertEquals(pairs(await client.instanceTypes.available({ gpu: "H200" })), []);
  assertEquals(
    pairs(await client.instanceTypes.available({ gpu: "gh200" })),
    ["gpu_1x_gh200@us-east-3"],
  );
  // Sizes as descriptions write them ("80 GB") or as names do ("80gb").
  const sized = await client.instanceTypes.available({ gpu: ["H100 80GB", "a100-80 gb"] });
  assert(sized.length > 0);
  assert(
    sized.every((pair) =>
      /80 ?gb/i.test(`${pair.instance_type.gpu_description} ${pair.instance_type_name}`)
    ),
  );
  assertEquals(pairs(await client.instanceTypes.available({ gpu: "A100 81GB" })), []);
  // Whole at both ends: a suffix or a prefix names another GPU.
  for (const model of ["A6", "6000", "A60", "a6000x"]) {
    const found = pairs(await client.instanceTypes.available({ gpu: model }));
    assert(!found.some((pair) => pair.includes("a6000")), `${model}: ${found.join()}`);
  }
  assert(pairs(await client.instanceTypes.available({ gpu: "A6000" })).length > 0);
  assertEquals(
    pairs(await client.instanceTypes.available({ gpus: { min: 2, max: 2 }, region: "us-west-1" })),
    ["gpu_2x_a6000@us-west-1"],
  );
  assertEquals(pairs(await client.instanceTypes.available({ architecture: "arm64" })), [
    "gpu_1x_gh200@us-east-3",
  ]);
  const cheap = await client.instanceTypes.available({ maxPriceCentsPerHour: 80 });
  assertEquals(pairs(cheap), [
    "gpu_1x_a10@us-east-1",
    "gpu_1x_a10@us-south-1",
    "gpu_1x_a10@us-west-1",
    "gpu_1x_a6000@us-west-1",
  ]);
  assertEquals(cheap[0]?.instance_type.price_cents_per_hour, 75);
  assertEquals(cheap[0]?.region.description, "Virginia, USA");
  assertEquals(
    pairs(
      await client.instanceTypes.available({ instanceType: "gpu_1x_a10", region: ["us-west-1"] }),
    ),
    ["gpu_1x_a10@us-west-1"],
  );
  emulator.clearRequests();
  await assertRejects(() => client.instanceTypes.available({ gpu: 3 as never }), TypeError);
  await assertRejects(() => client.instanceTypes.available({ gpus: -1 }), RangeError);
  // Filters that can match nothing are mistakes, not an empty answer.
  for (
    const filter of [
      { gpus: 0 },
      { gpus: 1.5 },
      { gpus: { min: 0 } },
      { gpus: { min: 4, max: 2 } },
      { gpu: [] },
      { gpu: "--" },
      { gpu: "\u0410100" }, // a Cyrillic А
      { region: [] },
    ]
  ) {
    await assertRejects(() => client.instanceTypes.available(filter), RangeError, "filter.");
  }
  await assertRejects(
    () => client.instanceTypes.available({ maxPriceCentsPerHour: NaN }),
    TypeError,
  );
  assertEquals(emulator.requests.length, 0);
});

Deno.test("waitForCapacity() polls until a match appears, and gives up at its timeout", async () => {
  const { clock, emulator, client } = await setup();
  const seen: number[] = [];
  const started = clock.now();
  const matches = await client.instanceTypes.waitForCapacity({ gpu: "B200" }, {
    interval: 30_000,
    onPoll: (found, polls) => {
      seen.push(found.length);
      if (polls === 3) emulator.setCapacity("gpu_8x_b200_sxm6", "us-south-3", 1);
    },
  });
  assertEquals(pairs(matches), ["gpu_8x_b200_sxm6@us-south-3"]);
  assertEquals(seen, [0, 0, 0, 1]);
  assertEquals(clock.now() - started, 90_000);

  emulator.faults.inject({ kind: "server-error", operation: "listInstanceTypes", times: 2 });
  const error = await assertRejects(
    () =>
      client.instanceTypes.waitForCapacity({ gpu: "V100" }, { interval: 60_000, timeout: 180_000 }),
    CapacityWaitError,
  );
  // The deadline bounds the whole wait: no poll starts at the very moment it passes.
  assertEquals([error.elapsedMs, error.polls], [180_000, 3]);
  assertMatch(error.message, /none matched in 180 s \(3 polls\)/);
});

Deno.test("launchFirstAvailable() moves on past insufficient capacity once listings for 15 s show nothing launched, one launch per 12 s at most", async () => {
  const { clock, emulator, client } = await setup(true);
  emulator.setCapacity("gpu_1x_h100_pcie", "us-south-1", 0);
  emulator.setCapacity("gpu_1x_h100_pcie", "us-west-3", 0);
  const candidates = await client.instanceTypes.available({ gpu: "H100" });
  const started = clock.now();
  const launched = await client.instances.launchFirstAvailable(candidates, {
    ssh_key_names: ["k"],
    name: "hunt",
  });
  assertEquals([launched.instance_type_name, launched.region_name], [
    "gpu_1x_h100_sxm5",
    "us-south-3",
  ]);
  assertEquals(pairs(launched.tried), ["gpu_1x_h100_sxm5@us-south-3"]);
  assertEquals(emulator.instances().map((instance) => instance.id), launched.instance_ids);

  emulator.setCapacity("gpu_1x_h100_pcie", "us-south-1", 0);
  const retried = await client.instances.launchFirstAvailable(
    [
      { instance_type_name: "gpu_1x_h100_pcie", region_name: "us-south-1" },
      { instance_type_name: "gpu_1x_a10", region_name: "us-east-1" },
    ],
    { ssh_key_names: ["k"] },
  );
  assertEquals(pairs(retried.tried), ["gpu_1x_h100_pcie@us-south-1", "gpu_1x_a10@us-east-1"]);
  const launches = emulator.requests.filter((request) => request.operationId === "launchInstance");
  assertEquals(launches.map((request) => request.status), [200, 400, 200]);
  // The refused launch's token is looked for 15 s (four listings, a turn each) before the next.
  assertEquals(launches.map((request) => request.time - launches[0]!.time), [0, 12_000, 28_000]);
  assert(launches[0]!.time - started <= 1000); // the limiter's one-second turn, no more
  assert(emulator.requests.every((request) => request.status !== 429));
});

Deno.test("launchFirstAvailable() says what it tried when nothing had capacity, and stops on other errors", async () => {
  const { emulator, client } = await setup();
  emulator.setCapacity("gpu_1x_a10", "us-east-1", 0);
  emulator.setCapacity("gpu_1x_a10", "us-west-1", 0);
  const candidates = EAST_THEN_WEST;
  const error = await assertRejects(
    () => client.instances.launchFirstAvailable(candidates, { ssh_key_names: ["k"] }),
    NoCapacityError,
  );
  assertEquals(
    error.tried.map(({ launch_token, ...candidate }) => [candidate, typeof launch_token]),
    candidates.map((candidate) => [candidate, "string"]),
  );
  assert(error.cause instanceof InsufficientCapacityError);
  assertMatch(
    error.message,
    /any of 2 candidates \(gpu_1x_a10 in us-east-1, gpu_1x_a10 in us-west-1\)/,
  );

  emulator.clearRequests();
  await assertRejects(
    () => client.instances.launchFirstAvailable(candidates, { ssh_key_names: ["nobody"] }),
    NotFoundError,
  );
  assertEquals(emulator.requests.length, 1);
  // No candidate at all is the common "no capacity anywhere" case, not a usage error.
  const none = await assertRejects(
    () => client.instances.launchFirstAvailable([], { ssh_key_names: ["k"] }),
    NoCapacityError,
  );
  assertEquals(none.tried, []);
  assertMatch(none.message, /no candidate has capacity now, so nothing was launched/);
  await assertRejects(
    () => client.instances.launchFirstAvailable([], { ssh_key_names: ["a", "b"] as never }),
    RangeError,
  );
  await assertRejects(
    () => client.instances.launchFirstAvailable(candidates, { ssh_key_names: ["a", "b"] as never }),
    RangeError,
  );
  assertEquals(emulator.requests.length, 1);
});

Deno.test("actionAvailability() says whether an action is open, and why not", async () => {
  const { emulator, client } = await setup();
  const [id] = (await client.instances.launch(LAUNCH)).instance_ids;
  const booting = await client.instances.get(id!);
  assertEquals(actionAvailability(booting, "restart"), {
    available: false,
    code: "vm-has-not-launched",
    reason: "The instance has not finished launching.",
  });
  assertEquals(actionAvailability(booting, "terminate"), { available: true });
  emulator.advance(10 * 60_000);
  assertEquals(actionAvailability(await client.instances.get(id!), "restart"), { available: true });
  const bare = { status: "active", actions: {} } as unknown as Instance;
  assertMatch((actionAvailability(bare, "migrate") as { reason: string }).reason, /did not say/);
});

Deno.test("a malformed instance-type answer is a typed error, and a capacity wait rides it out", async () => {
  for (
    const data of [null, { t: { instance_type: { name: "t" } } }, {
      t: { regions_with_capacity_available: null },
    }]
  ) {
    const fake = new FakeFetch(dataResponse(data));
    const error = await assertRejects(
      () => fakeClient(fake, { maxRetries: 0 }).client.instanceTypes.available(),
      InvalidResponseError,
    );
    assertMatch(error.message, /^Cannot list instance types: unexpected response/);
  }
  const { emulator, client } = await setup();
  let polls = 0;
  const flaky = emulatorClient(emulator, {
    clock: new FakeClock(),
    fetch: (request) =>
      ++polls === 1 ? Promise.resolve(dataResponse(null)) : emulator.fetch(request),
  });
  const found = await flaky.instanceTypes.waitForCapacity({ gpu: "A10" }, { interval: 1000 });
  assert(found.length > 0 && polls === 2);
  await client.regions.list();
});

Deno.test("launchFirstAvailable() does not move on when a refusal hides a launch: a gateway sent it on twice and handed back the second answer", async () => {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock });
  emulator.setCapacity("gpu_1x_a10", "us-east-1", 1);
  // The gateway retries the launch upstream: the first attempt launched, the second is refused
  // for the capacity the first took, and that refusal is what the client hears.
  const gateway = async (request: Request) => {
    if (!new URL(request.url).pathname.endsWith("/launch")) return await emulator.fetch(request);
    await emulator.fetch(request.clone());
    return await emulator.fetch(request);
  };
  // And the listing lags ten seconds behind what was done.
  emulator.faults.inject({ kind: "stale-read", operation: "listInstances", times: 1000 });
  const client = await keyed(emulatorClient(emulator, { clock, fetch: gateway }));
  const launched = await client.instances.launchFirstAvailable(EAST_THEN_WEST, {
    ssh_key_names: ["k"],
  });
  assertEquals(emulator.instances().length, 1);
  assertEquals(launched.region_name, "us-east-1");
  assertEquals(launched.instance_ids, [emulator.instances()[0]!.id]);
  assertEquals(pairs(launched.tried), ["gpu_1x_a10@us-east-1"]);
});

/**
 * An emulator with one gpu_1x_a10 in us-east-1 behind a gateway that sends the first launch on
 * twice (the client hears the second answer, refused for the capacity the first took), and
 * listings `lagMs` behind what was done.
 */
async function hiddenFirstLaunch(lagMs: number) {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock });
  emulator.setCapacity("gpu_1x_a10", "us-east-1", 1);
  let launches = 0;
  const gateway = async (request: Request) => {
    if (!new URL(request.url).pathname.endsWith("/launch")) return await emulator.fetch(request);
    if (launches++ === 0) await emulator.fetch(request.clone());
    return await emulator.fetch(request);
  };
  emulator.faults.inject({
    kind: "stale-read",
    operation: "listInstances",
    delayMs: lagMs,
    times: 1000,
  });
  const client = await keyed(emulatorClient(emulator, { clock, fetch: gateway }));
  return { clock, emulator, client, candidates: EAST_THEN_WEST };
}

const regionOf = (emulator: { instances(): Instance[] }, id: string) =>
  emulator.instances().find((instance) => instance.id === id)?.region.name;

Deno.test("launchFirstAvailable() gives each tried candidate its launch token: a refused launch that listings show only after the search moved on is found by its own", async () => {
  const { clock, emulator, client, candidates } = await hiddenFirstLaunch(60_000);
  const told: string[] = [];
  const launched = await client.instances.launchFirstAvailable(candidates, {
    ssh_key_names: ["k"],
  }, { onLaunchToken: (token) => told.push(token) });
  assertEquals(launched.region_name, "us-west-1");
  assertEquals(launched.tried.map((tried) => tried.launch_token), told);
  assertEquals(new Set(told).size, 2);
  clock.time += 60_000;
  const [hidden, own] = await Promise.all(
    told.map((token) => client.instances.findByLaunchToken(token)),
  );
  assertEquals(hidden!.map((instance) => instance.region.name), ["us-east-1"]);
  assertEquals(own!.map((instance) => instance.id), launched.instance_ids);
  assertEquals(regionOf(emulator, launched.instance_ids[0]!), "us-west-1");
});

Deno.test("launchFirstAvailable() finds the next candidate's own launch after a lost answer, never an earlier candidate's hidden one", async () => {
  const { clock, emulator, client, candidates } = await hiddenFirstLaunch(25_000);
  // The second candidate's launch lands, and its answer is lost (the first's went out twice).
  emulator.faults.inject({ kind: "lost-answer", operation: "launchInstance", skip: 2 });
  const search = client.instances.launchFirstAvailable(candidates, { ssh_key_names: ["k"] });
  const launched = await search;
  assertEquals(launched.region_name, "us-west-1");
  assertEquals(regionOf(emulator, launched.instance_ids[0]!), "us-west-1");
  assertEquals(emulator.instances().length, 2);
  assert(clock.time > 0);
});

Deno.test("launchFirstAvailable() names each refused candidate's token in its NoCapacityError", async () => {
  const { clock, client } = await hiddenFirstLaunch(60_000);
  const error = await assertRejects(
    () =>
      client.instances.launchFirstAvailable([
        { instance_type_name: "gpu_1x_a10", region_name: "us-east-1" },
      ], { ssh_key_names: ["k"] }),
    NoCapacityError,
  );
  const token = error.tried[0]!.launch_token!;
  clock.time += 60_000;
  assertEquals((await client.instances.findByLaunchToken(token)).length, 1);
});

Deno.test("launchFirstAvailable() with launchToken false sends no token and reports none", async () => {
  const { client, emulator } = await setup();
  const launched = await client.instances.launchFirstAvailable(
    [
      { instance_type_name: "gpu_1x_a10", region_name: "us-east-1" },
    ],
    { ssh_key_names: ["k"] },
    { launchToken: false },
  );
  assertEquals(launched.tried[0]!.launch_token, undefined);
  assertEquals(emulator.instances()[0]!.tags ?? [], []);
});

Deno.test("launchFirstAvailable() refuses a launch token of the caller's for more than one candidate, before anything is sent", async () => {
  const { client, emulator } = await setup();
  emulator.clearRequests();
  const body = { ssh_key_names: ["k"] as [string] };
  const tagged = { ...body, tags: [{ key: LAUNCH_TOKEN_KEY, value: "my-run-1" }] };
  const cases: [typeof tagged | typeof body, { launchToken?: string }][] = [
    [body, { launchToken: "my-run-1" }],
    [tagged, {}],
  ];
  for (const [body, options] of cases) {
    await assertRejects(
      () => client.instances.launchFirstAvailable(EAST_THEN_WEST, body, options),
      TypeError,
      "a launch token of your own ('launchToken', or a tag in the body) marks one launch, and 2 candidates may each launch",
    );
  }
  assertEquals(emulator.requests.length, 0);
  // One candidate, one launch: the caller's token is its own.
  const one = await client.instances.launchFirstAvailable(EAST_THEN_WEST.slice(0, 1), {
    ssh_key_names: ["k"],
  }, { launchToken: "my-run-1" });
  assertEquals(one.tried[0]!.launch_token, "my-run-1");
});

Deno.test("launchFirstAvailable() reads the body and the token option once: a getter or toJSON cannot add a token after the check", async () => {
  const { client, emulator } = await setup();
  emulator.clearRequests();
  emulator.setCapacity("gpu_1x_a10", "us-east-1", 0);
  let reads = 0;
  const options = {
    get launchToken() {
      return reads++ === 0 ? undefined : "my-run-1";
    },
  };
  const launched = await client.instances.launchFirstAvailable(
    EAST_THEN_WEST,
    { ssh_key_names: ["k"] },
    options as LaunchOptions, // a hostile getter, as JavaScript allows
  );
  assertEquals(reads, 1);
  const [first, second] = launched.tried.map((tried) => tried.launch_token);
  assert(first !== second && first !== "my-run-1" && second !== "my-run-1");
});
