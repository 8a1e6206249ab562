// client.request(): any operation by its id, with the client's transport, typed from the table.

import {
  LambdaCloudClient,
  LAUNCH_TOKEN_KEY,
  LaunchOutcomeUnknownError,
  ServerError,
} from "../mod.ts";
import { assert, assertEquals, assertRejects, assertStrictEquals } from "@std/assert";
import { emulatorClient, keyed, LAUNCH, testEmulator } from "./_emulator.ts";
import { errorResponse, fakeClient, FakeFetch } from "./_fakes.ts";

Deno.test("request() calls an operation by id: path filled and encoded, query sent, answer typed", async () => {
  const emulator = testEmulator();
  const client = emulatorClient(emulator);
  const key = await client.request("addSSHKey", { body: { name: "laptop" } });
  const keys = await client.request("listSSHKeys");
  assertEquals(keys.map((item) => item.name), ["laptop"]);
  await client.request("deleteSSHKey", { path: { id: key.id } });
  const page = await client.request("getAuditEvents", {
    query: { resource_type: "cloud.ssh_key" },
  });
  assertEquals(page.data.map((event) => event.action), ["created", "deleted"]);
  assertStrictEquals(page.page_token, null);
  const ticket = await client.request("createTicket", {
    body: { subject: "s", description: "d", type: "service_request" },
  });
  await client.request("getTicket", { path: { ticket_id: ticket.id } });
  assertEquals(
    emulator.requests.map((request) => `${request.method} ${request.path}`).slice(-1),
    [`GET /api/v1/tickets/${ticket.id}`],
  );
});

Deno.test("request() checks the id and path parameters before anything is sent", async () => {
  const fake = new FakeFetch();
  const { client } = fakeClient(fake);
  await assertRejects(
    () => client.request("launch" as "listRegions"),
    RangeError,
    "Cannot send request: 'id' must be an operationId of Lambda's API, such as 'getInstance', received 'launch'",
  );
  await assertRejects(() => client.request("toString" as "listRegions"), RangeError);
  await assertRejects(
    () => client.request("getInstance", {} as never),
    TypeError,
    "Cannot get instance: 'id' must be a string, received undefined",
  );
  await assertRejects(
    () => client.request("deleteAttachment", { path: { ticket_id: "t", attachment_id: ".." } }),
    RangeError,
    "Cannot delete attachment: 'attachmentId' is not a valid id, received '..'",
  );
  assertStrictEquals(fake.requests.length, 0);
});

Deno.test("request() keeps each operation's retry policy: a raw launch is never resent", async () => {
  const fake = new FakeFetch(errorResponse(502, {}), errorResponse(502, {}));
  const { client } = fakeClient(fake, { maxRetries: 3 });
  const body = { region_name: "r", instance_type_name: "t", ssh_key_names: ["k"] as [string] };
  const error = await assertRejects(
    () => client.request("launchInstance", { body }),
    LaunchOutcomeUnknownError,
  );
  // Sent as given, so there is nothing to look for; the 502 is the cause.
  assertEquals([error.reason, error.launchToken], ["no-token", undefined]);
  assert(error.cause instanceof ServerError);
  assertStrictEquals(fake.requests.length, 1);
  assertEquals(fake.json(0), body);
});

Deno.test("request('launchInstance'): a lost answer is looked for when a token is asked for or carried", async () => {
  for (const variant of ["option", "body"] as const) {
    const emulator = testEmulator();
    const client = await keyed(emulatorClient(emulator));
    emulator.faults.inject({ kind: "lost-answer", operation: "launchInstance" });
    const tags = variant === "body"
      ? [{ key: "lambda-cloud-client:launch-token", value: "run-7" }]
      : [];
    const answer = await client.request(
      "launchInstance",
      { body: { ...LAUNCH, tags } },
      variant === "option" ? { launchToken: true } : {},
    );
    assertEquals(answer.instance_ids, emulator.instances().map((instance) => instance.id));
    assertEquals(emulator.instances().length, 1, variant);
    const launches = emulator.requests.filter((r) => r.operationId === "launchInstance");
    assertEquals(launches.length, 1, variant);
    if (variant === "body") {
      assertEquals((launches[0]!.body as { tags: unknown }).tags, tags);
    }
  }
});

Deno.test("request('launchInstance'): unknown answer fields pass through; odd bodies are sent as given", async () => {
  const fake = new FakeFetch(
    Response.json({ data: { instance_ids: ["i1"], new_field: 1 } }),
    Response.json({ data: { instance_ids: ["i2"] } }),
  );
  const { client } = fakeClient(fake);
  const answer = await client.request("launchInstance", { body: { tags: "x" } as never });
  assertEquals<unknown>(answer, { instance_ids: ["i1"], new_field: 1 });
  await client.request("launchInstance", { body: null as never });
  assertEquals(fake.bodies[1], "null");
  // A token cannot be added to a body with no tag list: refused before sending.
  await assertRejects(
    () => client.request("launchInstance", { body: { tags: "x" } as never }, { launchToken: true }),
    TypeError,
    "Cannot launch instance: 'launchToken' needs a body that is an object whose 'tags' is an array, received 'x'",
  );
  assertStrictEquals(fake.requests.length, 2);
});

