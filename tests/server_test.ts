// The client against a real HTTP server on 127.0.0.1: real sockets, real headers, real aborts.

import { ConnectionError, LambdaCloudClient, RateLimitError, TimeoutError } from "../mod.ts";
import { LambdaEmulator } from "../lib/testing/mod.ts";
import { assert, assertEquals, assertRejects, assertStrictEquals } from "@std/assert";
import { SocketClock } from "./_loopback.ts";

interface Seen {
  method: string;
  path: string;
  authorization: string | null;
  userAgent: string | null;
  body: string;
}

/** Serves `handler` on 127.0.0.1 at a free port, recording each request. */
function serve(handler: (request: Request, seen: Seen[]) => Response | Promise<Response>) {
  const seen: Seen[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const url = new URL(request.url);
      const entry: Seen = {
        method: request.method,
        path: url.pathname + url.search,
        authorization: request.headers.get("authorization"),
        userAgent: request.headers.get("user-agent"),
        body: await request.text(),
      };
      seen.push(entry);
      return handler(request, seen);
    },
  );
  const baseUrl = `http://127.0.0.1:${server.addr.port}/api/v1`;
  return { server, seen, baseUrl };
}

function clientFor(
  baseUrl: string,
  options: ConstructorParameters<typeof LambdaCloudClient>[0] = {},
) {
  return new LambdaCloudClient({
    apiKey: "secret_socket",
    baseUrl,
    rateLimit: false,
    clock: new SocketClock(),
    ...options,
  });
}

Deno.test("a launch over a real socket sends JSON and reads the answer", async () => {
  const { server, seen, baseUrl } = serve(() => Response.json({ data: { instance_ids: ["i-9"] } }));
  await using _ = server;
  const client = clientFor(baseUrl);
  const result = await client.instances.launch({
    region_name: "us-east-1",
    instance_type_name: "gpu_1x_a10",
    ssh_key_names: ["k"],
  });
  assertEquals(result, { instance_ids: ["i-9"] });
  assertStrictEquals(seen[0]!.method, "POST");
  assertStrictEquals(seen[0]!.path, "/api/v1/instance-operations/launch");
  assertStrictEquals(seen[0]!.authorization, "Bearer secret_socket");
  assertStrictEquals(seen[0]!.userAgent?.startsWith("lambda-cloud-client/"), true);
  const { tags, ...rest } = JSON.parse(seen[0]!.body);
  assertEquals(rest, {
    region_name: "us-east-1",
    instance_type_name: "gpu_1x_a10",
    ssh_key_names: ["k"],
  });
  assertEquals(tags[0].key, "lambda-cloud-client:launch-token");
});

Deno.test("a 429 with Retry-After over a socket is waited out, then retried", async () => {
  let calls = 0;
  const { server, baseUrl } = serve(() =>
    ++calls === 1
      ? new Response("<html><title>Rate limited</title></html>", {
        status: 429,
        headers: { "retry-after": "1" },
      })
      : Response.json({ data: [] })
  );
  await using _ = server;
  const clock = new SocketClock();
  const client = clientFor(baseUrl, { clock });
  assertEquals(await client.sshKeys.list(), []);
  assertEquals(clock.sleeps, [1000]);
  assertStrictEquals(calls, 2);

  const limited = clientFor(baseUrl, { maxRetries: 0 });
  calls = 0;
  const error = await assertRejects(() => limited.sshKeys.list(), RateLimitError);
  assertStrictEquals(error.retryAfterMs, 1000);
});

Deno.test("a server that stalls mid-body ends in a TimeoutError, and the socket is released", async () => {
  const { server, baseUrl } = serve((request) => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"data": ['));
        request.signal.addEventListener("abort", () => controller.close());
      },
    });
    return new Response(body, { headers: { "content-type": "application/json" } });
  });
  await using _ = server;
  const client = clientFor(baseUrl, { timeout: 50, maxRetries: 0 });
  await assertRejects(() => client.images.list(), TimeoutError);
});

