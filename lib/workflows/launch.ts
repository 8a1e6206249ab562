/**
 * One launch, one bill: sending a launch at most once, and finding out what became of it when the
 * answer is lost.
 *
 * Lambda has no idempotency key, so the client makes its own: every launch carries a tag
 * {@linkcode LAUNCH_TOKEN_KEY} with a token unique to it. A launch is sent again only after a
 * failure that proves the server did not act on it (a 429, or a connection that was never made).
 * After any failure whose outcome is unknown, the client lists instances and looks for the token
 * for a bounded time, through the rate limiter: found, it returns those instances; not found, it
 * throws a {@linkcode LaunchOutcomeUnknownError} that carries the token, and never sends the launch
 * again.
 *
 * @module
 */

import {
  ApiError,
  ConnectionError,
  InvalidResponseError,
  LambdaCloudError,
  TimeoutError,
} from "../errors.ts";
import type { RequestOptions } from "../options.ts";
import { clip } from "../_text.ts";
import { describeValue } from "../_validate.ts";
import type { InstanceLaunchRequest } from "../types/instances.ts";

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
   * How long to keep looking, in milliseconds: long enough for a backend that finishes the launch
   * after the client stopped listening.
   * @default {120000} (two minutes), or the attempt `timeout` when that is longer; in
   * `launchAndWait()`, the wait's `timeout` when that is longer still (the time it takes comes out
   * of the wait's)
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
 * @example Launch with a token of your own, to look it up later yourself
 * ```ts
 * import type { LaunchOptions } from "@lambda-cloud/client";
 *
 * const options: LaunchOptions = { launchToken: crypto.randomUUID(), timeout: 120_000 };
 * ```
 */
export interface LaunchOptions extends RequestOptions {
  /**
   * The launch token: `true` for a fresh random one, a string of your own (1 to 128 characters,
   * unique to this launch: launches that share a token cannot be told apart, and a lookup after a
   * lost answer takes any instance that carries it for this launch), or `false` to send the body
   * untouched, in which case a launch of unknown outcome cannot be looked for. A token already in
   * the body's tags is used as it is. With a token of your own, `launchAndWait()` does not look
   * for extra instances a gateway made, since it cannot tell them from an earlier launch's.
   * @default {true}
   */
  launchToken?: boolean | string;
  /** How long and how often to look for a launch of unknown outcome. */
  lookup?: LaunchLookupOptions;
}

/**
 * Why a launch's outcome is still unknown:
 *
 * - `not-listed`: no instance with its token was listed while the client looked; it may still
 *   appear, if the backend is slow.
 * - `untagged-listing`: the instance listing carries no `tags` (the spec makes them optional), or
 *   tags in another form than the spec's `{key, value}` strings, and reading those instances one
 *   by one (up to 20 per lookup) did not show them either, so the token cannot be seen.
 * - `listing-failed`: listing instances failed in a way that is not transient, such as a 401.
 * - `no-token`: the launch was sent with `launchToken: false`, so there is nothing to look for.
 * - `listed-without-id`: an instance that carries the token was listed, so the launch happened and
 *   bills, but its `id` was missing or not a string: the client cannot name, wait for or terminate
 *   it. Find it in Lambda's console.
 *
 * @example Advice per reason
 * ```ts
 * import type { LaunchLookupFailure } from "@lambda-cloud/client";
 *
 * const advice = (reason: LaunchLookupFailure) =>
 *   reason === "not-listed" ? "look again in a minute" : "check the console";
 * ```
 */
export type LaunchLookupFailure =
  | "not-listed"
  | "untagged-listing"
  | "listing-failed"
  | "no-token"
  | "listed-without-id";

/**
 * A launch that may or may not have happened, and may be billing: the request was sent, no usable
 * answer came back (a 5xx, a timeout, a dropped connection, an unreadable success, or an abort),
 * and looking for its launch token did not find it (or, with reason `listed-without-id`, found it
 * listed without a usable id: then it did happen). The client never sends such a launch again by
 * itself. Look again later with `client.instances.findByLaunchToken(error.launchToken)` before
 * launching again. The failure that made the outcome unknown is the `cause`.
 *
 * @example Resolve it later
 * ```ts ignore
 * import { LambdaCloudClient, LaunchOutcomeUnknownError } from "@lambda-cloud/client";
 *
 * const client = new LambdaCloudClient();
 * try {
 *   await client.instances.launch({
 *     region_name: "us-east-1",
 *     instance_type_name: "gpu_1x_a10",
 *     ssh_key_names: ["my-key"],
 *   });
 * } catch (error) {
 *   if (!(error instanceof LaunchOutcomeUnknownError) || !error.launchToken) throw error;
 *   const found = await client.instances.findByLaunchToken(error.launchToken);
 *   console.log(found.length > 0 ? `launched ${found[0]!.id}` : "not launched (yet)");
 * }
 * ```
 */
export class LaunchOutcomeUnknownError extends LambdaCloudError {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "LaunchOutcomeUnknownError";
  /** The token the launch carried, to look it up later; `undefined` for `launchToken: false`. */
  readonly launchToken: string | undefined;
  /** The body that was sent, launch-token tag included. It never holds the API key. */
  readonly request: InstanceLaunchRequest | undefined;
  /** Why the lookup could not tell. */
  readonly reason: LaunchLookupFailure;
  /** Whether the caller aborted the launch after it was sent. */
  readonly aborted: boolean;
  /**
   * For `listed-without-id`: the instances listed with the token that do have a usable id. They
   * bill too; terminate them with `client.instances.terminate(error.instanceIds)`.
   */
  readonly instanceIds: readonly string[];

