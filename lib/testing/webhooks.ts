/**
 * The webhooks the emulator sends: configured with `webhooks` in its options, it posts the spec's
 * ticket events (`ticket.created`, `ticket.status_changed`, `ticket.resolved`) to a URL, retries
 * a failed delivery, can deliver twice or late on demand, and keeps a record of every attempt.
 *
 * @module
 */

import type { WebhookEvent } from "../types/webhooks.ts";

/**
 * Where and how the emulator sends its webhooks.
 *
 * @example Deliver in-process, to a handler under test
 * ```ts
 * import { webhookHandler } from "@lambda-cloud/client";
 * import type { EmulatorWebhookOptions } from "@lambda-cloud/client/testing";
 *
 * const handle = webhookHandler({ token: "s3cret", onEvent: () => {} });
 * const webhooks: EmulatorWebhookOptions = {
 *   url: "https://hooks.example.com/lambda",
 *   token: "s3cret",
 *   fetch: handle,
 * };
 * ```
 */
export interface EmulatorWebhookOptions {
  /** The URL to post each event to. */
  url: string;
  /**
   * The token sent as `Authorization: Bearer <token>`.
   * @default "emulator_webhook_token"
   */
  token?: string;
  /**
   * What sends the requests: `globalThis.fetch` by default; a handler's own function delivers
   * in-process, with no socket.
   */
  fetch?: (request: Request) => Promise<Response>;
  /**
   * How many times a failed delivery (an answer other than 2xx, or none) is sent again.
   * @default 3
   */
  maxRetries?: number;
  /**
   * The wait before the first retry, in emulator milliseconds; it doubles with each retry after.
   * @default 1000
   */
  backoffMs?: number;
}

/**
 * What goes wrong with a delivery, on demand.
 *
 * - `duplicate`: the event is delivered twice, the second copy `delayMs` after the first (0 by
 *   default: right after it), as a sender that never heard the first answer would.
 * - `late`: the event is delivered `delayMs` late on the emulator's clock (10000 by default), so
 *   that events that follow it arrive first: out of order.
 *
 * @example The next status change arrives after the resolution that follows it
 * ```ts
 * import type { WebhookFaultRule } from "@lambda-cloud/client/testing";
 *
 * const rule: WebhookFaultRule = { kind: "late", eventType: "ticket.status_changed" };
 * ```
 */
export interface WebhookFaultRule {
  /** What goes wrong. */
  kind: "duplicate" | "late";
  /** Only events of these types; every event when left out. */
  eventType?: string | readonly string[];
  /** How many events it strikes. @default 1 */
  times?: number;
  /** For `duplicate`, the gap between the copies; for `late`, how late; emulator milliseconds. */
  delayMs?: number;
}

/**
 * A webhook fault that was injected: how often it struck, and a way to take it back.
 *
 * @example Count the events it struck
 * ```ts
 * import { LambdaEmulator } from "@lambda-cloud/client/testing";
 *
 * const emulator = new LambdaEmulator();
 * const fault = emulator.webhooks.inject({ kind: "duplicate", times: 2 });
 * console.log(fault.hits); // 0
 * fault.remove();
 * ```
 */
export interface WebhookFaultHandle {
  /** The rule, as injected. */
  readonly rule: Readonly<WebhookFaultRule>;
  /** How many events it has struck so far. */
  readonly hits: number;
  /** Stops it striking further events. */
  remove(): void;
}

/** One attempt to deliver an event, as `emulator.webhooks.deliveries` records it. */
export interface WebhookDelivery {
  /** The event sent. */
  readonly event: WebhookEvent;
  /** 1 for the first attempt at this copy of the event, 2 for its first retry, and so on. */
  readonly attempt: number;
  /** When it was sent, on the emulator's clock. */
  readonly at: number;
  /** The status of the answer; `null` when none came. */
  readonly status: number | null;
  /** Why no answer came, when none did. */
  readonly error?: string;
  /** Whether it was delivered: a 2xx answer. */
  readonly ok: boolean;
}

/**
 * `emulator.webhooks`: what the emulator delivered, faults for its deliveries, and a way to wait
 * for them. A delivery is sent when its event happens, in the background; a retry (or a `late`
 * fault's delivery) when the emulator's time reaches it: at the next `settle()`, and, on a served
 * emulator, within a quarter of a second. Without `webhooks` in the options, nothing is sent.
 *
 * @example Resolve a ticket, and see the events delivered
 * ```ts
 * import { LambdaCloudClient } from "@lambda-cloud/client";
 * import { LambdaEmulator } from "@lambda-cloud/client/testing";
 *
 * const received: string[] = [];
 * const emulator = new LambdaEmulator({
 *   rateLimit: false,
 *   webhooks: {
 *     url: "https://hooks.example.com/lambda",
 *     fetch: async (request) => {
 *       received.push((await request.json()).type);
 *       return new Response("ok");
 *     },
 *   },
 * });
 * const client = new LambdaCloudClient({ apiKey: emulator.apiKey, fetch: emulator.fetch, rateLimit: false });
 * const { id } = await client.tickets.create({ subject: "GPU fell off", description: "…", type: "service_request" });
 * await client.tickets.update(id, { status: "solved" });
 * await emulator.webhooks.settle();
 * console.log(received); // [ "ticket.created", "ticket.resolved" ]
 * ```
 */
export interface EmulatorWebhooks {
  /**
   * Every attempt so far, oldest first (up to the emulator's `requestLogLimit`, then the newest).
   */
  readonly deliveries: readonly WebhookDelivery[];
  /** How many deliveries wait for their time: retries, and `late` or `duplicate` copies. */
  readonly pending: number;
  /**
   * Adds a fault. Faults are tried in the order they were added; the first that matches strikes.
   *
   * @param rule Which events, and what goes wrong.
   * @returns A handle to count hits and remove the fault.
   * @throws {TypeError | RangeError} When the rule is invalid.
   */
  inject(rule: WebhookFaultRule): WebhookFaultHandle;
  /**
   * Sends every delivery whose time has come, and resolves once none is left to send now or
   * still on its way. Deliveries due later wait for the emulator's time (`advance()`).
   */
  settle(): Promise<void>;
}
