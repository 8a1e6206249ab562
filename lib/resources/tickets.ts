/**
 * Support tickets and their attachments (a beta: support enables it per account).
 *
 * @module
 */

import { everyPage } from "../_paging.ts";
import type { Transport } from "../_transport.ts";
import {
  checkAttachmentsQuery,
  checkCreateTicketRequest,
  checkInitiateAttachmentRequest,
  checkTicketsQuery,
  checkUpdateTicketRequest,
} from "../_rules/tickets.ts";
import { asList } from "../_validate.ts";
import type { RequestOptions } from "../options.ts";

/**
 * The status of a ticket.
 *
 * @example Still waiting on support?
 * ```ts
 * import type { TicketStatus } from "@lambda-cloud/client";
 *
 * const waiting = (status: TicketStatus) => status === "open" || status === "pending";
 * ```
 */
export type TicketStatus = "open" | "on_hold" | "pending" | "solved" | "confirm_solved";

/**
 * The type of a ticket. `automated_event` tickets are opened by Lambda's monitoring.
 *
 * @example Only incidents
 * ```ts
 * import type { TicketType } from "@lambda-cloud/client";
 *
 * const types: TicketType[] = ["incident"];
 * ```
 */
export type TicketType = "service_request" | "incident" | "automated_event";

/**
 * The severity of an incident, `sev_1` being the most severe.
 *
 * @example The most severe
 * ```ts
 * import type { TicketSeverity } from "@lambda-cloud/client";
 *
 * const worst: TicketSeverity = "sev_1";
 * ```
 */
export type TicketSeverity = "sev_1" | "sev_2" | "sev_3";

/**
 * The priority of a ticket.
 *
 * @example Escalate
 * ```ts
 * import type { TicketPriority } from "@lambda-cloud/client";
 *
 * const priority: TicketPriority = "urgent";
 * ```
 */
export type TicketPriority = "low" | "normal" | "high" | "urgent";

/**
 * A comment on a ticket.
 *
 * @example Who said what
 * ```ts
 * import type { TicketComment } from "@lambda-cloud/client";
 *
 * const line = (comment: TicketComment) => `${comment.author}: ${comment.body}`;
 * ```
 */
export interface TicketComment {
  /** The text of the comment. */
  body: string;
  /** Who wrote it. */
  author: string;
  /** When it was written, as an ISO 8601 timestamp. */
  created_at: string;
}

/**
 * A support ticket.
 *
 * @example Open for more than a day?
 * ```ts
 * import type { Ticket } from "@lambda-cloud/client";
 *
 * const stale = (ticket: Ticket, now: number) =>
 *   ticket.status === "open" && now - Date.parse(ticket.created_at) > 86_400_000;
 * ```
 */
export interface Ticket {
  /** The ticket's id. */
  id: string;
  /** A short summary. */
  subject: string;
  /** The first description of the issue. */
  description: string;
  /** The type of ticket. */
  type?: TicketType;
  /** The severity, for incidents. */
  severity?: TicketSeverity;
  /** The priority. */
  priority?: TicketPriority;
  /** The status. */
  status: TicketStatus;
  /** The help-desk system the ticket lives in. */
  external_ticket_provider?: string;
  /** The ticket's id in that system. */
  external_ticket_id?: string;
  /** The hostname of the affected device. */
  hostname?: string;
  /** The serial number of the affected device. */
  device_serial?: string;
  /** When the ticket was created, as an ISO 8601 timestamp. */
  created_at: string;
  /** When the ticket last changed. */
  updated_at?: string;
  /** When the ticket was solved. */
  resolved_at?: string;
  /** The devices affected. */
  affected_devices?: string[];
  /** The public comments, the description first. */
  comments: TicketComment[];
}

/**
 * What creating a ticket returns.
 *
 * @example Quote the ticket number
 * ```ts
 * import type { TicketCreateResponse } from "@lambda-cloud/client";
 *
 * const reference = (created: TicketCreateResponse) => created.external_ticket_id ?? created.id;
 * ```
 */
export interface TicketCreateResponse {
  /** The ticket's id. */
  id: string;
  /** The help-desk system the ticket lives in. */
  external_ticket_provider?: string;
  /** The ticket's id in that system. */
  external_ticket_id?: string;
  /** The status. */
  status: TicketStatus;
  /** The type of ticket. */
  type: TicketType;
  /** The severity, for incidents. */
  severity?: TicketSeverity;
  /** The priority. */
  priority?: TicketPriority;
  /** The devices affected. */
  affected_devices?: string[];
  /** The hostname of the affected device. */
  hostname?: string;
  /** The serial number of the affected device. */
  device_serial?: string;
  /** When the ticket was created, as an ISO 8601 timestamp. */
  created_at: string;
}

