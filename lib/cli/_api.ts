// `lambda api`: any operation of Lambda's API by its operationId, in the spirit of `gh api`, for
// operations the command line has no command for yet. Built on client.request(), so it paces,
// retries and reports errors like every other command, and its operations come from the same
// generated table.

import type { LaunchOptions, OperationId, RawRequest } from "../../mod.ts";
import { OPERATIONS } from "../spec/operations.ts";
import { UsageError } from "./_args.ts";
import { checkBodyNames, checkRawRequest } from "../_rules/raw.ts";
import { checkPrintedKey, PRINT_KEY_FLAG, privateKeyMustReach } from "./_account.ts";
import {
  type Command,
  type CommandContext,
  flag,
  flagFile,
  type MustReach,
  perRun,
  refuseLaunchTokenTag,
  takes,
} from "./_command.ts";
import { launchedIds } from "./_interrupts.ts";
import { jsonVisible } from "./_output.ts";
import { recordedLaunch } from "./_recorded_launch.ts";
import { didYouMean } from "./_suggest.ts";
import { dollars, price } from "./_table.ts";

/**
 * Whether a call takes something away that cannot be given back, and so is asked on a terminal and
 * refused without --yes off one, as the commands that do the same are: a delete, a terminate, a
 * restart (it stops what runs), and a call that replaces a whole set (rules, or an instance's
 * tags) with the one in its body. A body that is not an object is taken to replace, since what
 * it does cannot be told.
 */
function asksFirst(id: OperationId, body: unknown): boolean {
  const sets = (key: string) => !isRecord(body) || Object.hasOwn(body, key);
  switch (id) {
    case "terminateInstance":
    case "restartInstance":
    case "firewallRulesSet":
      return true;
    case "updateFirewallRuleset":
    case "updateGlobalFirewallRuleset":
      return sets("rules");
    case "postInstance":
      return sets("tags");
    default:
      return OPERATIONS[id].method === "DELETE";
  }
}

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

/** The call `context` asks for, checked; built once, for the question and for the call. */
const request = perRun(async (context): Promise<RawRequest<OperationId>> => {
  const id = operationOf(context)!;
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
  const inline = flag(context.args, "body");
  const file = flag(context.args, "body-file");
  if (inline !== undefined && file !== undefined) {
    throw new UsageError("give '--body' or '--body-file', not both");
  }
  const text = file === undefined ? inline : await flagFile(context.io, context.args, "body-file");
  if (text !== undefined && spec.body === undefined) {
    throw new UsageError(`${id} takes no body`);
  }
  let body: unknown;
  try {
    body = text === undefined ? undefined : JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      file === undefined
        ? `option '--body' must be JSON (${whereNotJson(error, text!)})`
        : `option '--body-file': '${file}' must hold JSON (${whereNotJson(error, text!)})`,
    );
  }
  const built = {
    path: Object.fromEntries([...path].map(([name, [value]]) => [name, value!])),
    query: Object.fromEntries(
      [...query].map(([name, values]) => [name, values.length === 1 ? values[0]! : values]),
    ),
    body,
  } as RawRequest<OperationId>;
  // What the client would refuse, refused before anything is asked; and a field the operation
  // does not take, which the API would ignore, as a mistake.
  checkRawRequest(id, built);
  checkBodyNames(id, body);
  return built;
});

/**
 * What `lambda api <operationId>` checks before it asks or sends anything: it prints the API's
 * answer as JSON, so the options that shape a table or print ids do not apply to it; and the call
 * itself.
 */
async function checkCall(context: CommandContext): Promise<void> {
  const id = operationOf(context);
  if (id === undefined) return;
  const { booleans, strings } = context.args;
  const shaping = booleans.has("quiet")
    ? "--quiet"
    : strings.has("format")
    ? "--format"
    : booleans.has("no-header")
    ? "--no-header"
    : undefined;
  if (shaping !== undefined) {
    throw new UsageError(
      `'lambda api ${id}' prints the API's answer as JSON: '${shaping}' does not apply (it applies to the list of operations, 'lambda api' alone)`,
    );
  }
  const body: unknown = (await request(context)).body;
  checkPrintedKey(
    context,
    id === "addSSHKey" && isRecord(body) && body.public_key === undefined,
    "use 'lambda ssh-keys add NAME --save-private-key PATH'",
  );
}

/**
 * What of an answer must reach the user whatever becomes of stdout: the ids of instances it
 * launched, a private key Lambda generated.
 */
function answerMustReach(id: OperationId, data: unknown): MustReach | undefined {
  if (!isRecord(data)) return undefined;
  if (id === "launchInstance" && Array.isArray(data.instance_ids)) {
    return launchedIds(data.instance_ids.map(String));
  }
  if (typeof data.private_key === "string") return privateKeyMustReach(data.id, data.private_key);
  return undefined;
}

/**
 * The question before a call that takes something away: the method and the path with its
 * parameters filled in, the instances a body names (with their names and prices, when the list
 * has them), and what the call replaces.
 */
async function question(context: CommandContext): Promise<string> {
  const id = operationOf(context)!;
  const { path = {}, body } = await request(context) as {
    path?: Record<string, string>;
    body?: unknown;
  };
  const spec = OPERATIONS[id];
  const target = spec.path.replace(
    /\{([^}]+)\}/g,
    (whole, name: string) => encodeURIComponent(path[name] ?? whole),
  );
  if (id === "launchInstance") return await launchQuestion(context, target, body);
  const ids = isRecord(body) && Array.isArray(body.instance_ids)
    ? ` for ${await describeInstances(context, body.instance_ids.map(String))}`
    : "";
  return `Send ${spec.method} ${target} (${id})${ids}?${isRecord(body) ? effect(id, body) : ""}`;
}

