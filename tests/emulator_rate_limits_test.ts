// The emulator's 429s in every form production might send, and the client coping with each; the
// burst and refused-request options of its limiter, and which launches use the launch slot.

import { assert, assertEquals, assertMatch, assertRejects, assertStrictEquals } from "@std/assert";
import { emulatorClient, keyed, LAUNCH, testEmulator } from "./_emulator.ts";
import { FakeClock } from "./_fakes.ts";
import { LambdaCloudClient, RateLimitError } from "../mod.ts";
import type { LambdaEmulator, RateLimitAnswer } from "../lib/testing/mod.ts";

const FORMS: { form: RateLimitAnswer; type: RegExp; body: RegExp }[] = [
  { form: {}, type: /^text\/plain/, body: /^429 Too Many Requests/ },
  { form: { body: "html" }, type: /^text\/html/, body: /<title>429 Too Many Requests<\/title>/ },
  {
    form: { body: "json" },
    type: /^application\/json/,
    body: /"code":"global\/rate-limit-exceeded"/,
  },
  { form: { body: "text", retryAfter: true }, type: /^text\/plain/, body: /Too Many Requests/ },
  { form: { body: "json", retryAfter: true }, type: /^application\/json/, body: /"request_id":/ },
];

async function regions(emulator: LambdaEmulator): Promise<Response> {
  return await emulator.fetch("https://cloud.lambda.ai/api/v1/regions", {
    headers: { authorization: `Bearer ${emulator.apiKey}` },
  });
}

Deno.test("429s: plain text without Retry-After by default, and every other form on request", async () => {
  for (const { form, type, body } of FORMS) {
    const clock = new FakeClock();
    const emulator = testEmulator({ clock, rateLimit: {}, rateLimitAnswer: form });
    await (await regions(emulator)).body?.cancel();
    clock.time += 300;
    const refused = await regions(emulator);
    assertEquals(refused.status, 429);
    assertMatch(refused.headers.get("content-type") ?? "", type);
    assertMatch(await refused.text(), body);
    assertStrictEquals(refused.headers.get("retry-after"), form.retryAfter ? "1" : null);
  }
});

