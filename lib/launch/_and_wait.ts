// Launch and wait: one instance, launched and waited on until it runs, and what the launch made
// (extras a gateway made by sending it on twice included) terminated when it does not get there.

import { callSafely } from "../_callback.ts";
import { Deadline } from "../_deadline.ts";
import { NotFoundError } from "../errors.ts";
import { checkLaunchRequest } from "../_rules/instances.ts";
import { snapshotBody } from "../_validate.ts";
import type { Instance, InstanceLaunchRequest } from "../types/instances.ts";
import { ENDING } from "../workflows/_terminate.ts";
import { waitForInstance } from "../workflows/_wait.ts";
import { findByLaunchToken } from "./_find.ts";
import type { InstanceOps } from "./_ops.ts";
import { launchOnce } from "./_send.ts";
import { launchAndWaitSettings } from "./_settings.ts";
import { type LaunchPlan, planLaunch } from "./_token.ts";
import { LaunchAbortedError, LaunchWaitError, UnidentifiedInstanceError } from "./errors.ts";
import type { LaunchAndWaitOptions } from "./options.ts";

// A just-launched instance can answer 404 for a moment before it is readable.
const NOT_FOUND_GRACE_MS = 30_000;

/** `client.instances.launchAndWait()`: a failure once the launch is sent is a `LaunchWaitError`. */
export async function launchAndWait(
  ops: InstanceOps,
  body: InstanceLaunchRequest,
  options?: LaunchAndWaitOptions,
): Promise<Instance> {
  const checked = snapshotBody("launch instance", body);
  checkLaunchRequest(checked);
  const settings = launchAndWaitSettings(options, ops.attemptTimeoutMs, checked);
  const plan = planLaunch(checked, settings.launchToken);
  const launched = new Launched(ops, plan, settings.terminateOnFailure);
  const { wait } = settings;
  // `timeout` bounds the whole call: a lookup after a lost answer comes out of the wait's time.
  const started = ops.clock.now();
  let ids: string[];
  try {
    ids = (await launchOnce(ops, plan, settings)).instance_ids;
  } catch (error) {
    // What the lookup found is cleaned up; beside one without a usable id, those with one.
    const found = error instanceof LaunchAbortedError || error instanceof UnidentifiedInstanceError
      ? error.instanceIds
      : [];
    if (found.length === 0) throw error;
    throw await launched.cleanUp(found, error);
  }
  callSafely(settings.onLaunched, [...ids]);
  const id = ids[0]!;
  // More than the one instance asked for: the launch went upstream twice, and the extras go now.
  await launched.terminateExtras(ids);
  let instance: Instance;
  let more: string[];
  try {
    const spent = ops.clock.now() - started;
    if (spent >= wait.timeoutMs) {
      throw new Error(
        `its launch was found only ${Math.round(spent / 1000)} s after it was sent, past the ` +
          `'timeout' of ${Math.round(wait.timeoutMs / 1000)} s`,
      );
    }
    instance = (await waitForInstance(id, (signal) => ops.get(id, { signal }), ops.clock, {
      ...wait,
      timeoutMs: wait.timeoutMs - spent,
      notFoundGraceMs: NOT_FOUND_GRACE_MS,
    }))!;
    more = await launched.extras(ids, wait.signal);
  } catch (error) {
    // Failed or aborted: cleaned up with what the token finds, or lists beside one it cannot name.
    if (error instanceof UnidentifiedInstanceError) {
      throw await launched.cleanUp([id, ...error.instanceIds], error, false);
    }
    throw await launched.cleanUp([id], error);
  }
  await launched.terminateExtras([id, ...more], true);
  return instance;
}

// How long cleanup keeps trying to terminate and to see it, requests in flight included.
const CLEANUP_MS = 60_000;
const CLEANUP_INTERVAL_MS = 5000;
// How long the listing by token that looks for extras may take, retries included.
const EXTRAS_LOOKUP_MS = 30_000;
const UNNAMED =
  "an instance listed with the launch token has no usable id to terminate it by: find it in Lambda's console";

/** What a launch-and-wait launched, as its cleanup needs it: its ops, its plan, and what to do. */
class Launched {
  constructor(
    readonly ops: InstanceOps,
    readonly plan: LaunchPlan,
    readonly terminateOnFailure: boolean,
  ) {}

