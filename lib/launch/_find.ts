// Finding the instances that carry a launch token: one listing, read with care (it comes off the
// network), and a read by id of each instance it lists without tags. The one scan behind the
// lookup after a lost answer, findByLaunchToken(), and the sweep for extras.

import { isRecord, isUsableId } from "../_validate.ts";
import type { RequestOptions } from "../options.ts";
import type { Instance } from "../types/instances.ts";
import type { InstanceOps } from "./_ops.ts";
import { checkLaunchToken, showsToken } from "./_token.ts";
import { LaunchOutcomeUnknownError, UnidentifiedInstanceError } from "./errors.ts";

// A listing may leave tags out (the spec makes them optional); such instances are read one by
// one, up to this many per lookup, since each read takes a turn of the rate limit.
const MAX_READS_PER_LOOKUP = 20;

/**
 * What reading untagged instances by id found out, kept across the rounds of one lookup so that
 * each is read at most once: another instance, one still without tags, or one that carries it.
 */
export type Reads = Map<string, "other" | "untagged" | Instance>;

/** What one look shows of a launch token. */
export interface Sighting {
  /** The instances that carry it, each once. */
  found: Instance[];
  /** The `id` fields (missing, empty, a number…) of listed instances that carry it. */
  unusableIds: unknown[];
  /** Whether some instance may carry it unseen: its tags were neither listed nor read. */
  unsure: boolean;
}

/**
 * Lists instances once with `options` and returns what the listing, or else reading the instances
 * it lists without tags, show of `token`: the first sighting ends the look. A read that fails is
 * tried again in a later round (with the same `reads`); an abort ends the reading.
 */
export async function look(
  ops: InstanceOps,
  token: string,
  reads: Reads,
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
    if (!reads.has(id) && reads.size < MAX_READS_PER_LOOKUP) {
      const read = await readTags(ops, id, token, options);
      if (read !== undefined) reads.set(id, read);
    }
    const read = reads.get(id);
    // Found by a read: the launch is known, whatever the rest would show.
    if (typeof read === "object") return { found: [read], unusableIds, unsure: false };
  }
  const unsure = unnamed || untagged.some((id) => reads.get(id) !== "other");
  return { found: [...found.values()], unusableIds, unsure };
}

/** What reading instance `id` shows of `token`; `undefined` when the read failed, to try again. */
async function readTags(
  ops: InstanceOps,
  id: string,
  token: string,
  options: RequestOptions,
): Promise<"other" | "untagged" | Instance | undefined> {
  let instance: Instance;
  try {
    instance = await ops.get(id, options); // an object, as the transport checks
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return undefined;
  }
  const shows = showsToken(instance as unknown as Record<string, unknown>, token);
  // Read by `id`: that is its id, whatever the answer's own field says.
  return shows === "no" ? "other" : shows === "unknown" ? "untagged" : { ...instance, id };
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
  if (found.length === 0 && unsure) {
    throw new LaunchOutcomeUnknownError({
      launchToken: token,
      request: undefined,
      reason: "untagged-listing",
    });
  }
  return found;
}
