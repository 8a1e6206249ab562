// The emulator as an API: every operation through the client, and the real API's rules for
// authentication, the account, launches, capacity, quota and the instance lifecycle, unknown
// paths, seeds and the emulator's own options. SSH keys, filesystems, firewall rulesets, the audit
// trail and tickets are in emulator_resources_test.ts.

import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertStrictEquals,
  assertThrows,
} from "@std/assert";
import { emulatorClient, keyed, LAUNCH, MINUTE, raw, SSH_RULE, testEmulator } from "./_emulator.ts";
import {
  AuthenticationError,
  ConflictError,
  InsufficientCapacityError,
  InvalidParametersError,
  NotFoundError,
  PermissionDeniedError,
  QuotaExceededError,
} from "../mod.ts";
import { defaultCatalog, LambdaEmulator, OPERATIONS } from "../lib/testing/mod.ts";

Deno.test("the emulator answers every operation of the table through the client", async () => {
  const emulator = testEmulator({ seed: 3 });
  const client = emulatorClient(emulator);

  const types = await client.instanceTypes.list();
  assert(Object.keys(types).length >= 10);
  assertEquals((await client.regions.list()).length, 12);
  assert((await client.images.list()).some((image) => image.family === "lambda-stack-24-04"));

  const key = await client.sshKeys.create({ name: "laptop" });
  assert("private_key" in key && key.private_key.includes("OPENSSH PRIVATE KEY"));
  const uploaded = await client.sshKeys.create({
    name: "ci",
    public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake ci@example",
  });
  assertEquals((await client.sshKeys.list()).map((item) => item.name), ["laptop", "ci"]);
  await client.sshKeys.delete(uploaded.id);

  const fs = await client.fileSystems.create({ name: "datasets", region: "us-east-1" });
  assertEquals(fs.mount_point, "/lambda/nfs/datasets");
  const ruleset = await client.firewallRulesets.create({
    name: "ssh-only",
    region: "us-east-1",
    rules: [SSH_RULE],
  });

  const { instance_ids } = await client.instances.launch({
    region_name: "us-east-1",
    instance_type_name: "gpu_1x_a10",
    ssh_key_names: ["laptop"],
    file_system_names: ["datasets"],
    firewall_rulesets: [{ id: ruleset.id }],
    name: "walk",
  });
  const id = instance_ids[0]!;
  assertEquals((await client.instances.get(id)).status, "booting");
  emulator.advance(10 * MINUTE);
  const active = await client.instances.get(id);
  assertEquals(active.status, "active");
  assertMatch(active.ip ?? "", /^192\.222\.\d+\.\d+$/);
  assertEquals((await client.firewallRulesets.get(ruleset.id)).instance_ids, [id]);
  assertEquals((await client.fileSystems.list())[0]?.is_in_use, true);

  const renamed = await client.instances.update(id, {
    name: "walk-2",
    tags: [{ key: "team", value: "ml" }],
  });
  assertEquals([renamed.name, renamed.tags], ["walk-2", [{ key: "team", value: "ml" }]]);
  assertEquals((await client.instances.restart(id)).restarted_instances[0]?.status, "booting");
  emulator.advance(2 * MINUTE);
  assertEquals((await client.instances.list()).map((instance) => instance.status), ["active"]);

  assertEquals((await client.firewallRules.list())[0]?.port_range, [22, 22]);
  assertEquals(await client.firewallRules.replace([SSH_RULE]), [SSH_RULE]);
  assertEquals((await client.firewallRulesets.list()).length, 1);
  assertEquals(
    (await client.firewallRulesets.update(ruleset.id, { name: "renamed" })).name,
    "renamed",
  );
  assertEquals((await client.firewallRulesets.getGlobal()).id, "global");
  assertEquals((await client.firewallRulesets.updateGlobal({ rules: [] })).rules, []);

  const ticket = await client.tickets.create({
    subject: "GPU throttles",
    description: "HW slowdown on GPU 3.",
    type: "incident",
    severity: "sev_2",
  });
  assertEquals(ticket.status, "open");
  await client.tickets.update(ticket.id, { comment: { body: "Still happening." } });
  assertEquals((await client.tickets.get(ticket.id)).comments.length, 2);
  assertEquals((await Array.fromAsync(client.tickets.list())).map((t) => t.id), [ticket.id]);
  const upload = await client.tickets.attachments.initiateUpload(ticket.id, {
    filename: "dmesg.txt",
    content_type: "text/plain",
    size_bytes: 2048,
  });
  assertEquals(upload.upload_status, "pending");
  const done = await client.tickets.attachments.completeUpload(ticket.id, upload.attachment_id);
  assertEquals(done.upload_status, "uploaded");
  assertEquals((await client.tickets.attachments.list(ticket.id)).length, 1);
  const link = await client.tickets.attachments.getDownloadUrl(ticket.id, upload.attachment_id);
  assertMatch(link.download_url, /dmesg\.txt/);
  await client.tickets.attachments.delete(ticket.id, upload.attachment_id);
  assertEquals(await client.tickets.attachments.list(ticket.id), []);

  const terminated = await client.instances.terminate(id);
  assertEquals(terminated.terminated_instances[0]?.status, "terminating");
  emulator.advance(MINUTE);
  await client.firewallRulesets.delete(ruleset.id);
  assertEquals((await client.fileSystems.delete(fs.id)).deleted_ids, [fs.id]);

  const actions = (await Array.fromAsync(client.auditEvents.list())).map((event) =>
    `${event.resource_name}.${event.action}`
  );
  assert(actions.includes("instance.launched") && actions.includes("ticket.updated"));
  const called = new Set(emulator.requests.map((request) => request.operationId));
  assertEquals(OPERATIONS.filter((operation) => !called.has(operation.id)), []);
});

