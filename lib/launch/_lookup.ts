// Looking for a launch whose outcome is unknown: its token, in listing after listing, until it is
// seen, time runs out, or a listing fails for good.

import { pollUntil } from "../_poll.ts";
import { look, type Reads } from "./_find.ts";
import type { InstanceOps } from "./_ops.ts";
import type { LaunchSettings } from "./_settings.ts";
import type { LaunchPlan } from "./_token.ts";
import {
  LaunchAbortedError,
  LaunchOutcomeUnknownError,
  UnidentifiedInstanceError,
} from "./errors.ts";

/**
 * Settles the launch `plan` sent, whose outcome `failure` left unknown, by listing instances until
 * one carries its token: for `lookup.timeoutMs`, or at most `lookup.afterAbortMs` once the caller's
 * signal aborts (it may have already). Each listing takes a turn of the rate limiter and is sent
 * once; transient failures are waited out. Returns the ids found, or throws what it found out: an
 * abort, an instance without a usable id, or an outcome still unknown.
 */
export async function lookForLaunch(
  ops: InstanceOps,
  { body: request, token }: LaunchPlan,
  { lookup, request: { signal: callerSignal } }: LaunchSettings,
  failure: unknown,
): Promise<string[]> {
  const started = ops.clock.now();
  const aborted = () => callerSignal?.aborted === true;
  const unknown = (reason: LaunchOutcomeUnknownError["reason"], lookupError?: unknown) =>
    new LaunchOutcomeUnknownError({
      launchToken: token,
      request,
      reason,
      lookedForMs: ops.clock.now() - started,
      aborted: aborted(),
      lookupError,
    }, { cause: failure });
  if (token === undefined) throw unknown("no-token");
  const reads: Reads = new Map();
  let unsure = false;
  let answered = false;
  const seen = await pollUntil(
    ops.clock,
    { ...lookup, signal: callerSignal },
    async (...[, , signal]) => {
      const seen = await look(ops, token, reads, { maxRetries: 0, signal });
      answered = true;
      unsure = seen.unsure;
      return seen.found.length > 0 || seen.unusableIds.length > 0 ? { value: seen } : undefined;
    },
    (_, lastFailure) => {
      // "Not listed" would claim a look that never happened.
      const windowMs = Math.min(aborted() ? lookup.afterAbortMs : Infinity, lookup.timeoutMs);
      const lastError = answered ? lastFailure : new Error(
        `no listing was answered before the lookup's ${Math.round(windowMs / 1000)} s were up`,
        { cause: lastFailure },
      );
      if (unsure) return unknown("untagged-listing", lastError);
      return unknown(lastError === undefined ? "not-listed" : "listing-failed", lastError);
    },
  ).catch((error: unknown) => {
    throw error instanceof LaunchOutcomeUnknownError ? error : unknown("listing-failed", error);
  });
  const ids = seen.found.map((instance) => instance.id);
  if (seen.unusableIds.length > 0) {
    throw new UnidentifiedInstanceError({
      launchToken: token,
      request,
      listedIds: seen.unusableIds,
      instanceIds: ids,
      aborted: aborted(),
    }, { cause: failure });
  }
  if (aborted()) {
    throw new LaunchAbortedError({ instanceIds: ids, launchToken: token, request }, {
      cause: callerSignal?.reason,
    });
  }
  return ids;
}
