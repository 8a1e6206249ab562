// One request through the transport: what it sends (the key, whether a string or a function, the
// headers, the base URL), what it makes of each answer (envelopes, typed errors with every field,
// request ids, redirects, pages, answers too large or malformed), what a connection failure says,
// and hooks that see each attempt with the key redacted. Timeouts and aborts are in
// transport_timeouts_and_aborts_test.ts.

import {
  ApiError,
  ConnectionError,
  InvalidResponseError,
  LambdaCloudClient,
  LambdaCloudError,
  NotFoundError,
  RateLimitError,
  ServerError,
  VERSION,
} from "../mod.ts";
import type { RequestEvent, ResponseEvent, RetryEvent } from "../mod.ts";
import { assert, assertEquals, assertMatch, assertRejects, assertStrictEquals } from "@std/assert";
import { assertSpyCalls, spy } from "@std/testing/mock";
import { dataResponse, errorResponse, fakeClient, FakeFetch } from "./_fakes.ts";

Deno.test("requests carry the bearer key, accept, user agent and the caller's headers", async () => {
  const fake = new FakeFetch(dataResponse([]));
  const { client } = fakeClient(fake, { apiKey: "secret_abc", userAgent: "my-fleet/1.2" });
  await client.images.list({ headers: { "x-trace": "t1", authorization: "Bearer stolen" } });
  const request = fake.requests[0]!;
  assertStrictEquals(request.method, "GET");
  assertStrictEquals(request.url, "https://cloud.lambda.ai/api/v1/images");
  assertStrictEquals(request.headers.get("authorization"), "Bearer secret_abc");
  assertStrictEquals(request.headers.get("accept"), "application/json");
  assertStrictEquals(
    request.headers.get("user-agent"),
    `my-fleet/1.2 lambda-cloud-client/${VERSION}`,
  );
  assertStrictEquals(request.headers.get("x-trace"), "t1");
  assertStrictEquals(request.headers.get("content-type"), null);
  assertStrictEquals(request.redirect, "manual");
});

Deno.test("a function apiKey is called for each call, so keys can rotate", async () => {
  const fake = new FakeFetch(dataResponse([]), dataResponse([]));
  let n = 0;
  const { client } = fakeClient(fake, { apiKey: () => Promise.resolve(`  secret_${++n}\n`) });
  await client.regions.list();
  await client.regions.list();
  assertEquals(fake.requests.map((r) => r.headers.get("authorization")), [
    "Bearer secret_1",
    "Bearer secret_2",
  ]);
});

Deno.test("a key with inner white space is refused without being echoed", async () => {
  const fake = new FakeFetch();
  const { client } = fakeClient(fake, { apiKey: () => "secret one" });
  const error = await assertRejects(() => client.regions.list(), LambdaCloudError);
  assert(!String(error).includes("secret one"));
  assertStrictEquals(fake.requests.length, 0);
});

Deno.test("baseUrl is honoured, with or without a trailing slash", async () => {
  const fake = new FakeFetch(dataResponse([]));
  const { client } = fakeClient(fake, { baseUrl: "http://127.0.0.1:8080/api/v1/" });
  assertStrictEquals(client.baseUrl, "http://127.0.0.1:8080/api/v1");
  await client.sshKeys.list();
  assertStrictEquals(fake.requests[0]!.url, "http://127.0.0.1:8080/api/v1/ssh-keys");
});

Deno.test("a non-envelope success body is an InvalidResponseError, never a SyntaxError", async () => {
  for (const body of ['{"data": [', "<html>proxy</html>", "", '{"items": []}', "[1]"]) {
    const fake = new FakeFetch(new Response(body, { status: 200 }));
    const { client } = fakeClient(fake, { maxRetries: 0 });
    const error = await assertRejects(() => client.images.list(), InvalidResponseError);
    assertStrictEquals(error.body, body);
    assertStrictEquals(error.status, 200);
  }
});

Deno.test("a read whose success body cannot be read is sent again", async () => {
  const fake = new FakeFetch(new Response('{"data": [', { status: 200 }), dataResponse([]));
  const { client } = fakeClient(fake);
  assertEquals(await client.images.list(), []);
  assertStrictEquals(fake.requests.length, 2);
});

Deno.test("unknown response fields pass through untouched", async () => {
  const fake = new FakeFetch(dataResponse([{ name: "x", description: "y", brand_new: { a: 1 } }]));
  const { client } = fakeClient(fake);
  const regions = await client.regions.list();
  assertEquals(regions[0] as unknown, { name: "x", description: "y", brand_new: { a: 1 } });
});

