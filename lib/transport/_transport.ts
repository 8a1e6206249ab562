// The one place that talks HTTP. Resources name an operation of the table (lib/spec/) and give its
// parameters; the transport fills the path, takes the operation's retry policy and rate limit, and
// sends it: each attempt paced by the limiter (_rate_limiter.ts), sent and read (_attempt.ts),
// its answer read (_answer.ts), and a failure sent again or thrown as the retry rules say
// (_retry.ts). The options are checked in _settings.ts, the key read in _key.ts.

import { callSafely } from "../_callback.ts";
import { type LimitKind, sharedRateLimiter } from "../_rate_limiter.ts";
import { redactKey } from "../_redact.ts";
import { checkId, checkNonNegativeInteger, checkTimeout } from "../_validate.ts";
import type { Clock } from "../clock.ts";
import type { Hooks, LambdaCloudClientOptions, RequestEvent, RequestOptions } from "../options.ts";
import { type OperationId, OPERATIONS } from "../spec/operations.ts";
import { POLICY, retryPolicy } from "../spec/policy.ts";
import type { SpecOperation } from "../spec/types.ts";
import { readAnswer } from "./_answer.ts";
import { attempt, callerHeaders, type Emit, type SendTracker } from "./_attempt.ts";
import { ApiKey } from "./_key.ts";
import { isOutcomeUnknown, isRefusal, nextStep, type RetryPolicy } from "./_retry.ts";
import { environmentBaseUrl, type TransportSettings, transportSettings } from "./_settings.ts";

export type { SendTracker } from "./_attempt.ts";
export { DEFAULT_BASE_URL } from "./_settings.ts";

/** The parameters of one call of an operation. */
export interface CallParams {
  /** The path parameters, by the spec's names, unencoded. */
  path?: Readonly<Record<string, string>> | undefined;
  /** Query parameters; an array repeats the parameter once per item. */
  query?: Readonly<Record<string, string | readonly string[] | undefined>> | undefined;
  /** The JSON body. */
  body?: unknown;
}

/** What a workflow adds to a call: see {@linkcode Operation}. */
export type CallExtras = Pick<Operation, "alreadyDone" | "tracker" | "ambiguityHint">;

/** One API call, described as data. */
export interface Operation {
  /** The action in words, for messages: `"launch instance"`. */
  action: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** The path below the base URL, already encoded, starting with `/`. */
  path: string;
  /** Query parameters; an array repeats the parameter once per item. */
  query?: Readonly<Record<string, string | readonly string[] | undefined>> | undefined;
  body?: unknown;
  retry: RetryPolicy;
  limit: LimitKind;
  /** Added to errors after which the outcome is unknown, such as a create that timed out. */
  ambiguityHint?: string | undefined;
  /** Return the whole answer rather than its `data`, for answers with fields beside it. */
  wholeEnvelope?: boolean;
  /** The shape the answer's `data` must have to be handed on; any when left out. */
  dataShape?: SpecOperation["data"];
  /**
   * For a DELETE: what to return when a retry after a failure of unknown outcome answers 404 (the
   * first attempt did the job). `{}`, Lambda's empty answer, when left out.
   */
  alreadyDone?: unknown;
  /** Told whether the last attempt may have reached the server, for calls that must not repeat. */
  tracker?: SendTracker;
}

/** Sends {@linkcode Operation}s and returns the `data` of their answers. */
export class Transport {
  #baseUrl: string | undefined;
  readonly #settings: TransportSettings;
  readonly #key: ApiKey;
  readonly #emitAttempt: Emit;

  constructor(options: LambdaCloudClientOptions) {
    this.#settings = transportSettings(options);
    this.#baseUrl = this.#settings.baseUrl;
    this.#key = new ApiKey(options.apiKey, this.#settings.clock);
    this.#emitAttempt = (name, event) => this.#emit(name, event as never);
  }

  /**
   * The base URL: the `baseUrl` option, else `LAMBDA_BASE_URL` (read once, when first needed),
   * else Lambda's. Throws what {@linkcode environmentBaseUrl} throws.
   */
  get baseUrl(): string {
    return this.#baseUrlFor("read the base URL");
  }

