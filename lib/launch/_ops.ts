// The instance operations that launch safety needs, on one client's transport: the one interface
// every launch, lookup, wait and cleanup goes through, built once per client.

import type { CallExtras, Transport } from "../transport/_transport.ts";
import type { Clock } from "../clock.ts";
import { terminateSettled } from "../workflows/_terminate.ts";
import type { RequestOptions } from "../options.ts";
import type { Instance, InstanceTerminateResponse } from "../types/instances.ts";

/** What launch safety needs from a client. */
export interface InstanceOps {
  /** The client's clock: every wait and deadline of a launch runs on it. */
  readonly clock: Clock;
  /** The client's attempt timeout, in milliseconds: a lookup lasts at least as long. */
  readonly attemptTimeoutMs: number;
  /** Sends one launch, retried only after a refusal; `extras` carry its tracker and hint. */
  launch(body: unknown, options: RequestOptions, extras: CallExtras): Promise<unknown>;
  /** Lists instances: a list, its items as they came, to be read with care. */
  list(options?: RequestOptions): Promise<unknown[]>;
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
    launch: (body, options, extras) => transport.call("launchInstance", { body }, options, extras),
    list: (options) => transport.call("listInstances", {}, options),
    get: (id, options) => transport.call<Instance>("getInstance", { path: { id } }, options),
    terminate: (ids, options) =>
      terminateSettled(
        (some) => transport.call("terminateInstance", { body: { instance_ids: some } }, options),
        (id) => ops.get(id, options),
        ids,
        options?.signal,
      ),
  };
  return ops;
}
