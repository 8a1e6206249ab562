/**
 * The options of `LambdaCloudClient` and of each call.
 *
 * @module
 */

import type { Clock } from "./clock.ts";
import type { RateLimitStore } from "./rate_limit_store.ts";

/**
 * Settings of the client-side rate limiter. Lambda allows about one request per second per key, and
 * one launch per 12 seconds. Clients in one process that share a key (and these settings and the
 * same `clock`) share one budget. Requests wait their turn in the order they were made (a launch
 * first waits for its launch turn), and a waiting call can be aborted through its `signal`.
 *
 * @example Pace a little more gently than Lambda's limits
 * ```ts
 * import { LambdaCloudClient } from "@lambda-cloud/client";
 *
 * const client = new LambdaCloudClient({
 *   apiKey: "secret_example",
 *   rateLimit: { requestIntervalMs: 1100, launchIntervalMs: 12_500 },
 * });
 * ```
 */
export interface RateLimitOptions {
  /**
   * The least time between the starts of any two requests, in milliseconds.
   *
   * @default {1000}
   */
  requestIntervalMs?: number;
  /**
   * The least time between two launches, in milliseconds.
   *
   * @default {12000}
   */
  launchIntervalMs?: number;
  /**
   * A store that processes share, so that together they keep to one budget per key: the turns of
   * both limits and the hold after a 429. `kvRateLimitStore(await Deno.openKv(path))` shares it
   * between every process that opens the same KV file, or between Deno Deploy isolates. When the
   * store fails or stalls (2 s), calls are paced by this process alone for 10 s, and the
   * `onRateLimitFallback` hook says so; no call fails because of the store.
   *
   * @default {undefined} (each process keeps its own budget)
   */
  store?: RateLimitStore;
  /**
   * How far apart the clocks of the processes that share a `store` may be, in milliseconds, and
   * how much longer one process's requests may take to reach Lambda than another's: a turn that
   * follows another process's turn waits this much longer, so that a clock a little behind (or a
   * request a little slower) never brings two requests closer than the interval. A turn come to
   * later than this (and than 4 ms) is let pass, and another booked.
   *
   * @default {10}
   */
  clockSkewMs?: number;
}

/**
 * How long the client waits between attempts.
 *
 * @example Retry sooner
 * ```ts
 * import { LambdaCloudClient } from "@lambda-cloud/client";
 *
 * const client = new LambdaCloudClient({
 *   apiKey: "secret_example",
 *   backoff: { initialDelayMs: 250, maxDelayMs: 4000 },
 * });
 * ```
 */
export interface BackoffOptions {
  /**
   * The longest wait before the first retry, in milliseconds; it doubles for each later retry.
   * The real wait is between half of it and all of it (jitter), unless the server sent
   * `Retry-After`.
   *
   * @default {500}
   */
  initialDelayMs?: number;
  /**
   * The longest wait backoff grows to, in milliseconds.
   *
   * @default {8000}
   */
  maxDelayMs?: number;
  /**
   * The longest `Retry-After` (seconds or HTTP date) the client waits out by itself, in
   * milliseconds. When the server asks for more, the error is thrown at once, with
   * `retryAfterMs` set, so the caller decides. Also the longest a call waits for its turn under
   * the rate limit once first in line (never less than the limiter's intervals): a turn further
   * off fails it with a `RateLimitWaitError`, unsent.
   *
   * @default {60000}
   */
  maxRetryAfterMs?: number;
  /**
   * How long one call may go on waiting out 429s beyond its `maxRetries`, in milliseconds from its
   * first failure: for processes that share a key without sharing a rate-limit `store` (a shell
   * loop, CI jobs), whose requests the API refuses in turn. Only a 429 that refused the call counts
   * (one whose code names a failing `provider/*` may come after the backend acted); each wait is as
   * long as the server asked, spread by up to a second so that the processes do not all come back
   * at once.
   *
   * @default {0}
   */
  patienceMs?: number;
}

/**
 * What the `onRequest` hook sees just before each attempt is sent. The `authorization` header is
 * always shown as `Bearer [REDACTED]`.
 *
 * @example Log each attempt
 * ```ts
 * import type { RequestEvent } from "@lambda-cloud/client";
 *
 * const log = (event: RequestEvent) => console.debug(`#${event.attempt} ${event.method} ${event.url}`);
 * log({ action: "list regions", method: "GET", url: "https://cloud.lambda.ai/api/v1/regions", headers: {}, attempt: 1 });
 * ```
 */
