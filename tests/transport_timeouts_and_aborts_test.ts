// Timeouts and aborts of one request through the transport: an attempt that runs past its timeout
// is a TimeoutError, even when a custom or replaced global fetch ignores the signal; a caller's
// abort rejects with the caller's own reason, is heard however early it lands (while an async key
// is fetched, before the attempt starts) and however late (a body that never ends); a timeout or a
// refused connection before anything was sent is retried, even for a create; every attempt ends
// its deadline, so a script whose calls have ended exits at once.

import { LambdaCloudClient, NotFoundError, TimeoutError } from "../mod.ts";
import { assert, assertRejects, assertStrictEquals } from "@std/assert";
import { stub } from "@std/testing/mock";
import { dataResponse, errorResponse, fakeClient, FakeFetch } from "./_fakes.ts";

/** A fetch that never answers, but rejects when its request is aborted, as real fetch does. */
function hangingFetch(request: Request): Promise<Response> {
  return new Promise((_, reject) => {
    request.signal.addEventListener("abort", () => reject(request.signal.reason), { once: true });
  });
}

Deno.test("an attempt that exceeds the timeout is a TimeoutError", async () => {
  const fake = new FakeFetch(hangingFetch);
  const { client } = fakeClient(fake, { timeout: 5, maxRetries: 0 });
  const error = await assertRejects(() => client.regions.list(), TimeoutError);
  assertStrictEquals(error.timeoutMs, 5);
  assertStrictEquals(error.message, "Cannot list regions: no response within 5 ms");
});

Deno.test("a per-call timeout overrides the client's", async () => {
  const fake = new FakeFetch(hangingFetch);
  const { client } = fakeClient(fake, { timeout: 60_000, maxRetries: 0 });
  const error = await assertRejects(() => client.regions.list({ timeout: 3 }), TimeoutError);
  assertStrictEquals(error.timeoutMs, 3);
});

Deno.test("a caller's abort rejects with the caller's reason, untouched", async () => {
  const fake = new FakeFetch(hangingFetch);
  const { client } = fakeClient(fake);
  const controller = new AbortController();
  const reason = new Error("user pressed ctrl-c");
  const call = client.regions.list({ signal: controller.signal });
  await Promise.resolve();
  setTimeout(() => controller.abort(reason), 1);
  const error = await call.then(() => undefined, (e) => e);
  assertStrictEquals(error, reason);
  assertStrictEquals(fake.requests.length, 1);
});

Deno.test("an already-aborted signal sends nothing", async () => {
  const fake = new FakeFetch();
  const { client } = fakeClient(fake);
  const reason = new DOMException("stop", "AbortError");
  const error = await client.regions.list({ signal: AbortSignal.abort(reason) }).catch((e) => e);
  assertStrictEquals(error, reason);
  assertStrictEquals(fake.requests.length, 0);
});

Deno.test("the timeout holds even when a custom fetch ignores the signal", async () => {
  let release!: (response: Response) => void;
  const deaf = new Promise<Response>((resolve) => (release = resolve));
  const fake = new FakeFetch(() => deaf);
  const { client } = fakeClient(fake, { timeout: 5, maxRetries: 0 });
  await assertRejects(() => client.regions.list(), TimeoutError);
  release(new Response("late"));
});

Deno.test("the timeout holds even when the global fetch is replaced by one that ignores the signal", async () => {
  let release!: (response: Response) => void;
  const deaf = new Promise<Response>((resolve) => (release = resolve));
  {
    using _fetch = stub(globalThis, "fetch", () => deaf);
    const client = new LambdaCloudClient({
      apiKey: "secret_x",
      rateLimit: false,
      timeout: 5,
      maxRetries: 0,
    });
    await assertRejects(() => client.regions.list(), TimeoutError);
  }
  release(new Response("late"));
});