Deno.test("the emulator authenticates like the API: 401 with two messages, Basic too", async () => {
  const emulator = testEmulator();
  const missing = await raw(emulator, "GET", "/regions", undefined, null);
  assertEquals([missing.status, missing.json.error?.code], [401, "global/invalid-api-key"]);
  assertEquals(missing.json.error?.message, "No API key was provided.");
  const wrong = await raw(emulator, "GET", "/regions", undefined, "Bearer secret_wrong");
  assertEquals(wrong.json.error?.message, "API key was invalid, expired, or deleted.");
  assertEquals(
    (await raw(emulator, "GET", "/regions", undefined, `Basic ${btoa(`${emulator.apiKey}:`)}`))
      .status,
    200,
  );
  assertEquals(
    (await raw(emulator, "GET", "/regions", undefined, `Basic ${emulator.apiKey}`)).status,
    200,
  );
  const error = await assertRejects(
    () => emulatorClient(emulator, { apiKey: "secret_wrong" }).regions.list(),
    AuthenticationError,
  );
  assertEquals(error.status, 401);
  assert(!String(error.message).includes("secret_wrong"));
});

Deno.test("an inactive account gets 403 account-inactive; a bad billing address blocks launch", async () => {
  const emulator = testEmulator();
  const client = await keyed(emulatorClient(emulator));
  emulator.setAccount({ active: false });
  const inactive = await assertRejects(() => client.instances.list(), PermissionDeniedError);
  assertEquals(inactive.code, "global/account-inactive");
  emulator.setAccount({ active: true, billingAddressValid: false });
  const billing = await assertRejects(
    () => client.instances.launch(LAUNCH),
    PermissionDeniedError,
  );
  assertEquals(billing.code, "global/invalid-address");
});

Deno.test("launch is validated like the spec: quantity, one key, patterns, unknown names", async () => {
  const emulator = testEmulator();
  const client = await keyed(emulatorClient(emulator));
  for (
    const body of [
      { ...LAUNCH, quantity: 2 },
      { ...LAUNCH, ssh_key_names: ["k", "k2"] },
      { ...LAUNCH, hostname: "Bad_Host" },
      { ...LAUNCH, tags: [{ key: "lambda-ai-x", value: "1" }] },
      { ...LAUNCH, file_system_mounts: [{ mount_point: "/etc", file_system_id: "x" }] },
      { region_name: "us-east-1" },
    ]
  ) {
    const answer = await raw(emulator, "POST", "/instance-operations/launch", body);
    assertEquals([answer.status, answer.json.error?.code], [400, "global/invalid-parameters"]);
  }
  const badJson = await raw(emulator, "POST", "/instance-operations/launch", "{not json");
  assertEquals(badJson.json.error?.message, "The request body is not valid JSON.");

  const unknownRegion = await assertRejects(
    () => client.instances.launch({ ...LAUNCH, region_name: "mars-north-1" } as never),
    NotFoundError,
  );
  assertEquals(unknownRegion.code, "global/object-does-not-exist");
  await assertRejects(
    () => client.instances.launch({ ...LAUNCH, instance_type_name: "gpu_9x_nope" }),
    NotFoundError,
  );
  await assertRejects(
    () => client.instances.launch({ ...LAUNCH, ssh_key_names: ["missing"] }),
    NotFoundError,
  );
  await assertRejects(
    () => client.instances.launch({ ...LAUNCH, image: { family: "windows-11" } }),
    NotFoundError,
  );
  const arch = await assertRejects(
    () => client.instances.launch({ ...LAUNCH, image: { family: "lambda-stack-24-04-arm64" } }),
    InvalidParametersError,
  );
  assertMatch(arch.message, /arm64/);
  assertEquals(emulator.instances(), []);
});

