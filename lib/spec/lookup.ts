// Reading constraints out of the operation table, for the validators that the client and the
// emulator share: lengths, patterns, ranges and enum values come from Lambda's spec, the words
// that explain them from the validators.

import { type OperationId, OPERATIONS, SCHEMAS } from "./operations.ts";
import type { SchemaRule } from "./types.ts";

/** `rule`, with a reference to a named schema followed. */
export function resolve(rule: SchemaRule): SchemaRule {
  return rule.ref === undefined ? rule : resolve(SCHEMAS[rule.ref]!);
}

/** The schema of property `name` of `rule` (an object schema, or a reference to one). */
export function property(rule: SchemaRule, name: string): SchemaRule {
  const found = resolve(rule).properties?.[name];
  if (found === undefined) throw new Error(`The operation table has no property '${name}'`);
  return resolve(found);
}

/** The schema of field `name` of operation `id`'s request body. */
export function bodyField(id: OperationId, name: string): SchemaRule {
  return property(OPERATIONS[id].body!, name);
}

/** The schema of field `name` of the named schema, such as `FirewallRule`. */
export function schemaField(schema: string, name: string): SchemaRule {
  return property(SCHEMAS[schema]!, name);
}

/** The schema of query parameter `name` of operation `id`. */
export function queryParam(id: OperationId, name: string): SchemaRule {
  return resolve(OPERATIONS[id].query[name]!);
}

/** The values an enum (or an array of an enum) allows. */
export function enumValues(rule: SchemaRule): readonly string[] {
  const resolved = resolve(rule);
  const values = resolved.enum ?? (resolved.items ? resolve(resolved.items).enum : undefined);
  if (values === undefined) throw new Error("The operation table has no enum here");
  return values;
}
