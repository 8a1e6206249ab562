/**
 * Webhook events remembered in Deno KV, so that every receiver that opens the same KV (processes
 * on one machine sharing a file, Deno Deploy isolates in every region) handles an event once.
 *
 * @module
 */

import { checkNonNegativeNumber } from "../_validate.ts";
import { type KvLike, retryWhileLocked } from "../kv_rate_limit_store.ts";
import type { WebhookClaim, WebhookDedupStore } from "./dedup_store.ts";

/** Options of {@linkcode kvWebhookDedupStore}. */
export interface KvWebhookDedupStoreOptions {
  /**
   * The key prefix under which events are kept, one entry per event id.
   * @default {["lambda-cloud-client", "webhook-events"]}
   */
  prefix?: readonly string[];
  /**
   * How long a claim holds, in milliseconds: a receiver that has neither completed nor released
   * an event by then (it died, or its handler is still running) loses it to the next delivery.
   * Keep it longer than your `onEvent` ever takes.
   * @default {60000}
   */
  leaseMs?: number;
  /**
   * How long a handled event is remembered, in milliseconds: a delivery of it after that is
   * handled again. Lambda does not say how long it may redeliver; a week is a guess on the safe
   * side.
   * @default {604800000} (7 days)
   */
  keepMs?: number;
  /**
   * How long to keep trying when a local KV file answers "database is locked", in milliseconds.
   * @default {1000}
   */
  lockedRetryMs?: number;
  /** Where the time comes from, to tell a lease that ran out. @default Date.now */
  clock?: { now(): number };
}

/** An event's entry: claimed until `until` by `by`, or handled. */
type Entry = { state: "running"; until: number; by: string } | { state: "done" };

const DEFAULT_PREFIX = ["lambda-cloud-client", "webhook-events"] as const;

/**
 * A {@linkcode WebhookDedupStore} on Deno KV: pass it as `dedup` to `webhookHandler()`. A claim is
 * KV's atomic check-and-set on the event's entry, so of two receivers that claim an event at once
 * one gets it; the entry expires with the claim's lease (`leaseMs`), or, once the event is
 * handled, after `keepMs`. The entry holds the claim's state, its end and a random id of the
 * claim, never the event. Opening the KV is the caller's: `Deno.openKv()` needs `--unstable-kv`
 * outside Deno Deploy, and a KV file read and write permission for it.
 *
 * @param kv An open `Deno.Kv`, or an object with the same `get` and `atomic`.
 * @param options The key prefix, the lease, how long handled events are kept, the clock.
 * @returns The store.
 * @throws {TypeError | RangeError} When `kv` lacks `get` or `atomic`, or an option is invalid.
 *
 * @example Handle each event once, on every isolate
 * ```ts ignore
 * // deno serve --unstable-kv --allow-env=LAMBDA_WEBHOOK_TOKEN hooks.ts
 * import { kvWebhookDedupStore, webhookHandler } from "@lambda-cloud/client";
 *
 * const dedup = kvWebhookDedupStore(await Deno.openKv());
 * export default {
 *   fetch: webhookHandler({
 *     token: Deno.env.get("LAMBDA_WEBHOOK_TOKEN")!,
 *     dedup,
 *     onEvent: (event) => console.log(event.type, event.id),
 *   }),
 * };
 * ```
 */
export function kvWebhookDedupStore(
  kv: KvLike,
  options: KvWebhookDedupStoreOptions = {},
): WebhookDedupStore {
  const action = "create webhook dedup store";
  if (
    typeof kv !== "object" || kv === null || typeof kv.get !== "function" ||
    typeof kv.atomic !== "function"
  ) {
    throw new TypeError(`Cannot ${action}: 'kv' must be an open Deno.Kv`);
  }
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  if (!Array.isArray(prefix) || !prefix.every((part) => typeof part === "string")) {
    throw new TypeError(`Cannot ${action}: 'prefix' must be an array of strings`);
  }
  const positive = (name: string, value: number) =>
    Math.max(1, Math.ceil(checkNonNegativeNumber(action, name, value)));
  const leaseMs = positive("leaseMs", options.leaseMs ?? 60_000);
  const keepMs = positive("keepMs", options.keepMs ?? 7 * 24 * 3_600_000);
  const lockedRetryMs = checkNonNegativeNumber(
    action,
    "lockedRetryMs",
    options.lockedRetryMs ?? 1000,
  );
  const clock = options.clock ?? { now: () => Date.now() };
  const locked = <T>(operation: () => Promise<T>) => retryWhileLocked(lockedRetryMs, operation);

  /** Writes `entry` over the claim `by` made, if it is still that claim. */
  const replaceClaim = (key: string[], by: string, entry: Entry, expireIn: number) =>
    locked(async () => {
      const held = await kv.get(key);
      if (!isClaimBy(held.value, by)) return; // its lease ran out, and another receiver has it
      await kv.atomic().check({ key, versionstamp: held.versionstamp })
        .set(key, entry, { expireIn }).commit();
    });

  return {
    claim: (eventId) =>
      locked(async (): Promise<WebhookClaim> => {
        const key = [...prefix, eventId];
        const held = await kv.get(key);
        const entry = readEntry(held.value);
        if (entry?.state === "done") return { status: "done" };
        if (entry?.state === "running" && entry.until > clock.now()) return { status: "running" };
        const by = crypto.randomUUID();
        const claimed: Entry = { state: "running", until: clock.now() + leaseMs, by };
        const { ok } = await kv.atomic().check({ key, versionstamp: held.versionstamp })
          .set(key, claimed, { expireIn: leaseMs }).commit();
        // Another receiver wrote first: it has the event now.
        if (!ok) return { status: "running" };
        return {
          status: "claimed",
          complete: () => replaceClaim(key, by, { state: "done" }, keepMs),
          // A claim whose lease has ended: the next delivery takes it over.
          release: () => replaceClaim(key, by, { state: "running", until: 0, by }, leaseMs),
        };
      }),
  };
}

/** The entry in `value`, or `undefined` if it is not one (another program wrote it, say). */
function readEntry(value: unknown): Entry | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { state, until, by } = value as Record<string, unknown>;
  if (state === "done") return { state };
  if (state === "running" && typeof until === "number" && typeof by === "string") {
    return { state, until, by };
  }
  return undefined;
}

function isClaimBy(value: unknown, by: string): boolean {
  const entry = readEntry(value);
  return entry?.state === "running" && entry.by === by;
}
