// Hostile input for every public method that takes an id, a query or a body: each call either
// throws TypeError or RangeError before anything is sent, or sends exactly one request that the
// emulator sees at the intended endpoint, with the argument whole in its own path segment.

import { assert, assertEquals } from "@std/assert";
import { emulatorClient, keyed, LAUNCH, testEmulator } from "./_emulator.ts";
import type { LambdaCloudClient } from "../mod.ts";
import { LambdaCloudError } from "../mod.ts";
import type { OperationId } from "../lib/testing/mod.ts";
import { SeededRandom } from "../lib/testing/_random.ts";

const HOSTILE_STRINGS = [
  "../",
  "..",
  ".",
  "../ssh-keys",
  "..%2F..%2Fssh-keys",
  "%2F",
  "%2e%2e",
  "%",
  "%zz",
  "a/b",
  "/",
  "\\",
  "a?b=1",
  "?",
  "a#frag",
  "#",
  "\u0000",
  "a\nb",
  "\r\n",
  "\t",
  " ",
  "",
  " x ",
  "ünïcödé",
  "🚀🔥",
  "\u202e",
  "x".repeat(10_000),
  "global",
  "instance-operations/launch",
];
const HOSTILE_VALUES: unknown[] = [
  ...HOSTILE_STRINGS,
  0,
  -1,
  NaN,
  Infinity,
  null,
  undefined,
  true,
  {},
  [],
  ["a", "b"],
  () => "x",
  10n,
  Symbol("s"),
  new Date(0),
  Array(100_000).fill("x"),
];

interface Target {
  name: string;
  operation: OperationId;
  /** The path parameters the emulator must see, or undefined when the value goes elsewhere. */
  expect?: (value: unknown) => Record<string, unknown>;
  call: (client: LambdaCloudClient, value: never) => Promise<unknown>;
}

const ID = (name: string) => (value: unknown) => ({ [name]: value });
const TARGETS: Target[] = [
  {
    name: "instances.get",
    operation: "getInstance",
    expect: ID("id"),
    call: (c, v) => c.instances.get(v),
  },
  {
    name: "instances.update",
    operation: "postInstance",
    expect: ID("id"),
    call: (c, v) => c.instances.update(v, { name: "x" }),
  },
  {
    name: "instances.terminate",
    operation: "terminateInstance",
    call: (c, v) => c.instances.terminate(v),
  },
  {
    name: "instances.restart",
    operation: "restartInstance",
    call: (c, v) => c.instances.restart(v),
  },
  {
    name: "instances.list",
    operation: "listInstances",
    call: (c, v) => c.instances.list({ cluster_id: v }),
  },
  { name: "instances.launch", operation: "launchInstance", call: (c, v) => c.instances.launch(v) },
  {
    name: "instances.launch name",
    operation: "launchInstance",
    call: (c, v) =>
      c.instances.launch({
        ...LAUNCH,
        name: v,
      }),
  },
  {
    name: "sshKeys.delete",
    operation: "deleteSSHKey",
    expect: ID("id"),
    call: (c, v) => c.sshKeys.delete(v),
  },
  { name: "sshKeys.create", operation: "addSSHKey", call: (c, v) => c.sshKeys.create({ name: v }) },
  {
    name: "fileSystems.delete",
    operation: "filesystemDelete",
    expect: ID("id"),
    call: (c, v) => c.fileSystems.delete(v),
  },
  {
    name: "fileSystems.create",
    operation: "createFilesystem",
    call: (c, v) => c.fileSystems.create({ name: v, region: "us-east-1" }),
  },
  {
    name: "firewallRulesets.get",
    operation: "getFirewallRuleset",
    expect: ID("id"),
    call: (c, v) => c.firewallRulesets.get(v),
  },
  {
    name: "firewallRulesets.update",
    operation: "updateFirewallRuleset",
    expect: ID("id"),
    call: (c, v) => c.firewallRulesets.update(v, { name: "x" }),
  },
  {
    name: "firewallRulesets.delete",
    operation: "deleteFirewallRuleset",
    expect: ID("id"),
    call: (c, v) => c.firewallRulesets.delete(v),
  },
  {
    name: "firewallRules.replace",
    operation: "firewallRulesSet",
    call: (c, v) => c.firewallRules.replace(v),
  },
  {
    name: "auditEvents.listPage",
    operation: "getAuditEvents",
    call: (c, v) => c.auditEvents.listPage({ resource_type: v, page_token: v }),
  },
  {
    name: "tickets.get",
    operation: "getTicket",
    expect: ID("ticket_id"),
    call: (c, v) => c.tickets.get(v),
  },
  {
    name: "tickets.update",
    operation: "updateTicket",
    expect: ID("ticket_id"),
    call: (c, v) => c.tickets.update(v, { priority: "low" }),
  },
  {
    name: "tickets.listPage",
    operation: "listTickets",
    call: (c, v) => c.tickets.listPage({ device_serial: v }),
  },
  {
    name: "attachments.list",
    operation: "listAttachments",
    expect: ID("ticket_id"),
    call: (c, v) => c.tickets.attachments.list(v),
  },
  {
    name: "attachments.completeUpload",
    operation: "completeAttachmentUpload",
    expect: (v) => ({ ticket_id: v, attachment_id: v }),
    call: (c, v) => c.tickets.attachments.completeUpload(v, v),
  },
  {
    name: "attachments.delete",
    operation: "deleteAttachment",
    expect: (v) => ({ ticket_id: "t", attachment_id: v }),
    call: (c, v) => c.tickets.attachments.delete("t", v),
  },
  {
    name: "attachments.getDownloadUrl",
    operation: "getAttachmentDownloadUrl",
    expect: (v) => ({ ticket_id: v, attachment_id: "a" }),
    call: (c, v) => c.tickets.attachments.getDownloadUrl(v, "a"),
  },
];