Deno.test("an error envelope becomes a typed error with every field", async () => {
  const fake = new FakeFetch(
    errorResponse(404, {
      code: "global/object-does-not-exist",
      message: "Specified instance does not exist.",
      request_id: "req_42",
    }, { "x-other": "1" }),
  );
  const { client } = fakeClient(fake);
  const error = await assertRejects(() => client.instances.get("abc"), NotFoundError);
  assertStrictEquals(error.status, 404);
  assertStrictEquals(error.code, "global/object-does-not-exist");
  assertStrictEquals(error.requestId, "req_42");
  assertStrictEquals(error.headers.get("x-other"), "1");
  assertEquals(error.body, {
    error: {
      code: "global/object-does-not-exist",
      message: "Specified instance does not exist.",
      request_id: "req_42",
    },
  });
  assertStrictEquals(
    error.message,
    "Cannot get instance: not found (code 'global/object-does-not-exist'): Specified instance does not exist",
  );
});

Deno.test("the request id falls back to the x-request-id header", async () => {
  const fake = new FakeFetch(
    new Response("<html><title>Bad gateway</title></html>", {
      status: 502,
      headers: { "x-request-id": "hdr_1" },
    }),
  );
  const { client } = fakeClient(fake, { maxRetries: 0 });
  const error = await assertRejects(() => client.regions.list(), ServerError);
  assertStrictEquals(error.requestId, "hdr_1");
  assertStrictEquals(error.body, "<html><title>Bad gateway</title></html>");
  assertStrictEquals(error.code, undefined);
  assertMatch(error.message, /HTML page 'Bad gateway'/);
});

Deno.test("a redirect is reported, not followed", async () => {
  const fake = new FakeFetch(
    new Response(null, {
      status: 301,
      headers: { location: "https://cloud.lambda.ai/api/v1/images" },
    }),
  );
  const { client } = fakeClient(fake, { baseUrl: "https://cloud.lambdalabs.com/api/v1" });
  const error = await assertRejects(() => client.images.list(), ApiError);
  assertStrictEquals(error.status, 301);
  assertMatch(
    error.message,
    /redirected to 'https:\/\/cloud\.lambda\.ai\/api\/v1\/images': set baseUrl/,
  );
});

Deno.test("a connection failure is a ConnectionError with the cause", async () => {
  const cause = new TypeError("error sending request: connection refused");
  const fake = new FakeFetch(cause);
  const { client } = fakeClient(fake, { maxRetries: 0 });
  const error = await assertRejects(() => client.regions.list(), ConnectionError);
  // A copy that keeps the class, the message and the code, and nothing else the error carried.
  assert(error.cause instanceof TypeError);
  assertStrictEquals(error.cause.message, cause.message);
  assertStrictEquals(error.cause.name, "TypeError");
});

Deno.test("a body cut off mid-way is a ConnectionError", async () => {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"data": ['));
      controller.error(new TypeError("connection reset"));
    },
  });
  const fake = new FakeFetch(new Response(body, { status: 200 }));
  const { client } = fakeClient(fake, { maxRetries: 0 });
  await assertRejects(() => client.regions.list(), ConnectionError);
});

Deno.test("hooks see each attempt with the key redacted, and a throwing hook is ignored", async () => {
  const fake = new FakeFetch(
    errorResponse(500, { code: "global/internal-error" }),
    dataResponse([]),
  );
  const onRequest = spy((_event: RequestEvent): void => {
    throw new Error("logging bug");
  });
  const onResponse = spy((_event: ResponseEvent) => {});
  const onRetry = spy((_event: RetryEvent) => {});
  const { client } = fakeClient(fake, {
    apiKey: "secret_hooks",
    hooks: { onRequest, onResponse, onRetry },
  });
  await client.regions.list();
  const requests = onRequest.calls.map((call) => call.args[0]);
  const responses = onResponse.calls.map((call) => call.args[0]);
  assertEquals(onRequest.calls.map((call) => call.error?.message), ["logging bug", "logging bug"]);
  assertEquals(requests.map((e) => e.attempt), [1, 2]);
  assertStrictEquals(requests[0]!.headers.authorization, "Bearer [REDACTED]");
  assertStrictEquals(requests[0]!.url, "https://cloud.lambda.ai/api/v1/regions");
  assertStrictEquals(requests[0]!.action, "list regions");
  assertEquals(responses.map((e) => e.status), [500, 200]);
  assertStrictEquals(responses[0]!.responseHeaders["content-type"], "application/json");
  assertSpyCalls(onRetry, 1);
  const [retry] = onRetry.calls[0]!.args;
  assertEquals([retry.attempt, retry.delayMs, retry.error.name], [1, 500, "ServerError"]);
  assert(!JSON.stringify([requests, responses]).includes("secret_hooks"));
});

