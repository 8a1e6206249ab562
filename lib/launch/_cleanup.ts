// Cleaning up after a launch-and-wait: the extras a gateway made by sending a launch on twice, and
// whatever the launch made when the wait fails, terminated and seen terminating.

import { Deadline } from "../_deadline.ts";
import { NotFoundError } from "../errors.ts";
import { findByLaunchToken } from "./_find.ts";
import type { InstanceOps } from "./_ops.ts";
import { unique } from "./_send.ts";
import { LaunchWaitError, UnidentifiedInstanceError } from "./errors.ts";

/** One launch-and-wait's launch, as its cleanup needs it. */
export interface Launched {
  ops: InstanceOps;
  token: string;
  /** Whether the token was made for this launch: only then are extras looked for. */
  fresh: boolean;
  terminateOnFailure: boolean;
}

// How long cleanup keeps trying to terminate and to see it, requests in flight included.
const CLEANUP_MS = 60_000;
const CLEANUP_INTERVAL_MS = 5000;
// How long the listing by token that looks for extras may take, retries included.
const EXTRAS_LOOKUP_MS = 30_000;
const GONE: ReadonlySet<string> = new Set(["terminating", "terminated"]);

/**
 * The running instances carrying the token that no answer named (`known`): a gateway that sends
 * the launch on twice and hands back one answer leaves such an extra. Only a fresh token tells
 * them from others. Bounded by `signal` and a time of its own; a listing that cannot tell finds
 * none, and one that shows the token on an instance without a usable id throws: it bills.
 */
export async function extras(
  launched: Launched,
  known: readonly string[],
  signal: AbortSignal | undefined,
): Promise<string[]> {
  if (!launched.fresh) return [];
  const deadline = new Deadline(launched.ops.clock, EXTRAS_LOOKUP_MS);
  try {
    const bound = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
    const listed = await findByLaunchToken(launched.ops, launched.token, { signal: bound });
    return unique(
      listed.filter((item) => !known.includes(item.id) && !GONE.has(item.status)).map((i) => i.id),
    );
  } catch (error) {
    signal?.throwIfAborted();
    if (error instanceof UnidentifiedInstanceError) throw error;
    return [];
  } finally {
    deadline.dispose();
  }
}

/**
 * `known` and the extras beside them, for a cleanup: not bound to the caller's signal (an abort
 * is what starts it). Beside one it cannot name, those it can are named.
 */
export async function withExtras(launched: Launched, known: readonly string[]): Promise<string[]> {
  const more = await extras(launched, known, undefined).catch((error: unknown) =>
    error instanceof UnidentifiedInstanceError ? error.instanceIds : []
  );
  return unique([...known, ...more]);
}

/** Why something a launch made cannot be terminated by the client. */
export function unnamedError(): Error {
  return new Error(
    "an instance listed with the launch token has no usable id to terminate it by: find it in " +
      "Lambda's console",
  );
}

/**
 * Terminates every instance of `ids` but the first (the one waited for); if that fails, all of
 * them, and throws, since what bills can no longer be told from what was asked for. Those seen in
 * a listing (`listed`) are gone when they answer 404.
 */
export async function terminateExtras(
  launched: Launched,
  ids: readonly string[],
  listed = false,
): Promise<void> {
  if (ids.length < 2) return;
  const cleared = await terminateAll(launched.ops, ids.slice(1), listed);
  if (cleared === true) return;
  const why =
    `Lambda made ${ids.length} instances for one launch, and terminating the extras failed`;
  throw await cleanUp(launched, ids, new Error(why, { cause: cleared }));
}

/**
 * Terminates what a failed launch-and-wait made, unless told not to, and says how it went.
 * `leftBilling` says why something it made cannot be terminated: then it is never "terminated".
 */
export async function cleanUp(
  launched: Launched,
  ids: readonly string[],
  failure: unknown,
  leftBilling?: Error,
): Promise<LaunchWaitError> {
  const { token } = launched;
  if (!launched.terminateOnFailure) {
    return new LaunchWaitError(ids, false, failure, leftBilling, token);
  }
  const cleared = await terminateAll(launched.ops, ids);
  return cleared === true && leftBilling === undefined
    ? new LaunchWaitError(ids, true, failure, undefined, token)
    : new LaunchWaitError(ids, false, failure, cleared === true ? leftBilling : cleared, token);
}

/**
 * Terminates `ids` and sees each one terminating, trying again for up to a minute: a fresh
 * instance can answer 404 for a moment, an answer that does not list one as terminating proves
 * nothing, and a failed terminate may have worked all the same. The minute bounds everything,
 * requests in flight included. Not bound to the caller's signal: an abort is exactly when cleanup
 * must happen. Resolves with `true`, or with why it could not confirm.
 */
async function terminateAll(
  ops: InstanceOps,
  ids: readonly string[],
  listed = false,
): Promise<unknown> {
  const deadline = new Deadline(ops.clock, CLEANUP_MS);
  const { signal } = deadline;
  const pending = new Set(ids);
  let lastError: unknown;
  const ending = async (id: string) => GONE.has((await ops.get(id, { signal })).status);
  try {
    while (!signal.aborted) {
      for (const id of [...pending]) {
        try {
          const answer = await ops.terminate([id], { signal });
          const seen = answer?.terminated_instances?.find?.((instance) => instance?.id === id);
          if ((seen && GONE.has(seen.status)) || await ending(id)) pending.delete(id);
        } catch (error) {
          if (signal.aborted) break; // the minute is up, with this request unanswered
          // One seen in a listing is past the moments a fresh instance answers 404: Lambda's own
          // "does not exist" means it is gone (a proxy's 404 page proves nothing).
          if (
            listed && error instanceof NotFoundError &&
            error.code === "global/object-does-not-exist"
          ) {
            pending.delete(id);
            continue;
          }
          lastError = error;
          // A terminate whose answer was lost is refused when sent again (SkyPilot #3410).
          if (await ending(id).catch(() => false)) pending.delete(id);
        }
      }
      if (pending.size === 0) return true;
      await ops.clock.sleep(Math.min(CLEANUP_INTERVAL_MS, deadline.remainingMs), signal).catch(
        () => {},
      );
      if (deadline.remainingMs <= 0) break;
    }
  } finally {
    deadline.dispose();
  }
  return lastError instanceof NotFoundError || lastError === undefined
    ? new Error(
      `could not see ${[...pending].join(", ")} terminating within ${CLEANUP_MS / 1000} s`,
    )
    : lastError;
}
