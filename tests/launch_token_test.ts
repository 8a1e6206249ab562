// The launch token that lets a launch be found when its answer is lost: minted for each launch, or
// the caller's own, in the body's tags or as an option, and checked before anything is sent, and
// told to onLaunchToken before the launch goes out; a
// launch without one (launchToken: false) is sent as given and, when its outcome is unknown,
// reported at once. What is checked is what is sent: sparse arrays, toJSON and getters cannot slip
// another body past the checks.

import { LAUNCH_TOKEN_KEY, LaunchOutcomeUnknownError, TimeoutError } from "../mod.ts";
import { assertEquals, assertRejects } from "@std/assert";
import { LAUNCH } from "./_emulator.ts";
import { dataResponse, errorResponse, fakeClient, FakeFetch } from "./_fakes.ts";
import { tokenOf } from "./_launch.ts";

Deno.test("without a launch token, a launch of unknown outcome is reported at once", async () => {
  const fake = new FakeFetch(errorResponse(502, { code: "global/internal-error" }));
  const { client } = fakeClient(fake, { maxRetries: 5 });
  const error = await assertRejects(
    () => client.instances.launch(LAUNCH, { launchToken: false }),
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
    () => client.instances.launch(LAUNCH, { launchToken: "run-42", lookup: { timeout: 1000 } }),
    LaunchOutcomeUnknownError,
  );
  assertEquals([error.launchToken, tokenOf(fake.json(0))], ["run-42", "run-42"]);

  const none = new FakeFetch();
  const strict = fakeClient(none).client;
  await assertRejects(() => strict.instances.launch(LAUNCH, { launchToken: "" }), RangeError);
  await assertRejects(
    () => strict.instances.launch(LAUNCH, { launchToken: "x".repeat(129) }),
    RangeError,
  );
  await assertRejects(
    () => strict.instances.launch(LAUNCH, { launchToken: 7 as never }),
    TypeError,
  );
  await assertRejects(
    () =>
      strict.instances.launch(
        { ...LAUNCH, tags: [{ key: LAUNCH_TOKEN_KEY, value: "a" }] },
        { launchToken: "b" },
      ),
    TypeError,
    "differ",
  );
  await assertRejects(
    () => strict.instances.launch(LAUNCH, { lookup: { timeout: 0 } }),
    RangeError,
  );
  await assertRejects(() => strict.instances.findByLaunchToken(""), RangeError);
  assertEquals(none.requests.length, 0);
});

Deno.test("a launch token in the body obeys the token rules, and only one may be given", async () => {
  const fake = new FakeFetch();
  const { client } = fakeClient(fake);
  await assertRejects(
    () => client.instances.launch({ ...LAUNCH, tags: [{ key: LAUNCH_TOKEN_KEY, value: "" }] }),
    RangeError,
    "'tags[0].value' must not be empty",
  );
  await assertRejects(
    () =>
      client.instances.launch({
        ...LAUNCH,
        tags: [{ key: LAUNCH_TOKEN_KEY, value: "a" }, { key: LAUNCH_TOKEN_KEY, value: "b" }],
      }),
    RangeError,
    "at most one",
  );
  assertEquals(fake.requests.length, 0);
});

Deno.test("a token to find, or one in a raw body's tags, is refused as one that must be a string", async () => {
  const fake = new FakeFetch();
  const { client } = fakeClient(fake);
  await assertRejects(
    () => client.instances.findByLaunchToken(7 as never),
    TypeError,
    "Cannot find launch: 'token' must be a string, received 7",
  );
  const body = { ...LAUNCH, tags: [{ key: LAUNCH_TOKEN_KEY, value: 7 }] };
  await assertRejects(
    () => client.request("launchInstance", { body } as never),
    TypeError,
    "Cannot launch instance: 'tags[0].value' must be a string, received 7",
  );
  assertEquals(fake.requests.length, 0);
});

Deno.test("what is checked is what is sent: sparse arrays, toJSON and getters", async () => {
  const fake = new FakeFetch(dataResponse({ instance_ids: ["i-1"] }));
  const { client } = fakeClient(fake);
  await assertRejects(
    () => client.instances.launch({ ...LAUNCH, ssh_key_names: new Array(1) as [string] }),
    TypeError,
    "'ssh_key_names[0]' must be a string",
  );
  await assertRejects(
    () => client.instances.terminate(new Array(2)),
    TypeError,
    "'instanceIds[0]'",
  );
  const sneaky = {
    ...LAUNCH,
    toJSON: () => ({ ...LAUNCH, ssh_key_names: ["a", "b"], quantity: 5 }),
  };
  await assertRejects(() => client.instances.launch(sneaky), Error);
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

Deno.test("onLaunchToken is told the token before the launch is sent, and awaited", async () => {
  const fake = new FakeFetch(dataResponse({ instance_ids: ["i-1"] }));
  const { client } = fakeClient(fake);
  const told: [string, number][] = [];
  let release!: () => void;
  const recorded = new Promise<void>((resolve) => (release = resolve));
  const launch = client.instances.launch(LAUNCH, {
    onLaunchToken: async (token) => {
      told.push([token, fake.requests.length]);
      await recorded; // a journal written to disk, say
    },
  });
  await new Promise((resolve) => setTimeout(resolve, 5));
  assertEquals(fake.requests.length, 0); // nothing sent while the token is being recorded
  release();
  assertEquals(await launch, { instance_ids: ["i-1"] });
  assertEquals(told, [[tokenOf(fake.json(0)), 0]]);
});

Deno.test("an onLaunchToken that throws sends nothing; none is called without a token", async () => {
  const fake = new FakeFetch(dataResponse({ instance_ids: ["i-1"] }));
  const { client } = fakeClient(fake);
  const failure = new Error("journal is full");
  const error = await assertRejects(() =>
    client.instances.launch(LAUNCH, {
      onLaunchToken: () => {
        throw failure;
      },
    })
  );
  assertEquals([error, fake.requests.length], [failure, 0]);
  let called = false;
  await client.instances.launch(LAUNCH, {
    launchToken: false,
    onLaunchToken: () => void (called = true),
  });
  assertEquals([called, fake.requests.length], [false, 1]);
  await assertRejects(
    () => client.instances.launch(LAUNCH, { onLaunchToken: "log" as never }),
    TypeError,
    "'onLaunchToken' must be a function",
  );
});

Deno.test("a launch never handed to fetch (its key timed out) is not looked for", async () => {
  const fake = new FakeFetch(dataResponse({ instance_ids: ["i-1"] }));
  const { client, clock } = fakeClient(fake, { apiKey: () => new Promise<string>(() => {}) });
  const started = clock.now();
  await assertRejects(
    () => client.instances.launch(LAUNCH),
    TimeoutError,
    "waiting for the API key",
  );
  assertEquals([fake.requests.length, clock.now() - started], [0, 60_000]);
});
