// The emulator's account: what exists, and how instances age with the emulator's clock. Status
// is worked out from timestamps when asked for, so no timer ever runs.

import type { AuditEvent } from "../types/audit_events.ts";
import type { Filesystem } from "../types/file_systems.ts";
import type { FirewallRule, FirewallRuleset } from "../types/firewall.ts";
import type { InstanceType } from "../types/instance_types.ts";
import type {
  FilesystemMountEntry,
  Instance,
  InstanceActionAvailability,
  InstanceActionAvailabilityDetails,
  InstanceStatus,
  TagEntry,
} from "../types/instances.ts";
import type { Region } from "../types/regions.ts";
import type { SshKey } from "../types/ssh_keys.ts";
import type { Attachment, Ticket } from "../types/tickets.ts";
import type { TicketEvent, WebhookTicket } from "../types/webhooks.ts";
import type { EmulatorCatalog } from "./catalog.ts";
import type { Assumptions } from "./_assumptions.ts";
import { SeededRandom } from "./_random.ts";

/** How long instances take to change state, in emulator milliseconds. */
export interface Timing {
  /** From launch to `active`, for an instance of `type`. */
  bootMs: (type: InstanceType) => number;
  restartMs: number;
  terminateMs: number;
  terminatedVisibleMs: number;
}

/** Limits on what the account may own at once. */
export interface Quota {
  instances: number;
  filesystems: number;
  firewallRulesets: number;
}

/** What an account's state starts from, all but its clock. */
export interface AccountSettings {
  seed: number;
  catalog: EmulatorCatalog;
  timing: Timing;
  quota: Quota;
  pageSize: number;
  assumptions: Assumptions;
}

/** An instance as stored; {@linkcode EmulatorState.view} turns it into the API's shape. */
export interface InstanceRecord {
  id: string;
  name?: string;
  hostname?: string;
  region: Region;
  type: InstanceType;
  image: { id: string; family: string };
  sshKeyNames: string[];
  fileSystemNames: string[];
  mounts: FilesystemMountEntry[];
  tags: TagEntry[];
  firewallRulesetIds: string[];
  ip: string;
  privateIp: string;
  jupyterToken: string;
  launchedAt: number;
  /** When it first becomes `active`: its launch plus its type's boot time. */
  bootedAt: number;
  restartingUntil?: number;
  terminateRequestedAt?: number;
  forcedStatus?: "unhealthy" | "preempted";
  capacityReleased: boolean;
}

export interface FilesystemRecord {
  id: string;
  name: string;
  region: Region;
  created: number;
  bytesUsed: number;
}

export interface RulesetRecord {
  id: string;
  name: string;
  region: Region;
  rules: FirewallRule[];
  created: number;
}

export interface TicketRecord {
  ticket: Ticket;
  attachments: Map<string, Attachment>;
  /** What the ticket was opened about, which webhooks show and the tickets API does not. */
  about: { ip: string | null; instanceId: string | null; clusterId: string | null };
}

/** Told of each ticket event, for the webhooks. */
export type TicketEventSink = (type: TicketEvent["type"], ticket: WebhookTicket) => void;

/** Who the emulated account belongs to. */
export const ACCOUNT = {
  userId: "5f1f7c2a9b4e4d0c8a6e3b2d1c0f9e8d",
  accountId: "a0c1e2f3a4b5c6d7e8f9a0b1c2d3e4f5",
  apiKeyId: "e1d2c3b4a5968778695a4b3c2d1e0f9a",
  workspaceId: "0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f50",
  email: "you@example.com",
  displayName: "Emulated User",
} as const;

/** The audit catalogue version, as the spec's example gives it. */
const AUDIT_CATALOG_VERSION = "2025-09-06";

/** A Lambda Resource Name in the spec's examples' form, such as `lrn:cloud:instance:<id>`. */
function lrn(kind: string, id: string): string {
  return `lrn:cloud:${kind}:${id}`;
}