/**
 * The body of `client.tickets.create()`. Incidents need a `severity`; service requests must not
 * have one.
 *
 * @example Report a slow node
 * ```ts
 * import type { CreateTicketRequest } from "@lambda-cloud/client";
 *
 * const body: CreateTicketRequest = {
 *   subject: "GPU 3 throttles",
 *   description: "nvidia-smi shows HW slowdown on GPU 3 since 10:00 UTC.",
 *   type: "incident",
 *   severity: "sev_2",
 *   instance_id: "0920582c7ff041399e34823a0be62549",
 * };
 * ```
 */
export interface CreateTicketRequest {
  /** A short summary of the issue. */
  subject: string;
  /** A description of the issue; it becomes the first comment. */
  description: string;
  /** `incident` or `service_request`. */
  type: "incident" | "service_request";
  /** The severity: required for incidents, not allowed for service requests. */
  severity?: TicketSeverity;
  /** The priority. */
  priority?: TicketPriority;
  /** The IP address of the affected node. */
  ip?: string;
  /** The id of the affected on-demand instance. */
  instance_id?: string;
  /** The id of the affected 1-Click Cluster or Supercluster. */
  cluster_id?: string;
  /** The hostname of the affected device. */
  hostname?: string;
  /** The serial number of the affected device. */
  device_serial?: string;
  /** The email address of the requester. */
  requester_email?: string;
  /** The devices affected. */
  affected_devices?: string[];
}

/**
 * The body of `client.tickets.update()`.
 *
 * @example Add a comment and mark solved
 * ```ts
 * import type { UpdateTicketRequest } from "@lambda-cloud/client";
 *
 * const body: UpdateTicketRequest = { status: "solved", comment: { body: "Fixed by a restart." } };
 * ```
 */
export interface UpdateTicketRequest {
  /** Only `solved` can be set. */
  status?: "solved";
  /** The new severity. */
  severity?: TicketSeverity;
  /** The new priority. */
  priority?: TicketPriority;
  /** A comment to add. */
  comment?: { body: string };
  /** The devices affected, replacing the old list. */
  affected_devices?: string[];
}

/**
 * Filters and order for `client.tickets.list()`; each filter takes one value or several.
 *
 * @example Open incidents, newest first
 * ```ts
 * import type { TicketsParams } from "@lambda-cloud/client";
 *
 * const params: TicketsParams = { status: "open", type: "incident", order_by: "created_at", direction: "desc" };
 * ```
 */
export interface TicketsParams {
  /** Only tickets with these statuses. */
  status?: TicketStatus | readonly TicketStatus[];
  /** Only tickets of these types. */
  type?: TicketType | readonly TicketType[];
  /** Only incidents of these severities. */
  severity?: TicketSeverity | readonly TicketSeverity[];
  /** Only tickets of these priorities. */
  priority?: TicketPriority | readonly TicketPriority[];
  /** Only tickets about these devices (matched without regard to case). */
  device_serial?: string | readonly string[];
  /** The field to sort by. */
  order_by?: "created_at" | "updated_at";
  /** The sort order. */
  direction?: "asc" | "desc";
}

/**
 * One page of tickets.
 *
 * @example Is there a next page?
 * ```ts
 * import type { TicketListResponse } from "@lambda-cloud/client";
 *
 * const hasMore = (page: TicketListResponse) => page.page_token !== null;
 * ```
 */
export interface TicketListResponse {
  /** The tickets on this page. */
  tickets: Ticket[];
  /** The token for the next page, or `null` on the last page. */
  page_token: string | null;
}

/**
 * The upload status of an attachment.
 *
 * @example Ready to download?
 * ```ts
 * import type { AttachmentUploadStatus } from "@lambda-cloud/client";
 *
 * const ready = (status: AttachmentUploadStatus) => status === "uploaded";
 * ```
 */
export type AttachmentUploadStatus = "pending" | "uploaded" | "failed" | "deleted";

/**
 * A file attached to a ticket.
 *
 * @example Size in MiB
 * ```ts
 * import type { Attachment } from "@lambda-cloud/client";
 *
 * const mib = (attachment: Attachment) => attachment.size_bytes / 2 ** 20;
 * ```
 */