Deno.test("capacity: launches use it up, termination and preemption give it back", async () => {
  const emulator = testEmulator();
  const client = await keyed(emulatorClient(emulator));
  emulator.setCapacity("gpu_1x_a10", "us-east-1", 1);
  const regionsWithA10 = async () =>
    (await client.instanceTypes.list()).gpu_1x_a10!.regions_with_capacity_available.map((r) =>
      r.name
    );
  assert((await regionsWithA10()).includes("us-east-1"));
  const [first] = (await client.instances.launch(LAUNCH)).instance_ids;
  assert(!(await regionsWithA10()).includes("us-east-1"));
  const error = await assertRejects(
    () => client.instances.launch(LAUNCH),
    InsufficientCapacityError,
  );
  assertEquals([error.status, error.code], [
    400,
    "instance-operations/launch/insufficient-capacity",
  ]);
  await client.instances.terminate(first!);
  assert((await regionsWithA10()).includes("us-east-1"));
  const [second] = (await client.instances.launch(LAUNCH)).instance_ids;
  emulator.setInstanceStatus(second!, "preempted");
  assertEquals((await client.instances.get(second!)).status, "preempted");
  assert((await regionsWithA10()).includes("us-east-1"));
});

Deno.test("quota: launches and filesystems past the quota answer quota-exceeded", async () => {
  const emulator = testEmulator({ quota: { instances: 1, filesystems: 1 } });
  const client = await keyed(emulatorClient(emulator));
  await client.instances.launch(LAUNCH);
  const error = await assertRejects(() => client.instances.launch(LAUNCH), QuotaExceededError);
  assertEquals(error.code, "global/quota-exceeded");
  await client.fileSystems.create({ name: "one", region: "us-east-1" });
  await assertRejects(
    () => client.fileSystems.create({ name: "two", region: "us-east-1" }),
    QuotaExceededError,
  );
});

Deno.test("instances age on the emulator's clock: booting, active, terminating, terminated, gone", async () => {
  const emulator = testEmulator({
    timing: { bootMs: 5 * MINUTE, terminateMs: MINUTE, terminatedVisibleMs: 2 * MINUTE },
  });
  const client = await keyed(emulatorClient(emulator));
  const [id] = (await client.instances.launch(LAUNCH)).instance_ids;
  const booting = await client.instances.get(id!);
  assertEquals([booting.status, booting.ip, booting.actions.restart.reason_code], [
    "booting",
    undefined,
    "vm-has-not-launched",
  ]);
  const conflict = await assertRejects(() => client.instances.restart(id!), ConflictError);
  assertEquals([conflict.status, conflict.code], [409, "global/conflict"]);
  emulator.advance(5 * MINUTE);
  const active = await client.instances.get(id!);
  assertEquals([active.status, active.actions.restart.available], ["active", true]);
  assert(active.jupyter_url?.includes(active.jupyter_token!));
  emulator.setInstanceStatus(id!, "unhealthy");
  assertEquals((await client.instances.get(id!)).status, "unhealthy");
  const first = await client.instances.terminate(id!);
  assertEquals(first.terminated_instances[0]?.actions.terminate.reason_code, "vm-is-terminating");
  emulator.advance(MINUTE);
  assertEquals((await client.instances.get(id!)).status, "terminated");
  emulator.advance(2 * MINUTE);
  await assertRejects(() => client.instances.get(id!), NotFoundError);
  assertEquals(await client.instances.list(), []);
  assertEquals(await client.instances.list({ cluster_id: "c1" }), []);
});

Deno.test("unknown paths answer 404 global/not-found; requests are recorded with the key redacted", async () => {
  const emulator = testEmulator();
  const unknown = await raw(emulator, "GET", "/api-keys/rotate");
  assertEquals([unknown.status, unknown.json.error?.code], [404, "global/not-found"]);
  const wrongMethod = await raw(emulator, "DELETE", "/instances");
  assertEquals(wrongMethod.status, 404);
  const recorded = emulator.requests[0]!;
  assertEquals([recorded.operationId, recorded.status, recorded.headers.authorization], [
    undefined,
    404,
    "[REDACTED]",
  ]);
  assert(!JSON.stringify(emulator.requests).includes(emulator.apiKey));
  emulator.clearRequests();
  assertEquals(emulator.requests.length, 0);
});

