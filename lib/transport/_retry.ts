// Every rule of when a request is sent again, in one place: which failures each policy retries,
// what a failure proves about whether the server acted, how long to wait, how long a 429 holds
// the whole key back, and when a delete whose answer was lost is done. The policy table
// (lib/spec/policy.ts) picks a policy per operation; the transport's loop applies these rules.

import { ApiError, NotFoundError } from "../errors.ts";
import { ConnectionError, InvalidResponseError, TimeoutError } from "../no_answer_errors.ts";

/** Which failures an operation may safely be sent again after. */
export interface RetryPolicy {
  /**
   * Retry when no usable answer arrived (the request may or may not have been processed): no
   * answer at all, or a success whose body cannot be read.
   */
  readonly onNoAnswer: boolean;
  /** Retry on these HTTP statuses. */
  readonly statuses: readonly number[];
  /** Retry on any HTTP status of 500 or more. */
  readonly serverErrors: boolean;
  /** Retry on any error code that starts with one of these. */
  readonly codePrefixes: readonly string[];
}

/**
 * For calls that do the same thing however often they are sent: reads, deletes, terminate, and
 * renaming or retagging an instance.
 */
export const RETRY_IDEMPOTENT: RetryPolicy = {
  onNoAnswer: true,
  statuses: [408, 429],
  serverErrors: true,
  codePrefixes: ["provider/"],
};

/**
 * For calls that create or bill something, where a second send could do it twice: launch, restart,
 * creating keys, filesystems, rulesets, tickets and comments. There is no idempotency key, so they
 * are sent again only after a failure that proves the server did not act: a 429 (refused before
 * anything ran), or a connection that was never made (every policy retries those).
 */
export const RETRY_WHEN_REFUSED: RetryPolicy = {
  onNoAnswer: false,
  statuses: [429],
  serverErrors: false,
  codePrefixes: [],
};

/** Whether `policy` allows sending the request again after `error`. */
export function isRetryable(policy: RetryPolicy, error: unknown): boolean {
  // The request never left: sending it is as safe as the first time was, and may work unless
  // the runtime forbade the connection.
  if (error instanceof ConnectionError && !error.requestSent) return !error.permissionDenied;
  // An unreadable success (a cut-off body, a proxy's page) is as good as no answer.
  if (
    error instanceof ConnectionError || error instanceof TimeoutError ||
    error instanceof InvalidResponseError
  ) return policy.onNoAnswer;
  if (!(error instanceof ApiError)) return false;
  // A call that must not act twice goes again only after a refusal: a 429 whose code says an
  // upstream provider failed (`provider/*`) may come after the backend acted.
  if (!policy.onNoAnswer && !isRefusal(error)) return false;
  if (policy.statuses.includes(error.status)) return true;
  if (policy.serverErrors && error.status >= 500) return true;
  const code = error.code;
  return code !== undefined && policy.codePrefixes.some((prefix) => code.startsWith(prefix));
}

/**
 * Whether `error` leaves the call's outcome unknown: no answer after the request left, an
 * unreadable success, or any answer that is not a refusal: a 5xx, a `provider/*` code or a
 * redirect (the server, or the backend behind a gateway, may have acted before it failed, or may
 * still act). A launch is then looked for, and a terminate checked, rather than trusted.
 */
export function isOutcomeUnknown(error: unknown): boolean {
  return (error instanceof ConnectionError && error.requestSent) ||
    error instanceof TimeoutError || error instanceof InvalidResponseError ||
    (error instanceof ApiError && !isRefusal(error));
}

/**
 * Whether `error` proves the server did not act: a 4xx answer (a redirect, a 5xx or a failing
 * upstream provider proves nothing), or a connection that was never made.
 */
export function isRefusal(error: unknown): boolean {
  if (error instanceof ConnectionError) return !error.requestSent;
  return error instanceof ApiError && error.status >= 400 && error.status < 500 &&
    !(error.code?.startsWith("provider/") ?? false);
}

/** How long to wait between attempts. */
export interface BackoffSettings {
  /** The wait before the first retry, doubled for each later one, in milliseconds. */
  initialDelayMs: number;
  /** The longest wait backoff reaches, in milliseconds. */
  maxDelayMs: number;
  /** The longest `Retry-After` the client waits out by itself, in milliseconds. */
  maxRetryAfterMs: number;
  /** How long one call may go on waiting out 429 refusals beyond its retries, in milliseconds. */
  patienceMs: number;
  /** A source of randomness in [0, 1), for jitter. */
  random: () => number;
}

