// What a failed connection proves. Only the runtime's own fetch can prove that a request was never
// sent: here it meets a real refusal, on a loopback port whose server is stopped between attempts.
// The same error from any other fetch (a custom one, a wrapper) proves nothing.

import { ConnectionError, LambdaCloudClient, LaunchOutcomeUnknownError } from "../mod.ts";
import { assertEquals, assertMatch, assertRejects, assertStrictEquals } from "@std/assert";
import { LAUNCH } from "./_emulator.ts";
import { dataResponse, errorResponse, fakeClient, FakeFetch } from "./_fakes.ts";
import { LoopbackServer, SocketClock } from "./_loopback.ts";

/** The error a fetch throws when the connection is refused, as Node's and Deno's fetch word it. */
const refusedError = Object.assign(new TypeError("fetch failed"), {
  cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), { code: "ECONNREFUSED" }),
});

/**
 * A client of `server` on the runtime's own fetch and real time, whose waits are noted rather than
 * slept, and which stops the server after the attempts numbered in `stopAfter` and starts it again
 * after the others, before it sends again.
 */
function clientOf(server: LoopbackServer, stopAfter: readonly number[], maxRetries = 2) {
  const clock = new SocketClock();
  const client = new LambdaCloudClient({
    apiKey: "secret_test_refused",
    baseUrl: server.baseUrl,
    rateLimit: false,
    random: () => 1,
    maxRetries,
    clock,
    hooks: {
      onRetry: ({ attempt }) => {
        clock.before = stopAfter.includes(attempt)
          ? server.stop()
          : Promise.resolve(server.start());
      },
    },
  });
  return { client, sleeps: clock.sleeps };
}

/** An answer that closes its connection, so that the next attempt must connect again. */
function closing(response: Response): Response {
  response.headers.set("connection", "close");
  return response;
}

Deno.test("a timeout or refused connection before sending is retried, even for a create", async () => {
  const server = new LoopbackServer(() =>
    closing(Response.json({ data: { id: "k", name: "k", public_key: "ssh-ed25519 A" } }))
  );
  // Nothing listens at first: the runtime's fetch is refused, and the create is sent again.
  const { client } = clientOf(server, []);
  try {
    await client.sshKeys.create({ name: "k", public_key: "ssh-ed25519 A" });
  } finally {
    await server.stop();
  }
  assertStrictEquals(server.answered, 1);
  const once = clientOf(server, [], 0).client;
  const error = await assertRejects(() => once.regions.list(), ConnectionError);
  assertStrictEquals(error.requestSent, false);
  assertMatch(error.message, /connection failed before the request was sent/);
  // From any other custom fetch, the same error proves nothing: a create is not sent again.
  const wrapped = new FakeFetch(
    refusedError,
    dataResponse({ id: "k", name: "k", public_key: "x" }),
  );
  const unsure = await assertRejects(
    () => fakeClient(wrapped).client.sshKeys.create({ name: "k", public_key: "ssh-ed25519 A" }),
    ConnectionError,
  );
  assertStrictEquals(unsure.requestSent, true);
  assertStrictEquals(wrapped.requests.length, 1);
});

Deno.test("a launch is sent again only when the server provably did not act", async () => {
  // A 429, and a connection that was never made, prove nothing ran: the server refuses the first
  // launch, is stopped before the second (refused by the runtime's fetch), and is back for the third.
  const bodies: unknown[] = [];
  const server = new LoopbackServer(async (request) => {
    bodies.push(await request.json());
    return closing(
      bodies.length === 1
        ? new Response("", { status: 429, headers: { "retry-after": "3" } })
        : Response.json({ data: { instance_ids: ["i-1"] } }),
    );
  });
  server.start();
  const { client, sleeps } = clientOf(server, [1]);
  try {
    assertEquals(await client.instances.launch(LAUNCH), { instance_ids: ["i-1"] });
  } finally {
    await server.stop();
  }
  assertEquals(bodies.length, 2); // the refused one never reached it
  assertEquals(sleeps, [3000, 1000]);
  assertEquals(bodies[0], bodies[1]); // the same token every time

  // The same error from any other custom fetch proves nothing: a wrapper may have sent the launch,
  // then failed in its own work. The launch is looked for, never sent again.
  const wrapper = new FakeFetch(refusedError, dataResponse([]));
  const looked = await assertRejects(
    () => fakeClient(wrapper).client.instances.launch(LAUNCH, { lookup: { timeout: 1000 } }),
    LaunchOutcomeUnknownError,
  );
  assertEquals(looked.reason, "not-listed");
  assertEquals(wrapper.requests.map((request) => request.method), ["POST", "GET"]);

  // Any other 4xx is a clean refusal: thrown as it is, with no lookup.
  const invalid = new FakeFetch(errorResponse(400, { code: "global/invalid-parameters" }));
  await assertRejects(
    () => fakeClient(invalid).client.instances.launch(LAUNCH),
    Error,
    "invalid parameters",
  );
  assertEquals(invalid.requests.length, 1);
});
