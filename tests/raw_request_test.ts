// client.request(): any operation by its id, with the client's transport, typed from the table.

import { LambdaCloudClient, ServerError } from "../mod.ts";
import { assertEquals, assertRejects, assertStrictEquals } from "./_deps.ts";
import { emulatorClient, testEmulator } from "./_emulator.ts";
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
    client.request("launch" as "listRegions"),
    RangeError,
    "Cannot send request: 'id' must be an operationId of Lambda's API, such as 'getInstance', received 'launch'",
  );
  await assertRejects(client.request("toString" as "listRegions"), RangeError);
  await assertRejects(
    client.request("getInstance", {} as never),
    TypeError,
    "Cannot get instance: 'id' must be a string, received undefined",
  );
  await assertRejects(
    client.request("deleteAttachment", { path: { ticket_id: "t", attachment_id: ".." } }),
    RangeError,
    "Cannot delete attachment: 'attachmentId' is not a valid id, received '..'",
  );
  assertStrictEquals(fake.requests.length, 0);
});

Deno.test("request() keeps each operation's retry policy: a raw launch is never resent", async () => {
  const fake = new FakeFetch(errorResponse(502, {}), errorResponse(502, {}));
  const { client } = fakeClient(fake, { maxRetries: 3 });
  await assertRejects(
    client.request("launchInstance", {
      body: { region_name: "r", instance_type_name: "t", ssh_key_names: ["k"] },
    }),
    ServerError,
  );
  assertStrictEquals(fake.requests.length, 1);
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
