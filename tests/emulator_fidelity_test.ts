// What production accepts must pass on the emulator, and what it refuses must fail there: each
// disagreement of issue 11, driven through the emulator (raw, and through the client, whose
// validators the emulator shares).

import { assert, assertEquals, assertMatch, assertRejects } from "@std/assert";
import { emulatorClient, keyed, LAUNCH, MINUTE, raw, testEmulator } from "./_emulator.ts";
import {
  ConflictError,
  type InstanceWaitError,
  type LambdaCloudClient,
  LaunchOutcomeUnknownError,
  LaunchWaitError,
  PermissionDeniedError,
  ServerError,
} from "../mod.ts";
import type { LambdaEmulator } from "../lib/testing/mod.ts";

/** A ticket the emulator takes, for the tests that need one to hang attachments on. */
const SERVICE_REQUEST = { subject: "s", description: "d", type: "service_request" } as const;

async function withKey(): Promise<{ emulator: LambdaEmulator; client: LambdaCloudClient }> {
  const emulator = testEmulator();
  const client = await keyed(emulatorClient(emulator));
  return { emulator, client };
}

Deno.test("quantity 1 launches one instance; more is refused in the API's words", async () => {
  const { emulator, client } = await withKey();
  const one = await raw(emulator, "POST", "/instance-operations/launch", {
    ...LAUNCH,
    quantity: 1,
  });
  assertEquals(one.status, 200);
  const two = await raw(emulator, "POST", "/instance-operations/launch", {
    ...LAUNCH,
    quantity: 2,
  });
  assertEquals([two.status, two.json.error?.code, two.json.error?.message], [
    400,
    "global/invalid-parameters",
    "Requested too many instances.",
  ]);
  for (const quantity of [0, 1.5, "1"]) {
    const odd = await raw(emulator, "POST", "/instance-operations/launch", { ...LAUNCH, quantity });
    assertEquals([odd.status, odd.json.error?.code], [400, "global/invalid-parameters"]);
  }
  // dstack and brev send it on every launch; through the client it goes out as given.
  await client.instances.launch({ ...LAUNCH, quantity: 1 } as never);
  assertEquals(emulator.instances().length, 2);
});

Deno.test("a source_network without a mask is a /32, in the client and the emulator", async () => {
  const { emulator, client } = await withKey();
  const rule = { protocol: "tcp" as const, port_range: [22, 22] as [number, number] };
  const rules = await client.firewallRules.replace([
    { ...rule, source_network: "203.0.113.7", description: "office" },
  ]);
  assertEquals(rules[0]?.source_network, "203.0.113.7/32");
  const ruleset = await client.firewallRulesets.create({
    name: "",
    region: "us-east-1",
    rules: [{ ...rule, source_network: "198.51.100.1", description: "" }],
  });
  assertEquals([ruleset.name, ruleset.rules[0]?.source_network], ["", "198.51.100.1/32"]);
  const bad = await raw(emulator, "PUT", "/firewall-rules", {
    data: [{ ...rule, source_network: "203.0.113.7/", description: "" }],
  });
  assertEquals(bad.status, 400);
});

Deno.test("creating a filesystem on an invalid billing address answers 403, as the spec declares", async () => {
  const { emulator, client } = await withKey();
  emulator.setAccount({ billingAddressValid: false });
  const error = await assertRejects(
    () => client.fileSystems.create({ name: "data", region: "us-east-1" }),
    PermissionDeniedError,
  );
  assertEquals([error.status, error.code], [403, "global/invalid-address"]);
  emulator.setAccount({ billingAddressValid: true });
  await client.fileSystems.create({ name: "data", region: "us-east-1" });
});

Deno.test("query parameters are held to the spec: enums and date-times answer 400 otherwise", async () => {
  const { emulator, client } = await withKey();
  const ticket = await client.tickets.create(SERVICE_REQUEST);
  for (
    const path of [
      "/tickets?status=closed",
      "/tickets?status=open&status=resolved",
      "/tickets?type=question",
      "/tickets?priority=p1",
      "/tickets?severity=sev_9",
      `/tickets/${ticket.id}/attachments?status=done`,
      "/audit-events?start=yesterday",
      "/audit-events?start=2026-01-01", // a date, not a date-time
      "/audit-events?end=2026-01-01T10:00:00", // no offset
      "/audit-events?end=2026-02-30T10:00:00Z", // no such day
    ]
  ) {
    const answer = await raw(emulator, "GET", path);
    assertEquals([path, answer.status, answer.json.error?.code], [
      path,
      400,
      "global/invalid-parameters",
    ]);
  }
  for (
    const path of [
      "/tickets?status=open&status=pending",
      "/audit-events?start=2026-01-01T00:00:00.123456Z&end=2026-01-02T00:00:00%2B02:00",
      "/instances?cluster_id=anything&unknown=ignored",
    ]
  ) {
    assertEquals([path, (await raw(emulator, "GET", path)).status], [path, 200]);
  }
  // The client refuses the same before sending.
  const sent = emulator.requests.length;
  await assertRejects(
    () => Array.fromAsync(client.tickets.list({ status: "closed" as never })),
    RangeError,
    "Cannot list tickets: 'status' must be one of open, on_hold, pending, solved, confirm_solved, " +
      "received 'closed'",
  );
  await assertRejects(
    () => Array.fromAsync(client.auditEvents.list({ start: "2026-01-01" })),
    RangeError,
    "Cannot list audit events: 'start' must be an RFC 3339 date-time such as " +
      "'2026-01-01T00:00:00Z', received '2026-01-01'",
  );
  await assertRejects(
    () => client.tickets.attachments.list(ticket.id, { status: "done" as never }),
    RangeError,
  );
  assertEquals(emulator.requests.length, sent);
});

