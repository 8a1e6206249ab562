/**
 * The options of a safe launch: the launch token that finds a launch whose answer was lost, how
 * long to look for it, and what `launchAndWait()` waits for. How they work together is told once,
 * in the repository's `docs/launch-safety.md`.
 *
 * @module
 */

import type { RequestOptions } from "../options.ts";
import type { WaitForInstanceOptions, WaitUntil } from "../workflows/wait.ts";

/**
 * The key of the tag each launch carries, so that a launch of unknown outcome can be found.
 *
 * @example Find what a launch token launched
 * ```ts
 * import { type Instance, LAUNCH_TOKEN_KEY } from "@lambda-cloud/client";
 *
 * const launchedWith = (instances: Instance[], token: string) =>
 *   instances.filter((i) => i.tags?.some((t) => t.key === LAUNCH_TOKEN_KEY && t.value === token));
 * ```
 */
export const LAUNCH_TOKEN_KEY = "lambda-cloud-client:launch-token";

/**
 * How long, and how often, a launch of unknown outcome is looked for.
 *
 * @example Look for five minutes, every ten seconds
 * ```ts
 * import type { LaunchLookupOptions } from "@lambda-cloud/client";
 *
 * const lookup: LaunchLookupOptions = { timeout: 300_000, interval: 10_000 };
 * ```
 */
export interface LaunchLookupOptions {
  /**
   * How long to keep looking, in milliseconds: a backend may finish a launch after the client
   * stopped listening.
   * @default {120000} (two minutes), or the attempt `timeout`, or in `launchAndWait()` the wait's
   * `timeout`, whichever is longest
   */
  timeout?: number;
  /** Time between two listings, in milliseconds; listings also keep to the rate limit. @default {5000} */
  interval?: number;
  /**
   * When the caller's signal aborts after the launch was sent, the client still looks, for at
   * most this long, so that the instance is found rather than lost.
   * @default {15000}
   */
  timeoutAfterAbort?: number;
}

/**
 * Per-call options of `client.instances.launch()`.
 *
 * @example Record the launch token before the launch is sent
 * ```ts
 * import type { LaunchOptions } from "@lambda-cloud/client";
 *
 * const options: LaunchOptions = {
 *   timeout: 120_000,
 *   onLaunchToken: (token) => console.error(`launching with token ${token}`),
 * };
 * ```
 */
export interface LaunchOptions extends RequestOptions {
  /**
   * The launch token: `true` for a fresh random one, a string of your own (1 to 128 characters,
   * unique to this launch: a lookup after a lost answer takes any instance that carries it), or
   * `false` to send the body untouched, with nothing to look for if its answer is lost. A token
   * already in the body's tags is used as it is.
   * @default {true}
   */
  launchToken?: boolean | string;
  /** How long and how often to look for a launch of unknown outcome. */
  lookup?: LaunchLookupOptions;
  /**
   * Called with the launch token, and awaited, before the launch is sent: to record it, so that
   * even a process killed mid-launch can find the instance with `findByLaunchToken()`. When it
   * throws or rejects, nothing is sent and the call rejects with its error; an abort of `signal`
   * ends a wait for it the same way. Not called for `launchToken: false`.
   */
  onLaunchToken?: (token: string) => unknown;
}

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
export interface LaunchAndWaitOptions
  extends Omit<WaitForInstanceOptions, "until">, Pick<LaunchOptions, "lookup" | "onLaunchToken"> {
  /** What to wait for after the launch. @default "active" */
  until?: Exclude<WaitUntil, "terminated">;
  /**
   * How long to wait, in milliseconds. A lookup after a lost launch answer comes out of it, and an
   * instance found after it has passed is terminated; a cleanup adds up to two and a half minutes.
   * @default twice the type's expected boot (44 minutes for an 8x H100), and 30 minutes at least
   */
  timeout?: number;
  /**
   * Terminate what was launched when the launch is aborted after it was sent, or the wait fails or
   * is aborted. The cleanup tries for at most a minute, and `signal` does not cut it short; pass
   * `false` to be back at once and terminate the error's `instanceIds` yourself.
   * @default true
   */
  terminateOnFailure?: boolean;
  /** The launch token, as for `launch()`: a fresh one by default, or a string of your own. */
  launchToken?: true | string;
  /**
   * Called with the launched instance's id as soon as the launch has answered, before the wait:
   * to record it, or tell a user, while it boots. Its errors, and an async one's rejection, are
   * ignored.
   */
  onLaunched?: (instanceIds: string[]) => unknown;
}
