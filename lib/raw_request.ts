/**
 * Calling any operation by its id: the typed raw call beside the resource methods, for an
 * operation that has no method yet, or to send a body exactly as given.
 *
 * @module
 */

import type { RequestOptions } from "./options.ts";
import type { LaunchOptions } from "./launch/options.ts";
import type { OperationId, OperationPathParams, OperationQueryParams } from "./spec/operations.ts";
import type { AuditEventPage } from "./types/audit_events.ts";
import type {
  CreateFilesystemRequest,
  Filesystem,
  FilesystemDeleteResponse,
} from "./types/file_systems.ts";
import type {
  CreateFirewallRulesetRequest,
  FirewallRule,
  FirewallRuleset,
  GlobalFirewallRuleset,
  UpdateFirewallRulesetRequest,
  UpdateGlobalFirewallRulesetRequest,
} from "./types/firewall.ts";
import type { Image } from "./types/images.ts";
import type {
  Instance,
  InstanceLaunchRequest,
  InstanceLaunchResponse,
  InstanceModificationRequest,
  InstanceRestartResponse,
  InstanceTerminateResponse,
} from "./types/instances.ts";
import type { InstanceTypes } from "./types/instance_types.ts";
import type { Region } from "./types/regions.ts";
import type { CreateSshKeyRequest, GeneratedSshKey, SshKey } from "./types/ssh_keys.ts";
import type {
  Attachment,
  AttachmentDownloadResponse,
  AttachmentInitiateResponse,
  CreateTicketRequest,
  InitiateAttachmentRequest,
  Ticket,
  TicketCreateResponse,
  TicketListResponse,
  UpdateTicketRequest,
} from "./types/tickets.ts";

export type { OperationId } from "./spec/operations.ts";

/** Lambda's empty answer, `{}`, to a delete or an update that returns nothing. */
export type EmptyResponse = Record<string, never>;

/**
 * The body and the answer of each operation, in the client's own types. An operation the table
 * gains later without an entry here still works with `client.request()`: its body and answer are
 * then `unknown`.
 */
