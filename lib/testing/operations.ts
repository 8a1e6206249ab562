/**
 * The 34 operations of the Lambda Cloud API v1 (spec 1.10.0) that the emulator answers.
 *
 * @module
 */

/**
 * The `operationId` of an API operation, as Lambda's OpenAPI spec names it.
 *
 * @example Fail only launches
 * ```ts
 * import type { OperationId } from "@lambda-cloud/client/testing";
 *
 * const target: OperationId = "launchInstance";
 * ```
 */
export type OperationId =
  | "getAuditEvents"
  | "listFilesystems"
  | "createFilesystem"
  | "filesystemDelete"
  | "firewallRulesList"
  | "firewallRulesSet"
  | "firewallRulesetsList"
  | "createFirewallRuleset"
  | "getGlobalFirewallRuleset"
  | "updateGlobalFirewallRuleset"
  | "deleteFirewallRuleset"
  | "getFirewallRuleset"
  | "updateFirewallRuleset"
  | "listImages"
  | "launchInstance"
  | "restartInstance"
  | "terminateInstance"
  | "listInstanceTypes"
  | "listInstances"
  | "getInstance"
  | "postInstance"
  | "listRegions"
  | "listSSHKeys"
  | "addSSHKey"
  | "deleteSSHKey"
  | "listTickets"
  | "createTicket"
  | "getTicket"
  | "updateTicket"
  | "listAttachments"
  | "initiateAttachmentUpload"
  | "deleteAttachment"
  | "completeAttachmentUpload"
  | "getAttachmentDownloadUrl";

/**
 * One operation: its id, method and path below `/api/v1`, with `{name}` for path parameters.
 *
 * @example Print the table
 * ```ts
 * import { OPERATIONS } from "@lambda-cloud/client/testing";
 *
 * for (const operation of OPERATIONS) console.log(operation.method, operation.path, operation.id);
 * ```
 */
export interface OperationSpec {
  /** The operation's id. */
  id: OperationId;
  /** The HTTP method. */
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** The path below `/api/v1`. */
  path: string;
}

/**
 * Every operation the emulator answers, in the order it matches them (`/firewall-rulesets/global`
 * before `/firewall-rulesets/{id}`).
 *
 * @example Count them
 * ```ts
 * import { OPERATIONS } from "@lambda-cloud/client/testing";
 *
 * console.log(OPERATIONS.length); // 34
 * ```
 */
export const OPERATIONS: readonly OperationSpec[] = [
  { id: "getAuditEvents", method: "GET", path: "/audit-events" },
  { id: "listFilesystems", method: "GET", path: "/file-systems" },
  { id: "createFilesystem", method: "POST", path: "/filesystems" },
  { id: "filesystemDelete", method: "DELETE", path: "/filesystems/{id}" },
  { id: "firewallRulesList", method: "GET", path: "/firewall-rules" },
  { id: "firewallRulesSet", method: "PUT", path: "/firewall-rules" },
  { id: "firewallRulesetsList", method: "GET", path: "/firewall-rulesets" },
  { id: "createFirewallRuleset", method: "POST", path: "/firewall-rulesets" },
  { id: "getGlobalFirewallRuleset", method: "GET", path: "/firewall-rulesets/global" },
  { id: "updateGlobalFirewallRuleset", method: "PATCH", path: "/firewall-rulesets/global" },
  { id: "deleteFirewallRuleset", method: "DELETE", path: "/firewall-rulesets/{id}" },
  { id: "getFirewallRuleset", method: "GET", path: "/firewall-rulesets/{id}" },
  { id: "updateFirewallRuleset", method: "PATCH", path: "/firewall-rulesets/{id}" },
  { id: "listImages", method: "GET", path: "/images" },
  { id: "launchInstance", method: "POST", path: "/instance-operations/launch" },
  { id: "restartInstance", method: "POST", path: "/instance-operations/restart" },
  { id: "terminateInstance", method: "POST", path: "/instance-operations/terminate" },
  { id: "listInstanceTypes", method: "GET", path: "/instance-types" },
  { id: "listInstances", method: "GET", path: "/instances" },
  { id: "getInstance", method: "GET", path: "/instances/{id}" },
  { id: "postInstance", method: "POST", path: "/instances/{id}" },
  { id: "listRegions", method: "GET", path: "/regions" },
  { id: "listSSHKeys", method: "GET", path: "/ssh-keys" },
  { id: "addSSHKey", method: "POST", path: "/ssh-keys" },
  { id: "deleteSSHKey", method: "DELETE", path: "/ssh-keys/{id}" },
  { id: "listTickets", method: "GET", path: "/tickets" },
  { id: "createTicket", method: "POST", path: "/tickets" },
  { id: "getTicket", method: "GET", path: "/tickets/{ticket_id}" },
  { id: "updateTicket", method: "PATCH", path: "/tickets/{ticket_id}" },
  { id: "listAttachments", method: "GET", path: "/tickets/{ticket_id}/attachments" },
  { id: "initiateAttachmentUpload", method: "POST", path: "/tickets/{ticket_id}/attachments" },
  {
    id: "deleteAttachment",
    method: "DELETE",
    path: "/tickets/{ticket_id}/attachments/{attachment_id}",
  },
  {
    id: "completeAttachmentUpload",
    method: "POST",
    path: "/tickets/{ticket_id}/attachments/{attachment_id}/complete",
  },
  {
    id: "getAttachmentDownloadUrl",
    method: "GET",
    path: "/tickets/{ticket_id}/attachments/{attachment_id}/download",
  },
];

const COMPILED = OPERATIONS.map((operation) => ({
  operation,
  names: [...operation.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!),
  regex: new RegExp(`^${operation.path.replace(/\{\w+\}/g, "([^/]+)")}$`),
}));

/** The operation a method and path (below `/api/v1`) name, with its decoded path parameters. */
export function matchOperation(
  method: string,
  path: string,
): { operation: OperationSpec; params: Record<string, string> } | undefined {
  for (const { operation, names, regex } of COMPILED) {
    if (operation.method !== method) continue;
    const match = regex.exec(path);
    if (!match) continue;
    const params: Record<string, string> = {};
    try {
      names.forEach((name, index) => params[name] = decodeURIComponent(match[index + 1]!));
    } catch {
      return undefined; // a malformed %-escape names no resource
    }
    return { operation, params };
  }
  return undefined;
}
