// The emulator's resources besides instances, through the client and raw, by the real API's rules:
// SSH keys (generated pairs, 404 on delete), filesystems (duplicates, regions, in use until their
// instance goes), firewall rulesets and rules (regions, in-use deletes, validation), the audit
// trail (every change an event, in pages, filtered), and support tickets (incident rules, filters,
// order, pages, attachments).

import { assert, assertEquals, assertMatch, assertRejects } from "@std/assert";
import { emulatorClient, keyed, LAUNCH, MINUTE, raw, SSH_RULE, testEmulator } from "./_emulator.ts";
import {
  ConflictError,
  type InstanceLaunchRequest,
  InvalidParametersError,
  type LambdaCloudClient,
  NotFoundError,
} from "../mod.ts";

/**
 * Launches `body`, whose instance uses a resource, and calls `remove` (the resource's delete): it
 * is refused with `code` while the instance runs, and done once it is terminated.
 */
async function deletedOnceUnused(
  client: LambdaCloudClient,
  body: InstanceLaunchRequest,
  remove: () => Promise<unknown>,
  code: string,
): Promise<void> {
  const [id] = (await client.instances.launch(body)).instance_ids;
  const inUse = await assertRejects(remove, ConflictError);
  assertEquals(inUse.code, code);
  await client.instances.terminate(id!);
  await remove();
}

Deno.test("SSH keys: generated pairs, any text of the spec's length, 404 global/not-found on delete", async () => {
  const emulator = testEmulator();
  const client = emulatorClient(emulator);
  const generated = await client.sshKeys.create({ name: "laptop" });
  assertMatch(generated.public_key, /^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI\S+ laptop$/);
  // The spec puts no rule on the key's text beyond 1 to 4096 characters.
  const hello = await client.sshKeys.create({ name: "hello", public_key: "hello" });
  assertEquals(hello.public_key, "hello");
  const missing = await assertRejects(() => client.sshKeys.delete("0".repeat(32)), NotFoundError);
  assertEquals(missing.code, "global/not-found");
});

Deno.test("filesystems: duplicates, wrong region at launch, in use until its instance goes", async () => {
  const emulator = testEmulator();
  const client = await keyed(emulatorClient(emulator));
  const fs = await client.fileSystems.create({ name: "data", region: "us-west-1" });
  const duplicate = await assertRejects(
    () => client.fileSystems.create({ name: "data", region: "us-west-1" }),
    ConflictError,
  );
  assertEquals(duplicate.code, "global/duplicate");
  await assertRejects(
    () => client.fileSystems.create({ name: "x", region: "nowhere-1" }),
    InvalidParametersError,
  );
  const wrongRegion = await assertRejects(
    () =>
      client.instances.launch({
        ...LAUNCH,
        file_system_names: ["data"],
      }),
    InvalidParametersError,
  );
  assertEquals(wrongRegion.code, "instance-operations/launch/file-system-in-wrong-region");
  await deletedOnceUnused(
    client,
    {
      ...LAUNCH,
      region_name: "us-west-1",
      file_system_mounts: [{ mount_point: "/data/shared", file_system_id: fs.id }],
    },
    () => client.fileSystems.delete(fs.id),
    "filesystems/filesystem-in-use",
  );
  const gone = await assertRejects(() => client.fileSystems.delete(fs.id), NotFoundError);
  assertEquals(gone.code, "global/object-does-not-exist");
});

