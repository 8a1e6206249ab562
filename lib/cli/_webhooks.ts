// `lambda webhooks listen`: a receiver of Lambda's ticket webhooks on 127.0.0.1, for developing a
// handler against the emulator (or a tunnel to Lambda). It is the library's webhookHandler(): the
// same checks and refusals, without de-duplication, since it shows every delivery. The token comes
// from LAMBDA_WEBHOOK_TOKEN only: a flag would put it in the shell's history.

import { isTicketEvent, WebhookError, type WebhookEvent, webhookHandler } from "../../mod.ts";
import { UsageError } from "./_args.ts";
import { type Command, type CommandContext, flag, integer } from "./_command.ts";
import { EXIT } from "./_exit.ts";
import { remark } from "./_output.ts";
import { CliError } from "./_report.ts";

const TOKEN_VARIABLE = "LAMBDA_WEBHOOK_TOKEN";

/** The token the webhooks carry, from the environment. */
function readToken(context: CommandContext): string {
  let token: string | undefined;
  try {
    token = context.io.env(TOKEN_VARIABLE);
  } catch (error) {
    throw new CliError(
      `cannot read ${TOKEN_VARIABLE}: ${error instanceof Error ? error.message : String(error)}`,
      EXIT.usage,
      `Deno lets lambda read only the variables of its --allow-env: install it again with ${TOKEN_VARIABLE} added there`,
    );
  }
  if (token === undefined || token === "") {
    throw new UsageError(
      `set ${TOKEN_VARIABLE} to the token the webhooks carry (it is not taken as a flag, which would land in the shell's history)`,
    );
  }
  return token;
}

/** `--forward-to`, checked: an http or https URL. */
function forwardTarget(context: CommandContext): string | undefined {
  const given = flag(context.args, "forward-to");
  if (given === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(given);
  } catch {
    // said below
  }
  if (url?.protocol !== "http:" && url?.protocol !== "https:") {
    throw new UsageError(`option '--forward-to' must be an http or https URL, received '${given}'`);
  }
  return url.href;
}

/** One line about `event`, for people. */
function describe(event: WebhookEvent): string {
  const when = new Date(event.created * 1000).toISOString();
  const about = isTicketEvent(event)
    ? `ticket ${event.data.id} ${event.data.status}: ${event.data.subject}`
    : "(not a ticket event)";
  return `${when}  ${event.type}  ${event.id}  ${about}`;
}

async function listen(context: CommandContext): Promise<never> {
  const { io, json, signal } = context;
  const token = readToken(context);
  const forwardTo = forwardTarget(context);
  const port = integer(context.args, "port") ?? 0;
  if (port > 65_535) {
    throw new UsageError(`option '--port' must be at most 65535, received ${port}`);
  }
  const forward = async (event: WebhookEvent) => {
    const response = await fetch(forwardTo!, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(event),
      signal,
    });
    await response.body?.cancel();
    remark(io, json, "note", `forwarded ${event.id} to ${forwardTo}: ${response.status}`);
    // Not taken: the sender is answered 500, and tries again if it retries.
    if (!response.ok) throw new Error(`${forwardTo} answered ${response.status}`);
  };
  const handle = webhookHandler({
    token,
    onEvent: async (event) => {
      io.stdout(json ? JSON.stringify(event) : describe(event));
      if (forwardTo !== undefined) await forward(event);
    },
    onError: (error, event) =>
      remark(
        io,
        json,
        "warning",
        error instanceof WebhookError
          ? `refused a request (${error.status}): ${error.message}`
          : `forwarding ${event?.id} failed: ${error instanceof Error ? error.message : error}`,
      ),
  });
  // The command line runs on Deno: the one server it starts is Deno's own.
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port,
    signal,
    onListen: (address) =>
      remark(
        io,
        json,
        "note",
        `listening for webhooks on http://127.0.0.1:${address.port}/ (Ctrl-C to stop)`,
      ),
  }, handle);
  await server.finished;
  // Only an interrupt ends it: exit 130, as for any command stopped by Ctrl-C.
  signal.throwIfAborted();
  throw new CliError("the webhook server stopped", EXIT.failed);
}

/** The webhook commands. */
export const WEBHOOK_COMMANDS: Command[] = [{
  name: ["webhooks", "listen"],
  summary:
    "Receive ticket webhooks on 127.0.0.1 and print each event (token: LAMBDA_WEBHOOK_TOKEN)",
  local: true,
  quiet: false,
  flags: {
    port: { kind: "string", value: "N", help: "the port to listen on (default 0: a free one)" },
    "forward-to": {
      kind: "string",
      value: "URL",
      help: "post each event on to URL too, with the same token; its failure answers 500",
    },
  },
  examples: [
    "LAMBDA_WEBHOOK_TOKEN=dev_token lambda webhooks listen --port 8000 --json",
    "deno task emulator --webhook-url http://127.0.0.1:8000/ --webhook-token dev_token",
  ],
  run: listen,
}];
