/**
 * The emulator's rate limits and the shape of its 429 answers, and what in them is assumed.
 *
 * Lambda's spec says only "Requests to the API are generally limited to one request per second"
 * and "Requests to the `/instance-operations/launch` endpoint are limited to one request per 12
 * seconds, or five requests per minute". It documents no 429 answer: no body, no code, no
 * `Retry-After`. Everything else here is the emulator's assumption, and can be changed:
 *
 * - the limits count per API key (Lambda's are per account: the emulator has one key);
 * - a request's turn is taken when it arrives, before its body is read or checked;
 * - a launch uses its 12 s slot only once its body passes the checks the spec's schema and prose
 *   make (so one refused with 400 `global/invalid-parameters`, which the API refuses before it
 *   looks anything up, does not meet the launch limit at all, and uses only the one-per-second
 *   turn); one refused after that (a name that names nothing, no capacity, the quota) uses it
 *   (`countInvalidLaunches: true` makes every launch use it as it arrives);
 * - a request refused with 429 uses no turn (`countRefused: true` makes it use one);
 * - "one per 12 seconds, or five per minute" is read as one per 12 s with no burst
 *   (`launchBurst: 4` reads it as five at once, then one per 12 s);
 * - 429 answers are plain text without `Retry-After` (see {@linkcode RateLimitAnswer}).
 *
 * @example Lambda's limits, with bursts and 429s in Lambda's JSON envelope
 * ```ts
 * import { LambdaEmulator } from "@lambda-cloud/client/testing";
 *
 * const emulator = new LambdaEmulator({
 *   rateLimit: { requestBurst: 2, launchBurst: 4 },
 *   rateLimitAnswer: { body: "json", retryAfter: true },
 * });
 * ```
 *
 * @module
 */

/**
 * The emulator's rate limits: one request per `requestIntervalMs` and one launch per
 * `launchIntervalMs`, per API key, as a generic cell rate algorithm (a request may go once its
 * turn has come, less `toleranceMs`, and a burst allows that many more at once).
 *
 * @example Twenty times Lambda's pace, for a fast benchmark
 * ```ts
 * import type { RateLimitOptions } from "@lambda-cloud/client/testing";
 *
 * const fast: RateLimitOptions = { requestIntervalMs: 50, launchIntervalMs: 600 };
 * ```
 */
export interface RateLimitOptions {
  /** The least time between two requests of any kind, in milliseconds. @default 1000 */
  requestIntervalMs?: number;
  /** The least time between two launches, in milliseconds. @default 12000 */
  launchIntervalMs?: number;
  /**
   * How early a request may arrive and still be let through, in milliseconds: the network jitter
   * a server forgives.
   * @default 50
   */
  toleranceMs?: number;
  /**
   * How many requests beyond the pace may arrive back to back: 2 lets three go at once, then one
   * per interval. Lambda documents no burst; this is an assumption to test against.
   * @default 0
   */
  requestBurst?: number;
  /**
   * How many launches beyond the pace may arrive back to back. 4 reads the spec's "five requests
   * per minute" as five at once; the default reads "one request per 12 seconds" strictly.
   * @default 0
   */
  launchBurst?: number;
  /**
   * Whether a request refused with 429 still uses its turn, so that a client that keeps knocking
   * stays locked out. Whether Lambda counts them is not documented.
   * @default false
   */
  countRefused?: boolean;
  /**
   * Whether a launch whose body fails the API's checks (400 `global/invalid-parameters`) still
   * meets the launch limit, and uses its slot, as every launch would behind a limiter that runs
   * before the API reads the body. By default only a launch whose body passes does: Lambda
   * documents neither.
   * @default false
   */
  countInvalidLaunches?: boolean;
}

/**
 * What a 429 looks like, from the rate limits and from the `rate-limit` fault alike.
 *
 * The default, plain text without `Retry-After`, is the least a client can rely on, chosen so
 * that code passing against it copes with whatever production sends. It is not a claim about
 * production: the spec documents no 429 at all, and the notes warn that real ones may not be
 * JSON. `{ body: "json", retryAfter: true }` is the kindest form to code that expects Lambda's
 * envelope and a delay; its code, `global/rate-limit-exceeded`, is invented, so branch on the
 * status.
 *
 * @example Every form a test suite should survive
 * ```ts
 * import type { RateLimitAnswer } from "@lambda-cloud/client/testing";
 *
 * const forms: RateLimitAnswer[] = [
 *   { body: "text" },
 *   { body: "html" },
 *   { body: "json" },
 *   { body: "json", retryAfter: true },
 * ];
 * ```
 */
export interface RateLimitAnswer {
  /**
   * The body: `"text"` (a line of plain text), `"html"` (a gateway's error page) or `"json"`
   * (Lambda's error envelope, with an invented code).
   * @default "text"
   */
  body?: "text" | "html" | "json";
  /**
   * Whether the limits send `Retry-After`, in whole seconds until the request's turn. (A
   * `rate-limit` fault sends it when its rule sets `retryAfterSeconds`.)
   * @default false
   */
  retryAfter?: boolean;
}
