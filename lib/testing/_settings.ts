// The emulator's options, checked and with their defaults filled in, in the order the constructor
// has always checked them (so that of two bad options, the same one is named).

import { expectedBootMs } from "../_rules/boot_time.ts";
import {
  checkNonNegativeInteger,
  checkNonNegativeNumber,
  checkOneOf,
  describeValue,
  isRecord,
} from "../_validate.ts";
import { checkAssumptions } from "./_assumptions.ts";
import type { AccountSettings, Timing } from "./_state.ts";
import { defaultCatalog, type EmulatorCatalog } from "./catalog.ts";
import type { EmulatorOptions } from "./options.ts";
import type { RateLimitAnswer } from "./rate_limits.ts";
import type { EmulatorExchange } from "./requests.ts";
import type { WebhookTarget } from "./_webhook_sender.ts";
import type { EmulatorWebhookOptions } from "./webhooks.ts";

/** The rate limits, checked; `countRefused` with its default. */
export interface RateLimits {
  requestIntervalMs: number;
  launchIntervalMs: number;
  toleranceMs: number;
  requestBurst: number;
  launchBurst: number;
  countRefused: boolean;
  countInvalidLaunches: boolean;
}

/** Everything an emulator is made from. */
export interface Settings {
  apiKey: string;
  clock: { now(): number };
  account: AccountSettings;
  /** `undefined` when the rate limits are off. */
  rateLimits: RateLimits | undefined;
  tooManyForm: Required<RateLimitAnswer>;
  onResponse: ((exchange: EmulatorExchange) => void) | undefined;
  requestLogLimit: number;
  maxBodyBytes: number;
  /** `undefined` when no webhooks are sent. */
  webhooks: WebhookTarget | undefined;
}

const DEFAULT_API_KEY = "secret_emulator";
/** The token webhooks carry when none is given. */
export const DEFAULT_WEBHOOK_TOKEN = "emulator_webhook_token";

/** Checks `options` as `new LambdaEmulator(options)` does; throws TypeError or RangeError. */
export function checkOptions(options: EmulatorOptions): Settings {
  const action = "create emulator";
  const seed = checkNonNegativeInteger(action, "seed", options.seed ?? 1);
  const apiKey = checkSecret(action, "apiKey", options.apiKey ?? DEFAULT_API_KEY);
  const clock = options.clock ?? { now: () => Date.now() };
  const timing = options.timing ?? {};
  const quota = options.quota ?? {};
  const number = (name: string, value: number | undefined, fallback: number) =>
    checkNonNegativeNumber(action, name, value ?? fallback);
  const catalog = options.catalog ? structuredClone(options.catalog) : defaultCatalog();
  const account = {
    seed,
    catalog,
    timing: {
      bootMs: checkBootMs(action, timing.bootMs, catalog),
      restartMs: number("timing.restartMs", timing.restartMs, 60_000),
      terminateMs: number("timing.terminateMs", timing.terminateMs, 30_000),
      terminatedVisibleMs: number(
        "timing.terminatedVisibleMs",
        timing.terminatedVisibleMs,
        300_000,
      ),
    },
    quota: {
      instances: number("quota.instances", quota.instances, 50),
      filesystems: number("quota.filesystems", quota.filesystems, 20),
      firewallRulesets: number("quota.firewallRulesets", quota.firewallRulesets, 20),
    },
    pageSize: Math.max(1, checkNonNegativeInteger(action, "pageSize", options.pageSize ?? 100)),
    assumptions: checkAssumptions(action, options.assumptions),
  };
  const rateLimit = options.rateLimit ?? {};
  let rateLimits: RateLimits | undefined;
  if (rateLimit !== false) {
    const toleranceMs = number("rateLimit.toleranceMs", rateLimit.toleranceMs, 50);
    const burst = (name: string, value: number | undefined) =>
      checkNonNegativeInteger(action, name, value ?? 0);
    rateLimits = {
      requestIntervalMs: number("rateLimit.requestIntervalMs", rateLimit.requestIntervalMs, 1000),
      toleranceMs,
      requestBurst: burst("rateLimit.requestBurst", rateLimit.requestBurst),
      launchIntervalMs: number("rateLimit.launchIntervalMs", rateLimit.launchIntervalMs, 12_000),
      launchBurst: burst("rateLimit.launchBurst", rateLimit.launchBurst),
      countRefused: rateLimit.countRefused === true,
      countInvalidLaunches: rateLimit.countInvalidLaunches === true,
    };
  }
  return {
    apiKey,
    clock,
    account,
    rateLimits,
    tooManyForm: checkRateLimitAnswer(action, options.rateLimitAnswer ?? {}),
    onResponse: options.onResponse,
    requestLogLimit: checkNonNegativeInteger(
      action,
      "requestLogLimit",
      options.requestLogLimit ?? 10_000,
    ),
    maxBodyBytes: checkNonNegativeInteger(
      action,
      "maxBodyBytes",
      options.maxBodyBytes ?? 4 * 1024 * 1024,
    ),
    webhooks: options.webhooks === undefined ? undefined : checkWebhooks(action, options.webhooks),
  };
}

