// The webhook part of the smoke scenario: the receiver, called with hand-made requests (no socket),
// so that each runtime's Request, Response, streams and crypto.subtle take part.

import { type WebhookClaim, type WebhookDedupStore, webhookHandler } from "../../mod.ts";

const TOKEN = "whk_smoke";

const EVENT = JSON.stringify({
  id: "a3b7c9d1e5f642a8b0c2d4e6f8a0b2c4",
  object: "event",
  type: "ticket.created",
  created: 1700000000,
  api_version: "2025-11-18",
  data: {
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
  },
});

/** A store in memory: one isolate's. */
function memoryStore(): WebhookDedupStore {
  const done = new Set<string>();
  return {
    claim: (id): Promise<WebhookClaim> =>
      Promise.resolve(
        done.has(id) ? { status: "done" } : {
          status: "claimed",
          complete: () => Promise.resolve(void done.add(id)),
          release: () => Promise.resolve(),
        },
      ),
  };
}

/** Runs the receiver through each answer it gives; resolves with what happened, or throws. */
export async function runWebhookScenario(): Promise<string> {
  const handled: string[] = [];
  const handle = webhookHandler({
    token: TOKEN,
    dedup: memoryStore(),
    onEvent: (event) => void handled.push(event.type),
  });
  const post = (body: string, headers: Record<string, string> = {}, method = "POST") =>
    handle(
      new Request("http://127.0.0.1/hooks", {
        method,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          "content-type": "application/json",
          ...headers,
        },
        ...(method === "GET" ? {} : { body }),
      }),
    );
  const statuses: number[] = [];
  // One after the other, as a sender that waits for each answer delivers them.
  for (
    const send of [
      () => post(EVENT),
      () => post(EVENT),
      () => post(EVENT, { authorization: "Bearer wrong" }),
      () => post(EVENT, {}, "GET"),
      () => post(EVENT, { "content-type": "text/plain" }),
      () => post(`${EVENT}${" ".repeat(1024 * 1024)}`),
      () => post("{"),
    ]
  ) {
    const response = await send();
    await response.text();
    statuses.push(response.status);
  }
  const expected = "200 200 401 405 415 413 400";
  if (statuses.join(" ") !== expected || handled.join() !== "ticket.created") {
    throw new Error(`receiver answered ${statuses.join(" ")} and handled ${handled.join()}`);
  }
  return `webhook receiver answered ${expected}, handled the event once`;
}
