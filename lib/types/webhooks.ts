// The shapes of the webhooks Lambda sends about support tickets ("Outgoing webhooks" in the spec's
// description). The spec gives one example payload and no schema: every field below is typed as
// that example shows it, nullable where the example or its meaning says it may be empty.

import type { TicketSeverity } from "./tickets.ts";

/**
 * A support ticket as a webhook carries it. Not the same shape as `Ticket` from the tickets API:
 * it names the type `request_type`, and says which instance, IP or cluster the ticket is about.
 */
export interface WebhookTicket {
  /** Always `"ticket"`. */
  object: "ticket";
  /** The ticket's id. */
  id: string;
  /** A short summary. */
  subject: string;
  /** The first description of the issue. */
  description: string;
  /** The type of ticket, such as `incident` or `service_request`. */
  request_type: "incident" | "service_request" | (string & Record<never, never>);
  /** The severity, for incidents; `null` (or absent) otherwise. */
  severity?: TicketSeverity | (string & Record<never, never>) | null;
  /**
   * The status, such as `new`, `open`, `pending`, `on_hold`, `solved` or `closed`: the spec's
   * example shows `new`, which the tickets API does not list.
   */
  status:
    | "new"
    | "open"
    | "pending"
    | "on_hold"
    | "solved"
    | "closed"
    | (string & Record<never, never>);
  /** When the ticket was created, as an ISO 8601 timestamp. */
  created_at: string;
  /** When the ticket last changed, as an ISO 8601 timestamp. */
  updated_at: string;
  /** The IP address of the instance the ticket is about, if any. */
  instance_ip?: string | null;
  /** The id of the instance the ticket is about, if any. */
  instance_id?: string | null;
  /** The id of the cluster the ticket is about, if any. */
  cluster_id?: string | null;
  /** Where the ticket was opened, such as `api`. */
  source: "api" | (string & Record<never, never>);
}

/** What every webhook payload holds, whatever its type. */
export interface WebhookEventEnvelope {
  /** The event's id: the same in every delivery of one event, so the key to de-duplicate on. */
  id: string;
  /** Always `"event"`. */
  object: "event";
  /** The kind of event, such as `ticket.created`. */
  type: string;
  /** When the event happened, in seconds since the Unix epoch. */
  created: number;
  /** The version of the payload's format, such as `2025-11-18`. */
  api_version: string;
  /** What the event is about. */
  data: unknown;
}

/** `ticket.created`: a support ticket was created. */
export interface TicketCreatedEvent extends WebhookEventEnvelope {
  /** The kind of event. */
  type: "ticket.created";
  /** The ticket, as created. */
  data: WebhookTicket;
}

/** `ticket.status_changed`: a ticket's status changed, and the ticket remains open. */
export interface TicketStatusChangedEvent extends WebhookEventEnvelope {
  /** The kind of event. */
  type: "ticket.status_changed";
  /** The ticket, with its new status. */
  data: WebhookTicket;
}

/** `ticket.resolved`: a ticket's status was set to `solved`, or the ticket was closed. */
export interface TicketResolvedEvent extends WebhookEventEnvelope {
  /** The kind of event. */
  type: "ticket.resolved";
  /** The ticket, resolved. */
  data: WebhookTicket;
}

/** Every ticket event: narrow it on `type`. */
export type TicketEvent = TicketCreatedEvent | TicketStatusChangedEvent | TicketResolvedEvent;

/**
 * An event of a type this version of the client does not know (Lambda adds types over time),
 * passed on as it came: its `data` is an object, of a shape unknown here.
 */
export interface UnknownWebhookEvent extends WebhookEventEnvelope {
  /** The kind of event. */
  type: string;
  /** What the event is about. */
  data: Record<string, unknown>;
}

/**
 * Any event a webhook can carry. `isTicketEvent()` tells the known ones, which then narrow on
 * `type`; an event of any other type is an {@linkcode UnknownWebhookEvent}.
 */
export type WebhookEvent = TicketEvent | UnknownWebhookEvent;
