/**
 * What a launch can end in besides its instance. Each error says what may be billing, and how to
 * find it; the repository's `docs/launch-safety.md` tells when each is thrown.
 *
 * @module
 */

import { ApiError, LambdaCloudError } from "../errors.ts";
import { ConnectionError, InvalidResponseError, TimeoutError } from "../no_answer_errors.ts";
import { clip, messageOf } from "../_text.ts";
import { describeValue } from "../_validate.ts";
import type { InstanceLaunchRequest } from "../types/instances.ts";

/**
 * Why a launch's outcome is still unknown: `not-listed` (no instance with its token was listed
 * while the client looked; it may still appear), `untagged-listing` (the listing shows no tags, or
 * tags in another form than the spec's, and reading those instances did not show them either),
 * `listing-failed` (listing failed for good, such as a 401), `no-token` (sent with
 * `launchToken: false`: nothing to look for).
 *
 * @example Advice per reason
 * ```ts
 * import type { LaunchLookupFailure } from "@lambda-cloud/client";
 *
 * const advice = (reason: LaunchLookupFailure) =>
 *   reason === "not-listed" ? "look again in a minute" : "check the console";
 * ```
 */
export type LaunchLookupFailure = "not-listed" | "untagged-listing" | "listing-failed" | "no-token";

/**
 * A launch that may have happened, and may be billing: the request was sent, no usable answer came
 * back, and looking for its launch token did not find it. The client never sends it again. Look
 * again with `client.instances.findByLaunchToken(error.launchToken)` before launching again. The
 * failure that made the outcome unknown is the `cause`.
 *
 * @example Resolve it later
 * ```ts ignore
 * try {
 *   await client.instances.launch(body);
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
   * Creates the error.
   * @param init What was sent, its token, why the lookup could not tell, and for how long.
   * @param options The standard error options; `cause` is the failure that made the outcome unknown.
   */
  constructor(
    init: {
      launchToken: string | undefined;
      request?: InstanceLaunchRequest | undefined;
      reason: LaunchLookupFailure;
      lookedForMs?: number;
      aborted?: boolean;
      lookupError?: unknown;
    },
    options?: ErrorOptions,
  ) {
    const { launchToken, reason } = init;
    const what = init.request === undefined
      ? "Cannot find launch"
      : init.aborted
      ? "Cannot launch instance: aborted after the request was sent, so the outcome is unknown"
      : `Cannot launch instance: the outcome is unknown after ${describeFailure(options?.cause)}`;
    const token = `launch token '${launchToken}'`;
    const seconds = Math.round((init.lookedForMs ?? 0) / 1000);
    const failed = describeFailure(init.lookupError);
    const why = {
      "not-listed": `no instance with ${token} was listed within ${seconds} s`,
      "untagged-listing":
        `the instance listing carries no tags, nor did reading the untagged instances show them, so ${token} cannot be seen`,
      "listing-failed": `listing instances to look for ${token} failed (${failed})`,
      "no-token": "it carried no launch token (launchToken: false), so it cannot be looked for",
    }[reason];
    const next = launchToken === undefined
      ? "list your instances before launching again"
      : `it may still appear, and bills if it does: call client.instances.findByLaunchToken('${launchToken}') before launching again`;
    super(`${what}: ${why}; ${next}`, options);
    this.launchToken = launchToken;
    this.request = init.request;
    this.reason = reason;
    this.aborted = init.aborted ?? false;
  }
}

/**
 * A launch that happened, but whose instance cannot be named: one that carries its launch token is
 * listed without a usable `id`. It bills, and the client can neither wait for it nor terminate it:
 * terminate it from Lambda's console. Others listed with the token are in `instanceIds`.
 *
 * @example Terminate what can be named, and say what cannot
 * ```ts ignore
 * try {
 *   await client.instances.findByLaunchToken(token);
 * } catch (error) {
 *   if (!(error instanceof UnidentifiedInstanceError)) throw error;
 *   if (error.instanceIds.length > 0) await client.instances.terminate(error.instanceIds);
 *   console.error(error.message); // the rest: terminate it from Lambda's console
 * }
 * ```
 */