Deno.test("a seed gives the same ids and the same story every run, however often it is read", async () => {
  const story = async (seed: number, reads: number) => {
    const emulator = testEmulator({ seed });
    const client = emulatorClient(emulator);
    const key = await client.sshKeys.create({ name: "k" });
    for (let i = 0; i < reads; i++) await client.instances.list().catch(() => {});
    await client.instances.get("missing").catch(() => {}); // errors carry request ids
    const [id] = (await client.instances.launch(LAUNCH)).instance_ids;
    emulator.advance(10 * MINUTE);
    const instance = await client.instances.get(id!);
    return [key.id, key.public_key, id, instance.ip, instance.private_ip];
  };
  const first = await story(11, 0);
  assertEquals(await story(11, 0), first);
  assertEquals(await story(11, 5), first);
  assertStrictEquals((await story(12, 0))[0] === first[0], false);
});

Deno.test("emulator options and helpers check their input", async () => {
  assertThrows(() => new LambdaEmulator({ apiKey: "has space" }), TypeError);
  assertThrows(() => new LambdaEmulator({ timing: { bootMs: -1 } }), RangeError);
  assertThrows(() => new LambdaEmulator({ rateLimit: { requestBurst: 1.5 } }), RangeError);
  assertThrows(
    () => new LambdaEmulator({ rateLimitAnswer: { body: "xml" as never } }),
    RangeError,
    "'rateLimitAnswer.body' must be one of text, html, json, received 'xml'",
  );
  assertThrows(
    () => new LambdaEmulator({ rateLimitAnswer: { retryAfter: "yes" as never } }),
    TypeError,
  );
  const catalog = defaultCatalog();
  catalog.regions = catalog.regions.slice(0, 1);
  const emulator = testEmulator({ catalog });
  catalog.regions.push({ name: "later-1", description: "added after" });
  assertEquals((await emulatorClient(emulator).regions.list()).map((r) => r.name), ["us-west-1"]);
  assertThrows(() => emulator.setInstanceStatus("missing", "unhealthy"), RangeError);
  assertThrows(() => emulator.setCapacity("gpu_0x_none", "us-east-1", 1), RangeError);
  assertThrows(() => emulator.setCapacity("gpu_1x_a10", "us-east-1", -1), RangeError);
  assertThrows(() => emulator.advance(-5), RangeError);
  const outside = await emulator.fetch("https://cloud.lambda.ai/v2/instances", {
    headers: { authorization: `Bearer ${emulator.apiKey}` },
  });
  assertEquals(outside.status, 404);
  await outside.body?.cancel();
});

Deno.test("launch looks up every name and id it is given", async () => {
  const emulator = testEmulator();
  const client = await keyed(emulatorClient(emulator));
  for (
    const extra of [
      { file_system_names: ["nope"] },
      { file_system_mounts: [{ mount_point: "/data/x", file_system_id: "nope" }] },
      { firewall_rulesets: [{ id: "nope" }] },
      { image: { id: "nope" } },
    ]
  ) {
    const error = await assertRejects(
      () => client.instances.launch({ ...LAUNCH, ...extra }),
      NotFoundError,
    );
    assertEquals(error.code, "global/object-does-not-exist");
  }
  const image = (await client.images.list()).find((i) =>
    i.region.name === "us-east-1" && i.family === "ubuntu-22-04"
  )!;
  const [id] =
    (await client.instances.launch({ ...LAUNCH, image: { id: image.id }, hostname: "gpu-1" }))
      .instance_ids;
  const instance = await client.instances.get(id!);
  assertEquals([instance.image, instance.hostname], [
    { id: image.id, family: "ubuntu-22-04" },
    "gpu-1",
  ]);
  emulator.setInstanceStatus(id!, "unhealthy");
  emulator.setInstanceStatus(id!, "active");
  assertEquals((await client.instances.get(id!)).status, "booting");
  const empty = await raw(emulator, "POST", "/instance-operations/restart", { instance_ids: [] });
  assertEquals(empty.status, 400);
  const missing = await raw(emulator, "POST", "/instance-operations/terminate", {
    instance_ids: ["x"],
  });
  assertEquals([missing.status, missing.json.error?.code], [404, "global/object-does-not-exist"]);
});
