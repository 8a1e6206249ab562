// The checks of `client.request()`: it sends bodies as given, but names it does not know are
// mistakes, not requests. A mistyped query parameter (`clusterid`) would otherwise be ignored by
// the server, and a filter meant for one cluster would act on every instance.

import { checkNames, checkObject, checkString, describeValue } from "../_validate.ts";
import { type OperationId, OPERATIONS } from "../spec/operations.ts";
import { POLICY } from "../spec/policy.ts";
import { resolve } from "../spec/lookup.ts";
import type { SchemaRule } from "../spec/types.ts";
import { checkQuery, type QueryValues } from "./query.ts";

/** What `client.request()` may carry besides the operation id. */
export interface RawParts {
  path?: unknown;
  query?: unknown;
  body?: unknown;
}

/** Checks the request of a raw call of operation `id` before anything is sent. */
export function checkRawRequest(id: OperationId, request: unknown): RawParts {
  if (request === undefined) return {};
  const action = POLICY[id].action;
  const parts: RawParts = checkObject(action, "request", request);
  checkNames(action, "request", parts as Record<string, unknown>, ["path", "query", "body"], id);
  const spec = OPERATIONS[id];
  if (parts.path !== undefined) {
    checkNames(action, "path", checkObject(action, "path", parts.path), spec.pathParams, id);
  }
  if (parts.query !== undefined) {
    const query = checkObject(action, "query", parts.query);
    checkNames(action, "query", query, Object.keys(spec.query), id);
    for (const [name, value] of Object.entries(query)) {
      if (value === undefined || typeof value === "string") continue;
      if (!Array.isArray(value)) {
        throw new TypeError(
          `Cannot ${action}: 'query.${name}' must be a string or an array of strings, received ${
            describeValue(value)
          }`,
        );
      }
      value.forEach((item, index) =>
        checkString(action, `query.${name}[${index}]`, item, { minLength: 0 })
      );
    }
    checkQuery(id, query as QueryValues);
  }
  if (parts.body !== undefined && spec.body === undefined) {
    throw new TypeError(
      `Cannot ${action}: ${id} takes no body, received ${describeValue(parts.body)}`,
    );
  }
  return parts;
}

/**
 * Checks that `body` names only fields that Lambda's spec declares for operation `id`, at every
 * depth the spec describes (objects, and lists of them). `client.request()` does not: it sends a
 * body as given, so that a field newer than the table (or one the API takes unsaid, such as a
 * launch's `quantity`) still reaches the API. `lambda api` does, since a mistyped field there
 * (`{"nmae": …}`) would be sent, ignored, and taken for done.
 */
export function checkBodyNames(id: OperationId, body: unknown): void {
  const schema = OPERATIONS[id].body;
  if (schema !== undefined) checkFields(POLICY[id].action, id, "body", body, schema);
}

// Top-level body fields the API takes though the spec leaves them out: a launch's `quantity`
// (PROSE_RULES.launchQuantity). A raw call sends it as given; the API refuses more than one.
const UNSAID_BODY_FIELDS: Partial<Record<OperationId, readonly string[]>> = {
  launchInstance: ["quantity"],
};

function checkFields(
  action: string,
  id: OperationId,
  where: string,
  value: unknown,
  rule: SchemaRule,
): void {
  const schema = resolve(rule);
  if (Array.isArray(value)) {
    const items = schema.items;
    if (items) {
      value.forEach((item, index) => checkFields(action, id, `${where}[${index}]`, item, items));
    }
    return;
  }
  const properties = schema.properties;
  if (typeof value !== "object" || value === null || properties === undefined) return;
  const fields = value as Record<string, unknown>;
  const unsaid = where === "body" ? UNSAID_BODY_FIELDS[id] ?? [] : [];
  checkNames(action, where, fields, [...Object.keys(properties), ...unsaid], id);
  for (const [name, item] of Object.entries(fields)) {
    const property = properties[name];
    if (property !== undefined) checkFields(action, id, `${where}.${name}`, item, property);
  }
}
