// The API key never shows: not in inspect, JSON, String(), errors, or hook events.

import { ApiError, ConnectionError, InvalidResponseError, LambdaCloudClient } from "../mod.ts";
import { assert, assertEquals, assertMatch, assertRejects } from "@std/assert";
import { dataResponse, errorResponse, fakeClient, FakeFetch, sampleInstance } from "./_fakes.ts";

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
  // Known once asked for (it may come from LAMBDA_BASE_URL, read when first needed).
  assert(client.baseUrl === "https://cloud.lambda.ai/api/v1");
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

Deno.test("the key passed where an id goes never reaches a hook event, nor an error", async () => {
  const events: unknown[] = [];
  const fake = new FakeFetch(
    errorResponse(500, { code: "global/internal-error", message: "boom" }),
    errorResponse(404, { code: "global/object-does-not-exist", message: "not found" }),
    errorResponse(404, { code: "global/object-does-not-exist", message: "not found" }),
  );
  const { client } = fakeClient(fake, {
    apiKey: KEY,
    // A store that fails: every turn falls back, with an event of its own.
    rateLimit: {
      store: {
        get: () => Promise.reject(new Error("store down")),
        compareAndSet: () => Promise.reject(new Error("store down")),
      },
    },
    hooks: {
      onRequest: (event) => events.push(event),
      onResponse: (event) => events.push(event),
      onRetry: (event) => events.push(event),
      onRateLimitFallback: (event) => events.push(event),
    },
  });
  const get = await client.instances.get(KEY).catch((e) => e);
  const rename = await client.instances.update(KEY, { name: "x" }).catch((e) => e);
  assert(get instanceof ApiError && rename instanceof ApiError);
  assert(!leaks(get) && !leaks(rename));
  // It was sent as given: only what is shown of it hides the key.
  assertEquals(fake.requests.map((request) => request.url.endsWith(`/instances/${KEY}`)), [
    true,
    true,
    true,
  ]);
  assert(events.some((event) => "delayMs" in (event as object)), "a retry was seen");
  assert(events.some((event) => (event as { error?: Error }).error?.message === "store down"));
  assert(events.length >= 8, `${events.length} events`);
  for (const event of events) {
    assert(!leaks(event), Deno.inspect(event));
    assertMatch((event as { url: string }).url, /\/instances\/\[REDACTED\]$/);
  }
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
  const denied = await assertRejects(() => client.regions.list(), ApiError);
  assert(!leaks(denied));
  assert(!leaks(denied.body) && !leaks([...denied.headers]));
  assertMatch(String(denied.body), /Bearer \[REDACTED\]/);
  const unreadable = await assertRejects(() => client.regions.list(), InvalidResponseError);
  assert(!leaks(unreadable) && !leaks(unreadable.body));
});

Deno.test("a key echoed in a header's name, or in another case, is redacted with nothing else around it", async () => {
  const events: { responseHeaders: Record<string, string> }[] = [];
  const upper = KEY.toUpperCase();
  const fake = new FakeFetch(
    new Response(`{"error": {"message": "bad key ${upper}"}}`, {
      status: 401,
      headers: { [`x-key-${KEY}`]: "1", "x-other": "kept" },
    }),
  );
  const { client } = fakeClient(fake, {
    apiKey: KEY,
    maxRetries: 0,
    hooks: { onResponse: (event) => void events.push(event) },
  });
  const denied = await assertRejects(() => client.regions.list(), ApiError);
  // Headers lower-case their names: the key shows there in lower case.
  const folded = (text: string) => text.toLowerCase().includes(KEY.toLowerCase());
  for (
    const seen of [
      denied.message,
      JSON.stringify(denied.body),
      JSON.stringify([...denied.headers]),
      JSON.stringify(events),
    ]
  ) {
    assert(!folded(seen), seen);
  }
  assertEquals(denied.headers.get("x-key-redacted"), "1");
  assertEquals(denied.headers.get("x-other"), "kept");
  assertMatch(denied.message, /bad key \[REDACTED\]/);
  assertEquals(events[0]?.responseHeaders["x-key-redacted"], "1");
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
    const denied = await assertRejects(() => client.regions.list(), ApiError);
    const seen = [
      Deno.inspect(denied, { depth: Infinity, showHidden: true, getters: true }),
      String(denied.body),
      JSON.stringify([...denied.headers]),
    ].join("\n");
    assert(!seen.includes(echo), echo);
    assertMatch(String(denied.body), /401 for \[REDACTED\]/);
  }
});

