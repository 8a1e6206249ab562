// A terminate whose answer is lost is retried, and the retry meets instances that are already
// terminating, which Lambda answers with a 500 `global/unknown` for the whole call. This module
// settles such failures by looking: instances that are terminating or terminated count as done.

import { ApiError } from "../errors.ts";
import { isOutcomeUnknown } from "../_retry.ts";
import type { RequestOptions } from "../options.ts";
import type { Instance, InstanceTerminateResponse } from "../types/instances.ts";

/** What settling a terminate needs from the client. */
export interface TerminateDeps {
  /** One `POST /instance-operations/terminate`, with the transport's retries. */
  terminate(ids: string[], options?: RequestOptions): Promise<InstanceTerminateResponse>;
  /** One `GET /instances/{id}`. */
  get(id: string, options?: RequestOptions): Promise<Instance>;
}

const ENDING: ReadonlySet<string> = new Set(["terminating", "terminated"]);

// Lambda's answer to "already terminating" (a 500 global/unknown), any other server failure, an
// unreadable success and a lost answer leave the instances' state unknown; refusals (4xx) say the
// call was not carried out.
function mayHaveWorked(error: unknown): boolean {
  return isOutcomeUnknown(error) ||
    (error instanceof ApiError && error.code === "global/unknown");
}

/**
 * Terminates `ids`; when the call fails in a way that may hide a terminate already carried out,
 * reads each instance and treats `terminating` and `terminated` ones as done. Instances still
 * running get one more terminate of their own. When nothing was found ending, or an instance
 * cannot be read, the original error is thrown.
 */
export async function terminateSettled(
  deps: TerminateDeps,
  ids: string[],
  options?: RequestOptions,
): Promise<InstanceTerminateResponse> {
  try {
    return await deps.terminate(ids, options);
  } catch (error) {
    if (!mayHaveWorked(error)) throw error;
    const ending: Instance[] = [];
    const running: string[] = [];
    for (const id of ids) {
      let instance: Instance;
      try {
        instance = await deps.get(id, options);
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
    const rest = await deps.terminate(running, options);
    // An answer without its list passes on as it came, with the instances found ending.
    const more: unknown = rest?.terminated_instances;
    return { ...rest, terminated_instances: [...ending, ...(Array.isArray(more) ? more : [])] };
  }
}