Deno.test("request() refuses names the operation does not have, before sending", async () => {
  const fake = new FakeFetch();
  const { client } = fakeClient(fake);
  const cases: [() => Promise<unknown>, ErrorConstructor, string][] = [
    [
      () => client.request("listInstances", { query: { clusterid: "c" } as never }),
      TypeError,
      "Cannot list instances: 'query' of listInstances has no 'clusterid' (it takes cluster_id)",
    ],
    [
      () => client.request("listRegions", { query: { x: "1" } } as never),
      TypeError,
      "Cannot list regions: 'query' of listRegions has no 'x' (it takes none)",
    ],
    [
      () => client.request("listInstances", { query: { cluster_id: 5 } as never }),
      TypeError,
      "Cannot list instances: 'query.cluster_id' must be a string or an array of strings, received 5",
    ],
    [
      () => client.request("listInstances", { query: { cluster_id: ["a", 5] } as never }),
      TypeError,
      "Cannot list instances: 'query.cluster_id[1]' must be a string, received 5",
    ],
    [
      () => client.request("getInstance", { path: { id: "i", extra: "x" } } as never),
      TypeError,
      "Cannot get instance: 'path' of getInstance has no 'extra' (it takes id)",
    ],
    [
      () => client.request("listRegions", { qeury: {} } as never),
      TypeError,
      "Cannot list regions: 'request' of listRegions has no 'qeury' (it takes path, query, body)",
    ],
    [
      () => client.request("listRegions", { body: {} } as never),
      TypeError,
      "Cannot list regions: listRegions takes no body, received an object",
    ],
    [
      () => client.request("listRegions", "x" as never),
      TypeError,
      "Cannot list regions: 'request' must be an object, received 'x'",
    ],
  ];
  for (const [call, kind, message] of cases) await assertRejects(() => call(), kind, message);
  assertStrictEquals(fake.requests.length, 0);
  // Declared names pass, with their values as given.
  fake.push(Response.json({ data: [] }));
  await client.request("listInstances", { query: { cluster_id: "c" } });
  assertEquals(new URL(fake.requests[0]!.url).search, "?cluster_id=c");
});

Deno.test("request() types follow the table", () => {
  const client = new LambdaCloudClient({ apiKey: "secret_types" });
  // Only type-checked: each line below would fail `deno check` without its @ts-expect-error.
  const typeChecks = () => {
    // @ts-expect-error getInstance needs its path parameter
    client.request("getInstance");
    // @ts-expect-error path parameters use the spec's names
    client.request("getTicket", { path: { ticketId: "t" } });
    // @ts-expect-error listRegions takes no query
    client.request("listRegions", { query: { x: "1" } });
    // @ts-expect-error a launch body needs its required fields
    client.request("launchInstance", { body: { region_name: "r" } });
    // @ts-expect-error no such operation
    client.request("launch");
  };
  assertEquals(typeof typeChecks, "function");
});

Deno.test("request('launchInstance'): the token goes into the body's JSON, so a toJSON() body carries it", async () => {
  // A body whose JSON comes from toJSON(): the token asked for is in what is sent, and the
  // error names the token that was sent.
  const fake = new FakeFetch(errorResponse(502, {}), Response.json({ data: [] }));
  const { client } = fakeClient(fake);
  const viaToJSON = { toJSON: () => ({ ...LAUNCH }) };
  const error = await assertRejects(
    () =>
      client.request("launchInstance", { body: viaToJSON as never }, {
        launchToken: true,
        lookup: { timeout: 1 },
      }),
    LaunchOutcomeUnknownError,
  );
  const sentTags = (fake.json(0) as { tags?: { key: string; value: string }[] }).tags;
  assertEquals(sentTags, [{ key: LAUNCH_TOKEN_KEY, value: error.launchToken }]);
  assertEquals<unknown>(error.request, { ...LAUNCH, tags: sentTags });
  assertEquals(error.reason, "not-listed");

  // A token in the object's own tags that its JSON leaves out was never sent: nothing is looked
  // for, and the error claims no token.
  const dropped = new FakeFetch(errorResponse(502, {}));
  const { client: other } = fakeClient(dropped);
  const hiding = {
    ...LAUNCH,
    tags: [{ key: LAUNCH_TOKEN_KEY, value: "run-8" }],
    toJSON: () => ({ ...LAUNCH }),
  };
  const none = await assertRejects(
    () => other.request("launchInstance", { body: hiding as never }),
    LaunchOutcomeUnknownError,
  );
  assertEquals([none.reason, none.launchToken], ["no-token", undefined]);
  assert(!none.message.includes("run-8"), none.message);
  assertEquals(dropped.json(0), LAUNCH);
  assertStrictEquals(dropped.requests.length, 1);

  // A body that is not JSON data is refused before anything is sent.
  await assertRejects(
    () => other.request("launchInstance", { body: { ...LAUNCH, count: 1n } as never }),
    TypeError,
    "Cannot launch instance: 'body' must be JSON data",
  );
  assertStrictEquals(dropped.requests.length, 1);
});
