// `lambda api`: any operation of Lambda's API by its operationId, in the spirit of `gh api`, for
// operations the command line has no command for yet. Built on client.request(), so it paces,
// retries and reports errors like every other command, and its operations come from the same
// generated table.

import type { OperationId, RawRequest } from "../../mod.ts";
import { OPERATIONS } from "../spec/operations.ts";
import { UsageError } from "./_args.ts";
import { type Command, type CommandContext, flag } from "./_command.ts";
import { didYouMean } from "./_suggest.ts";

// Changes that cannot be taken back: asked on a terminal, refused without --yes off one.
const DESTRUCTIVE: ReadonlySet<string> = new Set([
  "terminateInstance",
  "firewallRulesSet",
  "updateFirewallRuleset",
  "updateGlobalFirewallRuleset",
]);

function operationOf(context: CommandContext): OperationId | undefined {
  const id = context.args.positionals[0];
  if (id === undefined) return undefined;
  if (!Object.hasOwn(OPERATIONS, id)) {
    throw new UsageError(
      `'${id}' is not an operation of Lambda's API${didYouMean(id, Object.keys(OPERATIONS))}`,
    );
  }
  return id as OperationId;
}

/** `name=value` pairs of a repeatable flag, checked against the names the operation takes. */
function pairs(
  context: CommandContext,
  name: string,
  known: readonly string[],
): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const pair of context.args.lists.get(name) ?? []) {
    const equals = pair.indexOf("=");
    const key = pair.slice(0, equals);
    if (equals < 1) {
      throw new UsageError(`option '--${name}' takes name=value, received '${pair}'`);
    }
    if (!known.includes(key)) {
      throw new UsageError(
        `option '--${name}': the operation takes no ${name} parameter '${key}'${
          didYouMean(key, known)
        }${known.length > 0 ? ` (it takes ${known.join(", ")})` : ""}`,
      );
    }
    values.set(key, [...values.get(key) ?? [], pair.slice(equals + 1)]);
  }
  return values;
}

async function request(context: CommandContext, id: OperationId): Promise<RawRequest<OperationId>> {
  const spec = OPERATIONS[id];
  const path = pairs(context, "path", spec.pathParams);
  const query = pairs(context, "query", Object.keys(spec.query));
  const missing = spec.pathParams.filter((name) => !path.has(name));
  if (missing.length > 0) {
    throw new UsageError(
      `${id} needs ${missing.map((name) => `--path ${name}=…`).join(" and ")}`,
    );
  }
  for (const [name, values] of path) {
    if (values.length > 1) throw new UsageError(`option '--path ${name}=…' is given twice`);
  }
  const file = flag(context.args, "body-file");
  const text = file === undefined
    ? flag(context.args, "body")
    : await context.io.readTextFile(file);
  if (text !== undefined && spec.body === undefined) {
    throw new UsageError(`${id} takes no body`);
  }
  let body: unknown;
  try {
    body = text === undefined ? undefined : JSON.parse(text);
  } catch {
    throw new UsageError(`option '--body' must be JSON, received '${text!.slice(0, 40)}'`);
  }
  return {
    path: Object.fromEntries([...path].map(([name, [value]]) => [name, value!])),
    query: Object.fromEntries(
      [...query].map(([name, values]) => [name, values.length === 1 ? values[0]! : values]),
    ),
    body,
  } as RawRequest<OperationId>;
}

/** `lambda api`: the table of operations, or one call. */
export const API_COMMANDS: Command[] = [{
  name: ["api"],
  summary: "Call any operation of Lambda's API by its operationId, or list them",
  usage: "[<operationId>]",
  positionals: { min: 0, max: 1 },
  flags: {
    path: { kind: "list", value: "NAME=VALUE", help: "a path parameter, by the spec's name" },
    query: { kind: "list", value: "NAME=VALUE", help: "a query parameter; repeat for a list" },
    body: { kind: "string", value: "JSON", help: "the request body" },
    "body-file": { kind: "string", value: "PATH", help: "the request body, from a file" },
  },
  mutating: true,
  confirm: {
    destructive: true,
    needed: (context) => {
      const id = operationOf(context);
      return Promise.resolve(
        id !== undefined && (OPERATIONS[id].method === "DELETE" || DESTRUCTIVE.has(id)),
      );
    },
    question: (context) => {
      const id = operationOf(context)!;
      return Promise.resolve(`Send ${OPERATIONS[id].method} ${OPERATIONS[id].path} (${id})?`);
    },
  },
  columns: ["OPERATION", "METHOD", "PATH", "SUMMARY"],
  examples: [
    "lambda api",
    "lambda api getInstance --path id=0920582c7ff041399e34823a0be62549",
    "lambda api getAuditEvents --query resource_type=cloud.instance",
  ],
  async run(context) {
    const id = operationOf(context);
    if (id === undefined) {
      const rows = (Object.keys(OPERATIONS) as OperationId[]).map((name) => ({
        OPERATION: name,
        METHOD: OPERATIONS[name].method,
        PATH: OPERATIONS[name].path,
        SUMMARY: OPERATIONS[name].summary,
      }));
      return { data: rows, rows, ids: rows.map((row) => row.OPERATION) };
    }
    const data = await context.client.request(id, await request(context, id), {
      signal: context.signal,
    });
    return { data, lines: JSON.stringify(data, null, 2).split("\n") };
  },
}];
