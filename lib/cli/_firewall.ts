// Commands for the legacy firewall rules, rulesets and the global ruleset: each set of rules can be
// replaced (`set`, `update --rule`) or edited (`add-rule`, `remove-rule`). A change that would
// remove a rule asks first, since a rule removed can lock people out.

import type { FirewallRule, NetworkProtocol } from "../../mod.ts";
import { type FlagSpec, type ParsedArgs, UsageError } from "./_args.ts";
import {
  type Command,
  type CommandContext,
  type CommandOutput,
  flag,
  listCommand,
  perRun,
  removing,
  requiredFlag,
  takes,
} from "./_command.ts";
import { deleteCommand } from "./_delete.ts";
import { NEW_RESOURCE_REGION_FLAG } from "./_known_values.ts";
import { NoSuchResourceError } from "./_lookup.ts";
import { didYouMean } from "./_suggest.ts";
import { checkFirewallRules, checkUpdateRulesetRequest } from "../_rules/firewall.ts";
import { details } from "./_table.ts";

const RULE_FLAG: FlagSpec = {
  kind: "list",
  value: "RULE",
  help: "protocol:ports:source[:description], such as tcp:22:0.0.0.0/0:SSH (repeatable)",
};

/** Parses `tcp:8000-8100:10.0.0.0/8:notebooks` into a rule; the client checks its values. */
export function parseRule(text: string): FirewallRule {
  const [protocol, ports, source, ...rest] = text.split(":");
  if (!protocol || ports === undefined || !source) {
    throw new UsageError(
      `a rule must look like protocol:ports:source[:description], received '${text}'`,
    );
  }
  const rule: FirewallRule = {
    protocol: protocol as NetworkProtocol,
    source_network: source,
    description: rest.join(":"),
  };
  if (ports !== "") {
    const [first, last = first] = ports.split("-").map(Number);
    rule.port_range = [first!, last!];
  }
  return rule;
}

function rules(args: ParsedArgs): FirewallRule[] | undefined {
  return args.lists.get("rule")?.map(parseRule);
}

/** What `firewall rulesets update` sends. */
function updateBody(args: ParsedArgs): { name?: string; rules?: FirewallRule[] } {
  const name = flag(args, "name");
  const newRules = rules(args);
  if (name === undefined && newRules === undefined) {
    throw new UsageError("give '--name', '--rule', or both");
  }
  return {
    ...(name === undefined ? {} : { name }),
    ...(newRules === undefined ? {} : { rules: newRules }),
  };
}

function ports(rule: FirewallRule): string {
  return rule.port_range ? [...new Set(rule.port_range)].join("-") : "all";
}

/**
 * `tcp 22 from 0.0.0.0/0`: what a rule lets in, whatever its description. A bare address is the
 * `/32` Lambda stores it as, so that setting the same rules again removes nothing.
 */
function ruleText(rule: FirewallRule): string {
  const source = rule.source_network.includes("/")
    ? rule.source_network
    : `${rule.source_network}/32`;
  return `${rule.protocol} ${ports(rule)} from ${source}`;
}

function ruleRows(list: readonly FirewallRule[]): Record<string, string>[] {
  return list.map((rule) => ({
    PROTOCOL: rule.protocol,
    PORTS: ports(rule),
    SOURCE: rule.source_network,
    DESCRIPTION: rule.description,
  }));
}

const RULE_COLUMNS = ["PROTOCOL", "PORTS", "SOURCE", "DESCRIPTION"];

/** One set of rules that commands replace and edit: the legacy rules, a ruleset, the global one. */
interface RuleSet {
  group: readonly string[];
  /** What it is, in a question or an error, such as `the legacy rules`. */
  what: string;
  /** Its argument, when it needs one (a ruleset's id or name), as help writes it. */
  usage?: string;
  read(context: CommandContext): Promise<FirewallRule[]>;
  /** Checks rules by the client's own rules for this set, before anything is asked or sent. */
  check(rules: FirewallRule[]): void;
  write(context: CommandContext, rules: FirewallRule[]): Promise<CommandOutput>;
}

/** The rules an edit leaves `set` with, from those in force and those given with `--rule`. */
type Edit = (
  current: readonly FirewallRule[],
  given: FirewallRule[],
  set: RuleSet,
) => FirewallRule[];

/** `set`: those given, so that none given removes them all. */
const REPLACE: Edit = (_, given) => given;

/** `add-rule`: those in force and those given; a rule given that is in force takes its place. */
const ADD: Edit = (current, given) => [
  ...current.filter((rule) => !given.some((added) => ruleText(added) === ruleText(rule))),
  ...given,
];

