// The client's options, checked once when it is made: a typo fails at once rather than at the
// first request.

import {
  checkNonNegativeInteger,
  checkNonNegativeNumber,
  checkOptionalType,
  checkTimeout,
  describeValue,
} from "../_validate.ts";
import type { LimiterSettings } from "../_rate_limiter.ts";
import { type Clock, systemClock } from "../clock.ts";
import type { Hooks, LambdaCloudClientOptions } from "../options.ts";
import type { RateLimitStore } from "../rate_limit_store.ts";
import { VERSION } from "../version.ts";
import { mayReadEnv, readEnv } from "../_env.ts";
import { LambdaCloudError } from "../errors.ts";
import type { BackoffSettings } from "./_retry.ts";

/** The default base URL: Lambda's production API. */
export const DEFAULT_BASE_URL = "https://cloud.lambda.ai/api/v1";

const ACTION = "create client";
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

/** A client's options, checked, with their defaults filled in. */
export interface TransportSettings {
  /** The `baseUrl` option, checked; `undefined` when left out, for the environment to say. */
  baseUrl: string | undefined;
  allowInsecureHttp: boolean | undefined;
  /** Whether the key comes from the environment (no `apiKey` option). */
  keyFromEnvironment: boolean;
  fetch: ((input: Request) => Promise<Response>) | undefined;
  timeoutMs: number;
  maxRetries: number;
  userAgent: string;
  hooks: Hooks;
  /** Whether any hook may listen, so that events are built only then. */
  observed: boolean;
  clock: Clock;
  backoff: BackoffSettings;
  limiter: LimiterSettings | undefined;
  maxResponseBytes: number;
}

/** Checks `options` (all but the key, which is read when the first request goes out). */
export function transportSettings(options: LambdaCloudClientOptions): TransportSettings {
  const customFetch = options.fetch;
  if (customFetch !== undefined && typeof customFetch !== "function") {
    throw new TypeError(
      `Cannot ${ACTION}: 'fetch' must be a function, received ${describeValue(customFetch)}`,
    );
  }
  const clock = options.clock ?? systemClock;
  const backoff = options.backoff ?? {};
  const rateLimit = options.rateLimit ?? {};
  const hooks = options.hooks ?? {};
  return {
    baseUrl: options.baseUrl === undefined
      ? undefined
      : checkBaseUrl(ACTION, "baseUrl", options.baseUrl, options.allowInsecureHttp),
    allowInsecureHttp: options.allowInsecureHttp,
    keyFromEnvironment: options.apiKey === undefined,
    fetch: customFetch,
    timeoutMs: checkTimeout(ACTION, "timeout", options.timeout ?? DEFAULT_TIMEOUT_MS),
    maxRetries: checkNonNegativeInteger(
      ACTION,
      "maxRetries",
      options.maxRetries ?? DEFAULT_MAX_RETRIES,
    ),
    userAgent: buildUserAgent(options.userAgent),
    hooks,
    observed: checkHooks(hooks),
    clock,
    backoff: {
      initialDelayMs: backoffMs("initialDelayMs", backoff.initialDelayMs ?? 500),
      maxDelayMs: backoffMs("maxDelayMs", backoff.maxDelayMs ?? 8000),
      maxRetryAfterMs: backoffMs("maxRetryAfterMs", backoff.maxRetryAfterMs ?? 60_000),
      patienceMs: backoffMs("patienceMs", backoff.patienceMs ?? 0),
      random: options.random ?? Math.random,
    },
    limiter: rateLimit === false ? undefined : {
      clock,
      store: checkStore(rateLimit.store),
      clockSkewMs: rateLimitMs("clockSkewMs", rateLimit.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS),
      requestIntervalMs: rateLimitMs("requestIntervalMs", rateLimit.requestIntervalMs ?? 1000),
      launchIntervalMs: rateLimitMs("launchIntervalMs", rateLimit.launchIntervalMs ?? 12_000),
    },
    maxResponseBytes: checkNonNegativeInteger(
      ACTION,
      "maxResponseBytes",
      options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    ),
  };
}

