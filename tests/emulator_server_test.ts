// The emulator as a server and a test tool: one-off overrides, HEAD and OPTIONS as HTTP servers
// answer them, and request ids that two emulators with one seed never share.

import {
  assert,
  assertEquals,
  assertMatch,
  assertNotStrictEquals,
  assertRejects,
  assertStrictEquals,
  assertThrows,
} from "@std/assert";
import { emulatorClient, keyed, LAUNCH, testEmulator } from "./_emulator.ts";
import { InsufficientCapacityError, NotFoundError, ServerError } from "../mod.ts";
import type { EmulatorExchange } from "../lib/testing/mod.ts";

function get(url: string, method = "GET", authorization?: string): Request {
  return new Request(url, {
    method,
    headers: authorization === undefined ? {} : { authorization },
  });
}

Deno.test("override() answers an operation in the emulator's place, then restores", async () => {
  const exchanges: EmulatorExchange[] = [];
  const emulator = testEmulator({ onResponse: (exchange) => exchanges.push(exchange) });
  const client = await keyed(emulatorClient(emulator, { maxRetries: 0 }));
  {
    using override = emulator.override(
      "launchInstance",
      ({ body, request }) =>
        (body as { region_name: string }).region_name === "us-east-1" &&
          request.headers.get("content-type") === "application/json"
          ? Response.json({
            error: {
              code: "instance-operations/launch/insufficient-capacity",
              message: "Not enough capacity to fulfill launch request.",
            },
          }, { status: 400 })
          : undefined,
    );
    await assertRejects(() => client.instances.launch(LAUNCH), InsufficientCapacityError);
    // Anything else falls through to the emulator.
    await client.instances.launch({ ...LAUNCH, region_name: "us-west-1" });
    assertEquals([override.calls, override.active], [1, true]);
  }
  await client.instances.launch(LAUNCH); // restored at the end of the scope
  assertEquals(emulator.instances().map((instance) => instance.region.name), [
    "us-west-1",
    "us-east-1",
  ]);
  const launches = emulator.requests.filter((request) => request.operationId === "launchInstance");
  assertEquals(launches.map((request) => [request.status, request.overridden]), [
    [400, true],
    [200, false],
    [200, false],
  ]);
  assertEquals(exchanges.filter((exchange) => exchange.overridden).map((e) => e.body), [{
    error: {
      code: "instance-operations/launch/insufficient-capacity",
      message: "Not enough capacity to fulfill launch request.",
    },
  }]);
});

Deno.test("override(): times, newest first, restoreOverrides(), and handlers that fail", async () => {
  const emulator = testEmulator();
  const client = emulatorClient(emulator, { maxRetries: 0 });
  const once = emulator.override("listRegions", () => Response.json({ data: [] }), { times: 1 });
  const newer = emulator.override(
    "listRegions",
    ({ query }) =>
      query.has("x") ? Response.json({ data: [{ name: "x", description: "newer" }] }) : undefined,
  );
  assertEquals(await client.regions.list(), []);
  assertEquals([once.calls, once.active, newer.calls], [1, false, 0]);
  assertEquals((await client.regions.list()).length, 12);
  emulator.restoreOverrides();
  assertEquals(newer.active, false);

  emulator.override("getInstance", () => {
    throw new Error("oops");
  });
  const thrown = await assertRejects(() => client.instances.get("i"), ServerError);
  assertMatch(thrown.message, /override of getInstance threw Error: oops/);
  emulator.restoreOverrides();
  emulator.override("getInstance", () => "not a response" as never);
  await assertRejects(() => client.instances.get("i"), ServerError, "not a Response");
  emulator.restoreOverrides();
  await assertRejects(() => client.instances.get("i"), NotFoundError);

  assertThrows(
    () => emulator.override("launchInstances" as never, () => undefined),
    RangeError,
    "'operationId' names no operation",
  );
  assertThrows(() => emulator.override("listRegions", "x" as never), TypeError);
  assertThrows(() => emulator.override("listRegions", () => undefined, { times: -1 }), RangeError);
});

Deno.test("an override answers after authentication and the rate limits, not before", async () => {
  const emulator = testEmulator({ rateLimit: {} });
  let seen = 0;
  emulator.override("listRegions", () => {
    seen++;
    return Response.json({ data: [] });
  });
  const url = "https://cloud.lambda.ai/api/v1/regions";
  assertEquals((await emulator.handle(get(url))).status, 401);
  const key = `Bearer ${emulator.apiKey}`;
  assertEquals((await emulator.handle(get(url, "GET", key))).status, 200);
  const limited = await emulator.handle(get(url, "GET", key));
  assertEquals(limited.status, 429);
  await limited.body?.cancel();
  assertEquals(seen, 1);
});

Deno.test("HEAD answers as GET without a body; OPTIONS lists the methods, without a key", async () => {
  const emulator = testEmulator();
  await using server = await emulator.serve();
  const key = `Bearer ${emulator.apiKey}`;
  const head = await fetch(get(`${server.url}/instance-types`, "HEAD", key));
  const full = await fetch(get(`${server.url}/instance-types`, "GET", key));
  const text = await full.text();
  assertEquals([head.status, head.headers.get("content-type")], [200, "application/json"]);
  assertEquals(head.headers.get("content-length"), String(new TextEncoder().encode(text).length));
  assertEquals(await head.text(), "");
  const unauthorized = await fetch(get(`${server.url}/instances`, "HEAD"));
  assertEquals([unauthorized.status, await unauthorized.text()], [401, ""]);

  const options = await fetch(get(`${server.url}/instances/abc`, "OPTIONS"));
  assertEquals([options.status, options.headers.get("allow")], [204, "GET, HEAD, OPTIONS, POST"]);
  await options.body?.cancel();
  const ssh = await fetch(get(`${server.url}/ssh-keys/abc`, "OPTIONS"));
  assertEquals(ssh.headers.get("allow"), "DELETE, OPTIONS");
  await ssh.body?.cancel();
  // A literal path takes its own methods, not those of the {id} template it also fits.
  const global = await fetch(get(`${server.url}/firewall-rulesets/global`, "OPTIONS"));
  assertEquals(global.headers.get("allow"), "GET, HEAD, OPTIONS, PATCH");
  await global.body?.cancel();
  const nowhere = await fetch(get(`${server.url}/api-keys`, "OPTIONS"));
  assertEquals(nowhere.status, 404);
  assertEquals((await nowhere.json()).error.code, "global/not-found");
  assertEquals(emulator.requests.map((request) => [request.method, request.status]), [
    ["HEAD", 200],
    ["GET", 200],
    ["HEAD", 401],
    ["OPTIONS", 204],
    ["OPTIONS", 204],
    ["OPTIONS", 204],
    ["OPTIONS", 404],
  ]);
  assertStrictEquals(emulator.requests[0]?.operationId, "listInstanceTypes");
});

Deno.test("request ids differ between emulators that share a seed; resource ids do not", async () => {
  const story = async () => {
    const emulator = testEmulator({ seed: 5 });
    const client = emulatorClient(emulator, { maxRetries: 0 });
    const key = await client.sshKeys.create({ name: "k" });
    const error = await assertRejects(() => client.instances.get("missing"), NotFoundError);
    return { keyId: key.id, requestId: error.requestId };
  };
  const [first, second] = [await story(), await story()];
  assertEquals(first.keyId, second.keyId);
  assert(/^[0-9a-f]{32}$/.test(first.requestId ?? ""));
  assertNotStrictEquals(first.requestId, second.requestId);
});