  /**
   * The running instances with the token that `known` does not name, when the token is fresh
   * (only then are they this launch's). Bounded by `signal` and a time of its own: a listing that
   * cannot tell finds none, and one that lists the token without a usable id throws: it bills.
   */
  async extras(known: readonly string[], signal?: AbortSignal): Promise<string[]> {
    if (!this.plan.fresh) return [];
    const deadline = new Deadline(this.ops.clock, EXTRAS_LOOKUP_MS);
    try {
      const bound = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
      // A fresh token is one the launch was given, never undefined.
      const listed = await findByLaunchToken(this.ops, this.plan.token!, { signal: bound });
      const running = listed.filter((item) => !known.includes(item.id) && !ENDING.has(item.status));
      return running.map((item) => item.id);
    } catch (error) {
      signal?.throwIfAborted();
      if (error instanceof UnidentifiedInstanceError) throw error;
      return [];
    } finally {
      deadline.dispose();
    }
  }

  /**
   * Terminates every instance of `ids` but the first (the one waited for); if that fails, all of
   * them, and throws, since what bills can no longer be told from what was asked for. Those seen
   * in a listing (`listed`) are gone when they answer 404.
   */
  async terminateExtras(ids: readonly string[], listed = false): Promise<void> {
    if (ids.length < 2) return;
    const cleared = await this.#terminateAll(ids.slice(1), listed);
    if (cleared === true) return;
    const why =
      `Lambda made ${ids.length} instances for one launch, and terminating the extras failed`;
    throw await this.cleanUp(ids, new Error(why, { cause: cleared }), false);
  }

  /**
   * Terminates what the launch made (`ids`, and the extras beside them unless told not to `sweep`)
   * as `terminateOnFailure` says, and says how it went. Not bound to the caller's signal: an abort
   * is what starts it. A `failure` that is an instance without a usable id still bills.
   */
  async cleanUp(ids: readonly string[], failure: unknown, sweep = true): Promise<LaunchWaitError> {
    // Without a signal, a sweep fails only on one it cannot name, and names the others beside it.
    const more = sweep
      ? await this.extras(ids).catch((error: UnidentifiedInstanceError) => error.instanceIds)
      : [];
    const all = [...new Set([...ids, ...more])];
    const { token } = this.plan;
    const unnamed = failure instanceof UnidentifiedInstanceError ? new Error(UNNAMED) : undefined;
    if (!this.terminateOnFailure) return new LaunchWaitError(all, false, failure, unnamed, token);
    const cleared = await this.#terminateAll(all);
    const terminated = cleared === true && unnamed === undefined;
    const cleanupError = cleared === true ? unnamed : cleared;
    return new LaunchWaitError(all, terminated, failure, cleanupError, token);
  }

  /**
   * Terminates `ids` and sees each one terminating, trying again for up to a minute: a fresh
   * instance can answer 404 for a moment, an answer that does not list one as terminating proves
   * nothing, and a failed terminate may have worked all the same. The minute bounds everything,
   * requests in flight included. Resolves with `true`, or with why it could not confirm.
   */
  async #terminateAll(ids: readonly string[], listed = false): Promise<unknown> {
    const deadline = new Deadline(this.ops.clock, CLEANUP_MS);
    const { signal } = deadline;
    const pending = new Set(ids);
    let lastError: unknown;
    const ending = async (id: string) => ENDING.has((await this.ops.get(id, { signal })).status);
    try {
      while (!signal.aborted) {
        for (const id of [...pending]) {
          try {
            const answer = await this.ops.terminate([id], { signal });
            const seen = answer?.terminated_instances?.find?.((instance) => instance?.id === id);
            if ((seen && ENDING.has(seen.status)) || await ending(id)) pending.delete(id);
          } catch (error) {
            if (signal.aborted) break; // the minute is up, with this request unanswered
            // One seen in a listing is past the moments a fresh instance answers 404: Lambda's own
            // "does not exist" means it is gone (a proxy's 404 page proves nothing).
            const gone = listed && error instanceof NotFoundError &&
              error.code === "global/object-does-not-exist";
            if (!gone) lastError = error;
            // A terminate whose answer was lost is refused when sent again (SkyPilot #3410).
            if (gone || await ending(id).catch(() => false)) pending.delete(id);
          }
        }
        if (pending.size === 0) return true;
        const pause = Math.min(CLEANUP_INTERVAL_MS, deadline.remainingMs);
        await this.ops.clock.sleep(pause, signal).catch(() => {});
        if (deadline.remainingMs <= 0) break;
      }
    } finally {
      deadline.dispose();
    }
    if (lastError !== undefined && !(lastError instanceof NotFoundError)) return lastError;
    const unseen = [...pending].join(", ");
    return new Error(`could not see ${unseen} terminating within ${CLEANUP_MS / 1000} s`);
  }
}