export interface Attachment {
  /** The attachment's id. */
  id: string;
  /** The file's name. */
  filename: string;
  /** The file's MIME type. */
  content_type: string;
  /** The file's size in bytes. */
  size_bytes: number;
  /** Where the upload stands. */
  upload_status: AttachmentUploadStatus;
  /** When the upload completed. */
  uploaded_at?: string;
  /** When the attachment was created. */
  created_at: string;
}

/**
 * The body of `client.tickets.attachments.initiateUpload()`.
 *
 * @example A log archive
 * ```ts
 * import type { InitiateAttachmentRequest } from "@lambda-cloud/client";
 *
 * const body: InitiateAttachmentRequest = {
 *   filename: "debug-logs.tar.gz",
 *   content_type: "application/gzip",
 *   size_bytes: 1_024_000,
 * };
 * ```
 */
export interface InitiateAttachmentRequest {
  /** The file's name, up to 255 characters. */
  filename: string;
  /** The file's MIME type. */
  content_type: string;
  /** The file's size in bytes, at least 1. */
  size_bytes: number;
}

/**
 * Where and how to upload an attachment.
 *
 * @example Upload the bytes
 * ```ts ignore
 * import type { AttachmentInitiateResponse } from "@lambda-cloud/client";
 *
 * async function upload(target: AttachmentInitiateResponse, bytes: Uint8Array, type: string) {
 *   await fetch(target.upload_url, { method: target.upload_method, body: bytes, headers: { "content-type": type } });
 * }
 * ```
 */
export interface AttachmentInitiateResponse {
  /** The new attachment's id. */
  attachment_id: string;
  /** The presigned URL to upload the file to. */
  upload_url: string;
  /** The HTTP method to upload with. */
  upload_method: string;
  /** The upload status: `pending` until completed. */
  upload_status: AttachmentUploadStatus;
  /** Seconds until `upload_url` expires. */
  expires_in: number;
}

/**
 * A link to download an attachment.
 *
 * @example When does it expire?
 * ```ts
 * import type { AttachmentDownloadResponse } from "@lambda-cloud/client";
 *
 * const expiresAt = (link: AttachmentDownloadResponse, now: number) => now + link.expires_in * 1000;
 * ```
 */
export interface AttachmentDownloadResponse {
  /** The presigned URL to download the file from. */
  download_url: string;
  /** Seconds until `download_url` expires. */
  expires_in: number;
}

/**
 * `client.tickets.attachments`: files on a ticket. Uploading takes three steps: initiate, send the
 * bytes to the presigned URL, complete.
 *
 * @example Attach a log file
 * ```ts ignore
 * import { LambdaCloudClient } from "@lambda-cloud/client";
 *
 * const client = new LambdaCloudClient();
 * const bytes = await Deno.readFile("dmesg.txt");
 * const target = await client.tickets.attachments.initiateUpload("0920582c7ff041399e34823a0be62549", {
 *   filename: "dmesg.txt",
 *   content_type: "text/plain",
 *   size_bytes: bytes.length,
 * });
 * await fetch(target.upload_url, { method: target.upload_method, body: bytes });
 * await client.tickets.attachments.completeUpload("0920582c7ff041399e34823a0be62549", target.attachment_id);
 * ```
 */
export class TicketAttachmentsResource {
  readonly #transport: Transport;