/** The emulated account, its catalogue and its clock. */
export class EmulatorState {
  readonly random: SeededRandom;
  readonly catalog: EmulatorCatalog;
  readonly timing: Timing;
  readonly quota: Quota;
  readonly pageSize: number;
  /** The choices made where production's behaviour is a guess. */
  readonly assumptions: Assumptions;
  readonly instances = new Map<string, InstanceRecord>();
  readonly sshKeys = new Map<string, SshKey>();
  readonly filesystems = new Map<string, FilesystemRecord>();
  readonly rulesets = new Map<string, RulesetRecord>();
  readonly tickets = new Map<string, TicketRecord>();
  readonly auditEvents: AuditEvent[] = [];
  globalRules: FirewallRule[];
  legacyRules: FirewallRule[];
  active = true;
  billingAddressValid = true;
  /** Told of each ticket event. */
  readonly ticketEvent: TicketEventSink;
  #now: () => number;

  constructor(
    options: AccountSettings & { now: () => number; ticketEvent: TicketEventSink },
  ) {
    this.random = new SeededRandom(options.seed);
    this.catalog = options.catalog;
    this.timing = options.timing;
    this.quota = options.quota;
    this.pageSize = options.pageSize;
    this.assumptions = options.assumptions;
    this.#now = options.now;
    this.ticketEvent = options.ticketEvent;
    const ssh: FirewallRule = {
      protocol: "tcp",
      port_range: [22, 22],
      source_network: "0.0.0.0/0",
      description: "Allow SSH from anywhere",
    };
    this.globalRules = [{ ...ssh }];
    this.legacyRules = [{ ...ssh }];
  }

  now(): number {
    return this.#now();
  }

  isoNow(): string {
    return new Date(this.now()).toISOString();
  }

  region(name: unknown): Region | undefined {
    return this.catalog.regions.find((region) => region.name === name);
  }

  status(record: InstanceRecord): InstanceStatus {
    const now = this.now();
    if (record.terminateRequestedAt !== undefined) {
      return now < record.terminateRequestedAt + this.timing.terminateMs
        ? "terminating"
        : "terminated";
    }
    if (record.forcedStatus) return record.forcedStatus;
    if (now < record.bootedAt) return "booting";
    if (record.restartingUntil !== undefined && now < record.restartingUntil) return "booting";
    return "active";
  }

  /** The instance, unless it was terminated long enough ago to have left the API. */
  findInstance(id: string): InstanceRecord | undefined {
    const record = this.instances.get(id);
    if (record?.terminateRequestedAt === undefined) return record;
    const gone = record.terminateRequestedAt + this.timing.terminateMs +
      this.timing.terminatedVisibleMs;
    return this.now() < gone ? record : undefined;
  }

  visibleInstances(): InstanceRecord[] {
    return [...this.instances.keys()].map((id) => this.findInstance(id)).filter((record) =>
      record !== undefined
    );
  }

  /** Instances that still hold resources: not terminating, not terminated. */
  liveInstances(): InstanceRecord[] {
    return [...this.instances.values()].filter((record) =>
      record.terminateRequestedAt === undefined
    );
  }

  /** Gives the instance's capacity back, once. */
  releaseCapacity(record: InstanceRecord): void {
    if (record.capacityReleased) return;
    record.capacityReleased = true;
    const entry = this.catalog.instanceTypes.find((item) =>
      item.instance_type.name === record.type.name
    );
    if (entry) entry.capacity[record.region.name] = (entry.capacity[record.region.name] ?? 0) + 1;
  }

  view(record: InstanceRecord): Instance {
    const status = this.status(record);
    const booted = this.now() >= record.bootedAt;
    const running = status !== "terminated" && booted;
    const instance: Instance = {
      id: record.id,
      status,
      ssh_key_names: [...record.sshKeyNames],
      file_system_names: [...record.fileSystemNames],
      file_system_mounts: record.mounts.map((mount) => ({ ...mount })),
      region: { ...record.region },
      instance_type: structuredClone(record.type),
      actions: this.#actions(record, status),
      tags: record.tags.map((tag) => ({ ...tag })),
      firewall_rulesets: record.firewallRulesetIds.map((id) => ({ id })),
    };
    if (record.name !== undefined) instance.name = record.name;
    // "Absent when it can no longer be resolved, such as for a terminated instance." (the spec)
    if (status !== "terminated") instance.image = { ...record.image };
    if (running) {
      instance.ip = record.ip;
      instance.private_ip = record.privateIp;
      instance.hostname = record.hostname ?? record.ip.replaceAll(".", "-");
    } else if (record.hostname !== undefined) {
      instance.hostname = record.hostname;
    }
    if (status === "active") {
      instance.jupyter_token = record.jupyterToken;
      instance.jupyter_url =
        `https://jupyter-${record.id}.lambdaspaces.com/?token=${record.jupyterToken}`;
    }
    return instance;
  }

