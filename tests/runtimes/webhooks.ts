// The webhook part of the smoke scenario: the receiver, called with hand-made requests (no socket),
// so that each runtime's Request, Response, streams and crypto.subtle take part.

import { type WebhookClaim, type WebhookDedupStore, webhookHandler } from "../../mod.ts";
import { exampleEvent } from "../_webhooks.ts";

const TOKEN = "whk_smoke";

const EVENT = JSON.stringify(exampleEvent());

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