  /**
   * @internal Made by `LambdaCloudClient`; use `client.tickets.attachments`.
   * @param transport The client's HTTP core.
   */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Lists a ticket's attachments (`GET /api/v1/tickets/{ticket_id}/attachments`). Retried on
   * transient failures.
   *
   * @param ticketId The ticket's id.
   * @param params Only attachments with this upload status.
   * @param options Per-call options.
   * @returns The attachments.
   * @throws {TypeError | RangeError} Before any request, when an argument is invalid.
   *
   * @example Uploaded attachments only
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const files = await client.tickets.attachments.list("0920582c7ff041399e34823a0be62549", { status: "uploaded" });
   * ```
   */
  async list(
    ticketId: string,
    params: { status?: AttachmentUploadStatus } = {},
    options?: RequestOptions,
  ): Promise<Attachment[]> {
    checkAttachmentsQuery(params);
    const { attachments } = await this.#transport.call<{ attachments: Attachment[] }>(
      "listAttachments",
      { path: { ticket_id: ticketId }, query: { status: params.status } },
      options,
    );
    return attachments;
  }

  /**
   * Starts an upload (`POST /api/v1/tickets/{ticket_id}/attachments`) and returns the presigned URL
   * to send the bytes to. Only a 429 is retried.
   *
   * @param ticketId The ticket's id.
   * @param body The file's name, type and size.
   * @param options Per-call options.
   * @returns Where and how to upload.
   * @throws {TypeError | RangeError} Before any request, when an argument is invalid.
   *
   * @example Start an upload
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const target = await client.tickets.attachments.initiateUpload("0920582c7ff041399e34823a0be62549", {
   *   filename: "notes.txt",
   *   content_type: "text/plain",
   *   size_bytes: 12,
   * });
   * ```
   */
  async initiateUpload(
    ticketId: string,
    body: InitiateAttachmentRequest,
    options?: RequestOptions,
  ): Promise<AttachmentInitiateResponse> {
    checkInitiateAttachmentRequest(body);
    return await this.#transport.call<AttachmentInitiateResponse>(
      "initiateAttachmentUpload",
      { path: { ticket_id: ticketId }, body },
      options,
    );
  }

  /**
   * Marks an upload complete once the bytes are sent
   * (`POST /api/v1/tickets/{ticket_id}/attachments/{attachment_id}/complete`). Retried on transient
   * failures.
   *
   * @param ticketId The ticket's id.
   * @param attachmentId The attachment's id.
   * @param options Per-call options.
   * @returns The attachment.
   * @throws {TypeError | RangeError} Before any request, when an id is invalid.
   *
   * @example Complete an upload
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * await client.tickets.attachments.completeUpload("0920582c7ff041399e34823a0be62549", "a1b2c3");
   * ```
   */
  completeUpload(
    ticketId: string,
    attachmentId: string,
    options?: RequestOptions,
  ): Promise<Attachment> {
    return this.#transport.call<Attachment>(
      "completeAttachmentUpload",
      { path: { ticket_id: ticketId, attachment_id: attachmentId } },
      options,
    );
  }

  /**
   * Deletes an attachment (`DELETE /api/v1/tickets/{ticket_id}/attachments/{attachment_id}`).
   * Retried on transient failures.
   *
   * @param ticketId The ticket's id.
   * @param attachmentId The attachment's id.
   * @param options Per-call options.
   * @throws {TypeError | RangeError} Before any request, when an id is invalid.
   *
   * @example Delete an attachment
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * await client.tickets.attachments.delete("0920582c7ff041399e34823a0be62549", "a1b2c3");
   * ```
   */
  async delete(ticketId: string, attachmentId: string, options?: RequestOptions): Promise<void> {
    await this.#transport.call<unknown>(
      "deleteAttachment",
      { path: { ticket_id: ticketId, attachment_id: attachmentId } },
      options,
    );
  }

  /**
   * Gets a short-lived download link
   * (`GET /api/v1/tickets/{ticket_id}/attachments/{attachment_id}/download`). Retried on transient
   * failures.
   *
   * @param ticketId The ticket's id.
   * @param attachmentId The attachment's id.
   * @param options Per-call options.
   * @returns The link and how long it lasts.
   * @throws {TypeError | RangeError} Before any request, when an id is invalid.
   *
   * @example Download an attachment
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const link = await client.tickets.attachments.getDownloadUrl("0920582c7ff041399e34823a0be62549", "a1b2c3");
   * const bytes = new Uint8Array(await (await fetch(link.download_url)).arrayBuffer());
   * ```
   */
  getDownloadUrl(
    ticketId: string,
    attachmentId: string,
    options?: RequestOptions,
  ): Promise<AttachmentDownloadResponse> {
    return this.#transport.call<AttachmentDownloadResponse>(
      "getAttachmentDownloadUrl",
      { path: { ticket_id: ticketId, attachment_id: attachmentId } },
      options,
    );
  }
}

/**
 * `client.tickets`: support tickets (a beta that support enables per account).
 *
 * @example Open an incident and follow it
 * ```ts ignore
 * import { LambdaCloudClient } from "@lambda-cloud/client";
 *
 * const client = new LambdaCloudClient();
 * const created = await client.tickets.create({
 *   subject: "Instance unreachable",
 *   description: "SSH times out since 10:00 UTC.",
 *   type: "incident",
 *   severity: "sev_2",
 * });
 * const ticket = await client.tickets.get(created.id);
 * console.log(ticket.status);
 * ```
 */
export class TicketsResource {
  readonly #transport: Transport;
  /** Files on a ticket. */
  readonly attachments: TicketAttachmentsResource;

  /**
   * @internal Made by `LambdaCloudClient`; use `client.tickets`.
   * @param transport The client's HTTP core.
   */
  constructor(transport: Transport) {
    this.#transport = transport;
    this.attachments = new TicketAttachmentsResource(transport);
  }