Deno.test("firewall rulesets: region checks, in-use deletes refused, rules validated", async () => {
  const emulator = testEmulator();
  const client = await keyed(emulatorClient(emulator));
  const west = await client.firewallRulesets.create({
    name: "west",
    region: "us-west-1",
    rules: [],
  });
  await assertRejects(
    () =>
      client.instances.launch({
        ...LAUNCH,
        firewall_rulesets: [{ id: west.id }],
      }),
    InvalidParametersError,
  );
  await deletedOnceUnused(
    client,
    {
      ...LAUNCH,
      region_name: "us-west-1",
      firewall_rulesets: [{ id: west.id }],
    },
    () => client.firewallRulesets.delete(west.id),
    "firewall-rulesets/firewall-ruleset-in-use",
  );
  const missing = await assertRejects(() => client.firewallRulesets.get(west.id), NotFoundError);
  assertEquals(missing.code, "global/object-does-not-exist");
  for (
    const rules of [
      [{ ...SSH_RULE, port_range: undefined }],
      [{ ...SSH_RULE, source_network: "10.0.0.0/33" }],
      [{ ...SSH_RULE, protocol: "icmp" }],
      [{ ...SSH_RULE, port_range: [23, 22] }],
    ]
  ) {
    const answer = await raw(emulator, "PUT", "/firewall-rules", { data: rules });
    assertEquals([answer.status, answer.json.error?.code], [400, "global/invalid-parameters"]);
  }
  const renameGlobal = await raw(emulator, "PATCH", "/firewall-rulesets/global", { name: "x" });
  assertEquals(renameGlobal.status, 400);
});

Deno.test("audit events: every change, in pages, filtered by type and time", async () => {
  let now = Date.parse("2026-01-01T00:00:00Z");
  const emulator = testEmulator({ pageSize: 2, clock: { now: () => now } });
  const client = emulatorClient(emulator);
  for (const name of ["a", "b", "c"]) {
    await client.sshKeys.create({ name });
    now += MINUTE;
  }
  await client.fileSystems.create({ name: "fs", region: "us-east-1" });
  const first = await client.auditEvents.listPage();
  assertEquals(first.data.length, 2);
  assert(first.page_token !== null);
  const all = await Array.fromAsync(client.auditEvents.list());
  assertEquals(all.map((event) => event.resource_name), [
    "ssh_key",
    "ssh_key",
    "ssh_key",
    "filesystem",
  ]);
  const keys = await Array.fromAsync(client.auditEvents.list({ resource_type: "cloud.ssh_key" }));
  assertEquals(keys.length, 3);
  const late = await Array.fromAsync(
    client.auditEvents.list({ start: new Date(Date.parse("2026-01-01T00:01:00Z")) }),
  );
  assertEquals(late.length, 3);
  const early = await Array.fromAsync(client.auditEvents.list({ end: "2026-01-01T00:00:30Z" }));
  assertEquals(early.length, 1);
  const badToken = await raw(emulator, "GET", "/audit-events?page_token=nope");
  assertEquals(badToken.status, 400);
  const badTime = await raw(emulator, "GET", "/audit-events?start=yesterday");
  assertEquals(badTime.status, 400);
});

Deno.test("audit events: a launch, update, restart and terminate each leave an event", async () => {
  let now = Date.parse("2026-01-01T00:00:00Z");
  const emulator = testEmulator({ clock: { now: () => now }, timing: { bootMs: MINUTE } });
  const client = await keyed(emulatorClient(emulator));
  const [id] = (await client.instances.launch(LAUNCH)).instance_ids;
  await client.instances.update(id!, { name: "renamed" });
  now += 2 * MINUTE;
  await client.instances.restart(id!);
  now += 2 * MINUTE;
  await client.instances.terminate(id!);
  const rules = await client.firewallRules.list();
  await client.firewallRules.replace(rules);
  const all = await Array.fromAsync(client.auditEvents.list());
  assertEquals(all.map((event) => `${event.resource_name} ${event.action}`), [
    "ssh_key created",
    "instance launched",
    "instance updated",
    "instance restarted",
    "instance terminated",
    "firewall_rules replaced",
  ]);
  const instanceEvents = all.filter((event) => event.resource_name === "instance");
  assert(instanceEvents.every((event) => event.resource_lrns.some((lrn) => lrn.endsWith(id!))));
  assert(all.every((event) => event.result?.status === "success"));
});

