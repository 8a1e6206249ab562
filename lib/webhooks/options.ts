/**
 * The options of the webhook receiver: `receiveWebhook()` takes the first, `webhookHandler()` all.
 *
 * @module
 */

import type { WebhookEvent } from "../types/webhooks.ts";
import type { WebhookDedupStore } from "./dedup_store.ts";

/**
 * How `receiveWebhook()` tells a webhook from Lambda.
 *
 * @example Read the token from the environment (a Deno Deploy variable)
 * ```ts ignore
 * import type { ReceiveWebhookOptions } from "@lambda-cloud/client";
 *
 * const options: ReceiveWebhookOptions = { token: Deno.env.get("LAMBDA_WEBHOOK_TOKEN")! };
 * ```
 */
export interface ReceiveWebhookOptions {
  /**
   * The token Lambda sends as `Authorization: Bearer <token>`, as set where the webhook was
   * configured. Compared in constant time; never in an error or an answer.
   */
  token: string;
  /**
   * The largest body read, in bytes, counted as it is read; a larger one is refused with 413
   * without being read to the end.
   * @default 1048576 (1 MiB)
   */
  maxBodyBytes?: number;
}

/**
 * What `webhookHandler()` does with each event, and with what fails.
 *
 * @example Log each event once, across isolates
 * ```ts ignore
 * import { kvWebhookDedupStore, type WebhookHandlerOptions } from "@lambda-cloud/client";
 *
 * const options: WebhookHandlerOptions = {
 *   token: Deno.env.get("LAMBDA_WEBHOOK_TOKEN")!,
 *   dedup: kvWebhookDedupStore(await Deno.openKv()),
 *   onEvent: (event) => console.log(event.type, event.id),
 *   onError: (error) => console.error(error),
 * };
 * ```
 */
export interface WebhookHandlerOptions extends ReceiveWebhookOptions {
  /**
   * Called with each event received; the answer waits for it, so keep it short (queue slow work).
   * When it throws or rejects, the answer is 500, so that a sender that retries sends the event
   * again, and `onError` is told.
   */
  onEvent: (event: WebhookEvent) => void | Promise<void>;
  /**
   * Where events already handled are remembered, so that an event delivered again (the same
   * `id`) is answered 200 without calling `onEvent` twice, even by another process or isolate;
   * see `kvWebhookDedupStore()`. Without it, every delivery calls `onEvent`.
   */
  dedup?: WebhookDedupStore;
  /**
   * Told of every failure: a refused request (a `WebhookError`, with no event), a failed
   * `onEvent`, or a store that failed (with the event). Nothing is logged without it. Whatever it
   * throws is ignored.
   */
  onError?: (error: unknown, event: WebhookEvent | undefined) => void;
}
