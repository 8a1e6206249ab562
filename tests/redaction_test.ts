// The API key never shows: not in inspect, JSON, String(), errors, or hook events.

import { ApiError, InvalidResponseError, LambdaCloudClient } from "../mod.ts";
import { assert, assertMatch, assertRejects } from "./_deps.ts";
import { errorResponse, fakeClient, FakeFetch } from "./_fakes.ts";

const KEY = "secret_DO_NOT_LEAK_4f2a";

function leaks(value: unknown): boolean {
  const seen = [
    Deno.inspect(value, { depth: Infinity, showHidden: true, getters: true }),
    String(value),
    JSON.stringify(value) ?? "",
  ];
  if (value instanceof Error) seen.push(value.message, value.stack ?? "", String(value.cause));
  return seen.some((text) => text.includes(KEY));
}

Deno.test("the client shows its base URL but never its key", () => {
  const client = new LambdaCloudClient({ apiKey: KEY });
  assert(!leaks(client));
  assert(!leaks(client.instances));
  assert(Deno.inspect(client).includes("https://cloud.lambda.ai/api/v1"));
  assert(JSON.stringify(client) === '{"baseUrl":"https://cloud.lambda.ai/api/v1"}');
});

Deno.test("errors and hook events never hold the key", async () => {
  const events: unknown[] = [];
  const fake = new FakeFetch(
    errorResponse(500, { code: "global/internal-error", message: "boom" }),
    new TypeError("connection reset"),
    errorResponse(401, { code: "global/invalid-api-key" }),
  );
  const { client } = fakeClient(fake, {
    apiKey: KEY,
    hooks: {
      onRequest: (event) => events.push(event),
      onResponse: (event) => events.push(event),
      onRetry: (event) => events.push(event),
    },
  });
  const error = await client.regions.list().catch((e) => e);
  assert(error instanceof Error);
  assert(!leaks(error));
  assert(events.length >= 5);
  for (const event of events) assert(!leaks(event));
});

Deno.test("the key is attached only to the request that is sent", async () => {
  const fake = new FakeFetch(errorResponse(404, { code: "global/not-found" }));
  const headers = new Headers({ "x-custom": "1" });
  const { client } = fakeClient(fake, { apiKey: KEY });
  await client.images.list({ headers }).catch(() => {});
  assert(!headers.has("authorization"), "the caller's headers object was not changed");
  assert(fake.requests[0]!.headers.get("authorization") === `Bearer ${KEY}`);
});

Deno.test("a key echoed back by an upstream error page is redacted in the message, body and headers", async () => {
  const page =
    `<html><title>401 for Bearer ${KEY}</title><pre>Authorization: Bearer ${KEY}</pre></html>`;
  const fake = new FakeFetch(
    new Response(page, { status: 401, headers: { "x-echo": `Bearer ${KEY}` } }),
    new Response(`{"echo": "${KEY}"`, { status: 200 }),
  );
  const { client } = fakeClient(fake, { apiKey: KEY, maxRetries: 0 });
  const denied = await assertRejects(client.regions.list(), ApiError);
  assert(!leaks(denied));
  assert(!leaks(denied.body) && !leaks([...denied.headers]));
  assertMatch(String(denied.body), /Bearer \[REDACTED\]/);
  const unreadable = await assertRejects(client.regions.list(), InvalidResponseError);
  assert(!leaks(unreadable) && !leaks(unreadable.body));
});

Deno.test("a key echoed percent-encoded (a redirect) or HTML-escaped (a proxy page) is redacted too", async () => {
  const key = "secret_a+b/c=d&e<f>'g\"h";
  const echoes = [
    encodeURIComponent(key),
    encodeURIComponent(key).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
    new URLSearchParams({ k: key }).toString().slice(2),
    key.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
      .replaceAll('"', "&quot;").replaceAll("'", "&#39;"),
    key.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
      .replaceAll('"', "&quot;").replaceAll("'", "&#x27;"),
  ];
  for (const echo of echoes) {
    const page = `<html><title>401 for ${echo}</title></html>`;
    const fake = new FakeFetch(
      new Response(page, { status: 401, headers: { location: `https://x.test/?k=${echo}` } }),
    );
    const { client } = fakeClient(fake, { apiKey: key, maxRetries: 0 });
    const denied = await assertRejects(client.regions.list(), ApiError);
    const seen = [
      Deno.inspect(denied, { depth: Infinity, showHidden: true, getters: true }),
      String(denied.body),
      JSON.stringify([...denied.headers]),
    ].join("\n");
    assert(!seen.includes(echo), echo);
    assertMatch(String(denied.body), /401 for \[REDACTED\]/);
  }
});
