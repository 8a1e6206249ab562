// Webhook payloads as the spec's example has them, and the requests that carry them.

import type { TicketEvent, WebhookTicket } from "../mod.ts";

export const TOKEN = "whk_test_0123456789abcdef";

/** The spec's example ticket. */
export function exampleTicket(overrides: Partial<WebhookTicket> = {}): WebhookTicket {
  return {
    object: "ticket",
    id: "f1e2d3c4b5a647869708192a3b4c5d6e",
    subject: "Issue with instance 0920582c7ff041399e34823a0be62549",
    description: "Detailed description of the issue...",
    request_type: "incident",
    severity: "sev_2",
    status: "new",
    created_at: "2024-11-15T10:00:00+00:00",
    updated_at: "2024-11-15T10:00:00+00:00",
    instance_ip: "192.168.1.100",
    instance_id: "0920582c7ff041399e34823a0be62549",
    cluster_id: null,
    source: "api",
    ...overrides,
  };
}

/** The spec's example event, of `type`. */
export function exampleEvent(
  type: TicketEvent["type"] = "ticket.created",
  overrides: Record<string, unknown> = {},
): TicketEvent {
  return {
    id: "a3b7c9d1e5f642a8b0c2d4e6f8a0b2c4",
    object: "event",
    type,
    created: 1700000000,
    api_version: "2025-11-18",
    data: exampleTicket(),
    ...overrides,
  } as TicketEvent;
}

/** A POST of `body` (JSON unless a string or a stream) with the bearer token, to change at will. */
export function webhookRequest(
  body: unknown = exampleEvent(),
  init: { token?: string | null; method?: string; headers?: Record<string, string> } = {},
): Request {
  const headers = new Headers({ "content-type": "application/json", ...init.headers });
  const token = init.token === undefined ? TOKEN : init.token;
  if (token !== null) headers.set("authorization", `Bearer ${token}`);
  const method = init.method ?? "POST";
  return new Request("http://127.0.0.1/hooks", {
    method,
    headers,
    ...(method === "GET" || method === "HEAD" ? {} : {
      body: typeof body === "string" || body instanceof ReadableStream
        ? body
        : JSON.stringify(body),
    }),
  });
}
