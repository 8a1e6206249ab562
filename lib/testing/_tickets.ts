// Support tickets, their comments and their attachments.

import {
  checkCreateTicketRequest,
  checkInitiateAttachmentRequest,
  checkUpdateTicketRequest,
} from "../_rules/tickets.ts";
import type {
  Attachment,
  CreateTicketRequest,
  InitiateAttachmentRequest,
  Ticket,
  TicketStatus,
  UpdateTicketRequest,
} from "../types/tickets.ts";
import type { TicketEvent, WebhookTicket } from "../types/webhooks.ts";
import { invalidParameters, notFound, objectDoesNotExist, validateWith } from "./_errors.ts";
import { type Handler, type HandlerContext, ok, paginate } from "./_handler.ts";
import { ACCOUNT, type EmulatorState, type TicketRecord } from "./_state.ts";
import type { OperationId } from "./operations.ts";

const UPLOAD_HOST = "https://uploads.emulator.invalid";
// How long presigned URLs last, in seconds: the spec's example for both kinds.
const URL_LIFETIME_SECONDS = 3600;

/** The statuses in which a ticket counts as resolved: `ticket.resolved` is sent on reaching one. */
const RESOLVED: readonly TicketStatus[] = ["solved", "confirm_solved"];

/** The ticket as a webhook shows it. */
function webhookTicket({ ticket, about }: TicketRecord): WebhookTicket {
  return {
    object: "ticket",
    id: ticket.id,
    subject: ticket.subject,
    description: ticket.description,
    request_type: ticket.type ?? "incident",
    severity: ticket.severity ?? null,
    status: ticket.status,
    created_at: ticket.created_at,
    updated_at: ticket.updated_at ?? ticket.created_at,
    instance_ip: about.ip,
    instance_id: about.instanceId,
    cluster_id: about.clusterId,
    source: "api",
  };
}

function announce(state: EmulatorState, type: TicketEvent["type"], record: TicketRecord): void {
  state.ticketEvent(type, webhookTicket(record));
}

/**
 * Gives the ticket a new status, as support (or the API's `solved`) does, and sends the event it
 * makes: `ticket.resolved` on reaching `solved` or `confirm_solved`, `ticket.status_changed` on
 * any other change; none when the status is the same.
 */
export function setTicketStatus(
  state: EmulatorState,
  record: TicketRecord,
  status: TicketStatus,
): void {
  const { ticket } = record;
  if (ticket.status === status) return;
  ticket.status = status;
  ticket.updated_at = state.isoNow();
  if (RESOLVED.includes(status)) ticket.resolved_at ??= ticket.updated_at;
  else delete ticket.resolved_at;
  announce(state, RESOLVED.includes(status) ? "ticket.resolved" : "ticket.status_changed", record);
}

function ticketOr404(state: EmulatorState, id: string): TicketRecord {
  const record = state.tickets.get(id);
  if (!record) throw notFound("Ticket not found.", "Check the ticket ID and try again.");
  return record;
}

function attachmentOr404({ state, params }: HandlerContext): Attachment {
  const attachment = ticketOr404(state, params.ticket_id!).attachments.get(params.attachment_id!);
  if (!attachment || attachment.upload_status === "deleted") {
    throw objectDoesNotExist("Attachment not found.", "Check the attachment ID and try again.");
  }
  return attachment;
}

function listTickets({ state, query }: HandlerContext) {
  const filters: [keyof Ticket, string[]][] = (["status", "type", "severity", "priority"] as const)
    .map((name) => [name, query.getAll(name)]);
  const serials = query.getAll("device_serial").map((serial) => serial.toLowerCase());
  // The dispatcher has checked every value against the spec's enums.
  const orderBy = (query.get("order_by") ?? "created_at") as "created_at" | "updated_at";
  const direction = query.get("direction") ?? "desc";
  const tickets = [...state.tickets.values()].map((record) => record.ticket).filter((ticket) =>
    filters.every(([name, allowed]) =>
      allowed.length === 0 || allowed.includes(String(ticket[name]))
    ) &&
    (serials.length === 0 || serials.includes(ticket.device_serial?.toLowerCase() ?? ""))
  );
  const sign = direction === "asc" ? 1 : -1;
  tickets.sort((a, b) =>
    sign * (Date.parse(a[orderBy] ?? a.created_at) - Date.parse(b[orderBy] ?? b.created_at))
  );
  const { page, next } = paginate(tickets, query.get("page_token"), state.pageSize);
  return ok({ tickets: structuredClone(page), page_token: next });
}

/**
 * The devices a new ticket lists besides those `given` (kept as sent): its instance, IP and
 * cluster when the `ticketDevice` assumption says so, each once, none empty.
 */
function assumedDevices(
  state: HandlerContext["state"],
  create: CreateTicketRequest,
  given: readonly string[],
): string[] {
  if (state.assumptions.ticketDevice !== "affected-device") return [];
  const named = [create.instance_id, create.ip, create.cluster_id];
  return [...new Set(named)].filter((id): id is string => !!id && !given.includes(id));
}