export interface OperationTypes {
  /** `GET /audit-events`: a page of events and the next page's token. */
  getAuditEvents: { body: never; response: AuditEventPage };
  /** `GET /file-systems`. */
  listFilesystems: { body: never; response: Filesystem[] };
  /** `POST /filesystems`. */
  createFilesystem: { body: CreateFilesystemRequest; response: Filesystem };
  /** `DELETE /filesystems/{id}`. */
  filesystemDelete: { body: never; response: FilesystemDeleteResponse };
  /** `GET /firewall-rules`. */
  firewallRulesList: { body: never; response: FirewallRule[] };
  /** `PUT /firewall-rules`. */
  firewallRulesSet: { body: { data: FirewallRule[] }; response: FirewallRule[] };
  /** `GET /firewall-rulesets`. */
  firewallRulesetsList: { body: never; response: FirewallRuleset[] };
  /** `POST /firewall-rulesets`. */
  createFirewallRuleset: { body: CreateFirewallRulesetRequest; response: FirewallRuleset };
  /** `GET /firewall-rulesets/global`. */
  getGlobalFirewallRuleset: { body: never; response: GlobalFirewallRuleset };
  /** `PATCH /firewall-rulesets/global`. */
  updateGlobalFirewallRuleset: {
    body: UpdateGlobalFirewallRulesetRequest;
    response: GlobalFirewallRuleset;
  };
  /** `DELETE /firewall-rulesets/{id}`. */
  deleteFirewallRuleset: { body: never; response: EmptyResponse };
  /** `GET /firewall-rulesets/{id}`. */
  getFirewallRuleset: { body: never; response: FirewallRuleset };
  /** `PATCH /firewall-rulesets/{id}`. */
  updateFirewallRuleset: { body: UpdateFirewallRulesetRequest; response: FirewallRuleset };
  /** `GET /images`. */
  listImages: { body: never; response: Image[] };
  /**
   * `POST /instance-operations/launch`: the body as given (its JSON, read once); a launch token
   * only when `launchToken` asks for one or that JSON carries one, and then looked for, never
   * sent twice.
   */
  launchInstance: { body: InstanceLaunchRequest; response: InstanceLaunchResponse };
  /** `POST /instance-operations/restart`. */
  restartInstance: { body: { instance_ids: string[] }; response: InstanceRestartResponse };
  /** `POST /instance-operations/terminate`. */
  terminateInstance: { body: { instance_ids: string[] }; response: InstanceTerminateResponse };
  /** `GET /instance-types`. */
  listInstanceTypes: { body: never; response: InstanceTypes };
  /** `GET /instances`. */
  listInstances: { body: never; response: Instance[] };
  /** `GET /instances/{id}`. */
  getInstance: { body: never; response: Instance };
  /** `POST /instances/{id}`. */
  postInstance: { body: InstanceModificationRequest; response: Instance };
  /** `GET /regions`. */
  listRegions: { body: never; response: Region[] };
  /** `GET /ssh-keys`. */
  listSSHKeys: { body: never; response: SshKey[] };
  /** `POST /ssh-keys`: with `private_key` when Lambda generated the pair. */
  addSSHKey: { body: CreateSshKeyRequest; response: SshKey | GeneratedSshKey };
  /** `DELETE /ssh-keys/{id}`. */
  deleteSSHKey: { body: never; response: EmptyResponse };
  /** `GET /tickets`. */
  listTickets: { body: never; response: TicketListResponse };
  /** `POST /tickets`. */
  createTicket: { body: CreateTicketRequest; response: TicketCreateResponse };
  /** `GET /tickets/{ticket_id}`. */
  getTicket: { body: never; response: Ticket };
  /** `PATCH /tickets/{ticket_id}`. */
  updateTicket: { body: UpdateTicketRequest; response: EmptyResponse };
  /** `GET /tickets/{ticket_id}/attachments`. */
  listAttachments: { body: never; response: { attachments: Attachment[] } };
  /** `POST /tickets/{ticket_id}/attachments`. */
  initiateAttachmentUpload: {
    body: InitiateAttachmentRequest;
    response: AttachmentInitiateResponse;
  };
  /** `DELETE /tickets/{ticket_id}/attachments/{attachment_id}`. */
  deleteAttachment: { body: never; response: EmptyResponse };
  /** `POST /tickets/{ticket_id}/attachments/{attachment_id}/complete`. */
  completeAttachmentUpload: { body: never; response: Attachment };
  /** `GET /tickets/{ticket_id}/attachments/{attachment_id}/download`. */
  getAttachmentDownloadUrl: { body: never; response: AttachmentDownloadResponse };
}

/** The answer of operation `Id`: its `data`, or the whole answer where it pages. */
export type OperationResponse<Id extends OperationId> = Id extends keyof OperationTypes
  ? OperationTypes[Id]["response"]
  : unknown;

/**
 * What a raw call of operation `Id` sends: its path parameters by the spec's names (required when
 * it has any), its query parameters (an array repeats one), and its body.
 */
export type RawRequest<Id extends OperationId> =
  & ([OperationPathParams[Id]] extends [never] ? { path?: undefined }
    : { path: Readonly<Record<OperationPathParams[Id], string>> })
  & ([OperationQueryParams[Id]] extends [never] ? { query?: undefined }
    : {
      query?: Readonly<Partial<Record<OperationQueryParams[Id], string | readonly string[]>>>;
    })
  & (Id extends keyof OperationTypes
    ? [OperationTypes[Id]["body"]] extends [never] ? { body?: undefined }
    : { body: OperationTypes[Id]["body"] }
    : { body?: unknown });

/**
 * The arguments of `client.request(id, …)` after the id: the request, which may be left out when
 * the operation has no path parameter and no body, then per-call options.
 */
export type RawRequestArgs<Id extends OperationId> = Record<never, never> extends RawRequest<Id>
  ? [request?: RawRequest<Id>, options?: RawRequestOptions<Id>]
  : [request: RawRequest<Id>, options?: RawRequestOptions<Id>];

/**
 * The per-call options of `client.request(id, …)`: a launch also takes `launchToken` and
 * `lookup`, as `instances.launch()` does, though it adds no token unless asked.
 *
 * @example Launch raw, with a token to look for if the answer is lost
 * ```ts
 * import type { RawRequestOptions } from "@lambda-cloud/client";
 *
 * const options: RawRequestOptions<"launchInstance"> = { launchToken: true };
 * ```
 */
export type RawRequestOptions<Id extends OperationId> = Id extends "launchInstance" ? LaunchOptions
  : RequestOptions;
