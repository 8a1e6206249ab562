/**
 * The emulator's options: its seed, key and clock, what it sells, how its instances age, its
 * quotas, its rate limits and their 429s, what it keeps of the requests it answers, and where it
 * sends its webhooks.
 *
 * @module
 */

import type { EmulatorAssumptions } from "./assumptions.ts";
import type { EmulatorCatalog } from "./catalog.ts";
import type { RateLimitAnswer, RateLimitOptions } from "./rate_limits.ts";
import type { EmulatorExchange } from "./requests.ts";
import type { EmulatorWebhookOptions } from "./webhooks.ts";

/**
 * Options for {@linkcode LambdaEmulator}. Every one has a default that behaves like the real API.
 *
 * @example A fast, fully controlled emulator for tests
 * ```ts
 * import type { EmulatorOptions } from "@lambda-cloud/client/testing";
 *
 * let now = Date.parse("2026-01-01T00:00:00Z");
 * const options: EmulatorOptions = {
 *   seed: 42,
 *   clock: { now: () => now },
 *   rateLimit: false,
 *   timing: { bootMs: 60_000 },
 * };
 * ```
 */
export interface EmulatorOptions {
  /** The seed for ids, addresses and fault draws: the same seed tells the same story. @default 1 */
  seed?: number;
  /** The one API key the emulator accepts. @default "secret_emulator" */
  apiKey?: string;
  /**
   * Where the emulator's time comes from. `emulator.advance()` moves it forward on top. A
   * `FakeClock` shared with the client makes every wait instant.
   * @default Date.now
   */
  clock?: { now(): number };
  /** What the emulator sells. @default defaultCatalog() */
  catalog?: EmulatorCatalog;
  /**
   * The API's rate limits, on by default: one request per second and one launch per 12 seconds,
   * per API key, answered with 429. See {@linkcode RateLimitOptions} for the burst, the tolerance
   * and whether refused requests count, and what in them is assumed. `false` turns them off.
   */
  rateLimit?: RateLimitOptions | false;
  /**
   * What a 429 looks like, from the limits and the `rate-limit` fault. The default is the least a
   * client can rely on, not a claim about production: see {@linkcode RateLimitAnswer}.
   * @default { body: "text", retryAfter: false }
   */
  rateLimitAnswer?: RateLimitAnswer;
  /** How long instances take to change state, in emulator milliseconds. */
  timing?: {
    /**
     * From launch to `active`: one number for every type (tests set it small), or a number per
     * type name, the others following the default. By default it follows the type's GPUs, as
     * users of the real API record them: 2 minutes with one GPU, rising to 15 minutes for
     * 8x A100 and 22 for 8x H100 (`docs/emulator.md` says what the model rests on).
     * @default by type, from 120000 to 1320000
     */
    bootMs?: number | Readonly<Record<string, number>>;
    /** From restart back to `active`. @default 60000 */
    restartMs?: number;
    /** From `terminating` to `terminated`. @default 30000 */
    terminateMs?: number;
    /** How long a terminated instance stays listed before it is gone. @default 300000 */
    terminatedVisibleMs?: number;
  };
  /**
   * The emulator's guesses where production's behaviour is not known, each switchable to the
   * other plausible one: see {@linkcode EmulatorAssumptions}.
   */
  assumptions?: EmulatorAssumptions;
  /** Account quotas; a launch or create past them answers `global/quota-exceeded`. */
  quota?: { instances?: number; filesystems?: number; firewallRulesets?: number };
  /** Items per page of audit events and tickets. @default 100 */
  pageSize?: number;
  /** Called after every answer, faults included: for logging, or checking answers. */
  onResponse?: (exchange: EmulatorExchange) => void;
  /**
   * How many requests `emulator.requests` keeps; older ones are forgotten, so that a long-running
   * emulator does not grow without bound.
   * @default 10000
   */
  requestLogLimit?: number;
  /**
   * The largest request body accepted, in bytes; a larger one answers 413 without being read to
   * the end.
   * @default 4194304 (4 MiB: a launch's `user_data` may be 1 MB)
   */
  maxBodyBytes?: number;
  /**
   * Where to send the ticket webhooks (`ticket.created`, `ticket.status_changed`,
   * `ticket.resolved`), and how to retry them: see `emulator.webhooks`. None are sent without it.
   */
  webhooks?: EmulatorWebhookOptions;
}