  /**
   * Creates the error.
   *
   * @param init What was sent, with which token, why the lookup could not tell, how long it looked,
   * and whether the caller aborted.
   * @param options The standard error options; `cause` is the failure that made the outcome unknown.
   */
  constructor(
    init: {
      launchToken: string | undefined;
      request: InstanceLaunchRequest | undefined;
      reason: LaunchLookupFailure;
      lookedForMs?: number;
      aborted?: boolean;
      lookupError?: unknown;
      /** For `listed-without-id`: the `id` fields the listing gave the instances with the token. */
      listedIds?: readonly unknown[];
      /** For `listed-without-id`: the usable ids of the other instances listed with the token. */
      instanceIds?: readonly string[];
    },
    options?: ErrorOptions,
  ) {
    const { launchToken, reason } = init;
    const what = init.request === undefined
      ? "Cannot find launch"
      : reason === "listed-without-id"
      ? `Cannot launch instance: it launched, but after ${
        init.aborted ? "an abort" : describeFailure(options?.cause)
      } it cannot be named`
      : init.aborted
      ? "Cannot launch instance: aborted after the request was sent, so the outcome is unknown"
      : `Cannot launch instance: the outcome is unknown after ${describeFailure(options?.cause)}`;
    const why = {
      "not-listed": `no instance with launch token '${launchToken}' was listed within ${
        Math.round((init.lookedForMs ?? 0) / 1000)
      } s`,
      "untagged-listing":
        `the instance listing carries no tags, nor did reading the untagged instances show them, so launch token '${launchToken}' cannot be seen`,
      "listing-failed": `listing instances to look for launch token '${launchToken}' failed (${
        describeFailure(init.lookupError)
      })`,
      "no-token": "it carried no launch token (launchToken: false), so it cannot be looked for",
      "listed-without-id":
        `an instance with launch token '${launchToken}' is listed without a usable id (received ${
          clip((init.listedIds ?? [undefined]).map(describeValue).join(", "))
        })${
          init.instanceIds?.length
            ? `, beside ${
              clip(init.instanceIds.map((id) => `'${id}'`).join(", "))
            }, which bills too (instanceIds: terminate it with client.instances.terminate)`
            : ""
        }`,
    }[reason];
    const next = reason === "listed-without-id"
      ? "it bills until terminated, and the client cannot terminate it without its id: terminate it from Lambda's console"
      : launchToken === undefined
      ? "list your instances before launching again"
      : `it may still appear, and bills if it does: call client.instances.findByLaunchToken('${launchToken}') before launching again`;
    super(`${what}: ${why}; ${next}`, options);
    this.launchToken = launchToken;
    this.request = init.request;
    this.reason = reason;
    this.aborted = init.aborted ?? false;
    this.instanceIds = [...(init.instanceIds ?? [])];
  }
}

/**
 * A launch that was aborted through its signal after the request had been sent, and that launched
 * anyway: the client looked for its token after the abort and found the instances, which bill until
 * terminated. The caller's abort reason is the `cause`. (An abort before the launch was sent
 * rejects with the signal's reason, untouched, as every other call does.)
 *
 * @example Terminate what an aborted launch left
 * ```ts ignore
 * import { LambdaCloudClient, LaunchAbortedError } from "@lambda-cloud/client";
 *
 * const client = new LambdaCloudClient();
 * const launch = client.instances.launch(
 *   { region_name: "us-east-1", instance_type_name: "gpu_1x_a10", ssh_key_names: ["my-key"] },
 *   { signal: AbortSignal.timeout(5000) },
 * );
 * await launch.catch(async (error) => {
 *   if (error instanceof LaunchAbortedError) await client.instances.terminate(error.instanceIds);
 * });
 * ```
 */
export class LaunchAbortedError extends LambdaCloudError {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "LaunchAbortedError";
  /** The instances the launch made; they bill until terminated. */
  readonly instanceIds: string[];
  /** The token the launch carried. */
  readonly launchToken: string;
  /** The body that was sent, launch-token tag included. */
  readonly request: InstanceLaunchRequest;

  /**
   * Creates the error.
   *
   * @param init The instances found, the token, and the body that was sent.
   * @param options The standard error options; `cause` is the caller's abort reason.
   */
  constructor(
    init: { instanceIds: readonly string[]; launchToken: string; request: InstanceLaunchRequest },
    options?: ErrorOptions,
  ) {
    super(
      `Cannot launch instance: aborted after the request was sent, and it launched ${
        init.instanceIds.map((id) => `'${id}'`).join(", ")
      } anyway; it bills until terminated`,
      options,
    );
    this.instanceIds = [...init.instanceIds];
    this.launchToken = init.launchToken;
    this.request = init.request;
  }
}

/** A few words for the failure that left a launch's outcome unknown. */
function describeFailure(cause: unknown): string {
  if (cause instanceof ApiError) {
    return `HTTP ${cause.status}${cause.code === undefined ? "" : ` (code '${cause.code}')`}`;
  }
  if (cause instanceof TimeoutError) return `no answer within ${cause.timeoutMs} ms`;
  if (cause instanceof ConnectionError) return "the connection failed mid-request";
  if (cause instanceof InvalidResponseError) return `an unreadable ${cause.status} answer`;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : "an unknown failure";
}