Deno.test("tickets: rules for incidents, filters, order and pages; attachments step by step", async () => {
  let now = Date.parse("2026-01-01T00:00:00Z");
  const emulator = testEmulator({ pageSize: 2, clock: { now: () => now } });
  const client = emulatorClient(emulator);
  const noSeverity = await raw(emulator, "POST", "/tickets", {
    subject: "s",
    description: "d",
    type: "incident",
  });
  assertEquals(noSeverity.status, 400);
  const ids: string[] = [];
  for (
    const [type, severity] of [["incident", "sev_1"], ["service_request"], ["incident", "sev_3"]]
  ) {
    const body = {
      subject: `t${ids.length}`,
      description: "d",
      type,
      severity,
      device_serial: `SN${ids.length}`,
    };
    ids.push((await client.tickets.create(body as never)).id);
    now += MINUTE;
  }
  assertEquals((await Array.fromAsync(client.tickets.list())).map((t) => t.id), [...ids].reverse());
  assertEquals(
    (await Array.fromAsync(client.tickets.list({ type: "incident", direction: "asc" }))).map((t) =>
      t.id
    ),
    [ids[0], ids[2]],
  );
  assertEquals((await Array.fromAsync(client.tickets.list({ device_serial: "sn1" }))).length, 1);
  await client.tickets.update(ids[0]!, { status: "solved" });
  const solved = await client.tickets.get(ids[0]!);
  assertEquals([solved.status, typeof solved.resolved_at], ["solved", "string"]);
  assertEquals((await Array.fromAsync(client.tickets.list({ status: ["solved"] }))).length, 1);
  const reopen = await raw(emulator, "PATCH", `/tickets/${ids[0]}`, { status: "open" });
  assertEquals(reopen.status, 400);
  const missing = await assertRejects(() => client.tickets.get("0".repeat(32)), NotFoundError);
  assertEquals(missing.code, "global/not-found");

  const upload = await client.tickets.attachments.initiateUpload(ids[1]!, {
    filename: "a.log",
    content_type: "text/plain",
    size_bytes: 10,
  });
  await assertRejects(
    () => client.tickets.attachments.getDownloadUrl(ids[1]!, upload.attachment_id),
    InvalidParametersError,
  );
  // The spec sets no largest size: a gigabyte is taken.
  const big = await raw(emulator, "POST", `/tickets/${ids[1]}/attachments`, {
    filename: "huge.bin",
    content_type: "application/octet-stream",
    size_bytes: 1e9,
  });
  assertEquals(big.status, 200);
  assertEquals((await client.tickets.attachments.list(ids[1]!, { status: "pending" })).length, 2);
  await client.tickets.attachments.delete(ids[1]!, upload.attachment_id);
  const gone = await assertRejects(
    () => client.tickets.attachments.completeUpload(ids[1]!, upload.attachment_id),
    NotFoundError,
  );
  assertEquals(gone.code, "global/object-does-not-exist");
});

Deno.test("ticket lists check their order, and sort by update time", async () => {
  let now = Date.parse("2026-01-01T00:00:00Z");
  const emulator = testEmulator({ clock: { now: () => now } });
  const client = emulatorClient(emulator);
  const first = await client.tickets.create({
    subject: "a",
    description: "d",
    type: "service_request",
    hostname: "gpu-1",
    device_serial: "SN1",
    affected_devices: ["gpu-1"],
  });
  now += 60_000;
  const second = await client.tickets.create({
    subject: "b",
    description: "d",
    type: "service_request",
  });
  now += 60_000;
  await client.tickets.update(first.id, { affected_devices: ["gpu-2"] });
  const page = await client.tickets.listPage({ order_by: "updated_at", direction: "desc" });
  assertEquals(page.tickets.map((t) => t.id), [first.id, second.id]);
  assertEquals(page.tickets[0]?.affected_devices, ["gpu-2"]);
  assertEquals((await raw(emulator, "GET", "/tickets?order_by=subject")).status, 400);
  assertEquals((await raw(emulator, "GET", "/tickets?direction=up")).status, 400);
});