/** The question before a launch on a terminal: what it launches, where, and at what price. */
async function launchQuestion(
  context: CommandContext,
  target: string,
  body: unknown,
): Promise<string> {
  const launch = isRecord(body) ? body : {};
  const type = String(launch.instance_type_name ?? "an instance");
  const types = await context.lookup.instanceTypes().catch(() => []);
  const cents = types.find((item) => item.instance_type.name === type)?.instance_type
    .price_cents_per_hour;
  return `Send POST ${target} (launchInstance): ${type} in ${
    String(launch.region_name ?? "a region not given")
  }${
    cents === undefined ? "" : ` at ${price(cents)} (${dollars(cents * 24)} a day)`
  }? It bills by the minute until terminated.`;
}

/** What a call with `body` takes away, in a sentence that starts with a space; or nothing. */
function effect(id: OperationId, body: Record<string, unknown>): string {
  const given = (list: unknown, noun: string) =>
    !Array.isArray(list)
      ? `the ${noun}s given`
      : list.length === 0
      ? `none, removing them all`
      : `the ${list.length} ${noun}(s) given`;
  switch (id) {
    case "terminateInstance":
      return " Their local disks are lost for good.";
    case "restartInstance":
      return " Everything running on them is stopped.";
    case "firewallRulesSet":
      return ` It replaces every legacy firewall rule with ${given(body.data, "rule")}.`;
    case "updateFirewallRuleset":
      return Object.hasOwn(body, "rules")
        ? ` It replaces the ruleset's rules with ${given(body.rules, "rule")}.`
        : "";
    case "updateGlobalFirewallRuleset":
      return Object.hasOwn(body, "rules")
        ? ` It replaces the global rules, which apply to every instance, with ${
          given(body.rules, "rule")
        }.`
        : "";
    case "postInstance": {
      if (!Object.hasOwn(body, "tags")) return "";
      const tags = Array.isArray(body.tags) && body.tags.length > 0
        ? body.tags.map((tag) => isRecord(tag) ? `${tag.key}=${tag.value}` : String(tag)).join(", ")
        : "none, removing them all";
      return ` It replaces all of the instance's tags with: ${tags}.`;
    }
    default:
      return "";
  }
}

/** Instance ids, each with its name, type and price when the list has it. */
async function describeInstances(context: CommandContext, ids: string[]): Promise<string> {
  const instances = await context.lookup.instances().catch(() => []);
  return ids.map((id) => {
    const instance = instances.find((item) => item.id === id);
    return instance === undefined
      ? id
      : `${instance.name ? `'${instance.name}' ` : ""}${id} (${instance.instance_type?.name}, ${
        price(instance.instance_type?.price_cents_per_hour ?? 0)
      })`;
  }).join(", ");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `lambda api`: the table of operations, or one call. */
export const API_COMMANDS: Command[] = [{
  name: ["api"],
  summary: "Call any operation of Lambda's API by its operationId, or list them",
  ...takes("[<operationId>]", 0, 1),
  flags: {
    path: { kind: "list", value: "NAME=VALUE", help: "a path parameter, by the spec's name" },
    query: { kind: "list", value: "NAME=VALUE", help: "a query parameter; repeat for a list" },
    body: { kind: "string", value: "JSON", help: "the request body" },
    "body-file": { kind: "string", value: "PATH", help: "the request body, from a file" },
    "print-private-key": PRINT_KEY_FLAG,
  },
  mutating: true,
  check: checkCall,
  confirm: {
    destructive: true,
    // A launch bills: asked on a terminal, as `instances launch` is, and sent without asking off
    // one (nothing is taken away, so no --yes is needed there).
    needed: async (context) => {
      const id = operationOf(context);
      if (id === undefined) return false;
      const { body } = await request(context);
      return asksFirst(id, body) || (id === "launchInstance" && context.io.isTerminal);
    },
    question,
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
    const call = await request(context);
    const options: LaunchOptions = { signal: context.signal };
    const body: unknown = call.body;
    // (A body whose tags are not a list is sent as it is, for the API to judge.)
    const launching = id === "launchInstance" && isRecord(body) &&
      (body.tags === undefined || Array.isArray(body.tags));
    // Tagged with a launch token, said and recorded before it is sent, as every launch of the
    // command line is: a launch whose answer is lost is looked for rather than left unknown, and
    // one whose run is killed is found by `instances recover`.
    if (launching) refuseLaunchTokenTag(body.tags);
    using launch = launching ? recordedLaunch(context, body) : undefined;
    if (launch) {
      options.launchToken = true;
      options.onLaunchToken = launch.onLaunchToken;
    }
    let data: unknown;
    try {
      data = await context.client.request(id, call, options);
    } catch (error) {
      await launch?.failed(error);
      throw error;
    }
    const mustReach = answerMustReach(id, data);
    if (launch) await launch.succeeded(mustReach?.lines ?? []);
    return {
      data,
      // JSON still in text, with what a terminal would obey or not show as JSON escapes (`\u009b`).
      lines: (JSON.stringify(data, null, 2) ?? "null").split("\n").map(jsonVisible),
      ...(mustReach === undefined ? {} : { mustReach, ids: mustReach.lines }),
    };
  },
}];

/**
 * Where `text` stops being JSON, without quoting any of it: a body may hold a key or user data,
 * and the runtime's own message may quote a piece.
 */
function whereNotJson(error: unknown, text: string): string {
  const at = /at position (\d+)/.exec(error instanceof Error ? error.message : "")?.[1];
  return at === undefined
    ? `${text.length} characters that are not`
    : `not from character ${Number(at) + 1} of ${text.length}`;
}
