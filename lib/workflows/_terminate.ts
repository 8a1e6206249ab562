// Terminating, settled: a terminate whose answer is lost is retried, and the retry meets instances
// already terminating, which Lambda refuses for the whole call (SkyPilot #3410; the status, a 500,
// is a guess: see the emulator's assumptions). So a failure that may hide a terminate carried out
// is settled by looking, whatever its status.

import { isOutcomeUnknown } from "../transport/_retry.ts";
import type { Instance, InstanceTerminateResponse } from "../types/instances.ts";

/** The statuses of an instance on its way out. */
export const ENDING: ReadonlySet<string> = new Set(["terminating", "terminated"]);

/**
 * Terminates `ids`. A terminate whose answer is lost is retried, and the retry meets instances
 * already terminating, which Lambda refuses for the whole call (a 500 `global/unknown`, it seems): so
 * when the call fails in a way that may hide a terminate carried out, each instance is read, and
 * those `terminating` or `terminated` count as done. Any still running get one more terminate.
 * When none was found ending, or an instance cannot be read, the original error is thrown.
 */
export async function terminateSettled(
  terminate: (ids: string[]) => Promise<InstanceTerminateResponse>,
  get: (id: string) => Promise<Instance>,
  ids: string[],
  signal: AbortSignal | undefined,
): Promise<InstanceTerminateResponse> {
  try {
    return await terminate(ids);
  } catch (error) {
    if (!isOutcomeUnknown(error)) throw error;
    const ending: Instance[] = [];
    const running: string[] = [];
    for (const id of ids) {
      let instance: Instance;
      try {
        instance = await get(id);
      } catch (readError) {
        if (signal?.aborted) throw readError;
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
