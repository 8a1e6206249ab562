// The faults injected into an emulator: the rules as `emulator.faults` takes them, checked, and
// the draw that decides which of them strikes a call.

import {
  checkNonNegativeInteger,
  checkNonNegativeNumber,
  checkOneOf,
  describeValue,
} from "../_validate.ts";
import { FAULTS } from "./_fault_behaviours.ts";
import { InjectedRules } from "./_injected_rules.ts";
import type { SeededRandom } from "./_random.ts";
import type { FaultHandle, FaultRule, Faults } from "./faults.ts";
import type { OperationId } from "./operations.ts";

interface ActiveRule {
  rule: Readonly<FaultRule>;
  operations: ReadonlySet<string> | undefined;
  remaining: number;
  skip: number;
  hits: number;
}

/** The rules injected into one emulator, and which of them strikes each call. */
export class FaultRules implements Faults {
  readonly #random: SeededRandom;
  readonly #rules = new InjectedRules<ActiveRule>();
  #injected = 0;

  constructor(random: SeededRandom) {
    this.#random = random;
  }

  get injected(): number {
    return this.#injected;
  }

  inject(rule: FaultRule): FaultHandle {
    const checked = checkRule(rule);
    return this.#rules.add({
      rule: checked,
      operations: checked.operation === undefined
        ? undefined
        : new Set(typeof checked.operation === "string" ? [checked.operation] : checked.operation),
      remaining: checked.times ?? (checked.probability === undefined ? 1 : Infinity),
      skip: checked.skip ?? 0,
      hits: 0,
    });
  }

  clear(): void {
    this.#rules.clear();
  }

  /** The fault for this call, if one strikes; counts it. */
  draw(operationId: OperationId | undefined): Readonly<FaultRule> | undefined {
    let struck: ActiveRule | undefined;
    for (const active of this.#rules.items) {
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
  checkOneOf(action, "kind", rule.kind, Object.keys(FAULTS));
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
