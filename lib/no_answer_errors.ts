/**
 * The errors of a call that got no usable answer: no answer at all (a connection that failed, or
 * one that ran out of time), a success whose body is not Lambda's JSON, or no turn under the rate
 * limit within the call's timeout (then nothing was sent). Whether such a call may have acted is
 * told by {@linkcode ConnectionError.requestSent}; the client's retry rules decide from it.
 *
 * @module
 */

import { LambdaCloudError } from "./errors.ts";
import { causeChain, describeBody, messageOf, withHint } from "./_text.ts";
import { lacksPermission, wasNeverSent } from "./transport/_never_sent.ts";

/**
 * No answer arrived: DNS failure, refused or reset connection, TLS failure, or a body cut off
 * mid-way. The original error is in `cause`. {@linkcode ConnectionError.requestSent} says whether
 * the request may have reached the server: when it is `false` (the connection was never made),
 * nothing happened and every call is safely sent again; when it is `true`, a launch's outcome is
 * unknown, and the client looks for it rather than sending it again.
 *
 * @example Look at the underlying cause
 * ```ts
 * import { ConnectionError } from "@lambda-cloud/client";
 *
 * const error = new ConnectionError("list instances", new TypeError("connection reset"));
 * console.log(error.message); // Cannot list instances: connection failed (connection reset)
 * console.log(error.requestSent); // true
 * ```
 */
export class ConnectionError extends LambdaCloudError {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "ConnectionError";

  /**
   * Whether the request may have reached the server. `false` when the runtime's own `fetch`
   * reported that the connection itself failed (refused, host not found, TLS handshake, a host
   * Deno may not reach), so the server cannot have acted on it. Always `true` after a custom
   * `fetch`: a wrapper may fail in its own work (a log shipped to another host) after the request
   * went out.
   */
  readonly requestSent: boolean;
  /**
   * Whether the runtime refused the connection for want of permission (Deno without
   * `--allow-net` for the host): nothing was sent, and trying again cannot help.
   */
  readonly permissionDenied: boolean;

  /**
   * Creates the error for an attempt that got no answer.
   *
   * @param action The action that failed, such as `"list instances"`.
   * @param cause The error `fetch` threw; for the runtime's own fetch, it decides `requestSent`.
   * @param hint A sentence added at the end of the message, when the request may have been sent.
   * @param fromRuntime Whether `cause` came from the runtime's own `fetch`, whose errors can prove
   * that nothing was sent; `true` unless told otherwise.
   */
  constructor(action: string, cause: unknown, hint?: string, fromRuntime: boolean = true) {
    const reason = reasonsOf(cause);
    const requestSent = !fromRuntime || !wasNeverSent(cause);
    super(
      requestSent
        ? withHint(`Cannot ${action}: connection failed (${reason})`, hint)
        : `Cannot ${action}: connection failed before the request was sent (${reason})`,
      { cause },
    );
    this.requestSent = requestSent;
    this.permissionDenied = !requestSent && lacksPermission(cause);
  }
}

/**
 * What `cause` says, with what its own causes say after it: Deno's `fetch failed` keeps the
 * address it could not reach, and why, in its cause.
 */
function reasonsOf(cause: unknown): string {
  const reasons: string[] = [];
  try {
    for (const item of causeChain(cause)) {
      const reason = messageOf(item);
      if (reason !== "" && !reasons.includes(reason)) reasons.push(reason);
    }
  } catch {
    // What could be read is said; an error of unknown outcome must still be made.
  }
  return reasons.join(": ") || "an error that could not be read";
}

/**
 * No complete answer arrived within the per-attempt `timeout`. For a launch this is ambiguous (the
 * instance may exist), so the client does not retry it; list instances before launching again.
 *
 * @example Read the limit that was hit
 * ```ts
 * import { TimeoutError } from "@lambda-cloud/client";
 *
 * const error = new TimeoutError("list instances", 30_000);
 * console.log(error.timeoutMs); // 30000
 * ```
 */
export class TimeoutError extends LambdaCloudError {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "TimeoutError";

  /** The per-attempt limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  /**
   * Creates the error for an attempt that ran out of time.
   *
   * @param action The action that failed, such as `"list instances"`.
   * @param timeoutMs The per-attempt limit that was exceeded, in milliseconds.
   * @param hint A sentence added at the end of the message.
   */
  constructor(action: string, timeoutMs: number, hint?: string) {
    super(withHint(`Cannot ${action}: no response within ${timeoutMs} ms`, hint));
    this.timeoutMs = timeoutMs;
  }
}

/**
 * A success status (2xx) whose body is not Lambda's `{"data": …}` envelope: HTML from a proxy,
 * truncated JSON, or an empty body. The raw text is kept in {@linkcode InvalidResponseError.body}.
 *
 * @example Keep the raw body for a bug report
 * ```ts
 * import { InvalidResponseError } from "@lambda-cloud/client";
 *
 * const error = new InvalidResponseError("list images", 200, "<html>…</html>", new Headers());
 * console.log(error.status, error.body.length);
 * ```
 */
export class InvalidResponseError extends LambdaCloudError {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "InvalidResponseError";

  /** The HTTP status code. */
  readonly status: number;
  /** The raw response body. */
  readonly body: string;
  /** The response headers. */
  readonly headers: Headers;

  /**
   * Creates the error for a success status with a body that is not Lambda's envelope.
   *
   * @param action The action that failed, such as `"list images"`.
   * @param status The HTTP status code.
   * @param body The raw response body.
   * @param headers The response headers.
   * @param hint A sentence added at the end of the message.
   */
  constructor(action: string, status: number, body: string, headers: Headers, hint?: string) {
    super(
      withHint(
        `Cannot ${action}: unexpected response (status ${status}): ${describeBody(body)}`,
        hint,
      ),
    );
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

/**
 * A call whose turn under the rate limit would come later than the client waits for one: nothing
 * was sent. Once a call is first in line, the client waits at most `backoff.maxRetryAfterMs` (60 s
 * by default, never less than the rate limit's intervals), the longest it holds calls back for a
 * 429. A turn further off comes from other clients sharing the key, across processes when they
 * share a `rateLimit.store`: the turns they booked, or a longer hold one of them took. Not retried
 * by the client.
 *
 * @example Read how far off the turn was
 * ```ts
 * import { RateLimitWaitError } from "@lambda-cloud/client";
 *
 * const error = new RateLimitWaitError("list instances", 83_000, 60_000);
 * console.log(error.message);
 * // Cannot list instances: its turn under the rate limit is 83 s away, longer than the client waits for one (60 s); nothing was sent
 * ```
 */
export class RateLimitWaitError extends LambdaCloudError {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "RateLimitWaitError";

  /** How far off the turn was when the call gave up, in milliseconds. */
  readonly waitMs: number;
  /** The longest the client waits for a turn, in milliseconds. */
  readonly maxWaitMs: number;

  /**
   * Creates the error for a call whose turn was too far off.
   *
   * @param action The action that was not sent, such as `"list instances"`.
   * @param waitMs How far off its turn was, in milliseconds.
   * @param maxWaitMs The longest the client waits for a turn, in milliseconds.
   */
  constructor(action: string, waitMs: number, maxWaitMs: number) {
    super(
      `Cannot ${action}: its turn under the rate limit is ${seconds(waitMs)} away, longer than ` +
        `the client waits for one (${seconds(maxWaitMs)}); nothing was sent`,
    );
    this.waitMs = waitMs;
    this.maxWaitMs = maxWaitMs;
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