  /**
   * Iterates over every matching ticket, fetching pages as the loop asks for them
   * (`GET /api/v1/tickets`). Each page is retried on transient failures.
   *
   * @param params Filters and order.
   * @param options Per-call options, applied to each page.
   * @returns An async iterable over the tickets.
   * @throws {TypeError | RangeError} On the first iteration, before any request, when a filter is
   * invalid.
   *
   * @example Open tickets
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * for await (const ticket of client.tickets.list({ status: ["open", "pending"] })) {
   *   console.log(ticket.id, ticket.subject);
   * }
   * ```
   */
  list(params?: TicketsParams, options?: RequestOptions): AsyncGenerator<Ticket> {
    return everyPage("list tickets", async (pageToken) => {
      const page = await this.listPage({ ...params, page_token: pageToken }, options);
      return { items: page.tickets, next: page.page_token };
    });
  }

  /**
   * Fetches one page of tickets (`GET /api/v1/tickets`), for callers who keep the `page_token`
   * themselves. Retried on transient failures.
   *
   * @param params Filters, order, and the `page_token` of the page to fetch.
   * @param options Per-call options.
   * @returns The page, with the token of the next one.
   * @throws {TypeError | RangeError} Before any request, when a filter is invalid.
   *
   * @example The first page
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const { tickets, page_token } = await client.tickets.listPage({ order_by: "updated_at" });
   * ```
   */
  async listPage(
    params: TicketsParams & { page_token?: string | undefined } = {},
    options?: RequestOptions,
  ): Promise<TicketListResponse> {
    checkTicketsQuery(params);
    return await this.#transport.call<TicketListResponse>("listTickets", {
      query: {
        status: asList(params.status),
        type: asList(params.type),
        severity: asList(params.severity),
        priority: asList(params.priority),
        device_serial: asList(params.device_serial),
        order_by: params.order_by,
        direction: params.direction,
        page_token: params.page_token,
      },
    }, options);
  }

  /**
   * Opens a ticket (`POST /api/v1/tickets`). Only a 429 is retried: after an ambiguous failure
   * the ticket may exist already.
   *
   * @param body The ticket.
   * @param options Per-call options.
   * @returns The new ticket's id and status.
   * @throws {TypeError | RangeError} Before any request, when the body is invalid.
   *
   * @example Ask for a quota increase
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * await client.tickets.create({
   *   subject: "Quota increase",
   *   description: "Please raise our H100 quota to 16 instances.",
   *   type: "service_request",
   * });
   * ```
   */
  async create(body: CreateTicketRequest, options?: RequestOptions): Promise<TicketCreateResponse> {
    checkCreateTicketRequest(body);
    return await this.#transport.call<TicketCreateResponse>("createTicket", { body }, options);
  }

  /**
   * Gets one ticket with its comments (`GET /api/v1/tickets/{ticket_id}`). Retried on transient
   * failures.
   *
   * @param ticketId The ticket's id.
   * @param options Per-call options.
   * @returns The ticket.
   * @throws {TypeError | RangeError} Before any request, when the id is invalid.
   *
   * @example Print the comments
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const ticket = await client.tickets.get("0920582c7ff041399e34823a0be62549");
   * for (const comment of ticket.comments) console.log(comment.author, comment.body);
   * ```
   */
  async get(ticketId: string, options?: RequestOptions): Promise<Ticket> {
    return await this.#transport.call<Ticket>(
      "getTicket",
      { path: { ticket_id: ticketId } },
      options,
    );
  }

  /**
   * Changes a ticket or comments on it (`PATCH /api/v1/tickets/{ticket_id}`; Lambda answers
   * `202 Accepted`). Retried on transient failures unless it adds a comment, which a second send
   * would post twice.
   *
   * @param ticketId The ticket's id.
   * @param body What to change.
   * @param options Per-call options.
   * @throws {TypeError | RangeError} Before any request, when the id or body is invalid.
   *
   * @example Mark a ticket solved
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * await client.tickets.update("0920582c7ff041399e34823a0be62549", { status: "solved" });
   * ```
   */
  async update(
    ticketId: string,
    body: UpdateTicketRequest,
    options?: RequestOptions,
  ): Promise<void> {
    checkUpdateTicketRequest(body);
    await this.#transport.call<unknown>(
      "updateTicket",
      { path: { ticket_id: ticketId }, body },
      options,
    );
  }
}