Deno.test("hostile arguments are refused before sending, or reach exactly the intended endpoint", async () => {
  const emulator = testEmulator();
  const client = await keyed(emulatorClient(emulator, { maxRetries: 0 }));
  const random = new SeededRandom(99);
  // Every hostile value, plus random strings of hostile characters.
  const values = [...HOSTILE_VALUES];
  const alphabet = [
    "/",
    ".",
    "%",
    "?",
    "#",
    "&",
    "=",
    "\u0000",
    "\n",
    "é",
    "🚀",
    "a",
    "0",
    " ",
    "\\",
    "+",
  ];
  for (let i = 0; i < 60; i++) {
    values.push(
      Array.from({ length: random.int(1, 12) }, () => alphabet[random.int(0, alphabet.length - 1)])
        .join(""),
    );
  }
  let refused = 0;
  let sent = 0;
  for (const target of TARGETS) {
    for (const value of values) {
      const before = emulator.requests.length;
      let error: unknown;
      try {
        await target.call(client, value as never);
      } catch (caught) {
        error = caught;
      }
      const requests = emulator.requests.slice(before);
      const label = `${target.name}(${
        typeof value === "string" ? JSON.stringify(value.slice(0, 30)) : String(
          typeof value === "symbol"
            ? "symbol"
            : Array.isArray(value)
            ? `array ${value.length}`
            : value,
        )
      })`;
      if (error instanceof TypeError || error instanceof RangeError) {
        assertEquals(requests.length, 0, `${label} threw ${error.name} after sending`);
        refused++;
        continue;
      }
      assert(
        error === undefined || error instanceof LambdaCloudError,
        `${label}: ${String(error)}`,
      );
      // Launches of unknown outcome may look for themselves; only the first request is the call.
      assert(requests.length >= 1, `${label} sent nothing and threw ${String(error)}`);
      const [request] = requests;
      assertEquals(request!.operationId, target.operation, `${label} reached ${request!.path}`);
      if (target.expect) assertEquals(request!.params, target.expect(value), label);
      sent++;
    }
  }
  assert(refused > 0 && sent > 0);
  assertEquals(refused + sent, TARGETS.length * values.length);
});