Deno.test("429s: the client reads every form as a RateLimitError, never a SyntaxError", async () => {
  for (const { form } of FORMS) {
    const clock = new FakeClock();
    const emulator = testEmulator({ clock, rateLimit: {}, rateLimitAnswer: form });
    const client = emulatorClient(emulator, { clock, maxRetries: 0 });
    await client.regions.list();
    clock.time += 300;
    const error = await assertRejects(() => client.regions.list(), RateLimitError);
    assertEquals([error.status, error.retryAfterMs], [429, form.retryAfter ? 1000 : undefined]);
    assertMatch(error.message, /^Cannot list regions: rate limited \(/);
    assert(!(error.cause instanceof SyntaxError));
  }
});

Deno.test("429s: the client waits out every form and succeeds, launches included", async () => {
  for (const { form } of FORMS) {
    const clock = new FakeClock();
    const emulator = testEmulator({ clock, rateLimit: {}, rateLimitAnswer: form });
    // The client's own limiter off, so that the emulator's limits are what it meets; without
    // Retry-After, backoff needs a few tries to cover a launch's 12 s.
    const client = await keyed(emulatorClient(emulator, { clock, maxRetries: 10 }));
    const [first, second] = await Promise.all([
      client.instances.launch(LAUNCH),
      client.instances.launch(LAUNCH),
    ]);
    assertEquals([first.instance_ids.length, second.instance_ids.length], [1, 1]);
    assertEquals(emulator.instances().length, 2);
    const statuses = emulator.requests.map((request) => request.status);
    assert(statuses.includes(429), `${JSON.stringify(form)}: met no 429`);
    assertEquals(statuses.at(-1), 200);
  }
});

Deno.test("429s from the rate-limit fault take the emulator's form too", async () => {
  const emulator = testEmulator({ rateLimitAnswer: { body: "html" } });
  emulator.faults.inject({ kind: "rate-limit", retryAfterSeconds: 2 });
  const refused = await regions(emulator);
  assertEquals([refused.status, refused.headers.get("retry-after")], [429, "2"]);
  assertMatch(await refused.text(), /^<html>/);
});

Deno.test("a burst lets that many more requests through at once, then the pace holds", async () => {
  const clock = new FakeClock();
  const emulator = testEmulator({
    clock,
    rateLimit: { requestBurst: 2, launchBurst: 4, requestIntervalMs: 100 },
  });
  for (let i = 0; i < 4; i++) await (await regions(emulator)).body?.cancel();
  assertEquals(emulator.requests.map((request) => request.status), [200, 200, 200, 429]);
  // Five launches at once ("five requests per minute"), then one per 12 s.
  clock.time += 60_000;
  const client = await keyed(emulatorClient(emulator, { clock, maxRetries: 0 }));
  emulator.setCapacity(LAUNCH.instance_type_name, LAUNCH.region_name, 10);
  emulator.clearRequests();
  for (let i = 0; i < 6; i++) {
    clock.time += 100;
    await client.instances.launch(LAUNCH, { launchToken: false }).catch((error) => {
      if (!(error instanceof RateLimitError)) throw error;
    });
  }
  assertEquals(emulator.requests.map((request) => request.status), [
    200,
    200,
    200,
    200,
    200,
    429,
  ]);
});

Deno.test("a refused request uses no turn, unless countRefused says it does", async () => {
  for (const countRefused of [false, true]) {
    const clock = new FakeClock();
    const emulator = testEmulator({ clock, rateLimit: { countRefused } });
    await (await regions(emulator)).body?.cancel(); // t = 0: its turn
    clock.time += 600;
    await (await regions(emulator)).body?.cancel(); // t = 0.6 s: refused
    clock.time += 400;
    await (await regions(emulator)).body?.cancel(); // t = 1 s: a turn, if the refusal used none
    assertEquals(
      emulator.requests.map((request) => request.status),
      countRefused ? [200, 429, 429] : [200, 429, 200],
    );
  }
});

Deno.test("429s over a socket reach a client on another stack the same way", async () => {
  const emulator = testEmulator({ rateLimit: { requestIntervalMs: 60_000 } });
  await using server = await emulator.serve();
  const client = new LambdaCloudClient({
    baseUrl: server.url,
    apiKey: emulator.apiKey,
    rateLimit: false,
    maxRetries: 0,
  });
  await client.regions.list();
  const error = await assertRejects(() => client.regions.list(), RateLimitError);
  assertMatch(error.message, /body '429 Too Many Requests: slow down'/);
  assertStrictEquals(error.retryAfterMs, undefined);
});

/** The status of a POST to `path`: a 429's body is not JSON. */
async function post(emulator: LambdaEmulator, path: string, body: unknown): Promise<number> {
  const response = await emulator.fetch(`https://cloud.lambda.ai/api/v1${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${emulator.apiKey}` },
    body: JSON.stringify(body),
  });
  await response.body?.cancel();
  return response.status;
}

Deno.test("a launch refused for its body uses no launch slot, unless countInvalidLaunches", async () => {
  for (const countInvalidLaunches of [false, true]) {
    const clock = new FakeClock();
    const emulator = testEmulator({ clock, rateLimit: { countInvalidLaunches } });
    const launch = (body: unknown) => {
      clock.time += 1000; // one request a second: only the launch limit can refuse
      return post(emulator, "/instance-operations/launch", body);
    };
    await post(emulator, "/ssh-keys", { name: "k" });
    const statuses = [
      await launch({ ...LAUNCH, ssh_key_names: [] }), // refused by the API's checks
      await launch(LAUNCH),
      await launch({ ...LAUNCH, hostname: "-" }), // the slot is taken: still its body's 400
    ];
    assertEquals(statuses, countInvalidLaunches ? [400, 429, 429] : [400, 200, 400]);
  }
});

Deno.test("a launch refused once its body passed, for a name that names nothing, uses its slot", async () => {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock, rateLimit: {} });
  await post(emulator, "/ssh-keys", { name: "k" });
  clock.time += 1000;
  const nowhere = { ...LAUNCH, region_name: "nowhere-1" };
  assertEquals(await post(emulator, "/instance-operations/launch", nowhere), 404);
  clock.time += 1000;
  assertEquals(await post(emulator, "/instance-operations/launch", LAUNCH), 429);
});
