/**
 * Receiving one webhook from Lambda in any `fetch`-style handler (`Deno.serve`, Deno Deploy,
 * Workers, Bun, Node's `Request`): checked, authenticated and parsed, or refused with a typed error.
 *
 * @module
 */

import type { WebhookEvent } from "../types/webhooks.ts";
import { checkReceiveOptions, receive } from "./_receive.ts";
import type { ReceiveWebhookOptions } from "./options.ts";

/**
 * Reads the event a webhook request carries, after checking, in this order, that it is a POST
 * (else {@linkcode WebhookMethodError}, 405), that it carries the expected bearer token (else
 * {@linkcode WebhookAuthError}, 401: compared in constant time, before any of the body is read),
 * that its body is JSON (else {@linkcode WebhookMediaTypeError}, 415) of at most `maxBodyBytes`
 * (else {@linkcode WebhookTooLargeError}, 413: counted as it is read), and that the JSON is shaped
 * like an event (else {@linkcode WebhookPayloadError}, 400). Each refusal's `toResponse()` is the
 * answer to send. An event of a type this client does not know is returned as it came.
 *
 * It does not de-duplicate: `webhookHandler()` does, and answers for you.
 *
 * @param request The request, as a `fetch` handler gets it.
 * @param options The expected token, and the largest body to read.
 * @returns The event.
 * @throws {TypeError | RangeError} When an option is invalid, before the request is looked at.
 * @throws {WebhookError} When the request is refused: one subclass per reason.
 *
 * @example A Deno.serve handler that logs each event's type
 * ```ts
 * import { receiveWebhook, WebhookError } from "@lambda-cloud/client";
 *
 * async function handle(request: Request): Promise<Response> {
 *   try {
 *     const event = await receiveWebhook(request, { token: "s3cret" });
 *     console.log(event.type, event.id);
 *     return new Response("ok");
 *   } catch (error) {
 *     if (error instanceof WebhookError) return error.toResponse();
 *     throw error;
 *   }
 * }
 * const answer = await handle(
 *   new Request("https://example.com/hooks", {
 *     method: "POST",
 *     headers: { authorization: "Bearer wrong", "content-type": "application/json" },
 *     body: "{}",
 *   }),
 * );
 * console.log(answer.status); // 401
 * ```
 */
export async function receiveWebhook(
  request: Request,
  options: ReceiveWebhookOptions,
): Promise<WebhookEvent> {
  return await receive(request, checkReceiveOptions("receive webhook", options));
}