Deno.test("a key echoed in Base64, in numeric entities, or with JSON escapes in a broken answer is redacted", async () => {
  const key = "secret_live_key_0123456789abcdef";
  const echoes = [
    `Basic ${btoa(`${key}:`)}`,
    `Basic ${btoa(`:${key}`)}`,
    `token=${btoa(`x${key}`).replaceAll("+", "-").replaceAll("/", "_")}`,
    btoa(`Bearer ${key}`),
    [...key].map((char) => `&#${char.codePointAt(0)};`).join(""),
    key.replace(/[^a-z0-9]/gi, (char) => `&#x${char.codePointAt(0)!.toString(16)};`),
    key.replace("s", "\\u0073").replace("_", "\\u005F"),
    key.replace("_", "%5f"),
    key.replaceAll("_", "&lowbar;"),
    key.replaceAll("_", "&UnderBar;"),
    [...key].map((char) => `&#${char.codePointAt(0)}`).join(""),
    `${key.slice(0, 12)}\n${key.slice(12)}`,
    btoa(`Authorization: Bearer ${key}; and more text that wraps`).match(/.{1,76}/g)!.join("\r\n"),
    btoa(`x${key}`).match(/.{1,8}/g)!.join("\n"),
    key.match(/.{1,10}/g)!.join("=\r\n"),
    btoa(`Bearer ${key}`).match(/.{1,8}/g)!.join("\r"),
    `${key.slice(0, 5)}\u2028${key.slice(5)}`,
    `${key.slice(0, 7)}<wbr>${key.slice(7, 20)}&shy;${key.slice(20)}`,
  ];
  // Everything an attacker could undo: line breaks, Base64 runs, entities, escapes.
  const decoded = (text: string) => {
    const joined = text.replace(/=?(\\r|\\n|\r|\n|\\u2028|\u2028)|<wbr>|&shy;/g, "");
    const base64 = joined.replace(/[A-Za-z0-9+/_-]{16,}={0,2}/g, (run) => {
      try {
        return atob(run.replaceAll("-", "+").replaceAll("_", "/"));
      } catch {
        return "";
      }
    });
    return [text, joined, base64].join("\n")
      .replace(/&#x([0-9a-f]+);?/gi, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
      .replace(/&#(\d+);?/g, (_, code) => String.fromCodePoint(Number(code)))
      .replace(/&lowbar;|&underbar;/gi, "_").replace(/&period;/gi, ".")
      .replace(/\\u([0-9a-f]{4})/gi, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
      .replace(/%([0-9a-f]{2})/gi, (_, hex) => String.fromCodePoint(parseInt(hex, 16)));
  };
  for (const echo of echoes) {
    const fake = new FakeFetch(
      new Response(`{"error": {"message": "bad ${echo}`, {
        status: 401,
        // A header cannot hold a line break: those forms come in the body alone.
        headers: /[\r\n\u2028]/.test(echo) ? {} : { "www-authenticate": `Basic realm="${echo}"` },
      }),
    );
    const events: unknown[] = [];
    const { client } = fakeClient(fake, {
      apiKey: key,
      maxRetries: 0,
      hooks: { onResponse: (event) => events.push(event) },
    });
    const denied = await assertRejects(() => client.regions.list(), ApiError);
    const seen = [
      Deno.inspect(denied, { depth: Infinity, showHidden: true, getters: true }),
      JSON.stringify([...denied.headers]),
      JSON.stringify(events),
    ].join("\n");
    assert(!decoded(seen).includes(key), `${echo}: ${seen}`);
  }
});

Deno.test("an error thrown by a fetch wrapper reaches the caller without the request it carries", async () => {
  const fake = (request: Request) =>
    Promise.reject(
      Object.assign(new TypeError(`fetch failed for ${request.headers.get("authorization")}`), {
        request,
        code: "ECONNRESET",
        cause: new Error(`inner: ${KEY}`),
      }),
    );
  const client = new LambdaCloudClient({ apiKey: KEY, fetch: fake, rateLimit: false });
  const error = await assertRejects(() => client.regions.list({ maxRetries: 0 }), ConnectionError);
  assert(!leaks(Deno.inspect(error, { depth: Infinity, showHidden: true, getters: true })));
  assert(error.cause instanceof TypeError);
  assertEquals((error.cause as { code?: string }).code, "ECONNRESET");
  assertMatch(error.message, /fetch failed for Bearer \[REDACTED\]/);
});

Deno.test("a hook that changes the event's URL changes nothing that is sent", async () => {
  const fake = new FakeFetch(dataResponse([]));
  const { client } = fakeClient(fake, {
    hooks: {
      onRequest: (event) => {
        event.url = "http://attacker.example/collect";
      },
    },
  });
  await client.regions.list();
  assertMatch(fake.requests[0]!.url, /^https:\/\/cloud\.lambda\.ai\/api\/v1\/regions$/);
});

Deno.test("a short test key is not searched for in answers, where it would match ordinary words", async () => {
  const fake = new FakeFetch(dataResponse([{ name: "test-run-7" }]), dataResponse([]));
  const { client } = fakeClient(fake, { apiKey: "test" });
  assertEquals<unknown>(await client.sshKeys.list(), [{ name: "test-run-7" }]);
  const data = new FakeFetch(dataResponse([]));
  assertEquals(await fakeClient(data, { apiKey: "data" }).client.regions.list(), []);
});

Deno.test("an error from a custom fetch that cannot be read, or that holds the key anywhere, is copied safely", async () => {
  class Unreadable extends Error {
    override get message(): string {
      throw new Error(`getter for ${KEY}`);
    }
  }
  const thrown = [
    new Unreadable(),
    new Proxy(new Error("p"), {
      get() {
        throw new Error("trap");
      },
    }),
    Object.assign(new Error("coded"), { code: `E_${KEY}` }),
    new DOMException(`timed out for ${KEY}`, "TimeoutError"),
  ];
  for (const error of thrown) {
    const client = new LambdaCloudClient({
      apiKey: KEY,
      fetch: () => Promise.reject(error),
      rateLimit: false,
    });
    const failed = await assertRejects(
      () => client.regions.list({ maxRetries: 0 }),
      ConnectionError,
    );
    assert(!leaks(failed));
    // The copy can be read and printed, as a logger would.
    const cause = failed.cause as Error;
    assertEquals(typeof `${cause} ${cause.name} ${cause.message}`, "string");
    assert(!leaks(String((cause as { code?: unknown }).code)));
  }
});

Deno.test("a launch whose custom fetch throws an unreadable error is looked for, never left unreported", async () => {
  class Unreadable extends Error {
    override get message(): string {
      throw new Error("unreadable");
    }
  }
  let launches = 0;
  const fake = new FakeFetch();
  fake.push(() => {
    launches++;
    return Promise.reject(new Unreadable());
  });
  fake.push(() => {
    const tags = (fake.json(0) as { tags: { key: string; value: string }[] }).tags;
    return dataResponse([sampleInstance({ id: "i-1", tags })]);
  });
  const { client } = fakeClient(fake);
  const launched = await client.instances.launch({
    region_name: "us-east-1",
    instance_type_name: "gpu_1x_a10",
    ssh_key_names: ["k"],
  });
  assertEquals([launched.instance_ids, launches], [["i-1"], 1]);
});

Deno.test("an answer nested thousands deep, with escapes to walk, is read without overflowing the stack", async () => {
  const nested = `${"[".repeat(20_000)}"a\\u0041"${"]".repeat(20_000)}`;
  for (const status of [200, 502]) {
    const fake = new FakeFetch(new Response(`{"data": ${nested}, "echo": "${KEY}"}`, { status }));
    const { client } = fakeClient(fake, { apiKey: KEY, maxRetries: 0 });
    const outcome = await client.regions.list().then((regions) => regions, (error) => error);
    // A list (its items are not checked) or a typed error: never a RangeError from the walk.
    const typed = Array.isArray(outcome) || outcome instanceof ApiError;
    assert(typed, typed ? "" : `${(outcome as Error).name}: ${(outcome as Error).message}`);
    if (outcome instanceof ApiError) assert(!outcome.message.includes(KEY));
  }
});