const backoffMs = (name: string, value: unknown) =>
  checkNonNegativeNumber(ACTION, `backoff.${name}`, value);
const rateLimitMs = (name: string, value: unknown) =>
  checkNonNegativeNumber(ACTION, `rateLimit.${name}`, value);

/** Checks each hook, and says whether any may listen. */
function checkHooks(hooks: Hooks): boolean {
  let observed = false;
  for (const name of HOOK_NAMES) {
    let hook: unknown;
    try {
      // By name, not Object.values: a class's methods live on its prototype.
      hook = hooks[name];
    } catch {
      observed = true; // a getter that throws: each emit tries, and swallows what it throws
      continue;
    }
    checkOptionalType(ACTION, `hooks.${name}`, hook, "function");
    observed ||= hook !== undefined;
  }
  return observed;
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
      `Cannot ${ACTION}: 'rateLimit.store' must have get() and compareAndSet(), received ${
        describeValue(store)
      }`,
    );
  }
  return candidate as RateLimitStore;
}

function buildUserAgent(product: string | undefined): string {
  const own = `lambda-cloud-client/${VERSION}`;
  if (product === undefined) return own;
  if (typeof product !== "string" || !/^[\x20-\x7e]+$/.test(product)) {
    throw new TypeError(
      `Cannot ${ACTION}: 'userAgent' must be printable ASCII text, received ${
        describeValue(product)
      }`,
    );
  }
  return `${product.trim()} ${own}`;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** The environment variable that names another API address, such as an emulator's. */
export const BASE_URL_ENV = "LAMBDA_BASE_URL";

/**
 * The base URL when the `baseUrl` option was left out: `LAMBDA_BASE_URL`, held to the option's
 * checks, else Lambda's. When the key comes from the environment but `LAMBDA_BASE_URL` may not be
 * read (Deno without `--allow-env` for it), whether it is set cannot be told: an error, rather than
 * production in place of the emulator the variable may name.
 */
export function environmentBaseUrl(action: string, settings: TransportSettings): string {
  const value = readEnv(BASE_URL_ENV);
  if (value !== undefined) {
    return checkBaseUrl(action, BASE_URL_ENV, value, settings.allowInsecureHttp);
  }
  if (settings.keyFromEnvironment && !mayReadEnv(BASE_URL_ENV)) {
    throw new LambdaCloudError(
      `Cannot ${action}: the API key comes from LAMBDA_API_KEY, but whether ${BASE_URL_ENV} is set ` +
        `cannot be told (no permission to read it), so where to send requests is unknown: run with ` +
        `--allow-env=LAMBDA_API_KEY,${BASE_URL_ENV}, or pass { baseUrl }`,
    );
  }
  return DEFAULT_BASE_URL;
}

function checkBaseUrl(
  action: string,
  name: string,
  value: string | URL,
  allowInsecureHttp: boolean | undefined,
): string {
  let url: URL;
  // new URL() drops a bare "?" or "#", which would then end up in front of every path.
  if (/[?#]/.test(String(value))) {
    throw new TypeError(
      `Cannot ${action}: '${name}' must not hold credentials, a query or a fragment`,
    );
  }
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`Cannot ${action}: '${name}' is not a valid URL, received '${value}'`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(
      `Cannot ${action}: '${name}' must use https: or http:, received '${url.protocol}'`,
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new TypeError(
      `Cannot ${action}: '${name}' must not hold credentials, a query or a fragment`,
    );
  }
  if (url.protocol === "http:" && !LOOPBACK.test(url.hostname) && allowInsecureHttp !== true) {
    throw new TypeError(
      `Cannot ${action}: refusing to send the API key over plain http: to '${url.host}'; ` +
        "use https:, or pass allowInsecureHttp: true if you accept that risk",
    );
  }
  return url.href.replace(/\/+$/, "");
}