Deno.test("every attempt ends its deadline, answered, refused or timed out", async () => {
  const fake = new FakeFetch(dataResponse([]), errorResponse(404, {}), () => new Promise(() => {}));
  const { client, clock } = fakeClient(fake, { timeout: 5, maxRetries: 0 });
  await client.regions.list();
  await assertRejects(() => client.regions.list(), NotFoundError);
  await assertRejects(() => client.regions.list(), TimeoutError);
  assertStrictEquals(clock.pendingTimers, 0);
});

Deno.test("a caller's abort holds even when the body never ends", async () => {
  const body = new ReadableStream<Uint8Array>({ start() {} });
  const fake = new FakeFetch(new Response(body, { status: 200 }));
  const { client, clock } = fakeClient(fake, { maxRetries: 0 });
  const controller = new AbortController();
  const reason = new Error("enough");
  const call = client.regions.list({ signal: controller.signal }).catch((e) => e);
  // Well before the attempt's timeout, on the same clock.
  clock.sleep(2).then(() => controller.abort(reason));
  assertStrictEquals(await call, reason);
});

Deno.test("an abort while an async key is being fetched sends nothing, and a stalled key source times out", async () => {
  const fake = new FakeFetch(dataResponse([]));
  const controller = new AbortController();
  const reason = new Error("stop");
  const { client } = fakeClient(fake, {
    apiKey: () => new Promise((resolve) => setTimeout(() => resolve("secret_slow"), 20)),
  });
  const call = client.regions.list({ signal: controller.signal });
  controller.abort(reason);
  assertStrictEquals(await call.catch((error) => error), reason);
  await new Promise((resolve) => setTimeout(resolve, 30));
  assertStrictEquals(fake.requests.length, 0);

  const stalled = fakeClient(new FakeFetch(), {
    apiKey: () => new Promise<string>(() => {}),
    timeout: 20,
  }).client;
  await assertRejects(() => stalled.regions.list(), TimeoutError, "waiting for the API key");
});

Deno.test("an abort that lands before the attempt starts is heard even by a fetch that ignores signals", async () => {
  const controller = new AbortController();
  const reason = new Error("stop");
  let sent = 0;
  const { client } = fakeClient(new FakeFetch(), {
    apiKey: async () => {
      controller.abort(reason); // aborts after the key check, before the attempt
      return await Promise.resolve("secret_x");
    },
    fetch: () => {
      sent++;
      return new Promise<Response>(() => {}); // ignores its signal, never answers
    },
  });
  assertStrictEquals(
    await client.regions.list({ signal: controller.signal }).catch((e) => e),
    reason,
  );
  assertStrictEquals(sent, 0);
});

Deno.test("an abort right after the call starts is heard before anything is sent", async () => {
  const fake = new FakeFetch(dataResponse([]));
  const { client } = fakeClient(fake, {
    fetch: (request) => {
      fake.requests.push(request);
      return new Promise<Response>(() => {}); // ignores its signal, never answers
    },
  });
  const controller = new AbortController();
  const reason = new Error("stop");
  const call = client.regions.list({ signal: controller.signal });
  controller.abort(reason); // while the call is between its first awaits
  assertStrictEquals(await call.catch((error) => error), reason);
  assertStrictEquals(fake.requests.length, 0);
});

Deno.test("a script whose calls have ended exits at once: no attempt timer keeps it alive", async () => {
  const script = `
    import { LambdaCloudClient } from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
    const client = new LambdaCloudClient({
      apiKey: "secret_x",
      rateLimit: false,
      timeout: 600_000,
      fetch: () => Promise.resolve(Response.json({ data: [] })),
    });
    await client.regions.list();
    await client.regions.list();
  `;
  // Killed after 30 s: far more than a start needs, far less than the 10-minute attempt timeout.
  const { success } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-config", script],
    stdout: "null",
    stderr: "inherit",
    signal: AbortSignal.timeout(30_000),
  }).output();
  assert(success);
});
