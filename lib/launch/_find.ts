// Finding a launch by its token: one look at a listing (and the instances it lists without tags),
// which is findByLaunchToken(), and the lookup after a lost answer, which looks until it shows.

import { pollUntil } from "../_poll.ts";
import { isRecord, isUsableId } from "../_validate.ts";
import type { RequestOptions } from "../options.ts";
import type { Instance } from "../types/instances.ts";
import type { InstanceOps } from "./_ops.ts";
import type { LaunchSettings } from "./_settings.ts";
import { checkLaunchToken, type LaunchPlan, showsToken } from "./_token.ts";
import {
  LaunchAbortedError,
  LaunchOutcomeUnknownError,
  UnidentifiedInstanceError,
} from "./errors.ts";

// A listing may leave tags out (the spec makes them optional); such instances are read one by
// one, up to this many per lookup, since each read takes a turn of the rate limit.
const MAX_READS_PER_LOOKUP = 20;

/** What one look shows of a launch token. */
interface Sighting {
  /** The instances that carry it, each once. */
  found: Instance[];
  /** The `id` fields (missing, empty, a number…) of listed instances that carry it. */
  unusableIds: unknown[];
  /** Whether some instance may carry it unseen: its tags were neither listed nor read. */
  unsure: boolean;
}

/**
 * Lists instances once and returns what the listing, or else reading the instances it lists
 * without tags, show of `token`. `reads` keeps what each read showed across the rounds of a lookup,
 * so that none is read twice; a read that fails is made again in a later round.
 */
async function look(
  ops: InstanceOps,
  token: string,
  reads: Map<string, "no" | "unknown">,
  options: RequestOptions,
): Promise<Sighting> {
  // A list, as the transport checks the answer's shape; its items are read with care.
  const listing = await ops.list(options);
  const found = new Map<string, Instance>();
  const unusableIds: unknown[] = [];
  const untagged: string[] = [];
  let unnamed = false;
  for (const item of listing) {
    if (!isRecord(item)) continue;
    const id = isUsableId(item.id) ? item.id : undefined;
    const shows = showsToken(item, token);
    if (shows === "unknown") {
      if (id === undefined) unnamed = true;
      else untagged.push(id);
    } else if (shows === "yes") {
      // One that carries the token but no usable id launched all the same: never dropped.
      if (id === undefined) unusableIds.push(item.id);
      else if (!found.has(id)) found.set(id, item as unknown as Instance);
    }
  }
  // What the listing shows is known: reads of untagged instances (a turn of the rate limit each)
  // are made only when it shows nothing, so that a sighting is never lost to a window running out.
  if (unusableIds.length > 0 || found.size > 0) {
    return { found: [...found.values()], unusableIds, unsure: false };
  }
  for (const id of untagged) {
    if (reads.has(id) || reads.size >= MAX_READS_PER_LOOKUP) continue;
    let instance: Instance;
    try {
      instance = await ops.get(id, options); // an object, as the transport checks
    } catch (error) {
      if (options.signal?.aborted) throw error;
      continue; // read again in a later round
    }
    const shows = showsToken(instance as unknown as Record<string, unknown>, token);
    // Found by a read, as the id it was read by: the launch is known, whatever the rest show.
    if (shows === "yes") return { found: [{ ...instance, id }], unusableIds: [], unsure: false };
    reads.set(id, shows);
  }
  const unsure = unnamed || untagged.some((id) => reads.get(id) !== "no");
  return { found: [], unusableIds: [], unsure };
}

/**
 * `client.instances.findByLaunchToken()`: the instances that carry `token` (one look). Throws
 * when one is listed without a usable id, since an empty answer would say it did not launch, and
 * when none is seen and some instance's tags could not be, since it then cannot tell.
 */
export async function findByLaunchToken(
  ops: InstanceOps,
  token: string,
  options: RequestOptions,
): Promise<Instance[]> {
  checkLaunchToken("find launch", "token", token);
  const { found, unusableIds, unsure } = await look(ops, token, new Map(), options);
  if (unusableIds.length > 0) {
    throw new UnidentifiedInstanceError({
      launchToken: token,
      listedIds: unusableIds,
      instanceIds: found.map((instance) => instance.id),
    });
  }
  if (unsure) {
    throw new LaunchOutcomeUnknownError({ launchToken: token, reason: "untagged-listing" });
  }
  return found;
}

/**
 * Settles the launch `plan` sent, whose outcome `failure` left unknown, by looking for its token
 * within `lookup`'s window (each listing sent once: the lookup itself looks again). Returns the ids
 * found, or throws what it found out: an abort, one without a usable id, or an outcome unknown.
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
  const reads = new Map<string, "no" | "unknown">();
  let last: Sighting | undefined; // the last look that was answered
  const seen = await pollUntil(
    ops.clock,
    { ...lookup, signal: callerSignal },
    async (...[, , signal]) => {
      last = await look(ops, token, reads, { maxRetries: 0, signal });
      return last.found.length > 0 || last.unusableIds.length > 0 ? { value: last } : undefined;
    },
    (_, lastFailure) => {
      // "Not listed" would claim a look that never happened.
      const windowMs = Math.min(aborted() ? lookup.afterAbortMs : Infinity, lookup.timeoutMs);
      const lastError = last ? lastFailure : new Error(
        `no listing was answered before the lookup's ${Math.round(windowMs / 1000)} s were up`,
        { cause: lastFailure },
      );
      if (last?.unsure) return unknown("untagged-listing", lastError);
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
