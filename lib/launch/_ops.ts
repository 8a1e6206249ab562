// The instance operations that launch safety needs, on one client's transport: the one interface
// every launch, lookup, wait and cleanup goes through, built once per client.

import { isOutcomeUnknown } from "../transport/_retry.ts";
import type { SendTracker, Transport } from "../transport/_transport.ts";
import type { Clock } from "../clock.ts";
import type { RequestOptions } from "../options.ts";
import type { Instance, InstanceTerminateResponse } from "../types/instances.ts";

/** What launch safety needs from a client. */
export interface InstanceOps {
  /** The client's clock: every wait and deadline of a launch runs on it. */
  readonly clock: Clock;
  /** The client's attempt timeout, in milliseconds: a lookup lasts at least as long. */
  readonly attemptTimeoutMs: number;
  /**
   * Sends one launch, retried only after a refusal; `tracker` is told whether its last attempt
   * may have been acted on, and `hint` ends the message of a failure of unknown outcome.
   */
  launch(
    body: unknown,
    options: RequestOptions,
    tracker: SendTracker,
    hint: string | undefined,
  ): Promise<unknown>;
  /** Lists instances: the answer as it came, to be read with care. */
  list(options?: RequestOptions): Promise<unknown>;
  /** Reads one instance. */
  get(id: string, options?: RequestOptions): Promise<Instance>;
  /** Terminates instances, settling a failure that may hide a terminate carried out. */
  terminate(ids: string[], options?: RequestOptions): Promise<InstanceTerminateResponse>;
}

/** The instance operations of `transport`. */
export function instanceOps(transport: Transport): InstanceOps {
  const ops: InstanceOps = {
    clock: transport.clock,
    attemptTimeoutMs: transport.timeoutMs,
    launch: (body, options, tracker, hint) =>
      transport.call("launchInstance", { body }, options, {
        tracker,
        ...(hint === undefined ? {} : { ambiguityHint: hint }),
      }),
    list: (options) => transport.call("listInstances", {}, options),
    get: (id, options) => transport.call<Instance>("getInstance", { path: { id } }, options),
    terminate: (ids, options) => terminateSettled(transport, ops, ids, options),
  };
  return ops;
}

const ENDING: ReadonlySet<string> = new Set(["terminating", "terminated"]);

/**
 * Terminates `ids`. A terminate whose answer is lost is retried, and the retry meets instances
 * already terminating, which Lambda answers with a 500 `global/unknown` for the whole call: so
 * when the call fails in a way that may hide a terminate carried out, each instance is read, and
 * those `terminating` or `terminated` count as done. Any still running get one more terminate.
 * When none was found ending, or an instance cannot be read, the original error is thrown.
 */
async function terminateSettled(
  transport: Transport,
  ops: InstanceOps,
  ids: string[],
  options: RequestOptions | undefined,
): Promise<InstanceTerminateResponse> {
  const terminate = (some: string[]) =>
    transport.call<InstanceTerminateResponse>("terminateInstance", {
      body: { instance_ids: some },
    }, options);
  try {
    return await terminate(ids);
  } catch (error) {
    if (!isOutcomeUnknown(error)) throw error;
    const ending: Instance[] = [];
    const running: string[] = [];
    for (const id of ids) {
      let instance: Instance;
      try {
        instance = await ops.get(id, options);
      } catch (readError) {
        if (options?.signal?.aborted) throw readError;
        throw error; // the original failure says more than the check's
      }
      // A junk answer is not proof of anything: it counts as still running.
      if (ENDING.has(String(instance?.status))) ending.push(instance);
      else running.push(id);
    }
    if (ending.length === 0) throw error;
    if (running.length === 0) return { terminated_instances: ending };
    const rest = await terminate(running);
    // An answer without its list passes on as it came, with the instances found ending.
    const more: unknown = rest?.terminated_instances;
    return { ...rest, terminated_instances: [...ending, ...(Array.isArray(more) ? more : [])] };
  }
}
