/**
 * Waiting for an instance to run, to get an IP, or to be gone: polling that gives up early on
 * states that will never get there, and never waits forever.
 *
 * @module
 */

import { LambdaCloudError } from "../errors.ts";
import type { Instance } from "../types/instances.ts";

/**
 * What to wait for: `active`, `ip` (active with a public IP), or `terminated` (a 404 counts).
 *
 * @example Wait until SSH has an address to go to
 * ```ts
 * import type { WaitUntil } from "@lambda-cloud/client";
 *
 * const until: WaitUntil = "ip";
 * ```
 */
export type WaitUntil = "active" | "ip" | "terminated";

/**
 * One poll of a wait, as `onProgress` sees it.
 *
 * @example A progress line
 * ```ts
 * import type { WaitProgress } from "@lambda-cloud/client";
 *
 * const line = (progress: WaitProgress) =>
 *   `${progress.instance?.status ?? "gone"} after ${Math.round(progress.elapsedMs / 1000)} s`;
 * ```
 */
export interface WaitProgress {
  /** The instance as just seen; `undefined` once it is gone (404). */
  instance: Instance | undefined;
  /** Time since the wait began, in milliseconds. */
  elapsedMs: number;
  /** Polls so far, this one included. */
  polls: number;
}

/**
 * Options for `client.instances.waitFor()`.
 *
 * @example Wait up to 40 minutes for an 8x H100, printing each poll
 * ```ts
 * import type { WaitForInstanceOptions } from "@lambda-cloud/client";
 *
 * const options: WaitForInstanceOptions = {
 *   until: "ip",
 *   timeout: 40 * 60_000,
 *   onProgress: ({ instance, elapsedMs }) => console.log(instance?.status, elapsedMs),
 * };
 * ```
 */
export interface WaitForInstanceOptions {
  /** What to wait for. @default "active" */
  until?: WaitUntil;
  /**
   * How long to wait in all, in milliseconds. Large instances can take over 20 minutes to boot.
   * @default 1_800_000 (30 minutes)
   */
  timeout?: number;
  /** Time between polls, in milliseconds; polls also keep to the client's rate limit. @default 5000 */
  interval?: number;
  /** Stops the wait; it then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called after every poll. Its errors, and the rejections of an async one, are ignored. */
  onProgress?: (progress: WaitProgress) => unknown;
}

/**
 * Why a wait ended without the instance getting there.
 *
 * @example Tell a timeout from a dead instance
 * ```ts
 * import type { InstanceWaitFailure } from "@lambda-cloud/client";
 *
 * const retryable = (reason: InstanceWaitFailure) => reason === "timeout";
 * ```
 */
export type InstanceWaitFailure = "timeout" | "unhealthy" | "preempted" | "terminated";

/**
 * A wait that ended without the instance reaching the wanted state: it timed out, or the instance
 * became `unhealthy`, `preempted` or terminated while waited on to run. Carries the last instance
 * seen and the time spent.
 *
 * @example Report what was seen last
 * ```ts
 * import { InstanceWaitError } from "@lambda-cloud/client";
 *
 * const error = new InstanceWaitError("0920582c", "active", "timeout", undefined, 1_800_000);
 * console.log(error.message);
 * // Cannot wait for instance '0920582c' to be active: gave up after 1800 s (last status: unknown)
 * ```
 */
export class InstanceWaitError extends LambdaCloudError {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "InstanceWaitError";
  /** The instance waited on. */
  readonly instanceId: string;
  /** What was waited for. */
  readonly until: WaitUntil;
  /** Why the wait ended. */
  readonly reason: InstanceWaitFailure;
  /** The instance as last seen, if it was seen at all. */
  readonly instance: Instance | undefined;
  /** Time spent waiting, in milliseconds. */
  readonly elapsedMs: number;

  /**
   * Creates the error.
   *
   * @param instanceId The instance waited on.
   * @param until What was waited for.
   * @param reason Why the wait ended.
   * @param instance The instance as last seen.
   * @param elapsedMs Time spent waiting, in milliseconds.
   * @param options The standard error options, such as `cause`.
   */
  constructor(
    instanceId: string,
    until: WaitUntil,
    reason: InstanceWaitFailure,
    instance: Instance | undefined,
    elapsedMs: number,
    options?: ErrorOptions,
  ) {
    const wanted = until === "ip" ? "active with an IP" : until;
    const seconds = Math.round(elapsedMs / 1000);
    const detail = reason === "timeout"
      ? `gave up after ${seconds} s (last status: ${instance?.status ?? "unknown"})`
      : `it became ${reason} after ${seconds} s`;
    super(`Cannot wait for instance '${instanceId}' to be ${wanted}: ${detail}`, options);
    this.instanceId = instanceId;
    this.until = until;
    this.reason = reason;
    this.instance = instance;
    this.elapsedMs = elapsedMs;
  }
}
