// The client against a real HTTP server on 127.0.0.1: real sockets, real headers, real aborts.

import { ConnectionError, LambdaCloudClient, RateLimitError, TimeoutError } from "../mod.ts";
import { assertEquals, assertRejects, assertStrictEquals } from "./_deps.ts";
import { FakeClock } from "./_fakes.ts";

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
    clock: new FakeClock(),
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
  const clock = new FakeClock();
  const client = clientFor(baseUrl, { clock });
  assertEquals(await client.sshKeys.list(), []);
  assertEquals(clock.sleeps, [1000]);
  assertStrictEquals(calls, 2);

  const limited = clientFor(baseUrl, { maxRetries: 0 });
  calls = 0;
  const error = await assertRejects(limited.sshKeys.list(), RateLimitError);
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
  await assertRejects(client.images.list(), TimeoutError);
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
  const error = await assertRejects(client.regions.list(), ConnectionError);
  assertStrictEquals(error.cause instanceof Error, true);
});
