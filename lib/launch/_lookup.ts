// Looking for a launch whose outcome is unknown: its token, in listing after listing, until it is
// seen, time runs out, or a listing fails for good.

import { Deadline } from "../_deadline.ts";
import { isRetryable, RETRY_IDEMPOTENT } from "../transport/_retry.ts";
import { look, type Reads } from "./_find.ts";
import type { InstanceOps } from "./_ops.ts";
import type { LookupSettings } from "./_settings.ts";
import type { LaunchLookupFailure } from "./errors.ts";

/** What a lookup found out: the launch's instances, one it cannot name, or nothing certain. */
export type LookupResult =
  | { ids: string[]; unusableIds: unknown[] }
  | { ids?: undefined; reason: Exclude<LaunchLookupFailure, "no-token">; lastError: unknown };

/**
 * Lists instances until one carries `token`, for `settings.timeoutMs`, or for at most
 * `settings.afterAbortMs` once `callerSignal` aborts (it may have aborted already). Each listing
 * goes through the rate limiter, once (a lookup polls again by itself); transient failures are
 * waited out. An instance listed with the token but without a usable id ends the lookup at once:
 * it launched, and cannot be named.
 */
export async function lookForLaunch(
  ops: InstanceOps,
  token: string,
  settings: LookupSettings,
  callerSignal: AbortSignal | undefined,
): Promise<LookupResult> {
  const { clock } = ops;
  const deadline = new Deadline(clock, settings.timeoutMs);
  const onAbort = () => deadline.shorten(settings.afterAbortMs);
  if (callerSignal?.aborted) onAbort();
  else callerSignal?.addEventListener("abort", onAbort, { once: true });
  let unsure = false;
  let lastError: unknown;
  let answered = false;
  const reads: Reads = new Map();
  try {
    for (;;) {
      try {
        const seen = await look(ops, token, reads, { maxRetries: 0, signal: deadline.signal });
        answered = true;
        const ids = seen.found.map((instance) => instance.id);
        if (seen.unusableIds.length > 0 || ids.length > 0) {
          return { ids, unusableIds: seen.unusableIds };
        }
        unsure = seen.unsure;
        lastError = undefined;
      } catch (error) {
        if (deadline.signal.aborted) {
          // "Not listed" would claim a look that never happened.
          if (!answered) {
            lastError = new Error(
              `no listing was answered before the lookup's ${
                Math.round(settings.timeoutMs / 1000)
              } s were up`,
              { cause: error },
            );
          }
          break;
        }
        lastError = error;
        if (!isRetryable(RETRY_IDEMPOTENT, error)) return { reason: "listing-failed", lastError };
      }
      const remaining = deadline.remainingMs;
      if (remaining <= 0) break;
      try {
        await clock.sleep(Math.min(settings.intervalMs, remaining), deadline.signal);
      } catch {
        break; // the deadline passed
      }
    }
  } finally {
    deadline.dispose();
    callerSignal?.removeEventListener("abort", onAbort);
  }
  const reason = unsure
    ? "untagged-listing"
    : lastError === undefined
    ? "not-listed"
    : "listing-failed";
  return { reason, lastError };
}