/** `remove-rule`: those in force but the ones given (descriptions aside), each of which must be. */
const REMOVE: Edit = (current, given, set) => {
  const texts = current.map(ruleText);
  const missing = given.map(ruleText).find((text) => !texts.includes(text));
  if (missing !== undefined) {
    throw new NoSuchResourceError(
      `no rule '${missing}' in ${set.what}${didYouMean(missing, texts)} (in force: ${
        texts.join(", ") || "none"
      }): nothing was changed`,
    );
  }
  const gone = new Set(given.map(ruleText));
  return current.filter((rule) => !gone.has(ruleText(rule)));
};

/**
 * The command `verb` that gives `set` the rules `edit` makes of those in force and the `--rule`s
 * given. It asks first whenever a rule in force would be gone afterwards (descriptions aside), and
 * refuses off a terminal without `--yes`; a dry run lists what it removes.
 */
function ruleCommand(
  set: RuleSet,
  verb: string,
  summary: string,
  edit: Edit,
  examples: readonly string[],
): Command {
  const current = perRun(set.read);
  // A replace needs the rules in force only to say what it removes.
  const next = perRun(async (context) =>
    edit(edit === REPLACE ? [] : await current(context), rules(context.args) ?? [], set)
  );
  return {
    name: [...set.group, verb],
    summary,
    ...(set.usage === undefined ? {} : takes(set.usage)),
    mutating: true,
    flags: { rule: RULE_FLAG },
    check: (context) => {
      const given = rules(context.args) ?? [];
      if (edit !== REPLACE && given.length === 0) {
        throw new UsageError(`'${[...set.group, verb].join(" ")}' needs at least one '--rule'`);
      }
      if (edit !== REMOVE) set.check(given);
      return Promise.resolve();
    },
    confirm: removing(async (context) => {
      const kept = new Set((await next(context)).map(ruleText));
      return {
        noun: "rule",
        from: set.what,
        items: (await current(context)).map(ruleText).filter((text) => !kept.has(text)),
      };
    }),
    columns: RULE_COLUMNS,
    examples,
    async run(context) {
      return await set.write(context, await next(context));
    },
  };
}

/** `add-rule` and `remove-rule` for `set`; `ref` names the set in their examples, if it must. */
function ruleEdits(set: RuleSet, ref?: string): Command[] {
  const line = (verb: string) => ["lambda", ...set.group, verb, ...ref ? [ref] : []].join(" ");
  return [
    ruleCommand(set, "add-rule", `Add rules to ${set.what}, keeping the others`, ADD, [
      `${line("add-rule")} --rule tcp:8888:10.0.0.0/8:notebooks`,
    ]),
    ruleCommand(set, "remove-rule", `Remove rules from ${set.what}`, REMOVE, [
      `${line("remove-rule")} --rule tcp:8888:10.0.0.0/8 --yes`,
    ]),
  ];
}

/** The id of the ruleset the command's argument names. */
function rulesetOf(context: CommandContext): Promise<string> {
  return context.lookup.rulesetId(context.args.positionals[0]!);
}

const LEGACY: RuleSet = {
  group: ["firewall", "rules"],
  what: "the legacy rules",
  read: ({ client, signal }) => client.firewallRules.list({ signal }),
  check: (list) => checkFirewallRules("replace firewall rules", "rules", list),
  async write({ client, signal }, list) {
    const replaced = await client.firewallRules.replace(list, { signal });
    return { data: replaced, rows: ruleRows(replaced) };
  },
};

const RULESET: RuleSet = {
  group: ["firewall", "rulesets"],
  what: "the ruleset",
  usage: "<id|name>",
  read: async (context) =>
    (await context.client.firewallRulesets.get(await rulesetOf(context), {
      signal: context.signal,
    })).rules,
  check: (list) => checkUpdateRulesetRequest({ rules: list }),
  async write(context, list) {
    const ruleset = await context.client.firewallRulesets.update(
      await rulesetOf(context),
      { rules: list },
      { signal: context.signal },
    );
    return { data: ruleset, rows: ruleRows(ruleset.rules), ids: [ruleset.id] };
  },
};

const GLOBAL: RuleSet = {
  group: ["firewall", "global"],
  what: "the global ruleset (it applies to every instance)",
  read: async ({ client, signal }) => (await client.firewallRulesets.getGlobal({ signal })).rules,
  check: (list) => checkUpdateRulesetRequest({ rules: list }, true),
  async write({ client, signal }, list) {
    const global = await client.firewallRulesets.updateGlobal({ rules: list }, { signal });
    return { data: global, rows: ruleRows(global.rules) };
  },
};