export interface RequestEvent {
  /** The action, in words, such as `"list instances"`. */
  action: string;
  /** The HTTP method. */
  method: string;
  /** The full URL; the key, where it was passed as an id (`instances.get(key)`), as `[REDACTED]`. */
  url: string;
  /** The request headers, lower-case names, with the key redacted. */
  headers: Record<string, string>;
  /** The attempt number: 1 for the first send, 2 for the first retry, and so on. */
  attempt: number;
}

/**
 * What the `onResponse` hook sees when an answer's headers and body have arrived.
 *
 * @example Record slow answers
 * ```ts
 * import type { ResponseEvent } from "@lambda-cloud/client";
 *
 * const slow: ResponseEvent[] = [];
 * const onResponse = (event: ResponseEvent) => {
 *   if (event.durationMs > 2000) slow.push(event);
 * };
 * onResponse({
 *   action: "list regions",
 *   method: "GET",
 *   url: "https://cloud.lambda.ai/api/v1/regions",
 *   headers: {},
 *   attempt: 1,
 *   status: 200,
 *   responseHeaders: {},
 *   durationMs: 2500,
 * });
 * console.log(slow.length); // 1
 * ```
 */
export interface ResponseEvent extends RequestEvent {
  /** The HTTP status code. */
  status: number;
  /** The response headers, lower-case names. */
  responseHeaders: Record<string, string>;
  /** The time from sending to having the whole body, in milliseconds. */
  durationMs: number;
}

/**
 * What the `onRetry` hook sees when a failed attempt is about to be sent again.
 *
 * @example Count retries by error class
 * ```ts
 * import type { RetryEvent } from "@lambda-cloud/client";
 *
 * const retries = new Map<string, number>();
 * const onRetry = (event: RetryEvent) => {
 *   retries.set(event.error.name, (retries.get(event.error.name) ?? 0) + 1);
 * };
 * onRetry({
 *   action: "list regions",
 *   method: "GET",
 *   url: "https://cloud.lambda.ai/api/v1/regions",
 *   headers: {},
 *   attempt: 1,
 *   error: new Error("reset"),
 *   delayMs: 500,
 * });
 * ```
 */
export interface RetryEvent extends RequestEvent {
  /** Why the attempt failed. */
  error: Error;
  /** How long the client waits before the next attempt, in milliseconds. */
  delayMs: number;
}

/**
 * What the `onRateLimitFallback` hook sees when a call was paced by this process alone because the
 * shared rate limit store (`rateLimit.store`) failed or did not answer.
 *
 * @example Warn when the shared budget cannot be reached
 * ```ts
 * import type { RateLimitFallbackEvent } from "@lambda-cloud/client";
 *
 * const onRateLimitFallback = (event: RateLimitFallbackEvent) =>
 *   console.warn(`pacing ${event.action} alone: ${event.error.message}`);
 * onRateLimitFallback({
 *   action: "list regions",
 *   method: "GET",
 *   url: "https://cloud.lambda.ai/api/v1/regions",
 *   headers: {},
 *   attempt: 1,
 *   error: new Error("database is locked"),
 * });
 * ```
 */
export interface RateLimitFallbackEvent extends RequestEvent {
  /** Why the store could not be used. */
  error: Error;
}

/**
 * Callbacks for logging and metrics. They never see the API key. A hook that throws is ignored, so a
 * logging bug can never fail, or repeat, a billable call.
 *
 * @example Log every request and retry
 * ```ts
 * import { LambdaCloudClient } from "@lambda-cloud/client";
 *
 * const client = new LambdaCloudClient({
 *   apiKey: "secret_example",
 *   hooks: {
 *     onRequest: (event) => console.debug(event.method, event.url, event.headers.authorization),
 *     onRetry: (event) => console.warn(`retrying in ${event.delayMs} ms: ${event.error.message}`),
 *   },
 * });
 * ```
 */
export interface Hooks {
  /** Called just before each attempt is sent. */
  onRequest?: (event: RequestEvent) => void;
  /** Called when an answer (of any status) has arrived in full. */
  onResponse?: (event: ResponseEvent) => void;
  /** Called when a failed attempt is about to be retried, before the wait. */
  onRetry?: (event: RetryEvent) => void;
  /**
   * Called before an attempt that was paced by this process alone, because the shared rate limit
   * store failed or did not answer.
   */
  onRateLimitFallback?: (event: RateLimitFallbackEvent) => void;
}