Deno.test("with no key anywhere, the error names both fixes", {
  permissions: { env: false },
}, async () => {
  const client = new LambdaCloudClient({ fetch: new FakeFetch().fetch, rateLimit: false });
  const error = await assertRejects(() => client.regions.list(), LambdaCloudError);
  assertStrictEquals(
    error.message,
    "Cannot list regions: no API key found. Pass { apiKey } to new LambdaCloudClient(), " +
      "or set LAMBDA_API_KEY and run with --allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL",
  );
});

Deno.test("an empty 429 body is still a RateLimitError with the status", async () => {
  const fake = new FakeFetch(new Response("", { status: 429 }));
  const { client } = fakeClient(fake, { maxRetries: 0 });
  const error = await assertRejects(() => client.regions.list(), RateLimitError);
  assertStrictEquals(error.status, 429);
  assertStrictEquals(error.body, "");
});

Deno.test("an error body of the form {error: 'text'} keeps the text as the message", async () => {
  const fake = new FakeFetch(Response.json({ error: "Not authorized" }, { status: 401 }));
  const { client } = fakeClient(fake);
  const error = await assertRejects(() => client.regions.list(), ApiError);
  assertStrictEquals(error.apiMessage, "Not authorized");
  assertStrictEquals(error.code, undefined);
  assertStrictEquals(
    error.message,
    "Cannot list regions: invalid API key (status 401): Not authorized",
  );
});

Deno.test("the envelope's request id wins over the x-request-id header", async () => {
  const fake = new FakeFetch(
    errorResponse(404, { code: "global/not-found", request_id: "env_1" }, {
      "x-request-id": "hdr_2",
    }),
  );
  const { client } = fakeClient(fake, { maxRetries: 0 });
  const error = await assertRejects(() => client.regions.list(), NotFoundError);
  assertStrictEquals(error.requestId, "env_1");
});

Deno.test("a DELETE retried after an unknown outcome takes a 404 as done", async () => {
  const lost = () => new TypeError("connection reset");
  const gone = () => errorResponse(404, { code: "global/not-found" });
  const fake = new FakeFetch(lost(), gone(), lost(), gone(), lost(), gone());
  const { client } = fakeClient(fake);
  assertStrictEquals(await client.sshKeys.delete("k1"), undefined);
  assertEquals(await client.fileSystems.delete("fs1"), { deleted_ids: ["fs1"] });
  await client.firewallRulesets.delete("rs1");
  assertStrictEquals(fake.requests.length, 6);
  // A 404 on the first attempt still means it was never there.
  const never = new FakeFetch(gone());
  await assertRejects(() => fakeClient(never).client.sshKeys.delete("k1"), NotFoundError);
  // And a 404 after a retry that followed a clean refusal (a 429) proves nothing was deleted.
  const refused = new FakeFetch(new Response("", { status: 429 }), gone());
  await assertRejects(() => fakeClient(refused).client.sshKeys.delete("k1"), NotFoundError);
});

Deno.test("paging stops on a repeated or empty page token", async () => {
  const page = (token: string | null) =>
    Response.json({ data: [{ event_id: token }], page_token: token });
  for (const tokens of [["a", "b", "a"], ["a", ""]]) {
    const fake = new FakeFetch(...tokens.map(page), page(null));
    const { client } = fakeClient(fake);
    const seen: unknown[] = [];
    const error = await assertRejects(async () => {
      for await (const event of client.auditEvents.list()) seen.push(event.event_id);
    }, InvalidResponseError);
    assertMatch(error.message, /^Cannot list audit events: .*page token/);
    assertEquals(seen, tokens);
    assertStrictEquals(fake.requests.length, tokens.length);
  }
});

