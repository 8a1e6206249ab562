// The one place that talks HTTP: authentication, pacing, timeouts, retries, hooks and error mapping.
// Resources name an operation of the table (lib/spec/) and give its parameters; the transport fills
// the path, picks the retry policy and the rate limit, and sends it.

import { holdsSecret, MIN_REDACTED_LENGTH, redactError, redactSecret } from "./_redact.ts";
import { shapeProblem } from "./_answer_shape.ts";
import { callSafely } from "./_callback.ts";
import { endDeadline, startDeadline } from "./_deadlines.ts";
import { readEnv } from "./_env.ts";
import { hasRuntimeErrors, RUNTIME_FETCH } from "./_never_sent.ts";
import {
  hashApiKey,
  type LimiterSettings,
  type LimitKind,
  sharedRateLimiter,
} from "./_rate_limiter.ts";
import {
  type BackoffSettings,
  isOutcomeUnknown,
  isRefusal,
  isRetryable,
  parseRetryAfter,
  retryDelay,
  type RetryPolicy,
} from "./_retry.ts";
import {
  checkId,
  checkNonNegativeInteger,
  checkNonNegativeNumber,
  checkOptionalType,
  checkTimeout,
  describeValue,
} from "./_validate.ts";
import type { RateLimitStore } from "./rate_limit_store.ts";
import { type OperationId, OPERATIONS } from "./spec/operations.ts";
import type { SpecOperation } from "./spec/types.ts";
import { POLICY, retryPolicy } from "./spec/policy.ts";
import { type Clock, systemClock } from "./clock.ts";
import {
  ApiError,
  ConnectionError,
  createApiError,
  InvalidResponseError,
  LambdaCloudError,
  NotFoundError,
  TimeoutError,
} from "./errors.ts";
import type {
  Hooks,
  LambdaCloudClientOptions,
  RequestEvent,
  RequestOptions,
  ResponseEvent,
} from "./options.ts";
import { VERSION } from "./version.ts";

/** The default base URL: Lambda's production API. */
export const DEFAULT_BASE_URL = "https://cloud.lambda.ai/api/v1";

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_RETRIES = 2;
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
const HOOK_NAMES: readonly (keyof Hooks)[] = [
  "onRequest",
  "onResponse",
  "onRetry",
  "onRateLimitFallback",
];
// Processes on one machine share a clock; on several, NTP keeps clocks this close or closer.
const DEFAULT_CLOCK_SKEW_MS = 10;
const API_KEY_ENV = "LAMBDA_API_KEY";
const REDACTED_AUTHORIZATION = "Bearer [REDACTED]";

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

/**
 * Whether a call's last attempt may have been acted on. `true` from the moment an attempt is handed
 * to `fetch`; back to `false` when its answer proves the server did nothing (any 4xx, or a
 * connection that was never made). A caller that aborts reads it to know whether its call may have
 * taken effect.
 */
export interface SendTracker {
  mayHaveActed: boolean;
}

/** Sends {@linkcode Operation}s and returns the `data` of their answers. */
export class Transport {
  readonly baseUrl: string;
  readonly #apiKey: LambdaCloudClientOptions["apiKey"];
  #envApiKey: string | undefined;
  // A key that is not a function is checked once, then reused.
  #checkedKey: string | undefined;
  readonly #customFetch: ((input: Request) => Promise<Response>) | undefined;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #userAgent: string;
  readonly #hooks: Hooks;
  readonly #observed: boolean;
  readonly #clock: Clock;
  readonly #backoff: BackoffSettings;
  readonly #limiter: LimiterSettings | undefined;
  readonly #maxResponseBytes: number;
  #hashedKey: string | undefined;
  #keyHash: Promise<string> | undefined;