  #actions(record: InstanceRecord, status: InstanceStatus): InstanceActionAvailability {
    const yes: InstanceActionAvailabilityDetails = { available: true };
    const no = (code: string, description: string): InstanceActionAvailabilityDetails => ({
      available: false,
      reason_code: code,
      reason_description: description,
    });
    let others: InstanceActionAvailabilityDetails = yes;
    let terminate: InstanceActionAvailabilityDetails = yes;
    if (status === "terminating" || status === "terminated") {
      others = no("vm-is-terminating", "The instance is terminating.");
      terminate = others;
    } else if (status === "preempted") {
      others = no("vm-is-preempted", "The instance was preempted.");
    } else if (status === "booting") {
      others = this.now() < record.bootedAt
        ? no("vm-has-not-launched", "The instance has not finished launching.")
        : no("vm-action-in-progress", "Another action is in progress on the instance.");
    }
    return {
      migrate: { ...others },
      rebuild: { ...others },
      restart: { ...others },
      cold_reboot: { ...others },
      power_cycle: { ...others },
      terminate: { ...terminate },
    };
  }

  filesystemView(record: FilesystemRecord): Filesystem {
    return {
      id: record.id,
      name: record.name,
      mount_point: `/lambda/nfs/${record.name}`,
      created: new Date(record.created).toISOString(),
      created_by: { id: ACCOUNT.userId, email: ACCOUNT.email, status: "active" },
      is_in_use: this.liveInstances().some((instance) =>
        instance.fileSystemNames.includes(record.name) ||
        instance.mounts.some((mount) => mount.file_system_id === record.id)
      ),
      region: { ...record.region },
      bytes_used: record.bytesUsed,
    };
  }

  rulesetView(record: RulesetRecord): FirewallRuleset {
    return {
      id: record.id,
      name: record.name,
      region: { ...record.region },
      rules: structuredClone(record.rules),
      created: new Date(record.created).toISOString(),
      instance_ids: this.liveInstances()
        .filter((instance) => instance.firewallRulesetIds.includes(record.id))
        .map((instance) => instance.id),
    };
  }

  /** A dotted-quad address from the documentation ranges, deterministic by seed. */
  ip(prefix: string): string {
    return `${prefix}.${this.random.int(1, 254)}.${this.random.int(1, 254)}`;
  }

  /**
   * Records a successful change in the audit trail. The shape follows the spec's examples: LRNs
   * such as `lrn:cloud:instance:<id>`, actions in the past tense, and the affected resource's LRN
   * first among the details.
   */
  audit(
    request: Request,
    resourceName: string,
    action: string,
    resourceIds: readonly string[],
    details: Record<string, unknown> = {},
  ): void {
    const resourceLrns = resourceIds.map((id) => lrn(resourceName, id));
    this.auditEvents.push({
      service_name: "cloud",
      resource_name: resourceName,
      action,
      catalog_version: AUDIT_CATALOG_VERSION,
      event_id: this.random.id(),
      event_time: this.isoNow(),
      actor_lrn: lrn("identity", ACCOUNT.userId),
      actor_email: ACCOUNT.email,
      actor_display_name: ACCOUNT.displayName,
      resource_lrns: resourceLrns,
      resource_owner_lrn: lrn("account", ACCOUNT.accountId),
      request_api_key_lrn: lrn("api_key", ACCOUNT.apiKeyId),
      workspace_lrn: lrn("workspace", ACCOUNT.workspaceId),
      client_ip: "127.0.0.1",
      client_user_agent: request.headers.get("user-agent"),
      surface: "api",
      result: { status: "success", status_code: 200 },
      additional_details: { [`${resourceName}_lrn`]: resourceLrns[0], ...details },
    });
  }
}
