/**
 * Faults on demand: make the emulator fail the next calls the way the real network and API do.
 *
 * @module
 */

import type { OperationId } from "./operations.ts";

/**
 * What goes wrong.
 *
 * - `rate-limit`: 429 in the emulator's `rateLimitAnswer` form, with `Retry-After` when
 *   `retryAfterSeconds` is set.
 * - `server-error`: a 5xx (`status`, 500 by default) in Lambda's JSON envelope.
 * - `proxy-html`: a 502 HTML page, as a proxy or load balancer sends.
 * - `provider-unavailable`: 503 `provider/internal-unavailable`.
 * - `slow`: the call is carried out, and its answer comes `delayMs` late.
 * - `drop`: the connection drops before the call is carried out.
 * - `truncate`: the call is carried out, and its answer's body is cut in half.
 * - `lost-answer`: the call is carried out, and the connection drops before the answer: the case
 *   where a blind retry of a launch pays twice.
 * - `late`: the connection drops at once, and the call is carried out `delayMs` later on the
 *   emulator's clock (5000 by default): a backend that finishes after the client gave up.
 * - `gateway-timeout`: a gateway's 504 page at once, and the call is carried out `delayMs` later
 *   on the emulator's clock (5000 by default).
 * - `stale-read`: a read of instances that does not see those launched in the last `delayMs` of
 *   the emulator's clock (10000 by default): the listing leaves them out, a get answers 404.
 * - `untagged`: every instance in the answer comes without its `tags` field, which the spec
 *   allows.
 *
 * @example A launch that happens, though its caller never hears of it
 * ```ts
 * import type { FaultKind } from "@lambda-cloud/client/testing";
 *
 * const kind: FaultKind = "lost-answer";
 * ```
 */
export type FaultKind =
  | "rate-limit"
  | "server-error"
  | "proxy-html"
  | "provider-unavailable"
  | "slow"
  | "drop"
  | "truncate"
  | "lost-answer"
  | "late"
  | "gateway-timeout"
  | "stale-read"
  | "untagged";
// What each kind does is `FAULTS` in `_fault_behaviours.ts`, a record keyed by this type: a kind
// added here without its entry there fails the type check.

/**
 * Which calls fail, and how.
 *
 * @example The next two launches answer 503 provider errors
 * ```ts
 * import type { FaultRule } from "@lambda-cloud/client/testing";
 *
 * const rule: FaultRule = { kind: "provider-unavailable", operation: "launchInstance", times: 2 };
 * ```
 */
export interface FaultRule {
  /** What goes wrong. */
  kind: FaultKind;
  /** Only calls to these operations; every call when left out. */
  operation?: OperationId | readonly OperationId[];
  /**
   * How many matching calls fail. Defaults to 1, or to no limit when `probability` is set.
   */
  times?: number;
  /** The chance, from 0 to 1, that each matching call fails; drawn from the emulator's seed. */
  probability?: number;
  /** How many matching calls to let through before failing any. @default 0 */
  skip?: number;
  /** For `rate-limit`: the `Retry-After` header, in seconds; no header when left out. */
  retryAfterSeconds?: number;
  /** For `server-error`: the status, from 500 to 599. @default 500 */
  status?: number;
  /**
   * For `slow`: how late the answer comes, in real milliseconds (65000 by default). For `late` and
   * `gateway-timeout`: how much later the call is carried out, on the emulator's clock (5000 by
   * default). For `stale-read`: how far behind the read is, on the emulator's clock (10000 by
   * default).
   */
  delayMs?: number;
}

/**
 * A rule that was injected: how often it struck, and a way to take it back.
 *
 * @example Count the hits
 * ```ts
 * import { LambdaEmulator } from "@lambda-cloud/client/testing";
 *
 * const emulator = new LambdaEmulator();
 * const fault = emulator.faults.inject({ kind: "server-error", probability: 0.5 });
 * console.log(fault.hits); // 0
 * fault.remove();
 * ```
 */
export interface FaultHandle {
  /** The rule, as injected. */
  readonly rule: Readonly<FaultRule>;
  /** How many calls it has failed so far. */
  readonly hits: number;
  /** Stops it failing further calls. */
  remove(): void;
}

/**
 * `emulator.faults`: inject, count and clear faults.
 *
 * @example Fail every fifth call at random, reproducibly
 * ```ts
 * import { LambdaEmulator } from "@lambda-cloud/client/testing";
 *
 * const emulator = new LambdaEmulator({ seed: 7 });
 * emulator.faults.inject({ kind: "server-error", status: 503, probability: 0.2 });
 * ```
 */
export interface Faults {
  /**
   * Adds a rule. Rules are tried in the order they were added; the first that strikes wins.
   *
   * @param rule Which calls fail, and how.
   * @returns A handle to count hits and remove the rule.
   * @throws {TypeError | RangeError} When the rule is invalid.
   */
  inject(rule: FaultRule): FaultHandle;
  /** Removes every rule. */
  clear(): void;
  /** How many calls have been failed by a fault, in all. */
  readonly injected: number;
}