Deno.test("what the spec allows passes: image by id and family, an empty update, any key text", async () => {
  const { emulator, client } = await withKey();
  const image = (await client.images.list()).find((item) =>
    item.region.name === "us-east-1" && item.family === "ubuntu-22-04"
  )!;
  const [id] = (await client.instances.launch({
    ...LAUNCH,
    image: { id: image.id, family: image.family } as never,
  })).instance_ids;
  assertEquals((await client.instances.get(id!)).image, { id: image.id, family: "ubuntu-22-04" });
  // Which of the two production honours when they disagree is unknown: the emulator refuses.
  const disagree = await raw(emulator, "POST", "/instance-operations/launch", {
    ...LAUNCH,
    image: { id: image.id, family: "lambda-stack-24-04" },
  });
  assertEquals([disagree.status, disagree.json.error?.code], [404, "global/object-does-not-exist"]);

  const unchanged = await client.instances.update(id!, {});
  assertEquals(unchanged.id, id);
  assertEquals(
    (await client.sshKeys.create({ name: "x", public_key: "hello" })).public_key,
    "hello",
  );
  // Stored as sent: trimmed, white space alone would become "", which the spec's minLength refuses.
  assertEquals((await client.sshKeys.create({ name: "y", public_key: "  " })).public_key, "  ");
  const ticket = await client.tickets.create(SERVICE_REQUEST);
  for (const content_type of ["application/gzip", 'text/plain; charset="utf-8"']) {
    const upload = await raw(emulator, "POST", `/tickets/${ticket.id}/attachments`, {
      filename: "",
      content_type,
      size_bytes: 1e10,
    });
    assertEquals([content_type, upload.status], [content_type, 200]);
  }
});

Deno.test("stricter than the schema only where the spec's prose says so", async () => {
  const { emulator, client } = await withKey();
  const ticket = await client.tickets.create(SERVICE_REQUEST);
  const ssh = { protocol: "tcp", source_network: "0.0.0.0/0", description: "" };
  for (
    const [method, path, body] of [
      // "This allows updating the rules only."
      ["PATCH", "/firewall-rulesets/global", { name: "renamed" }],
      // "Restarts one or more instances."
      ["POST", "/instance-operations/restart", { instance_ids: [] }],
      // "Required for incident tickets, must not be provided for service requests."
      ["POST", "/tickets", { subject: "s", description: "d", type: "incident" }],
      ["POST", "/tickets", {
        subject: "",
        description: "",
        type: "service_request",
        severity: "sev_1",
      }],
      // "The email address to associate with the ticket's requester."
      ["POST", "/tickets", {
        subject: "",
        description: "",
        type: "service_request",
        requester_email: "me",
      }],
      // "The MIME type of the attachment"
      ["POST", `/tickets/${ticket.id}/attachments`, {
        filename: "a",
        content_type: "gzip",
        size_bytes: 1,
      }],
      // "An inclusive range of network ports specified as [min, max]."
      ["PUT", "/firewall-rules", { data: [{ ...ssh, port_range: [23, 22] }] }],
      // "Not allowed for the icmp protocol but required for the others." (tcp and udp)
      ["PUT", "/firewall-rules", { data: [{ ...ssh, protocol: "icmp", port_range: [1, 1] }] }],
      ["PUT", "/firewall-rules", { data: [{ ...ssh, protocol: "udp" }] }],
    ] as const
  ) {
    const answer = await raw(emulator, method, path, body);
    assertEquals([path, answer.status, answer.json.error?.code], [
      path,
      400,
      "global/invalid-parameters",
    ]);
  }
});

Deno.test("two SSH keys may share a name, as in production; launching with that name fails", async () => {
  const { emulator, client } = await withKey();
  await client.sshKeys.create({ name: "k", public_key: "ssh-ed25519 AAAA second" });
  assertEquals((await client.sshKeys.list()).map((key) => key.name), ["k", "k"]);
  const launch = await raw(emulator, "POST", "/instance-operations/launch", LAUNCH);
  assertEquals([launch.status, launch.json.error?.code, launch.json.error?.message], [
    500,
    "global/unknown",
    "An unknown error occurred.",
  ]);
  // Through the client, a 500 on a launch leaves its outcome unknown: it looks, finds nothing.
  const error = await assertRejects(
    () => client.instances.launch(LAUNCH, { lookup: { timeout: 10_000 } }),
    LaunchOutcomeUnknownError,
  );
  assert(error.cause instanceof ServerError);
  assertEquals(emulator.instances(), []);
});