// Waits beyond a call's retries, when processes sharing a key take turns being refused, are spread
// by up to this much, so that they do not all come back at the same instant.
const PATIENCE_SPREAD_MS = 1000;

/**
 * The wait before retry number `retry` (0 for the first), or `undefined` when the server asked for
 * a longer wait than the client will make on its own.
 */
export function retryDelay(
  error: unknown,
  retry: number,
  settings: Omit<BackoffSettings, "patienceMs">,
): number | undefined {
  const asked = error instanceof ApiError ? error.retryAfterMs : undefined;
  if (asked !== undefined) return asked <= settings.maxRetryAfterMs ? asked : undefined;
  const ceiling = Math.min(settings.maxDelayMs, settings.initialDelayMs * 2 ** retry);
  // Equal jitter: at least half the ceiling, so bursts of clients spread out but still back off.
  return Math.round(ceiling / 2 + settings.random() * (ceiling / 2));
}

/** Where a call stands after a failed attempt. */
export interface FailedAttempt {
  /** The attempt that failed: 1 for the first send. */
  attempt: number;
  maxRetries: number;
  /** Time since the call's first failure, in milliseconds. */
  elapsedMs: number;
  /** Whether an earlier attempt's outcome was unknown: it may have done the job. */
  unknownBefore: boolean;
}

/** What the transport does after a failed attempt. */
export interface NextStep {
  /** Send again after this many milliseconds; throw the error when left out. */
  retryInMs?: number;
  /** Hold back every call of this key for this many milliseconds (after a 429). */
  holdMs?: number;
  /** The job is done after all: return the operation's empty answer rather than throw. */
  done?: true;
}

/**
 * What to do after `error` ended `state.attempt` of a call with `method` and `policy`:
 *
 * - A DELETE answered 404 after an attempt of unknown outcome is done: gone is what was asked.
 * - A failure the policy allows is retried, up to `maxRetries` times; a 429 that refused the
 *   call (no `provider/*` code) is retried beyond that while `patienceMs` lasts, waits spread.
 * - A 429 speaks for the whole key: every call that shares this budget is held back for as long
 *   as the server asked, whether or not this call tries again; but never longer than
 *   `maxRetryAfterMs`, so that one answer asking for hours cannot stall every later call (and a
 *   cleanup's terminate) silently: past that, each call asks again, and throws.
 */
export function nextStep(
  method: string,
  policy: RetryPolicy,
  error: unknown,
  state: FailedAttempt,
  settings: BackoffSettings,
): NextStep {
  if (state.unknownBefore && method === "DELETE" && error instanceof NotFoundError) {
    return { done: true };
  }
  let retryInMs = isRetryable(policy, error)
    ? retryDelay(error, state.attempt - 1, settings)
    : undefined;
  if (retryInMs !== undefined && state.attempt > state.maxRetries) {
    // Beyond its retries, a call waits out only refusals by 429, while its patience lasts.
    const refused = settings.patienceMs > 0 && error instanceof ApiError && error.status === 429 &&
      isRefusal(error);
    const patient = refused ? retryInMs + Math.round(settings.random() * PATIENCE_SPREAD_MS) : -1;
    retryInMs = patient >= 0 && state.elapsedMs + patient <= settings.patienceMs
      ? patient
      : undefined;
  }
  if (!(error instanceof ApiError && error.status === 429)) {
    return retryInMs === undefined ? {} : { retryInMs };
  }
  const holdMs = Math.min(
    error.retryAfterMs ?? retryInMs ?? retryDelay(error, state.attempt - 1, settings)!,
    settings.maxRetryAfterMs,
  );
  return retryInMs === undefined ? { holdMs } : { retryInMs, holdMs };
}

/**
 * Reads a `Retry-After` header, in seconds or as an HTTP date, as milliseconds from `now` (for a
 * date, pass the time the server's own `Date` header gives, so that clock skew does not count).
 * Returns `undefined` when it is absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date names its day and month; bare numbers such as "-3" are junk, not years.
  const date = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