/** The firewall commands. */
export const FIREWALL_COMMANDS: Command[] = [
  {
    name: ["firewall", "rules", "list"],
    summary: "List the legacy account-wide inbound rules",
    columns: RULE_COLUMNS,
    examples: ["lambda firewall rules list", "lambda firewall rules list --json"],
    async run(context) {
      const list = await LEGACY.read(context);
      return { data: list, rows: ruleRows(list) };
    },
  },
  ruleCommand(
    LEGACY,
    "set",
    "Replace every legacy inbound rule (none given: remove them all)",
    REPLACE,
    ["lambda firewall rules set --rule tcp:22:0.0.0.0/0:SSH --rule tcp:443:0.0.0.0/0:web"],
  ),
  ...ruleEdits(LEGACY),
  listCommand(
    {
      name: ["firewall", "rulesets", "list"],
      summary: "List firewall rulesets",
      columns: ["ID", "NAME", "REGION", "RULES", "INSTANCES"],
      examples: ["lambda firewall rulesets list", "lambda firewall rulesets list -q"],
    },
    ({ client, signal }) => client.firewallRulesets.list({ signal }),
    (r) => ({
      ID: r.id,
      NAME: r.name,
      REGION: r.region.name,
      RULES: String(r.rules.length),
      INSTANCES: String(r.instance_ids.length),
    }),
  ),
  {
    name: ["firewall", "rulesets", "get"],
    summary: "Show a firewall ruleset and its rules",
    ...takes("<id|name>"),
    columns: RULE_COLUMNS,
    examples: ["lambda firewall rulesets get web"],
    async run(context) {
      const ruleset = await context.client.firewallRulesets.get(await rulesetOf(context), {
        signal: context.signal,
      });
      return {
        data: ruleset,
        lines: details([
          ["id", ruleset.id],
          ["name", ruleset.name],
          ["region", ruleset.region.name],
          ["instances", ruleset.instance_ids.join(", ") || "none"],
        ]),
        rows: ruleRows(ruleset.rules),
        ids: [ruleset.id],
      };
    },
  },
  {
    name: ["firewall", "rulesets", "create"],
    summary: "Create a firewall ruleset",
    ...takes("<name>"),
    mutating: true,
    flags: {
      region: NEW_RESOURCE_REGION_FLAG,
      rule: RULE_FLAG,
    },
    examples: ["lambda firewall rulesets create web --region us-east-1 --rule tcp:443:0.0.0.0/0"],
    async run({ client, args, signal }) {
      const ruleset = await client.firewallRulesets.create({
        name: args.positionals[0]!,
        region: requiredFlag(args, "region"),
        rules: rules(args) ?? [],
      }, { signal });
      return {
        data: ruleset,
        lines: [`Created ruleset '${ruleset.name}' (${ruleset.id})`],
        ids: [ruleset.id],
      };
    },
  },
  {
    name: ["firewall", "rulesets", "update"],
    summary: "Rename a ruleset or replace its rules",
    ...takes("<id|name>"),
    mutating: true,
    flags: { name: { kind: "string", value: "NAME", help: "the new name" }, rule: RULE_FLAG },
    check: (context) => Promise.resolve(checkUpdateRulesetRequest(updateBody(context.args))),
    // Without --rule, it leaves the rules alone.
    confirm: removing(async (context) => {
      const given = rules(context.args);
      const kept = new Set(given?.map(ruleText));
      const current = given === undefined ? [] : await RULESET.read(context);
      return {
        noun: "rule",
        from: RULESET.what,
        items: current.map(ruleText).filter((text) => !kept.has(text)),
      };
    }),
    examples: [
      "lambda firewall rulesets update web --name web-prod",
      "lambda firewall rulesets update web --rule tcp:443:0.0.0.0/0 --yes",
    ],
    async run(context) {
      const ruleset = await context.client.firewallRulesets.update(
        await rulesetOf(context),
        updateBody(context.args),
        { signal: context.signal },
      );
      return {
        data: ruleset,
        lines: [`Updated ruleset '${ruleset.name}' (${ruleset.id})`],
        ids: [ruleset.id],
      };
    },
  },
  ...ruleEdits(RULESET, "web"),
  deleteCommand(
    ["firewall", "rulesets"],
    "firewall ruleset",
    (context, ref) => context.lookup.ruleset(ref),
    (context, id) => context.client.firewallRulesets.delete(id, { signal: context.signal }),
    "web",
    "Delete a ruleset (no instance may use it)",
  ),
  {
    name: ["firewall", "global", "get"],
    summary: "Show the global ruleset, which applies everywhere",
    columns: RULE_COLUMNS,
    examples: ["lambda firewall global get"],
    async run({ client, signal }) {
      const global = await client.firewallRulesets.getGlobal({ signal });
      return { data: global, rows: ruleRows(global.rules) };
    },
  },
  ruleCommand(
    GLOBAL,
    "set",
    "Replace the global ruleset's rules (none given: remove them all)",
    REPLACE,
    ["lambda firewall global set --rule tcp:22:0.0.0.0/0:SSH"],
  ),
  ...ruleEdits(GLOBAL),
];
