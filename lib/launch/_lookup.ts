// Looking for a launch whose outcome is unknown: its token, in listing after listing, until it is
// seen, time runs out, or a listing fails for good.

import { pollUntil } from "../_poll.ts";
import { look, type Reads } from "./_find.ts";
import type { InstanceOps } from "./_ops.ts";
import type { LookupSettings } from "./_settings.ts";
import type { LaunchLookupFailure } from "./errors.ts";

/** What a lookup found out: the launch's instances, one it cannot name, or nothing certain. */
export type LookupResult =
  | { ids: string[]; unusableIds: unknown[] }
  | { ids?: undefined; reason: Exclude<LaunchLookupFailure, "no-token">; lastError: unknown };

/** The lookup's window passed; `lastFailure` is the last transient failure of a listing. */
class WindowPassed extends Error {
  constructor(readonly lastFailure: unknown) {
    super("the lookup's window passed");
  }
}

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
  const reads: Reads = new Map();
  let unsure = false;
  let answered = false;
  try {
    return await pollUntil(
      ops.clock,
      { ...settings, signal: callerSignal },
      async (...[, , signal]) => {
        const seen = await look(ops, token, reads, { maxRetries: 0, signal });
        answered = true;
        unsure = seen.unsure;
        const ids = seen.found.map((instance) => instance.id);
        const known = ids.length > 0 || seen.unusableIds.length > 0;
        return known ? { value: { ids, unusableIds: seen.unusableIds } } : undefined;
      },
      (_, lastFailure) => new WindowPassed(lastFailure),
    );
  } catch (error) {
    if (!(error instanceof WindowPassed)) return { reason: "listing-failed", lastError: error };
    // "Not listed" would claim a look that never happened.
    const lastError = answered ? error.lastFailure : new Error(
      `no listing was answered before the lookup's ${
        Math.round(
          (callerSignal?.aborted
            ? Math.min(settings.afterAbortMs, settings.timeoutMs)
            : settings.timeoutMs) / 1000,
        )
      } s were up`,
      { cause: error.lastFailure },
    );
    const reason = unsure
      ? "untagged-listing"
      : lastError === undefined
      ? "not-listed"
      : "listing-failed";
    return { reason, lastError };
  }
}
