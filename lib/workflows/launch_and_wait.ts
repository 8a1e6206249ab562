/**
 * Launch and wait: one instance, launched and waited on until it runs, with whatever the launch
 * made terminated when it does not get there.
 *
 * @module
 */

import { LambdaCloudError } from "../errors.ts";
import { clip } from "../_text.ts";
import { LaunchAbortedError, type LaunchLookupOptions } from "./launch.ts";
import type { WaitForInstanceOptions, WaitUntil } from "./wait.ts";

/**
 * Options for `client.instances.launchAndWait()`. Each is read once, before the launch is sent: a
 * getter that throws fails the call with a `TypeError` while nothing bills.
 *
 * @example Wait for an IP, and keep the instance if the wait fails
 * ```ts
 * import type { LaunchAndWaitOptions } from "@lambda-cloud/client";
 *
 * const options: LaunchAndWaitOptions = { until: "ip", terminateOnFailure: false };
 * ```
 */
export interface LaunchAndWaitOptions extends Omit<WaitForInstanceOptions, "until"> {
  /** What to wait for after the launch. @default "active" */
  until?: Exclude<WaitUntil, "terminated">;
  /**
   * How long to wait, in milliseconds. A lookup after a lost launch answer comes out of it (though
   * it lasts at least two minutes, or the attempt timeout), and an instance found after it has
   * passed is terminated; a cleanup adds up to two and a half minutes (half a minute to list by
   * the launch token, a minute to terminate extras, a minute for the rest).
   * @default 1_800_000 (30 minutes)
   */
  timeout?: number;
  /**
   * Terminate what was launched when the launch is aborted after it was sent, or the wait fails or
   * is aborted, so nobody pays for a broken instance. The cleanup tries for at most a minute,
   * requests in flight included, and `signal` does not cut it short (it is what an abort starts);
   * pass `false` to be back at once and terminate the error's `instanceIds` yourself.
   * @default true
   */
  terminateOnFailure?: boolean;
  /** The launch token, as for `launch()`: a fresh one by default, or a string of your own. */
  launchToken?: true | string;
  /** How long and how often to look for a launch of unknown outcome, as for `launch()`. */
  lookup?: LaunchLookupOptions;
  /**
   * Called with the launched instance's id as soon as the launch has answered, before the wait:
   * to record it, or tell a user, while it boots. Its errors, and an async one's rejection, are
   * ignored.
   */
  onLaunched?: (instanceIds: string[]) => unknown;
}

/**
 * A `launchAndWait()` that launched, but whose instance never got where it was waited for: the
 * wait failed or was aborted, or the launch was aborted after it was sent and launched anyway.
 * Says whether what was launched was terminated (it no longer bills) or is still there; the
 * failure is the `cause`.
 *
 * @example Tell the user what is left
 * ```ts
 * import { LaunchWaitError } from "@lambda-cloud/client";
 *
 * const error = new LaunchWaitError("0920582c", true, new Error("timed out"));
 * console.log(error.terminated, error.message);
 * ```
 */
export class LaunchWaitError extends LambdaCloudError {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "LaunchWaitError";
  /** The instance that was launched (the first, if the launch token found several). */
  readonly instanceId: string;
  /** Every instance the launch made. */
  readonly instanceIds: string[];
  /** Whether they were terminated; when `false`, they are still billing. */
  readonly terminated: boolean;
  /** The token the launch carried, when known. */
  readonly launchToken: string | undefined;

  /**
   * Creates the error.
   *
   * @param instanceIds The instance, or instances, that were launched.
   * @param terminated Whether they were terminated.
   * @param cause Why the wait failed.
   * @param cleanupError Why terminating them failed, if it did.
   * @param launchToken The token the launch carried.
   */
  constructor(
    instanceIds: string | readonly string[],
    terminated: boolean,
    cause: unknown,
    cleanupError?: unknown,
    launchToken?: string,
  ) {
    const ids = typeof instanceIds === "string" ? [instanceIds] : [...instanceIds];
    // Ids come from the server's listings: quoted cut short, kept whole in `instanceIds`.
    const named = clip(ids.map((id) => `'${id}'`).join(", "));
    // The aborted launch's own message says it bills: what follows here says whether it still does.
    const why = cause instanceof LaunchAbortedError
      ? "aborted after the launch was sent, and it launched anyway"
      : cause instanceof Error
      ? cause.message
      : String(cause);
    const after = terminated
      ? "it was terminated, so it no longer bills"
      : cleanupError === undefined
      ? "it was left running as asked, and bills until terminated"
      : `terminating it failed too (${
        cleanupError instanceof Error ? cleanupError.message : String(cleanupError)
      }): terminate it yourself, it bills until then`;
    super(`Cannot launch and wait for instance ${named}: ${why}; ${after}`, { cause });
    this.instanceId = ids[0] ?? "";
    this.instanceIds = ids;
    this.terminated = terminated;
    this.launchToken = launchToken;
  }
}
