// The rules of query parameters, read from the operation table: enum values (alone or in a list)
// and date-time timestamps, as strictly as the spec declares them. The client checks a query
// before sending it; the emulator checks every query on arrival and answers one that breaks them
// with `global/invalid-parameters`. Parameters the spec does not declare are left alone, as a
// server would.

import { checkOneOf, checkString, describeValue, isDateTime } from "../_validate.ts";
import { resolve } from "../spec/lookup.ts";
import { type OperationId, OPERATIONS } from "../spec/operations.ts";
import { POLICY } from "../spec/policy.ts";
import type { SchemaRule } from "../spec/types.ts";

/** A query as names and values: one value, a list of them, or none. */
export type QueryValues = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Checks the declared parameters of `query` against operation `id`'s spec. */
export function checkQuery(id: OperationId, query: QueryValues): void {
  const action = POLICY[id].action;
  for (const [name, declared] of Object.entries(OPERATIONS[id].query)) {
    const value = query[name];
    if (value === undefined) continue;
    const rule = resolve(declared);
    if (rule.type === "array") {
      const items = resolve(rule.items!);
      if (!Array.isArray(value)) checkValue(action, name, value, items);
      else value.forEach((item, index) => checkValue(action, `${name}[${index}]`, item, items));
    } else if (Array.isArray(value)) {
      throw new TypeError(`Cannot ${action}: '${name}' takes one value, received ${value.length}`);
    } else {
      checkValue(action, name, value, rule);
    }
  }
}

/**
 * The query of a request as `checkQuery` reads it: every value of a list parameter, the first
 * value of any other.
 */
export function queryValues(id: OperationId, params: URLSearchParams): QueryValues {
  const values: Record<string, string | string[] | undefined> = {};
  for (const [name, declared] of Object.entries(OPERATIONS[id].query)) {
    if (!params.has(name)) continue;
    values[name] = resolve(declared).type === "array"
      ? params.getAll(name)
      : params.get(name) ?? undefined;
  }
  return values;
}

function checkValue(action: string, name: string, value: unknown, rule: SchemaRule): void {
  const text = checkString(action, name, value, { minLength: 0 });
  if (rule.enum !== undefined) checkOneOf(action, name, text, rule.enum);
  if (rule.format === "date-time" && !isDateTime(text)) {
    throw new RangeError(
      `Cannot ${action}: '${name}' must be an RFC 3339 date-time such as ` +
        `'2026-01-01T00:00:00Z', received ${describeValue(text)}`,
    );
  }
}