/**
 * The options of `LambdaCloudClient`. Every one is optional.
 *
 * @example A client for a script that can wait longer for answers
 * ```ts
 * import { LambdaCloudClient } from "@lambda-cloud/client";
 *
 * const client = new LambdaCloudClient({ timeout: 120_000, maxRetries: 4, userAgent: "my-fleet/1.2" });
 * ```
 */
export interface LambdaCloudClientOptions {
  /**
   * The API key. When absent, the client reads `LAMBDA_API_KEY` from the environment the first time
   * it sends a request: on Deno only if `--allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL` was granted (it never prompts),
   * elsewhere from `process.env`. Leading and trailing white space is removed.
   *
   * A function is called once per call (before its first attempt), so a key can come from a
   * secret store and rotate.
   */
  apiKey?: string | (() => string | Promise<string>);
  /**
   * The API's base URL, up to and including `/api/v1`. When absent, the client reads
   * `LAMBDA_BASE_URL` (such as an emulator's address) the first time it sends a request, under the
   * key's rules, and holds it to the same checks; unset, Lambda's. On Deno, a key read from
   * `LAMBDA_API_KEY` without permission to read `LAMBDA_BASE_URL` is an error, since the variable
   * may name an emulator: grant both (`--allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL`).
   *
   * @default {"https://cloud.lambda.ai/api/v1"}
   */
  baseUrl?: string | URL;
  /**
   * **Unsafe.** Allows sending the API key over plain `http:` to a host other than loopback, where
   * anyone on the path can read it. Only for a trusted private network. Loopback hosts
   * (`localhost`, `127.0.0.0/8`, `[::1]`) never need it.
   *
   * @default {false}
   */
  allowInsecureHttp?: boolean;
  /**
   * The longest wait for one attempt's complete answer (headers and body), in milliseconds.
   *
   * @default {60000}
   */
  timeout?: number;
  /**
   * How many times a failed call may be retried, when its operation allows it.
   *
   * @default {2}
   */
  maxRetries?: number;
  /** How long to wait between attempts. */
  backoff?: BackoffOptions;
  /**
   * The client-side rate limiter, or `false` to turn it off (for instance behind a proxy that
   * already paces requests).
   *
   * @default {{ requestIntervalMs: 1000, launchIntervalMs: 12000, clockSkewMs: 10 }}
   */
  rateLimit?: RateLimitOptions | false;
  /**
   * The `fetch` to send requests with: a test double, or one with a proxy.
   *
   * @default {globalThis.fetch}
   */
  fetch?: (input: Request) => Promise<Response>;
  /**
   * A product name put in front of the client's own `User-Agent`, such as `"my-fleet/1.2"`. Where
   * the runtime forbids setting `User-Agent` (browsers), it is silently left out.
   *
   * @default {undefined} (the header is `lambda-cloud-client/<version>`)
   */
  userAgent?: string;
  /** Callbacks for logging and metrics. */
  hooks?: Hooks;
  /**
   * The largest answer the client reads, in bytes once decompressed; a larger one fails as a
   * `ConnectionError` instead of filling the memory. Lambda's largest answers (a long instance
   * list) are a few MB.
   * @default {67108864} (64 MiB)
   */
  maxResponseBytes?: number;
  /**
   * The clock that backoff and the rate limiter wait on: a test seam.
   *
   * @default {systemClock}
   */
  clock?: Clock;
  /**
   * A source of randomness in [0, 1) for retry jitter: a test seam.
   *
   * @default {Math.random}
   */
  random?: () => number;
}

/**
 * Options that every method accepts as its last argument, overriding the client's for that call.
 *
 * @example Give up after 5 seconds, with no retries
 * ```ts ignore
 * import { LambdaCloudClient } from "@lambda-cloud/client";
 *
 * const client = new LambdaCloudClient();
 * const instances = await client.instances.list(undefined, {
 *   signal: AbortSignal.timeout(5000),
 *   maxRetries: 0,
 * });
 * ```
 */
export interface RequestOptions {
  /**
   * Aborts the call: a waiting turn, an attempt in flight, or a backoff wait. The call then rejects
   * with `signal.reason`, untouched.
   */
  signal?: AbortSignal;
  /** The longest wait for one attempt's complete answer, in milliseconds. */
  timeout?: number;
  /** How many times this call may be retried, when its operation allows it. */
  maxRetries?: number;
  /** Extra request headers. `Authorization` is always the client's own. */
  headers?: HeadersInit;
}
