/**
 * A whole webhook endpoint: `webhookHandler()` makes the `fetch` handler that receives Lambda's
 * webhooks, hands each event to your code once, and answers so that a sender that retries does
 * so only when it should.
 *
 * @module
 */

import { callSafely } from "../_callback.ts";
import { describeValue } from "../_validate.ts";
import type { WebhookEvent } from "../types/webhooks.ts";
import type { WebhookClaim } from "./dedup_store.ts";
import { WebhookError } from "./errors.ts";
import type { WebhookHandlerOptions } from "./options.ts";
import { checkReceiveOptions, receive } from "./_receive.ts";

/**
 * Makes a `fetch` handler (for `Deno.serve`, `deno serve`, Deno Deploy, Workers or Bun) that
 * receives Lambda's webhooks. Each request is checked as `receiveWebhook()` checks it, and a
 * refusal is answered with its status (401, 405, 413, 415 or 400) and a short plain-text body.
 * Then, with a `dedup` store, the event's `id` is claimed: an event handled already is answered
 * 200 without calling `onEvent`, one that another receiver is handling right now 409 (so that a
 * sender that retries sends it again later). Then `onEvent` is called and awaited: 200 when it
 * resolves (and the event is marked handled), 500 when it throws (and the claim is given up, so
 * that the next delivery handles it again). A store that fails answers 500 too. Every failure is
 * told to `onError`; no answer ever holds the token, or the message of an error `onEvent` threw.
 *
 * @param options The token, what to do with each event, the de-duplication store, the error hook.
 * @returns The handler.
 * @throws {TypeError | RangeError} When an option is invalid.
 *
 * @example Serve it, de-duplicating on Deno KV
 * ```ts ignore
 * // deno serve --unstable-kv --allow-env=LAMBDA_WEBHOOK_TOKEN hooks.ts
 * import { kvWebhookDedupStore, webhookHandler } from "@lambda-cloud/client";
 *
 * export default {
 *   fetch: webhookHandler({
 *     token: Deno.env.get("LAMBDA_WEBHOOK_TOKEN")!,
 *     dedup: kvWebhookDedupStore(await Deno.openKv()),
 *     onEvent: (event) => console.log(`${event.type} ${event.id}`),
 *     onError: (error) => console.error(error),
 *   }),
 * } satisfies Deno.ServeDefaultExport;
 * ```
 *
 * @example Call it in a test
 * ```ts
 * import { webhookHandler } from "@lambda-cloud/client";
 *
 * const seen: string[] = [];
 * const handle = webhookHandler({ token: "s3cret", onEvent: (event) => void seen.push(event.type) });
 * const answer = await handle(
 *   new Request("https://example.com/hooks", {
 *     method: "POST",
 *     headers: { authorization: "Bearer s3cret", "content-type": "application/json" },
 *     body: JSON.stringify({
 *       id: "e1",
 *       object: "event",
 *       type: "account.updated",
 *       created: 1700000000,
 *       api_version: "2025-11-18",
 *       data: {},
 *     }),
 *   }),
 * );
 * console.log(answer.status, seen); // 200 [ "account.updated" ]
 * ```
 */
export function webhookHandler(
  options: WebhookHandlerOptions,
): (request: Request) => Promise<Response> {
  const action = "create webhook handler";
  const settings = checkReceiveOptions(action, options);
  const { onEvent, dedup, onError } = options;
  if (typeof onEvent !== "function") {
    throw new TypeError(
      `Cannot ${action}: 'onEvent' must be a function, received ${describeValue(onEvent)}`,
    );
  }
  if (dedup !== undefined && typeof dedup?.claim !== "function") {
    throw new TypeError(
      `Cannot ${action}: 'dedup' must be a store with a claim() method, received ${
        describeValue(dedup)
      }`,
    );
  }
  if (onError !== undefined && typeof onError !== "function") {
    throw new TypeError(
      `Cannot ${action}: 'onError' must be a function, received ${describeValue(onError)}`,
    );
  }
  const report = (error: unknown, event: WebhookEvent | undefined) =>
    callSafely(onError && ((failure: unknown) => onError(failure, event)), error);

  return async (request) => {
    let event: WebhookEvent;
    try {
      event = await receive(request, settings);
    } catch (error) {
      report(error, undefined);
      return error instanceof WebhookError ? error.toResponse() : answer(500, "internal error");
    }
    let claim: WebhookClaim | undefined;
    try {
      claim = await dedup?.claim(event.id);
    } catch (error) {
      report(error, event);
      return answer(500, "cannot tell whether the event was handled already");
    }
    if (claim !== undefined && claim.status !== "claimed") {
      return claim.status === "done"
        ? answer(200, "duplicate: the event was handled already")
        : answer(409, "the event is being handled: send it later");
    }
    try {
      await onEvent(event);
    } catch (error) {
      report(error, event);
      await claim?.release().catch((failure) => report(failure, event));
      return answer(500, "the event's handler failed");
    }
    await claim?.complete().catch((failure) => report(failure, event));
    return answer(200, "ok");
  };
}

function answer(status: number, text: string): Response {
  return new Response(`${text}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}
