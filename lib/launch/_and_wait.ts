// Launch and wait: one instance, launched and waited on until it runs, with whatever the launch
// made terminated when it does not get there.

import { callSafely } from "../_callback.ts";
import { checkLaunchRequest } from "../_rules/instances.ts";
import { snapshotBody } from "../_validate.ts";
import type { Instance, InstanceLaunchRequest } from "../types/instances.ts";
import { waitForInstance } from "../workflows/_wait.ts";
import { Launched } from "./_cleanup.ts";
import type { InstanceOps } from "./_ops.ts";
import { launchOnce } from "./_send.ts";
import { launchAndWaitSettings } from "./_settings.ts";
import { planLaunch } from "./_token.ts";
import { LaunchAbortedError, UnidentifiedInstanceError } from "./errors.ts";
import type { LaunchAndWaitOptions } from "./options.ts";

// A just-launched instance can answer 404 for a moment before it is readable.
const NOT_FOUND_GRACE_MS = 30_000;

/** `client.instances.launchAndWait()`: a failure once the launch is sent is a `LaunchWaitError`. */
export async function launchAndWait(
  ops: InstanceOps,
  body: InstanceLaunchRequest,
  options?: LaunchAndWaitOptions,
): Promise<Instance> {
  const settings = launchAndWaitSettings("launch and wait", options, ops.attemptTimeoutMs);
  const checked = snapshotBody("launch instance", body);
  checkLaunchRequest(checked);
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