/** A key or token: printable ASCII without spaces, as a bearer token must be. */
function checkSecret(action: string, name: string, value: unknown): string {
  if (typeof value !== "string" || !/^[\x21-\x7e]+$/.test(value)) {
    throw new TypeError(
      `Cannot ${action}: '${name}' must be printable ASCII without spaces, received ${
        describeValue(value)
      }`,
    );
  }
  return value;
}

function checkWebhooks(action: string, webhooks: EmulatorWebhookOptions): WebhookTarget {
  if (!isRecord(webhooks)) {
    throw new TypeError(
      `Cannot ${action}: 'webhooks' must be an object, received ${describeValue(webhooks)}`,
    );
  }
  let url: URL | undefined;
  try {
    url = new URL(webhooks.url);
  } catch {
    // said below
  }
  if (url?.protocol !== "http:" && url?.protocol !== "https:") {
    throw new TypeError(
      `Cannot ${action}: 'webhooks.url' must be an http or https URL, received ${
        describeValue(webhooks.url)
      }`,
    );
  }
  const send = webhooks.fetch ?? ((request: Request) => fetch(request));
  if (typeof send !== "function") {
    throw new TypeError(
      `Cannot ${action}: 'webhooks.fetch' must be a function, received ${describeValue(send)}`,
    );
  }
  return {
    url: url!.href,
    token: checkSecret(action, "webhooks.token", webhooks.token ?? DEFAULT_WEBHOOK_TOKEN),
    fetch: send,
    maxRetries: checkNonNegativeInteger(action, "webhooks.maxRetries", webhooks.maxRetries ?? 3),
    backoffMs: checkNonNegativeNumber(action, "webhooks.backoffMs", webhooks.backoffMs ?? 1000),
  };
}

/**
 * The boot time of each type: one number for all, or numbers by type name (each naming a type of
 * the catalogue) with the model of `lib/_rules/boot_time.ts` for the others, or the model alone.
 */
function checkBootMs(
  action: string,
  given: unknown,
  catalog: EmulatorCatalog,
): Timing["bootMs"] {
  if (given === undefined) return (type) => expectedBootMs(type.name);
  if (typeof given === "number") {
    const ms = checkNonNegativeNumber(action, "timing.bootMs", given);
    return () => ms;
  }
  if (!isRecord(given)) {
    throw new TypeError(
      `Cannot ${action}: 'timing.bootMs' must be a number, or numbers by instance type name, received ${
        describeValue(given)
      }`,
    );
  }
  const byName = new Map<string, number>();
  for (const [name, ms] of Object.entries(given)) {
    if (!catalog.instanceTypes.some((entry) => entry.instance_type.name === name)) {
      throw new RangeError(
        `Cannot ${action}: 'timing.bootMs' must name instance types of the catalog, received '${name}'`,
      );
    }
    byName.set(name, checkNonNegativeNumber(action, `timing.bootMs.${name}`, ms));
  }
  return (type) => byName.get(type.name) ?? expectedBootMs(type.name);
}

function checkRateLimitAnswer(action: string, form: RateLimitAnswer): Required<RateLimitAnswer> {
  const body = form.body ?? "text";
  checkOneOf(action, "rateLimitAnswer.body", body, ["text", "html", "json"]);
  const retryAfter = form.retryAfter ?? false;
  if (typeof retryAfter !== "boolean") {
    throw new TypeError(
      `Cannot ${action}: 'rateLimitAnswer.retryAfter' must be a boolean, received ${
        describeValue(retryAfter)
      }`,
    );
  }
  return { body, retryAfter };
}