  constructor(options: LambdaCloudClientOptions) {
    const action = "create client";
    this.baseUrl = checkBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL, options.allowInsecureHttp);
    if (
      options.apiKey !== undefined && typeof options.apiKey !== "function" &&
      (typeof options.apiKey !== "string" || options.apiKey.trim() === "")
    ) {
      throw new TypeError(
        `Cannot ${action}: 'apiKey' must be a non-empty string or a function, received ${
          typeof options.apiKey === "string" ? "an empty string" : describeValue(options.apiKey)
        }`,
      );
    }
    this.#apiKey = options.apiKey;
    const customFetch = options.fetch;
    if (customFetch !== undefined && typeof customFetch !== "function") {
      throw new TypeError(
        `Cannot ${action}: 'fetch' must be a function, received ${describeValue(customFetch)}`,
      );
    }
    this.#customFetch = customFetch;
    this.#timeoutMs = checkTimeout(action, "timeout", options.timeout ?? DEFAULT_TIMEOUT_MS);
    this.#maxRetries = checkNonNegativeInteger(
      action,
      "maxRetries",
      options.maxRetries ?? DEFAULT_MAX_RETRIES,
    );
    this.#userAgent = buildUserAgent(options.userAgent);
    this.#hooks = options.hooks ?? {};
    let observed = false;
    for (const name of HOOK_NAMES) {
      let hook: unknown;
      try {
        // By name, not Object.values: a class's methods live on its prototype.
        hook = this.#hooks[name];
      } catch {
        observed = true; // a getter that throws: each emit tries, and swallows what it throws
        continue;
      }
      checkOptionalType(action, `hooks.${name}`, hook, "function");
      observed ||= hook !== undefined;
    }
    this.#observed = observed;
    this.#clock = options.clock ?? systemClock;
    const backoff = options.backoff ?? {};
    this.#backoff = {
      initialDelayMs: checkNonNegativeNumber(
        action,
        "backoff.initialDelayMs",
        backoff.initialDelayMs ?? 500,
      ),
      maxDelayMs: checkNonNegativeNumber(action, "backoff.maxDelayMs", backoff.maxDelayMs ?? 8000),
      maxRetryAfterMs: checkNonNegativeNumber(
        action,
        "backoff.maxRetryAfterMs",
        backoff.maxRetryAfterMs ?? 60_000,
      ),
      random: options.random ?? Math.random,
    };
    this.#maxResponseBytes = checkNonNegativeInteger(
      action,
      "maxResponseBytes",
      options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    );
    const rateLimit = options.rateLimit ?? {};
    this.#limiter = rateLimit === false ? undefined : {
      clock: this.#clock,
      store: checkStore(rateLimit.store),
      clockSkewMs: checkNonNegativeNumber(
        action,
        "rateLimit.clockSkewMs",
        rateLimit.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS,
      ),
      requestIntervalMs: checkNonNegativeNumber(
        action,
        "rateLimit.requestIntervalMs",
        rateLimit.requestIntervalMs ?? 1000,
      ),
      launchIntervalMs: checkNonNegativeNumber(
        action,
        "rateLimit.launchIntervalMs",
        rateLimit.launchIntervalMs ?? 12_000,
      ),
    };
  }

  /** The client's attempt timeout, in milliseconds, for workflows that size their own waits on it. */
  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  /** The client's clock, for waits built on top of requests. */
  get clock(): Clock {
    return this.#clock;
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
        path = path.replace(
          `{${name}}`,
          checkId(policy.action, argumentName(name), params.path?.[name]),
        );
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

  /** Sends `operation`, retrying as its policy allows, and returns the answer's `data`. */
  async request<T>(operation: Operation, options: RequestOptions = {}): Promise<T> {
    const { action } = operation;
    const timeoutMs = options.timeout === undefined
      ? this.#timeoutMs
      : checkTimeout(action, "timeout", options.timeout);
    const maxRetries = options.maxRetries === undefined
      ? this.#maxRetries
      : checkNonNegativeInteger(action, "maxRetries", options.maxRetries);
    const signal = options.signal;
    signal?.throwIfAborted();
    // A key given as a string (or read from the environment) is checked once; only a function is
    // awaited on every call.
    const apiKey = this.#checkedKey ??
      (typeof this.#apiKey === "function"
        ? await this.#resolveApiKey(action, signal, timeoutMs)
        : this.#staticApiKey(action));
    const limiter = this.#limiter &&
      sharedRateLimiter(this.#limiter, await this.#hashKey(apiKey));
    const url = buildUrl(this.baseUrl, operation);
    let unknownBefore = false;
    // Held for the whole call, backoff included, so the shared registry never drops this key's
    // budget while a retry is still to come.
    limiter?.retain();
    try {
      for (let attempt = 1;; attempt++) {
        const storeError = limiter ? await limiter.acquire(operation.limit, signal) : undefined;
        const event: RequestEvent = {
          action,
          method: operation.method,
          url,
          headers: {},
          attempt,
        };
        if (storeError) this.#emit("onRateLimitFallback", { ...event, error: storeError });
        try {
          // A caller that aborts in the same tick as the call (or while nothing else was awaited)
          // must find nothing sent: one turn of the microtask queue lets that abort land first.
          if (signal !== undefined) {
            await null;
            signal.throwIfAborted();
          }
          return await this.#attempt<T>(operation, event, apiKey, timeoutMs, options);
        } catch (error) {
          if (signal?.aborted) throw signal.reason;
          if (operation.tracker && isRefusal(error)) operation.tracker.mayHaveActed = false;
          // A delete whose first attempt was lost may have done the job: gone is what was asked.
          if (unknownBefore && operation.method === "DELETE" && error instanceof NotFoundError) {
            return (operation.alreadyDone ?? {}) as T;
          }
          const retryable = attempt <= maxRetries && isRetryable(operation.retry, error);
          const delayMs = retryable ? retryDelay(error, attempt - 1, this.#backoff) : undefined;
          // A 429 speaks for the whole key: hold back every call that shares this budget, for as
          // long as the server asked, whether or not this call tries again; but never longer than
          // `maxRetryAfterMs`, so that one answer asking for hours cannot stall every later call
          // (and a cleanup's terminate) silently: past that, each call asks again, and throws.
          if (error instanceof ApiError && error.status === 429) {
            const holdMs = error.retryAfterMs ?? delayMs ??
              retryDelay(error, attempt - 1, this.#backoff)!;
            await limiter?.holdUntil(
              this.#clock.now() + Math.min(holdMs, this.#backoff.maxRetryAfterMs),
            );
          }
          if (delayMs === undefined) throw error;
          unknownBefore ||= isOutcomeUnknown(error);
          this.#emit("onRetry", { ...event, error: error as Error, delayMs });
          await this.#clock.sleep(delayMs, signal);
        }
      }
    } finally {
      limiter?.release();
    }
  }

  async #attempt<T>(
    operation: Operation,
    event: RequestEvent,
    apiKey: string,
    timeoutMs: number,
    options: RequestOptions,
  ): Promise<T> {
    // Read before any hook runs: a hook may change the event it is given, never what is sent.
    const url = event.url;
    const hasBody = operation.body !== undefined;
    const headers = this.#headers(apiKey, hasBody, options.headers, event);
    const controller = new AbortController();
    const started = this.#observed ? this.#clock.now() : 0;
    const init: RequestInit = {
      method: operation.method,
      headers,
      body: hasBody ? JSON.stringify(operation.body) : null,
      signal: controller.signal,
      // A redirect would resend a launch as a GET or carry the key elsewhere: report it instead.
      redirect: "manual",
    };
    // The runtime's own fetch stops, body included, when its signal aborts. Any other fetch (a
    // custom one, or a stub put in place of the global) may ignore the signal: racing it against
    // the abort keeps the timeout and the caller's abort binding anyway. Listening before anything
    // can abort the controller, so no abort goes unheard.
    const fetch = this.#customFetch ?? globalThis.fetch;
    // The runtime's own fetch, as it was when the package loaded, stops when its signal aborts; a
    // fetch put in its place later (a test stub, an instrumentation wrapper) is raced instead.
    const native = fetch === RUNTIME_FETCH ? RUNTIME_FETCH : undefined;
    const abandoned = native ? undefined : new Promise<never>((_, reject) => {
      controller.signal.addEventListener("abort", () => reject(controller.signal.reason), {
        once: true,
      });
    });
    // From here on, the finally below ends the deadline and removes the listener.
    const deadline = startDeadline(
      timeoutMs,
      () => controller.abort(new DOMException("The attempt timed out", "TimeoutError")),
    );
    const signal = options.signal;
    const onAbort = signal && (() => controller.abort(signal.reason));
    if (onAbort) signal.addEventListener("abort", onAbort, { once: true });
    let response: Answer;
    let text: string;
    try {
      // The caller may have aborted between its turn coming up and this attempt starting: then
      // nothing is sent at all.
      signal?.throwIfAborted();
      this.#emit("onRequest", event);
      if (operation.tracker) operation.tracker.mayHaveActed = true;
      if (native) {
        const answer = await native(url, init);
        // The usual answer declares its length: read it at once, without another frame.
        const declared = plainLength(answer.headers);
        text = declared !== undefined && declared <= this.#maxResponseBytes
          ? await answer.text()
          : await readText(answer, this.#maxResponseBytes);
        response = answer;
      } else {
        const answer = await Promise.race([fetch(new Request(url, init)), abandoned!]);
        text = await Promise.race([readText(answer, this.#maxResponseBytes), abandoned!]);
        // A custom fetch may hand back anything shaped like a Response: what is read of it later
        // is read here, where a getter that throws fails the attempt like any other fault.
        response = readAnswer(answer);
      }
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (deadline.expired) {
        throw new TimeoutError(operation.action, timeoutMs, operation.ambiguityHint);
      }
      // What a wrapper around fetch threw may hold the request, and with it the key.
      throw new ConnectionError(
        operation.action,
        redactError(error, apiKey),
        operation.ambiguityHint,
        native !== undefined || hasRuntimeErrors(fetch),
      );
    } finally {
      endDeadline(deadline);
      if (onAbort) signal.removeEventListener("abort", onAbort);
    }
    if (this.#observed) {
      const responseEvent: ResponseEvent = {
        ...event,
        status: response.status,
        responseHeaders: Object.fromEntries(redactHeaders(response.headers, apiKey)),
        durationMs: this.#clock.now() - started,
      };
      this.#emit("onResponse", responseEvent);
    }
    return this.#parse<T>(operation, response, text, apiKey);
  }

  /**
   * The headers of one attempt. Copies for hooks are made only when someone listens, and the key
   * is set last, on the request alone: nothing the caller or a hook can see holds it. Without
   * headers from the caller, a plain record, which costs the runtime less than a `Headers`.
   */
  #headers(
    apiKey: string,
    hasBody: boolean,
    extra: HeadersInit | undefined,
    event: RequestEvent,
  ): Record<string, string> | Headers {
    if (extra === undefined) {
      const headers: Record<string, string> = {
        accept: "application/json",
        "user-agent": this.#userAgent,
      };
      if (hasBody) headers["content-type"] = "application/json";
      if (this.#observed) event.headers = { ...headers, authorization: REDACTED_AUTHORIZATION };
      headers.authorization = `Bearer ${apiKey}`;
      return headers;
    }
    const headers = new Headers(extra);
    headers.set("accept", "application/json");
    headers.set("user-agent", this.#userAgent);
    if (hasBody) headers.set("content-type", "application/json");
    if (this.#observed) {
      event.headers = Object.fromEntries(headers);
      event.headers.authorization = REDACTED_AUTHORIZATION;
    }
    headers.set("authorization", `Bearer ${apiKey}`);
    return headers;
  }

  #parse<T>(operation: Operation, response: Answer, raw: string, apiKey: string): T {
    const { status } = response;
    // A server that echoes the Authorization header, even JSON-escaped, must not carry the key
    // into results, errors or logs. The scan is cheap next to parsing; the deep walk only runs
    // when the body holds escapes that could hide the key.
    const text = redactKey(raw, apiKey);
    const parsed = parseJson(text);
    const json = text.includes("\\") ? redactDeep(parsed, apiKey) : parsed;
    const problem = isRecord(json) && "data" in json
      ? shapeProblem(operation.dataShape, json.data)
      : "it is not Lambda's envelope";
    if (status >= 200 && status < 300 && problem === undefined) {
      return (operation.wholeEnvelope ? json : (json as Record<string, unknown>).data) as T;
    }
    const headers = redactHeaders(response.headers, apiKey);
    if (status >= 200 && status < 300) {
      throw new InvalidResponseError(
        operation.action,
        status,
        text,
        headers,
        [problem, operation.ambiguityHint].filter(Boolean).join("; "),
      );
    }
    // Lambda's envelope is {"error": {code, message, …}}; some proxies send {"error": "text"}.
    const error = isRecord(json) ? json.error : undefined;
    const envelope = isRecord(error) ? error : { message: error };
    const location = headers.get("location");
    const isRedirect = status >= 300 && status < 400 || response.type === "opaqueredirect";
    throw createApiError({
      action: operation.action,
      status,
      code: stringOrUndefined(envelope.code),
      apiMessage: stringOrUndefined(envelope.message),
      suggestion: stringOrUndefined(envelope.suggestion),
      requestId: stringOrUndefined(envelope.request_id) ?? headers.get("x-request-id") ??
        undefined,
      body: json === undefined ? text : json,
      headers,
      // An HTTP date is read against the server's own Date header when it sent one, so that a
      // skewed local clock does not stretch or cut the wait.
      retryAfterMs: parseRetryAfter(
        headers.get("retry-after"),
        parseHttpDate(headers.get("date")) ?? this.#clock.now(),
      ),
      hint: [
        isRedirect
          ? `the API redirected to '${location ?? "an unknown address"}': set baseUrl to it`
          : undefined,
        status >= 500 || isRedirect || envelopeCode(envelope)?.startsWith("provider/")
          ? operation.ambiguityHint
          : undefined,
      ].filter((part) => part !== undefined).join("; ") || undefined,
    });
  }

  /** The key from the options or the environment, checked once and then kept. */
  #staticApiKey(action: string): string {
    let source = this.#apiKey as string | undefined;
    if (source === undefined) {
      this.#envApiKey ??= readEnv(API_KEY_ENV);
      source = this.#envApiKey;
    }
    return this.#checkedKey = checkApiKey(action, source);
  }

  /** The key from the `apiKey` function, bounded by the call's signal and timeout. */
  async #resolveApiKey(
    action: string,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<string> {
    // A key from a secret store that stalls must not hold the call past its abort or timeout.
    const raw = await boundedBy(
      Promise.resolve().then(this.#apiKey as () => string | Promise<string>),
      signal,
      timeoutMs,
      () => new TimeoutError(`${action} (waiting for the API key)`, timeoutMs),
    );
    return checkApiKey(action, raw);
  }

  #emit<K extends keyof Hooks>(name: K, event: Parameters<NonNullable<Hooks[K]>>[0]): void {
    if (!this.#observed) return;
    const hooks = this.#hooks;
    // Read inside the guard (a getter may throw), and called on its object (a class's methods).
    callSafely(() => {
      const hook = hooks[name] as unknown;
      return typeof hook === "function" ? hook.call(hooks, event) : undefined;
    }, undefined);
  }

  // The limiter registry is keyed by a digest of the key, computed once per key rather than per
  // call. Calls share the one promise, so they reach the limiter in the order they were made.
  #hashKey(apiKey: string): Promise<string> {
    if (this.#hashedKey !== apiKey || this.#keyHash === undefined) {
      this.#hashedKey = apiKey;
      this.#keyHash = hashApiKey(apiKey);
    }
    return this.#keyHash;
  }
}

/** `store` if it has what a {@linkcode RateLimitStore} needs. */
function checkStore(store: unknown): RateLimitStore | undefined {
  if (store === undefined) return undefined;
  const candidate = store as Partial<RateLimitStore> | null;
  if (
    typeof candidate !== "object" || candidate === null ||
    typeof candidate.get !== "function" || typeof candidate.compareAndSet !== "function"
  ) {
    throw new TypeError(
      `Cannot create client: 'rateLimit.store' must have get() and compareAndSet(), received ${
        describeValue(store)
      }`,
    );
  }
  return candidate as RateLimitStore;
}

/** The key, trimmed, or a clear error that never echoes it. */
function checkApiKey(action: string, raw: unknown): string {
  const key = typeof raw === "string" ? raw.trim() : "";
  if (key === "") {
    throw new LambdaCloudError(
      `Cannot ${action}: no API key found. Pass { apiKey } to new LambdaCloudClient(), or set ` +
        `${API_KEY_ENV} and run with --allow-env=${API_KEY_ENV}`,
    );
  }
  // The key goes into a header: refuse characters that would break it, without echoing it.
  if (!/^[\x21-\x7e]+$/.test(key)) {
    throw new LambdaCloudError(
      `Cannot ${action}: the API key holds white space or characters outside printable ASCII`,
    );
  }
  return key;
}

const argumentNames = new Map<string, string>();

/** A path parameter named as the method's argument: ticket_id is `ticketId` there. */
function argumentName(parameter: string): string {
  let name = argumentNames.get(parameter);
  if (name === undefined) {
    name = parameter.replace(/_(\w)/g, (_, letter: string) => letter.toUpperCase());
    argumentNames.set(parameter, name);
  }
  return name;
}

function redactKey(text: string, apiKey: string): string {
  return apiKey.length < MIN_REDACTED_LENGTH ? text : redactSecret(text, apiKey);
}

/**
 * `value` with the key redacted in every string it holds, however deep: walked with a list rather
 * than recursion, since an answer nested thousands deep must not overflow the stack.
 */
function redactDeep(value: unknown, apiKey: string): unknown {
  const pending: [source: object, target: Record<string, unknown>][] = [];
  const copy = (item: unknown): unknown => {
    if (typeof item === "string") return redactKey(item, apiKey);
    if (typeof item !== "object" || item === null) return item;
    const target = Array.isArray(item) ? [] : {};
    pending.push([item, target as Record<string, unknown>]);
    return target;
  };
  const root = copy(value);
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [source, target] = next;
    if (Array.isArray(source)) {
      for (let i = 0; i < source.length; i++) target[i] = copy(source[i]);
      continue;
    }
    for (const [name, item] of Object.entries(source)) {
      const key = redactKey(name, apiKey);
      // `__proto__` is defined, not assigned, so that it stays a plain key as JSON.parse made it.
      if (key === "__proto__") {
        Object.defineProperty(target, key, {
          value: copy(item),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else target[key] = copy(item);
    }
  }
  return root;
}

function envelopeCode(envelope: Record<string, unknown>): string | undefined {
  return stringOrUndefined(envelope.code);
}

/** Settles as `promise` does, unless `signal` aborts or `timeoutMs` passes first. */
function boundedBy<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  timeoutMs: number,
  timedOut: () => Error,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => finish(() => reject(timedOut())), timeoutMs);
    const onAbort = () => finish(() => reject(signal?.reason));
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      settle();
    };
    if (signal?.aborted) onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    promise.then((value) => finish(() => resolve(value)), (error) => finish(() => reject(error)));
  });
}

/**
 * The body as text, refusing one longer than `maxBytes`: a response that never ends must not
 * fill the memory. A declared length is checked before reading; otherwise the body is counted as
 * it streams in.
 */
async function readText(response: Response, maxBytes: number): Promise<string> {
  const declared = plainLength(response.headers);
  if (declared !== undefined && declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge(maxBytes);
  }
  if (declared !== undefined || response.body === null) {
    return await response.text();
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text + decoder.decode();
      size += value.byteLength;
      if (size > maxBytes) throw tooLarge(maxBytes);
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  }
}

/** What is read of a response once its body is in. */
interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly type: string;
}

function readAnswer(response: Response): Answer {
  const { status, type } = response;
  if (!Number.isInteger(status)) {
    throw new TypeError(`fetch answered with a status that is not a whole number`);
  }
  const { headers } = response;
  return {
    status,
    headers: headers instanceof Headers ? headers : new Headers(headers),
    type: String(type),
  };
}

/**
 * The body's length as the headers declare it, when that is the length of what `text()` returns:
 * a compressed answer declares its size on the wire, and a few kilobytes of gzip can inflate to
 * gigabytes, so its body is counted as it streams in instead.
 */
function plainLength(headers: Headers): number | undefined {
  const declared = headers.get("content-length");
  if (declared === null) return undefined;
  const encoding = headers.get("content-encoding");
  if (encoding !== null && encoding.trim().toLowerCase() !== "identity") return undefined;
  const length = Number(declared);
  return Number.isNaN(length) ? undefined : length;
}

function tooLarge(maxBytes: number): Error {
  return new RangeError(`the answer is larger than maxResponseBytes (${maxBytes} bytes)`);
}

function redactHeaders(headers: Headers, apiKey: string): Headers {
  if (apiKey.length < MIN_REDACTED_LENGTH) return headers;
  let echoed = false;
  headers.forEach((value, name) =>
    echoed ||= holdsSecret(value, apiKey) || holdsSecret(name, apiKey)
  );
  if (!echoed) return headers;
  const copy = new Headers();
  headers.forEach((value, name) =>
    // A name must stay a header name: brackets are not allowed in one.
    copy.append(redactSecret(name, apiKey, "redacted"), redactKey(value, apiKey))
  );
  return copy;
}

function parseHttpDate(value: string | null): number | undefined {
  const time = value === null ? Number.NaN : Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
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

function buildUserAgent(product: string | undefined): string {
  const own = `lambda-cloud-client/${VERSION}`;
  if (product === undefined) return own;
  if (typeof product !== "string" || !/^[\x20-\x7e]+$/.test(product)) {
    throw new TypeError(
      `Cannot create client: 'userAgent' must be printable ASCII text, received ${
        describeValue(product)
      }`,
    );
  }
  return `${product.trim()} ${own}`;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

function checkBaseUrl(value: string | URL, allowInsecureHttp: boolean | undefined): string {
  let url: URL;
  // new URL() drops a bare "?" or "#", which would then end up in front of every path.
  if (/[?#]/.test(String(value))) {
    throw new TypeError(
      "Cannot create client: 'baseUrl' must not hold credentials, a query or a fragment",
    );
  }
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`Cannot create client: 'baseUrl' is not a valid URL, received '${value}'`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(
      `Cannot create client: 'baseUrl' must use https: or http:, received '${url.protocol}'`,
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new TypeError(
      "Cannot create client: 'baseUrl' must not hold credentials, a query or a fragment",
    );
  }
  if (url.protocol === "http:" && !LOOPBACK.test(url.hostname) && allowInsecureHttp !== true) {
    throw new TypeError(
      `Cannot create client: refusing to send the API key over plain http: to '${url.host}'; ` +
        "use https:, or pass allowInsecureHttp: true if you accept that risk",
    );
  }
  return url.href.replace(/\/+$/, "");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