function createTicket({ state, request, body }: HandlerContext) {
  validateWith(() => checkCreateTicketRequest(body));
  const create = body as CreateTicketRequest;
  const given = create.affected_devices ?? [];
  const now = state.isoNow();
  const ticket: Ticket = {
    id: state.random.id(),
    subject: create.subject,
    description: create.description,
    type: create.type,
    priority: create.priority ?? "normal",
    status: "open",
    external_ticket_provider: "zendesk",
    external_ticket_id: String(100_000 + state.tickets.size + 1),
    created_at: now,
    updated_at: now,
    affected_devices: [...given, ...assumedDevices(state, create, given)],
    comments: [{
      body: create.description,
      author: create.requester_email ?? ACCOUNT.email,
      created_at: now,
    }],
  };
  if (create.severity !== undefined) ticket.severity = create.severity;
  if (create.hostname !== undefined) ticket.hostname = create.hostname;
  if (create.device_serial !== undefined) ticket.device_serial = create.device_serial;
  const record: TicketRecord = {
    ticket,
    attachments: new Map(),
    about: {
      ip: create.ip ?? null,
      instanceId: create.instance_id ?? null,
      clusterId: create.cluster_id ?? null,
    },
  };
  state.tickets.set(ticket.id, record);
  state.audit(request, "ticket", "created", [ticket.id], { type: ticket.type });
  announce(state, "ticket.created", record);
  const { subject: _s, description: _d, comments: _c, updated_at: _u, ...created } = ticket;
  return ok(structuredClone(created));
}

function updateTicket({ state, request, params, body }: HandlerContext) {
  const record = ticketOr404(state, params.ticket_id!);
  const { ticket } = record;
  validateWith(() => checkUpdateTicketRequest(body));
  const change = body as UpdateTicketRequest;
  const now = state.isoNow();
  if (change.severity !== undefined) ticket.severity = change.severity;
  if (change.priority !== undefined) ticket.priority = change.priority;
  if (change.affected_devices !== undefined) ticket.affected_devices = [...change.affected_devices];
  if (change.comment !== undefined) {
    ticket.comments.push({ body: change.comment.body, author: ACCOUNT.email, created_at: now });
  }
  ticket.updated_at = now;
  state.audit(request, "ticket", "updated", [ticket.id]);
  // Last, so that the event shows the ticket with every change made.
  if (change.status === "solved") setTicketStatus(state, record, "solved");
  return ok({}, 202);
}

function initiateUpload({ state, request, params, body }: HandlerContext) {
  const record = ticketOr404(state, params.ticket_id!);
  validateWith(() => checkInitiateAttachmentRequest(body));
  // No largest size: the spec sets none, and the emulator never receives the bytes.
  const upload = body as InitiateAttachmentRequest;
  const attachment: Attachment = {
    id: state.random.id(),
    filename: upload.filename,
    content_type: upload.content_type,
    size_bytes: upload.size_bytes,
    upload_status: "pending",
    created_at: state.isoNow(),
  };
  record.attachments.set(attachment.id, attachment);
  state.audit(request, "attachment", "created", [attachment.id], {
    ticket_id: record.ticket.id,
  });
  return ok({
    attachment_id: attachment.id,
    upload_url:
      `${UPLOAD_HOST}/${record.ticket.id}/${attachment.id}?signature=${state.random.id()}`,
    upload_method: "PUT",
    upload_status: "pending",
    expires_in: URL_LIFETIME_SECONDS,
  });
}

function completeUpload(context: HandlerContext) {
  const attachment = attachmentOr404(context);
  if (attachment.upload_status === "pending") {
    attachment.upload_status = "uploaded";
    attachment.uploaded_at = context.state.isoNow();
    context.state.audit(context.request, "attachment", "uploaded", [attachment.id]);
  }
  return ok({ ...attachment });
}

function deleteAttachment(context: HandlerContext) {
  const attachment = attachmentOr404(context);
  attachment.upload_status = "deleted";
  context.state.audit(context.request, "attachment", "deleted", [attachment.id]);
  return ok({});
}

function downloadUrl(context: HandlerContext) {
  const attachment = attachmentOr404(context);
  if (attachment.upload_status !== "uploaded") {
    throw invalidParameters(
      `Attachment '${attachment.id}' is ${attachment.upload_status}, not uploaded.`,
      "Complete the upload first.",
    );
  }
  return ok({
    download_url: `${UPLOAD_HOST}/${context.params.ticket_id}/${attachment.id}/${
      encodeURIComponent(attachment.filename)
    }?signature=${context.state.random.id()}`,
    expires_in: URL_LIFETIME_SECONDS,
  });
}

/** The ticket handlers, by operation. */
export const TICKET_HANDLERS = {
  listTickets,
  createTicket,
  getTicket: ({ state, params }) =>
    ok(structuredClone(ticketOr404(state, params.ticket_id!).ticket)),
  updateTicket,
  listAttachments: ({ state, params, query }) => {
    const status = query.get("status");
    const attachments = [...ticketOr404(state, params.ticket_id!).attachments.values()]
      .filter((attachment) =>
        status === null
          ? attachment.upload_status !== "deleted"
          : attachment.upload_status === status
      );
    return ok({ attachments: structuredClone(attachments) });
  },
  initiateAttachmentUpload: initiateUpload,
  completeAttachmentUpload: completeUpload,
  deleteAttachment,
  getAttachmentDownloadUrl: downloadUrl,
} satisfies Partial<Record<OperationId, Handler>>;
