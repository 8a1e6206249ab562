/**
 * Faults on demand: make the emulator fail the next calls the way the real network and API do.
 *
 * @module
 */

import { checkNonNegativeInteger, checkNonNegativeNumber, describeValue } from "../_validate.ts";
import type { SeededRandom } from "./_random.ts";
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

const KINDS: readonly string[] = [
  "rate-limit",
  "server-error",
  "proxy-html",
  "provider-unavailable",
  "slow",
  "drop",
  "truncate",
  "lost-answer",
  "late",
  "gateway-timeout",
  "stale-read",
  "untagged",
];

interface ActiveRule {
  rule: Readonly<FaultRule>;
  operations: ReadonlySet<string> | undefined;
  remaining: number;
  skip: number;
  hits: number;
}

/** The emulator's fault table. */
export class FaultTable implements Faults {
  readonly #random: SeededRandom;
  #rules: ActiveRule[] = [];
  #injected = 0;

  constructor(random: SeededRandom) {
    this.#random = random;
  }

  get injected(): number {
    return this.#injected;
  }

  inject(rule: FaultRule): FaultHandle {
    const checked = checkRule(rule);
    const active: ActiveRule = {
      rule: checked,
      operations: checked.operation === undefined
        ? undefined
        : new Set(typeof checked.operation === "string" ? [checked.operation] : checked.operation),
      remaining: checked.times ?? (checked.probability === undefined ? 1 : Infinity),
      skip: checked.skip ?? 0,
      hits: 0,
    };
    this.#rules.push(active);
    return {
      rule: checked,
      get hits() {
        return active.hits;
      },
      remove: () => {
        this.#rules = this.#rules.filter((item) => item !== active);
      },
    };
  }

  clear(): void {
    this.#rules = [];
  }

  /** The fault for this call, if one strikes; counts it. */
  draw(operationId: OperationId | undefined): Readonly<FaultRule> | undefined {
    let struck: ActiveRule | undefined;
    for (const active of this.#rules) {
      if (active.remaining <= 0) continue;
      if (active.operations && (!operationId || !active.operations.has(operationId))) continue;
      // Every matching call counts against `skip`, even one that another rule fails.
      if (active.skip > 0) {
        active.skip--;
        continue;
      }
      if (struck) continue;
      if (active.rule.probability !== undefined && this.#random.next() >= active.rule.probability) {
        continue;
      }
      struck = active;
    }
    if (!struck) return undefined;
    struck.remaining--;
    struck.hits++;
    this.#injected++;
    return struck.rule;
  }
}

function checkRule(rule: FaultRule): Readonly<FaultRule> {
  const action = "inject fault";
  if (typeof rule !== "object" || rule === null) {
    throw new TypeError(
      `Cannot ${action}: 'rule' must be an object, received ${describeValue(rule)}`,
    );
  }
  if (!KINDS.includes(rule.kind)) {
    throw new RangeError(
      `Cannot ${action}: 'kind' must be one of ${KINDS.join(", ")}, received ${
        describeValue(rule.kind)
      }`,
    );
  }
  if (rule.times !== undefined) checkNonNegativeInteger(action, "times", rule.times);
  if (rule.skip !== undefined) checkNonNegativeInteger(action, "skip", rule.skip);
  if (rule.probability !== undefined) {
    const probability = checkNonNegativeNumber(action, "probability", rule.probability);
    if (probability > 1) {
      throw new RangeError(
        `Cannot ${action}: 'probability' must be from 0 to 1, received ${probability}`,
      );
    }
  }
  if (rule.retryAfterSeconds !== undefined) {
    checkNonNegativeNumber(action, "retryAfterSeconds", rule.retryAfterSeconds);
  }
  if (rule.delayMs !== undefined) checkNonNegativeNumber(action, "delayMs", rule.delayMs);
  if (
    rule.status !== undefined &&
    (!Number.isInteger(rule.status) || rule.status < 500 || rule.status > 599)
  ) {
    throw new RangeError(
      `Cannot ${action}: 'status' must be from 500 to 599, received ${describeValue(rule.status)}`,
    );
  }
  return Object.freeze({
    ...rule,
    ...(Array.isArray(rule.operation) ? { operation: [...rule.operation] } : {}),
  });
}
