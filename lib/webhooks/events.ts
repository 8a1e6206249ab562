/**
 * Telling the webhook events this client knows from those it does not.
 *
 * @module
 */

import type { TicketEvent, WebhookEvent } from "../types/webhooks.ts";

/**
 * The event types this version of the client knows, as the spec lists them.
 *
 * @example Subscribe to every type there is
 * ```ts
 * import { TICKET_EVENT_TYPES } from "@lambda-cloud/client";
 *
 * console.log(TICKET_EVENT_TYPES.join(", ")); // ticket.created, ticket.status_changed, ticket.resolved
 * ```
 */
export const TICKET_EVENT_TYPES: readonly TicketEvent["type"][] = Object.freeze([
  "ticket.created",
  "ticket.status_changed",
  "ticket.resolved",
]);

/**
 * Whether `event` is one of the ticket events (its `data` then a `WebhookTicket`), rather than
 * an event of a type this client does not know. After it, `event.type` narrows the union.
 *
 * @param event An event, as `receiveWebhook()` or a handler's `onEvent` gives it.
 * @returns `true` for `ticket.created`, `ticket.status_changed` and `ticket.resolved`.
 *
 * @example Handle ticket events, log the rest
 * ```ts
 * import { isTicketEvent, type WebhookEvent } from "@lambda-cloud/client";
 *
 * function summary(event: WebhookEvent): string {
 *   if (!isTicketEvent(event)) return `unknown event ${event.type}`;
 *   switch (event.type) {
 *     case "ticket.created":
 *       return `new ticket: ${event.data.subject}`;
 *     case "ticket.status_changed":
 *       return `ticket ${event.data.id} is now ${event.data.status}`;
 *     case "ticket.resolved":
 *       return `ticket ${event.data.id} resolved`;
 *   }
 * }
 * ```
 */
export function isTicketEvent(event: WebhookEvent): event is TicketEvent {
  return (TICKET_EVENT_TYPES as readonly string[]).includes(event.type);
}
