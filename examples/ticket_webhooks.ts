// deno serve --unstable-kv --allow-env=LAMBDA_WEBHOOK_TOKEN,WEBHOOK_KV_PATH examples/ticket_webhooks.ts
// On the emulator: deno task example examples/ticket_webhooks.ts (only answers GET /; to send it events:)
//
//   deno task emulator --port 8787 --no-rate-limit --webhook-url http://127.0.0.1:8000/ --webhook-token dev_token
//   LAMBDA_WEBHOOK_TOKEN=dev_token WEBHOOK_KV_PATH=:memory: deno serve --port 8000 --unstable-kv --allow-env=LAMBDA_WEBHOOK_TOKEN,WEBHOOK_KV_PATH examples/ticket_webhooks.ts
//   export LAMBDA_BASE_URL=http://127.0.0.1:8787/api/v1 LAMBDA_API_KEY=secret_emulator
//   lambda tickets create --subject "GPU fell off the bus" --description "nvidia-smi shows none" --type incident --severity sev_2
//   lambda tickets update <id> --solved
//
// A Deno Deploy function that receives Lambda's support-ticket webhooks and logs one line per
// event: the ticket, what happened, its status. Webhooks may come twice and out of order, so it
// keeps, in Deno KV, the events it has handled (a repeat is answered 200 and not logged again, on
// whichever isolate it lands) and each ticket's latest state: an event older than what it knows
// (its ticket's `updated_at` is earlier) is logged as stale and changes nothing. On Deploy, set
// LAMBDA_WEBHOOK_TOKEN to the token the webhook was configured with; Deploy needs none of the
// flags above. Locally, Deno.openKv() opens a file in Deno's cache, shared by every process that
// serves this file; WEBHOOK_KV_PATH names another (a file needs --allow-read and --allow-write for
// it; `:memory:` forgets at exit, which suits the emulator, whose seeded event ids repeat from one
// run to the next). GET / says what the function is for, and nothing about any ticket.

import { isTicketEvent, kvWebhookDedupStore, type WebhookEvent, webhookHandler } from "../mod.ts";

/** What the function keeps of a ticket: its latest status, and when it took it. */
interface Known {
  status: string;
  updated_at: string;
}

let handler: Promise<(request: Request) => Promise<Response>> | undefined;

function getHandler(): Promise<(request: Request) => Promise<Response>> {
  handler ??= (async () => {
    const kv = await Deno.openKv(Deno.env.get("WEBHOOK_KV_PATH"));
    return webhookHandler({
      token: Deno.env.get("LAMBDA_WEBHOOK_TOKEN") ?? "",
      dedup: kvWebhookDedupStore(kv),
      onEvent: (event) => record(kv, event),
      onError: (error, event) =>
        // deno-lint-ignore no-console -- Deploy's logs are where this should show
        console.error(`${event ? `${event.type} ${event.id}: ` : ""}${(error as Error).message}`),
    });
  })().catch((error) => {
    handler = undefined; // such as LAMBDA_WEBHOOK_TOKEN not set: try again at the next request
    throw error;
  });
  return handler;
}

/** Logs `event` and keeps its ticket's state, unless a newer one is known. */
async function record(kv: Deno.Kv, event: WebhookEvent): Promise<void> {
  if (!isTicketEvent(event)) {
    log(`${event.type} ${event.id}: not a ticket event, ignored`);
    return;
  }
  const ticket = event.data;
  const key = ["tickets", ticket.id];
  for (;;) {
    const known = await kv.get<Known>(key);
    const line = `${event.type} ${ticket.id.slice(0, 8)} ${JSON.stringify(ticket.subject)}`;
    if (known.value && Date.parse(known.value.updated_at) > Date.parse(ticket.updated_at)) {
      log(`${line}: stale (${ticket.status}), kept ${known.value.status}`);
      return;
    }
    const state: Known = { status: ticket.status, updated_at: ticket.updated_at };
    if ((await kv.atomic().check(known).set(key, state).commit()).ok) {
      log(`${line}: ${ticket.status}`);
      return;
    }
  }
}

function log(line: string): void {
  // deno-lint-ignore no-console -- Deploy's logs are where this should show
  console.log(line);
}

export default {
  async fetch(request: Request): Promise<Response> {
    if (request.method === "GET" && new URL(request.url).pathname === "/") {
      return new Response("POST Lambda's ticket webhooks here\n");
    }
    try {
      return await (await getHandler())(request);
    } catch (error) {
      // The message names what is missing; it never holds the token.
      return new Response(`${(error as Error).message}\n`, { status: 500 });
    }
  },
} satisfies Deno.ServeDefaultExport;