Deno.test("terminating an instance already terminating fails, as in production", async () => {
  const { emulator, client } = await withKey();
  const [first, second] = [
    (await client.instances.launch(LAUNCH)).instance_ids[0]!,
    (await client.instances.launch(LAUNCH)).instance_ids[0]!,
  ];
  await client.instances.terminate(first);
  const again = await raw(emulator, "POST", "/instance-operations/terminate", {
    instance_ids: [second, first],
  });
  assertEquals([again.status, again.json.error?.code], [500, "global/unknown"]);
  // The whole call failed: the other instance was left alone.
  assertEquals(emulator.instances().map((instance) => instance.status), [
    "terminating",
    "booting",
  ]);
  emulator.advance(MINUTE);
  const terminated = await raw(emulator, "POST", "/instance-operations/terminate", {
    instance_ids: [first],
  });
  assertEquals(terminated.status, 500);
  // The client reads the instance after that 500, and finds it terminated: done.
  const settled = await client.instances.terminate(first);
  assertEquals(settled.terminated_instances.map((i) => [i.id, i.status]), [[first, "terminated"]]);
});

Deno.test("launchAndWait's cleanup sees a terminate that worked though its retry failed", async () => {
  const { emulator, client } = await withKey();
  // The terminate is carried out and its answer lost; the retry then meets "already terminating".
  emulator.faults.inject({ kind: "lost-answer", operation: "terminateInstance" });
  const error = await assertRejects(
    () => client.instances.launchAndWait(LAUNCH, { timeout: MINUTE }), // it never boots: the clock stands
    LaunchWaitError,
  );
  assertEquals(
    [(error.cause as InstanceWaitError).reason, error.terminated],
    ["timeout", true],
  );
  assertEquals(emulator.instances()[0]?.status, "terminating");
  const terminates = emulator.requests.filter((r) => r.operationId === "terminateInstance");
  assertEquals(terminates.map((r) => r.status), [undefined, 500, 500]);
});

Deno.test("an SSH key in use by a live instance cannot be deleted", async () => {
  const { emulator, client } = await withKey();
  const key = (await client.sshKeys.list())[0]!;
  const [id] = (await client.instances.launch(LAUNCH)).instance_ids;
  const error = await assertRejects(() => client.sshKeys.delete(key.id), ConflictError);
  assertEquals([error.status, error.code], [409, "ssh-keys/key-in-use"]);
  await client.instances.terminate(id!);
  await client.sshKeys.delete(key.id);
  assertEquals(await client.sshKeys.list(), []);
  assertEquals(emulator.instances().length, 1);
});

Deno.test("values follow the spec's examples: audit events, LRNs, names, ids, lifetimes", async () => {
  const { emulator, client } = await withKey();
  const [id] = (await client.instances.launch(LAUNCH)).instance_ids;
  const events = await Array.fromAsync(client.auditEvents.list());
  const launched = events.find((event) => event.resource_name === "instance")!;
  assertEquals(launched.catalog_version, "2025-09-06");
  assertEquals(events.map((event) => event.action), ["created", "launched"]);
  assertEquals(launched.resource_lrns, [`lrn:cloud:instance:${id}`]);
  assertEquals(launched.additional_details, {
    instance_lrn: `lrn:cloud:instance:${id}`,
    instance_type: "gpu_1x_a10",
    region: "us-east-1",
  });
  for (const lrn of [launched.actor_lrn, launched.resource_owner_lrn, launched.workspace_lrn]) {
    assertMatch(lrn ?? "", /^lrn:cloud:(identity|account|workspace):[0-9a-f]{32}$/);
  }
  assertMatch(launched.request_api_key_lrn ?? "", /^lrn:cloud:api_key:[0-9a-f]{32}$/);

  assertEquals(
    (await client.firewallRulesets.getGlobal()).name,
    "Default Workspace Global Rules",
  );
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  assert((await client.images.list()).every((image) => uuid.test(image.id)));
  assertMatch((await client.instances.get(id!)).image?.id ?? "", uuid);

  const ticket = await client.tickets.create(SERVICE_REQUEST);
  const upload = await client.tickets.attachments.initiateUpload(ticket.id, {
    filename: "a.txt",
    content_type: "text/plain",
    size_bytes: 1,
  });
  await client.tickets.attachments.completeUpload(ticket.id, upload.attachment_id);
  const link = await client.tickets.attachments.getDownloadUrl(ticket.id, upload.attachment_id);
  assertEquals([upload.expires_in, link.expires_in], [3600, 3600]);

  await client.instances.terminate(id!);
  assert((await client.instances.get(id!)).image !== undefined); // terminating: still known
  emulator.advance(MINUTE);
  const terminated = await client.instances.get(id!);
  assertEquals([terminated.status, "image" in terminated], ["terminated", false]);
});
