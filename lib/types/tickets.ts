// The shapes of support tickets and their attachments, as Lambda's API sends and takes them.

/**
 * The status of a ticket.
 */
export type TicketStatus = "open" | "on_hold" | "pending" | "solved" | "confirm_solved";

/**
 * The type of a ticket. `automated_event` tickets are opened by Lambda's monitoring.
 */
export type TicketType = "service_request" | "incident" | "automated_event";

/**
 * The severity of an incident, `sev_1` being the most severe.
 */
export type TicketSeverity = "sev_1" | "sev_2" | "sev_3";

/**
 * The priority of a ticket.
 */
export type TicketPriority = "low" | "normal" | "high" | "urgent";

/**
 * A comment on a ticket.
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
 */
export interface TicketListResponse {
  /** The tickets on this page. */
  tickets: Ticket[];
  /** The token for the next page, or `null` on the last page. */
  page_token: string | null;
}

/**
 * The upload status of an attachment.
 */
export type AttachmentUploadStatus = "pending" | "uploaded" | "failed" | "deleted";

/**
 * A file attached to a ticket.
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
 */
export interface AttachmentDownloadResponse {
  /** The presigned URL to download the file from. */
  download_url: string;
  /** Seconds until `download_url` expires. */
  expires_in: number;
}