export class UnidentifiedInstanceError extends LambdaCloudError {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "UnidentifiedInstanceError";
  /** The token the instance carries. */
  readonly launchToken: string;
  /** The body that was sent, launch-token tag included; `undefined` for `findByLaunchToken()`. */
  readonly request: InstanceLaunchRequest | undefined;
  /** The `id` fields the listing gave the instances with the token, as they came. */
  readonly listedIds: readonly unknown[];
  /** The usable ids of the other instances listed with the token: they bill too. */
  readonly instanceIds: readonly string[];
  /** Whether the caller aborted the launch after it was sent. */
  readonly aborted: boolean;

  /**
   * Creates the error.
   * @param init The token, the body sent, the `id` fields listed and the usable ids beside them.
   * @param options The standard error options; `cause` is what made the launch's answer unusable.
   */
  constructor(
    init: {
      launchToken: string;
      request?: InstanceLaunchRequest | undefined;
      listedIds: readonly unknown[];
      instanceIds?: readonly string[];
      aborted?: boolean;
    },
    options?: ErrorOptions,
  ) {
    const { launchToken, instanceIds = [] } = init;
    const after = init.aborted ? "an abort" : describeFailure(options?.cause);
    const what = init.request === undefined
      ? "Cannot find launch"
      : `Cannot launch instance: it launched, but after ${after} it cannot be named`;
    const named = clip(instanceIds.map((id) => `'${id}'`).join(", "));
    const beside = instanceIds.length === 0
      ? ""
      : `, beside ${named}, which bills too (instanceIds: terminate it with client.instances.terminate)`;
    const listed = clip(init.listedIds.map(describeValue).join(", "));
    super(
      `${what}: an instance with launch token '${launchToken}' is listed without a usable id (received ${listed})${beside}; it bills until terminated, and the client cannot terminate it without its id: terminate it from Lambda's console`,
      options,
    );
    this.launchToken = launchToken;
    this.request = init.request;
    this.listedIds = [...init.listedIds];
    this.instanceIds = [...instanceIds];
    this.aborted = init.aborted ?? false;
  }
}

/**
 * A launch aborted through its signal after it was sent, that launched anyway: its token found the
 * instances, which bill until terminated. The abort reason is the `cause`. (An abort before the
 * launch was sent rejects with the signal's reason, as every other call does.)
 *
 * @example Terminate what an aborted launch left
 * ```ts ignore
 * await client.instances.launch(body, { signal: AbortSignal.timeout(5000) }).catch(async (error) => {
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
   * @param init The instances found, the token, and the body that was sent.
   * @param options The standard error options; `cause` is the caller's abort reason.
   */
  constructor(
    init: { instanceIds: readonly string[]; launchToken: string; request: InstanceLaunchRequest },
    options?: ErrorOptions,
  ) {
    const named = init.instanceIds.map((id) => `'${id}'`).join(", ");
    super(
      `Cannot launch instance: aborted after the request was sent, and it launched ${named} anyway; it bills until terminated`,
      options,
    );
    this.instanceIds = [...init.instanceIds];
    this.launchToken = init.launchToken;
    this.request = init.request;
  }
}

/**
 * A `launchAndWait()` that launched, but whose instance never got where it was waited for. Says
 * whether what was launched was terminated (it no longer bills) or is still there; the failure is
 * the `cause`.
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
      : messageOf(cause);
    const after = terminated
      ? "it was terminated, so it no longer bills"
      : cleanupError === undefined
      ? "it was left running as asked, and bills until terminated"
      : `terminating it failed too (${
        messageOf(cleanupError)
      }): terminate it yourself, it bills until then`;
    super(`Cannot launch and wait for instance ${named}: ${why}; ${after}`, { cause });
    this.instanceId = ids[0] ?? "";
    this.instanceIds = ids;
    this.terminated = terminated;
    this.launchToken = launchToken;
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