  #baseUrlFor(action: string): string {
    return this.#baseUrl ??= environmentBaseUrl(action, this.#settings);
  }

  /** The client's attempt timeout, in milliseconds, for workflows that size their own waits on it. */
  get timeoutMs(): number {
    return this.#settings.timeoutMs;
  }

  /** The client's clock, for waits built on top of requests. */
  get clock(): Clock {
    return this.#settings.clock;
  }

  /**
   * Calls operation `id` of the table: fills and encodes its path from `params.path` (each value
   * checked as an id, named after the parameter), takes its retry policy and rate limit from the
   * policy table, and returns the answer's `data` (the whole answer when the spec puts fields
   * beside `data`, as paging does).
   */
  call<T>(
    id: OperationId,
    params: CallParams = {},
    options?: RequestOptions,
    extras: CallExtras = {},
  ): Promise<T> {
    const spec = OPERATIONS[id];
    const policy = POLICY[id];
    let path = spec.path;
    // Not async, to spare every call a frame: a bad argument still rejects rather than throws.
    try {
      for (const name of spec.pathParams) {
        // Named as the method's argument: ticket_id is `ticketId` there.
        const argument = name.includes("_")
          ? name.replace(/_(\w)/g, (_, letter: string) => letter.toUpperCase())
          : name;
        path = path.replace(`{${name}}`, checkId(policy.action, argument, params.path?.[name]));
      }
    } catch (error) {
      return Promise.reject(error);
    }
    return this.request<T>({
      action: policy.action,
      method: spec.method,
      path,
      query: params.query,
      body: params.body,
      retry: retryPolicy(id, params.body),
      limit: policy.limit ?? "request",
      ambiguityHint: policy.ifUnknown,
      wholeEnvelope: spec.envelope.length > 1,
      dataShape: spec.data,
      ...extras,
    }, options);
  }

  /** Sends `operation`, retrying as the retry rules allow, and returns the answer's `data`. */
  async request<T>(operation: Operation, options: RequestOptions = {}): Promise<T> {
    const settings = this.#settings;
    const { action } = operation;
    const { clock } = settings;
    const timeoutMs = options.timeout === undefined
      ? settings.timeoutMs
      : checkTimeout(action, "timeout", options.timeout);
    const maxRetries = options.maxRetries === undefined
      ? settings.maxRetries
      : checkNonNegativeInteger(action, "maxRetries", options.maxRetries);
    const signal = options.signal;
    const caller = { signal, headers: callerHeaders(action, options.headers) };
    signal?.throwIfAborted();
    const key = this.#key.get(action, signal, timeoutMs);
    const apiKey = typeof key === "string" ? key : await key;
    const limits = settings.limiter;
    const limiter = limits && sharedRateLimiter(limits, await this.#key.hash(apiKey));
    const url = buildUrl(this.#baseUrlFor(action), operation);
    // What hooks see: the key passed where an id goes (`instances.get(key)`) stays secret there too.
    const shownUrl = settings.observed ? redactKey(url, apiKey) : url;
    // Patience is counted from the first failure, so that a call that succeeds reads no clock.
    let failedAt: number | undefined;
    let unknownBefore = false;
    // Held for the whole call, backoff included, so the shared registry never drops this key's
    // budget while a retry is still to come.
    limiter?.retain();
    // Once first in line, a call waits for its turn no longer than the client would hold it back
    // itself (for a 429, or by its own intervals): a turn further off fails it unsent.
    const bound = limits && {
      action,
      maxWaitMs: Math.max(
        settings.backoff.maxRetryAfterMs,
        limits.requestIntervalMs,
        limits.launchIntervalMs,
      ),
    };
    try {
      for (let attemptNumber = 1;; attemptNumber++) {
        const storeError = limiter
          ? await limiter.acquire(operation.limit, signal, bound)
          : undefined;
        const event: RequestEvent = {
          action,
          method: operation.method,
          url: shownUrl,
          headers: {},
          attempt: attemptNumber,
        };
        if (storeError) this.#emit("onRateLimitFallback", { ...event, error: storeError });
        try {
          // A caller that aborts in the same tick as the call (or while nothing else was awaited)
          // must find nothing sent: one turn of the microtask queue lets that abort land first.
          if (signal !== undefined) {
            await null;
            signal.throwIfAborted();
          }
          const sent = await attempt(
            settings,
            this.#emitAttempt,
            operation,
            url,
            event,
            apiKey,
            timeoutMs,
            caller,
          );
          return readAnswer<T>(operation, sent.answer, sent.text, apiKey, clock);
        } catch (error) {
          if (signal?.aborted) throw signal.reason;
          if (operation.tracker && isRefusal(error)) operation.tracker.mayHaveActed = false;
          const step = nextStep(operation.method, operation.retry, error, {
            attempt: attemptNumber,
            maxRetries,
            elapsedMs: clock.now() - (failedAt ??= clock.now()),
            unknownBefore,
          }, settings.backoff);
          if (step.holdMs !== undefined) await limiter?.holdUntil(clock.now() + step.holdMs);
          if (step.done) return (operation.alreadyDone ?? {}) as T;
          if (step.retryInMs === undefined) throw error;
          unknownBefore ||= isOutcomeUnknown(error);
          this.#emit("onRetry", { ...event, error: error as Error, delayMs: step.retryInMs });
          await clock.sleep(step.retryInMs, signal);
        }
      }
    } finally {
      limiter?.release();
    }
  }

  #emit<K extends keyof Hooks>(name: K, event: Parameters<NonNullable<Hooks[K]>>[0]): void {
    if (!this.#settings.observed) return;
    const hooks = this.#settings.hooks;
    // Read inside the guard (a getter may throw), and called on its object (a class's methods).
    callSafely(() => {
      const hook = hooks[name] as unknown;
      return typeof hook === "function" ? hook.call(hooks, event) : undefined;
    }, undefined);
  }
}

// The base URL was checked when the client was made and every path segment is encoded, so plain
// concatenation is safe, and it keeps URL parsing off the path of every call.
function buildUrl(baseUrl: string, operation: Operation): string {
  if (operation.query === undefined) return baseUrl + operation.path;
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(operation.query)) {
    if (typeof value === "string") query.set(name, value);
    else for (const item of value ?? []) query.append(name, item);
  }
  const search = query.toString();
  return search === "" ? baseUrl + operation.path : `${baseUrl}${operation.path}?${search}`;
}
