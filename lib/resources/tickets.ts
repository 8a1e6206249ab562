/**
 * Support tickets and their attachments (a beta: support enables it per account).
 *
 * @module
 */

import { everyPage } from "../_paging.ts";
import type { Transport } from "../transport/_transport.ts";
import { Resource } from "./_resource.ts";
import {
  checkAttachmentsQuery,
  checkCreateTicketRequest,
  checkInitiateAttachmentRequest,
  checkTicketsQuery,
  checkUpdateTicketRequest,
} from "../_rules/tickets.ts";
import { asList } from "../_validate.ts";
import type { RequestOptions } from "../options.ts";
import type { OperationResponse } from "../raw_request.ts";
import type {
  Attachment,
  AttachmentDownloadResponse,
  AttachmentInitiateResponse,
  AttachmentUploadStatus,
  CreateTicketRequest,
  InitiateAttachmentRequest,
  Ticket,
  TicketCreateResponse,
  TicketListResponse,
  TicketsParams,
  UpdateTicketRequest,
} from "../types/tickets.ts";

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
export class TicketAttachmentsResource extends Resource {
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
    const { attachments } = await this.transport.call<{ attachments: Attachment[] }>(
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
    return await this.sendChecked(
      "initiateAttachmentUpload",
      body,
      checkInitiateAttachmentRequest,
      options,
      { ticket_id: ticketId },
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
    return this.#one("completeAttachmentUpload", ticketId, attachmentId, options);
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
    await this.#one("deleteAttachment", ticketId, attachmentId, options);
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
    return this.#one("getAttachmentDownloadUrl", ticketId, attachmentId, options);
  }

  /** Calls `operation` on one attachment of one ticket. */
  #one<Id extends "completeAttachmentUpload" | "deleteAttachment" | "getAttachmentDownloadUrl">(
    operation: Id,
    ticketId: string,
    attachmentId: string,
    options: RequestOptions | undefined,
  ): Promise<OperationResponse<Id>> {
    const path = { ticket_id: ticketId, attachment_id: attachmentId };
    return this.transport.call<OperationResponse<Id>>(operation, { path }, options);
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
export class TicketsResource extends Resource {
  /** Files on a ticket. */
  readonly attachments: TicketAttachmentsResource;

  /**
   * @internal Made by `LambdaCloudClient`; use `client.tickets`.
   * @param transport The client's HTTP core.
   */
  constructor(transport: Transport) {
    super(transport);
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
    return everyPage("list tickets", "tickets", params, (query) => this.listPage(query, options));
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
    return await this.transport.call<TicketListResponse>("listTickets", {
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
    return await this.sendChecked("createTicket", body, checkCreateTicketRequest, options);
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
    return await this.transport.call<Ticket>(
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
    await this.sendChecked("updateTicket", body, checkUpdateTicketRequest, options, {
      ticket_id: ticketId,
    });
  }
}