Deno.test("maxResponseBytes bounds a compressed answer by its inflated size, not its length on the wire", async () => {
  const inflated = new TextEncoder().encode(`{"data": [${" ".repeat(4 * 1024 * 1024)}]}`);
  const gzip = new Uint8Array(
    await new Response(new Blob([inflated]).stream().pipeThrough(new CompressionStream("gzip")))
      .arrayBuffer(),
  );
  assert(gzip.length < 64 * 1024);
  const { server, baseUrl } = serve(() =>
    new Response(gzip, {
      headers: {
        "content-type": "application/json",
        "content-encoding": "gzip",
        "content-length": String(gzip.length),
      },
    })
  );
  await using _ = server;
  const error = await assertRejects(
    () => clientFor(baseUrl, { maxResponseBytes: 1024 * 1024, maxRetries: 0 }).images.list(),
    ConnectionError,
  );
  assert(error.message.includes("larger than maxResponseBytes (1048576 bytes)"), error.message);
  // Within the bound, the same answer is read.
  assertEquals(await clientFor(baseUrl, { maxRetries: 0 }).images.list(), []);
});

Deno.test("a caller's abort over a socket rejects with the caller's reason", async () => {
  let arrived!: () => void;
  const arrival = new Promise<void>((resolve) => (arrived = resolve));
  const { server, baseUrl } = serve((request) =>
    new Promise<Response>((resolve) => {
      arrived();
      request.signal.addEventListener("abort", () => resolve(new Response(null, { status: 499 })));
    })
  );
  await using _ = server;
  const client = clientFor(baseUrl);
  const controller = new AbortController();
  const reason = new Error("shutting down");
  const call = client.regions.list({ signal: controller.signal }).catch((e) => e);
  await arrival;
  controller.abort(reason);
  assertStrictEquals(await call, reason);
});

Deno.test("a refused connection is a ConnectionError", async () => {
  const { server, baseUrl } = serve(() => new Response());
  await server.shutdown();
  const client = clientFor(baseUrl, { maxRetries: 0 });
  const error = await assertRejects(() => client.regions.list(), ConnectionError);
  assertStrictEquals(error.cause instanceof Error, true);
});

Deno.test("the emulator's server closes promptly with a request body still half-sent", async () => {
  const emulator = new LambdaEmulator({ rateLimit: false });
  const server = await emulator.serve();
  const connection = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  try {
    const head = "POST /api/v1/ssh-keys HTTP/1.1\r\nhost: 127.0.0.1\r\n" +
      `authorization: Bearer ${emulator.apiKey}\r\ncontent-type: application/json\r\n` +
      'content-length: 1000\r\n\r\n{"name":';
    await connection.write(new TextEncoder().encode(head));
    // Give the server the time to start reading the body that will never end.
    for (let i = 0; i < 50 && emulator.requests.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stuck = new Promise<"stuck">((resolve) =>
      timer = setTimeout(() => resolve("stuck"), 5000)
    );
    const closed = await Promise.race([server.close().then(() => "closed" as const), stuck]);
    clearTimeout(timer);
    assertStrictEquals(closed, "closed");
  } finally {
    connection.close();
  }
});

Deno.test("the emulator refuses bodies past its size limit with 413, and bounds its request log", async () => {
  const emulator = new LambdaEmulator({ rateLimit: false, maxBodyBytes: 1000, requestLogLimit: 5 });
  await using server = await emulator.serve();
  const headers = {
    authorization: `Bearer ${emulator.apiKey}`,
    "content-type": "application/json",
  };
  const big = JSON.stringify({ name: "k", public_key: "x".repeat(5000) });
  for (const url of [`${server.url}/ssh-keys`, "https://cloud.lambda.ai/api/v1/ssh-keys"]) {
    const fetcher = url.startsWith("http://") ? fetch : emulator.fetch;
    const response = await fetcher(url, { method: "POST", headers, body: big });
    assertStrictEquals(response.status, 413);
    assertStrictEquals((await response.json()).error.code, "global/invalid-parameters");
  }
  // A body sent in chunks, with no length declared, is cut off too.
  const chunked = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode("x".repeat(200)));
      controller.close();
    },
  });
  const streamed = await fetch(`${server.url}/ssh-keys`, {
    method: "POST",
    headers,
    body: chunked,
  });
  assertStrictEquals(streamed.status, 413);
  await streamed.body?.cancel();
  assertStrictEquals(emulator.instances().length, 0);
  for (let i = 0; i < 6; i++) {
    await (await emulator.fetch(`${server.url}/regions`, { headers })).body?.cancel();
  }
  assertStrictEquals(emulator.requests.length, 5);
  assert(emulator.requests.every((request) => request.path === "/api/v1/regions"));
});