Deno.test("hook events never show an echoed key; getters and class hooks are handled", async () => {
  const key = "secret_hooks_echo_77";
  const events: unknown[] = [];
  class Logger {
    seen: unknown[] = events;
    onResponse(event: unknown) {
      this.seen.push(event);
    }
  }
  const fake = new FakeFetch(
    new Response('{"data": []}', { headers: { "x-echo": `Bearer ${key}` } }),
    dataResponse([]),
  );
  const { client } = fakeClient(fake, { apiKey: key, hooks: new Logger() as never });
  await client.regions.list();
  assertEquals(events.length, 1);
  assert(!JSON.stringify(events).includes(key));
  const hostile = {
    get onRequest(): () => void {
      throw new Error("getter failed");
    },
  };
  const quiet = fakeClient(fake, { hooks: hostile as never }).client;
  assertEquals(await quiet.regions.list(), []);
});

Deno.test("a key echoed JSON-escaped, or inside a success, is redacted too", async () => {
  const key = "secret_escape/me_99";
  const escaped = key.replace("/", "\\/").replace("_", "\\u005f");
  const fake = new FakeFetch(
    new Response(`{"error": {"code": "global/invalid-api-key", "message": "bad ${escaped}"}}`, {
      status: 401,
    }),
    new Response(`{"data": [{"name": "${escaped}", "description": "${key}"}]}`),
  );
  const { client } = fakeClient(fake, { apiKey: key, maxRetries: 0 });
  const error = await assertRejects(() => client.regions.list(), ApiError);
  assert(!JSON.stringify([error.message, error.apiMessage, error.body]).includes(key));
  const regions = await client.regions.list();
  assert(!JSON.stringify(regions).includes(key), JSON.stringify(regions));
});

Deno.test("malformed pages are typed errors, never a bare TypeError or characters as items", async () => {
  const cases: [unknown, unknown, string][] = [
    [5, null, "its data is not a list"],
    ["evt", null, "its data is not a list"],
    [[{ event_id: "a" }], 7, "the page token is not text"],
  ];
  for (const [data, token, fault] of cases) {
    const fake = new FakeFetch(Response.json({ data, page_token: token }));
    const error = await assertRejects(
      () => Array.fromAsync(fakeClient(fake, { maxRetries: 0 }).client.auditEvents.list()),
      InvalidResponseError,
    );
    assertMatch(error.message, new RegExp(fault));
  }
  const empty = new FakeFetch(
    ...Array.from(
      { length: 6 },
      (_, index) => Response.json({ data: [], page_token: `t${index}` }),
    ),
  );
  await assertRejects(
    () => Array.fromAsync(fakeClient(empty).client.auditEvents.list()),
    InvalidResponseError,
    "5 empty pages in a row",
  );
});

Deno.test("an answer larger than maxResponseBytes is refused rather than read", async () => {
  const big = () => new Response(JSON.stringify({ data: ["x".repeat(1990)] }));
  const streamed = () =>
    new Response(
      new ReadableStream({
        pull(controller) {
          controller.enqueue(new TextEncoder().encode("x".repeat(1000)));
        },
      }),
    );
  const fake = new FakeFetch(big(), streamed(), big());
  const { client } = fakeClient(fake, { maxResponseBytes: 1000, maxRetries: 0 });
  await assertRejects(() => client.regions.list(), ConnectionError, "larger than maxResponseBytes");
  await assertRejects(() => client.regions.list(), ConnectionError, "larger than maxResponseBytes");
  const roomy = fakeClient(new FakeFetch(big()), { maxResponseBytes: 10_000 }).client;
  assertStrictEquals((await roomy.regions.list() as unknown as string[])[0]!.length, 1990);
});

Deno.test("a connection error says whether the request can have left, in each runtime's words", () => {
  const cases: [unknown, boolean][] = [
    // Deno: the connect phase (DNS, TCP, TLS) versus a connection lost after sending.
    [
      new TypeError("fetch failed", {
        cause: new Error(
          "error sending request: client error (Connect): tcp connect error: Connection refused",
        ),
      }),
      false,
    ],
    [
      new TypeError("fetch failed", {
        cause: new Error(
          "error sending request: client error (SendRequest): connection closed before message completed",
        ),
      }),
      true,
    ],
    [new TypeError("Fetch failed: Requests to port 9 are blocked"), false],
    // Node (undici) and Bun set a code.
    [
      new TypeError("fetch failed", {
        cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }),
      }),
      false,
    ],
    [
      new TypeError("fetch failed", {
        cause: Object.assign(new Error("reset"), { code: "ECONNRESET" }),
      }),
      true,
    ],
    [Object.assign(new Error("Unable to connect"), { code: "ConnectionRefused" }), false],
    [new TypeError("connection reset by peer"), true],
  ];
  for (const [cause, sent] of cases) {
    assertStrictEquals(new ConnectionError("list regions", cause).requestSent, sent, String(cause));
  }
});
