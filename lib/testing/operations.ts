/**
 * The operations the emulator answers: every operation of the client's table, which is generated
 * from Lambda's OpenAPI spec, routed by method and path.
 *
 * @module
 */

import { type OperationId, OPERATIONS as TABLE } from "../spec/operations.ts";

export type { OperationId } from "../spec/operations.ts";

/**
 * One operation: its id, method and path below `/api/v1`, with `{name}` for path parameters.
 *
 * @example Print the table
 * ```ts
 * import { OPERATIONS } from "@lambda-cloud/client/testing";
 *
 * for (const operation of OPERATIONS) console.log(operation.method, operation.path, operation.id);
 * ```
 */
export interface OperationSpec {
  /** The operation's id. */
  id: OperationId;
  /** The HTTP method. */
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** The path below `/api/v1`. */
  path: string;
  /** The spec's one-line summary, such as `"Launch instances"`. */
  summary: string;
}

/**
 * Every operation the emulator answers, in the order it matches them: paths with fewer parameters
 * first, so that `/firewall-rulesets/global` wins over `/firewall-rulesets/{id}`.
 *
 * @example Find one by its id
 * ```ts
 * import { OPERATIONS } from "@lambda-cloud/client/testing";
 *
 * console.log(OPERATIONS.find((operation) => operation.id === "listRegions")?.path);
 * // /api/v1/regions
 * ```
 */
export const OPERATIONS: readonly OperationSpec[] = (Object.keys(TABLE) as OperationId[])
  .map((id) => ({ id, method: TABLE[id].method, path: TABLE[id].path, summary: TABLE[id].summary }))
  .sort((a, b) => TABLE[a.id].pathParams.length - TABLE[b.id].pathParams.length);

const COMPILED = OPERATIONS.map((operation) => ({
  operation,
  names: TABLE[operation.id].pathParams,
  regex: new RegExp(`^${operation.path.replace(/\{\w+\}/g, "([^/]+)")}$`),
}));

/** The operation a method and path (below `/api/v1`) name, with its decoded path parameters. */
export function matchOperation(
  method: string,
  path: string,
): { operation: OperationSpec; params: Record<string, string> } | undefined {
  for (const { operation, names, regex } of COMPILED) {
    if (operation.method !== method) continue;
    const match = regex.exec(path);
    if (!match) continue;
    const params: Record<string, string> = {};
    try {
      names.forEach((name, index) => params[name] = decodeURIComponent(match[index + 1]!));
    } catch {
      return undefined; // a malformed %-escape names no resource
    }
    return { operation, params };
  }
  return undefined;
}

/**
 * The methods the spec declares for a path (below `/api/v1`); none when it names no operation. A
 * path that a literal template names (`/firewall-rulesets/global`) takes that template's methods,
 * not those of a template it also fits (`/firewall-rulesets/{id}`).
 */
export function methodsFor(path: string): string[] {
  const matches = COMPILED.filter(({ regex }) => regex.test(path));
  const fewest = Math.min(...matches.map(({ names }) => names.length));
  return matches.filter(({ names }) => names.length === fewest).map(({ operation }) =>
    operation.method
  );
}
