// What the spec does not say about each operation, in one table to review at a glance: the words
// for it in messages, whether sending it twice is safe, which rate limit it counts against, and
// what to tell the caller when its outcome is unknown. The generated lib/spec/operations.ts holds
// the rest (method, path, parameters, constraints). Both are keyed by operationId, and the type
// checker requires an entry here for every operation there.

import { RETRY_IDEMPOTENT, RETRY_WHEN_REFUSED, type RetryPolicy } from "../transport/_retry.ts";
import type { LimitKind } from "../_rate_limiter.ts";
import type { OperationId } from "./operations.ts";

/** What the client needs to know about an operation beyond the spec. */
export interface OperationPolicy {
  /** The action in words, for messages: "Cannot <action>: …". */
  readonly action: string;
  /**
   * When the call may be sent again: `idempotent` (sending it twice does what sending it once
   * does) or `when-refused` (only after a failure that proves the server did not act). A function
   * decides from the request's body, for an operation that is idempotent only sometimes.
   */
  readonly retry: RetryChoice | ((body: unknown) => RetryChoice);
  /** The rate limit it counts against, besides the general one. @default "request" */
  readonly limit?: LimitKind;
  /** Added to the message of a failure after which it may have happened anyway. */
  readonly ifUnknown?: string;
}

/** The two retry policies an operation can have. */
export type RetryChoice = "idempotent" | "when-refused";

const IDEMPOTENT = { retry: "idempotent" } as const;

/** Every operation's policy, by id. */
export const POLICY: Readonly<Record<OperationId, OperationPolicy>> = {
  // Instances. Launch is billed and has no idempotency key: lib/launch/ looks for it.
  listInstances: { action: "list instances", ...IDEMPOTENT },
  getInstance: { action: "get instance", ...IDEMPOTENT },
  postInstance: { action: "update instance", ...IDEMPOTENT }, // sets a name and tags
  launchInstance: { action: "launch instance", retry: "when-refused", limit: "launch" },
  restartInstance: { action: "restart instances", retry: "when-refused" }, // reboots again
  terminateInstance: { action: "terminate instances", ...IDEMPOTENT },
  listInstanceTypes: { action: "list instance types", ...IDEMPOTENT },
  listRegions: { action: "list regions", ...IDEMPOTENT },
  listImages: { action: "list images", ...IDEMPOTENT },
  // SSH keys and filesystems.
  listSSHKeys: { action: "list SSH keys", ...IDEMPOTENT },
  addSSHKey: {
    action: "create SSH key",
    retry: "when-refused",
    ifUnknown: "the key may have been added: list SSH keys before adding it again",
  },
  deleteSSHKey: { action: "delete SSH key", ...IDEMPOTENT },
  listFilesystems: { action: "list filesystems", ...IDEMPOTENT },
  createFilesystem: {
    action: "create filesystem",
    retry: "when-refused",
    ifUnknown: "the filesystem may have been created: list filesystems before trying again",
  },
  filesystemDelete: { action: "delete filesystem", ...IDEMPOTENT },
  // Firewalls: replacing rules sets them, so it is idempotent.
  firewallRulesList: { action: "list firewall rules", ...IDEMPOTENT },
  firewallRulesSet: { action: "replace firewall rules", ...IDEMPOTENT },
  firewallRulesetsList: { action: "list firewall rulesets", ...IDEMPOTENT },
  createFirewallRuleset: {
    action: "create firewall ruleset",
    retry: "when-refused",
    ifUnknown: "the ruleset may have been created: list rulesets before trying again",
  },
  getFirewallRuleset: { action: "get firewall ruleset", ...IDEMPOTENT },
  updateFirewallRuleset: { action: "update firewall ruleset", ...IDEMPOTENT },
  deleteFirewallRuleset: { action: "delete firewall ruleset", ...IDEMPOTENT },
  getGlobalFirewallRuleset: { action: "get global firewall ruleset", ...IDEMPOTENT },
  updateGlobalFirewallRuleset: { action: "update global firewall ruleset", ...IDEMPOTENT },
  // Audit events and support tickets. A comment is added each time it is sent.
  getAuditEvents: { action: "list audit events", ...IDEMPOTENT },
  listTickets: { action: "list tickets", ...IDEMPOTENT },
  createTicket: {
    action: "create ticket",
    retry: "when-refused",
    ifUnknown: "the ticket may have been created: list tickets before trying again",
  },
  getTicket: { action: "get ticket", ...IDEMPOTENT },
  updateTicket: {
    action: "update ticket",
    retry: (body) =>
      (body as { comment?: unknown } | undefined)?.comment === undefined
        ? "idempotent"
        : "when-refused",
  },
  listAttachments: { action: "list attachments", ...IDEMPOTENT },
  initiateAttachmentUpload: { action: "initiate attachment upload", retry: "when-refused" },
  completeAttachmentUpload: { action: "complete attachment upload", ...IDEMPOTENT },
  deleteAttachment: { action: "delete attachment", ...IDEMPOTENT },
  getAttachmentDownloadUrl: { action: "get attachment download URL", ...IDEMPOTENT },
};

/** The retry policy of a call of `id` with `body`. */
export function retryPolicy(id: OperationId, body: unknown): RetryPolicy {
  const { retry } = POLICY[id];
  const choice = typeof retry === "function" ? retry(body) : retry;
  return choice === "idempotent" ? RETRY_IDEMPOTENT : RETRY_WHEN_REFUSED;
}

/**
 * Rules the spec states only in prose, or that Lambda enforces without the spec saying so. The
 * validators read them from here.
 */
export const PROSE_RULES = {
  /** "Currently, exactly one SSH key must be specified." (InstanceLaunchRequest.ssh_key_names) */
  launchSshKeys: 1,
  /**
   * The only `quantity` a launch takes. The field is not in the spec, yet clients send
   * `quantity: 1` (dstack, brev, and the spec's own curl example under `addSSHKey`) and the API
   * takes it; more answers 400 "Requested too many instances." (SkyPilot #7084).
   */
  launchQuantity: 1,
  /** What the API answers to a launch whose `quantity` is more than one (SkyPilot #7084). */
  tooManyInstances: "Requested too many instances.",
  /** Tag keys with this prefix are Lambda's own. */
  reservedTagPrefix: "lambda-ai-",
  /** "The user data string must be plain text and cannot exceed 1MB in size." */
  userDataMaxBytes: 1024 * 1024,
} as const;
