// Commands for the legacy firewall rules, rulesets and the global ruleset. Replacing rules asks
// first whenever it would remove one, since a rule removed can lock people out.

import type { FirewallRule, NetworkProtocol } from "../../mod.ts";
import { type FlagSpec, type ParsedArgs, UsageError } from "./_args.ts";
import {
  type Command,
  type CommandContext,
  type Confirmation,
  flag,
  listCommand,
  requiredFlag,
  takes,
} from "./_command.ts";
import { deleteCommand } from "./_delete.ts";
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

/**
 * A command's `check`: the body it would send, checked by the client's own rules, so that a bad
 * rule is found before the question about the rules it replaces, not after a yes.
 */
function checkedBy(
  check: (args: ParsedArgs) => void,
): (context: CommandContext) => Promise<void> {
  return (context) => {
    check(context.args);
    return Promise.resolve();
  };
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

/**
 * The confirmation of a command that replaces a set of rules: asked when a rule in force would be
 * gone afterwards (descriptions aside), and refused off a terminal without `--yes`. `next` is the
 * rules it would leave: for `set`, those given, so that none given removes them all; `undefined`
 * when the command leaves the rules alone.
 */
function replacingRules(
  what: string,
  current: (context: CommandContext) => Promise<readonly FirewallRule[]>,
  next: (args: ParsedArgs) => FirewallRule[] | undefined = (args) => rules(args) ?? [],
): Confirmation {
  const removed = async (context: CommandContext) => {
    const after = next(context.args);
    if (after === undefined) return [];
    const now = await current(context);
    const kept = new Set(after.map(ruleText));
    return now.filter((rule) => !kept.has(ruleText(rule)));
  };
  return {
    destructive: true,
    needed: async (context) => (await removed(context)).length > 0,
    question: async (context) => {
      const gone = await removed(context);
      return `This removes ${gone.length} rule(s) from ${what}: ${
        gone.map(ruleText).join("; ")
      }. Go ahead?`;
    },
  };
}

/** The firewall commands. */
export const FIREWALL_COMMANDS: Command[] = [
  {
    name: ["firewall", "rules", "list"],
    summary: "List the legacy account-wide inbound rules",
    columns: RULE_COLUMNS,
    async run({ client, signal }) {
      const list = await client.firewallRules.list({ signal });
      return { data: list, rows: ruleRows(list) };
    },
  },
  {
    name: ["firewall", "rules", "set"],
    summary: "Replace every legacy inbound rule (none given: remove them all)",
    mutating: true,
    flags: { rule: RULE_FLAG },
    check: checkedBy((args) =>
      checkFirewallRules("replace firewall rules", "rules", rules(args) ?? [])
    ),
    confirm: replacingRules(
      "the legacy rules",
      async ({ client, signal }) => await client.firewallRules.list({ signal }),
    ),
    columns: RULE_COLUMNS,
    async run({ client, args, signal }) {
      const list = await client.firewallRules.replace(rules(args) ?? [], { signal });
      return { data: list, rows: ruleRows(list) };
    },
  },
  listCommand(
    {
      name: ["firewall", "rulesets", "list"],
      summary: "List firewall rulesets",
      columns: ["ID", "NAME", "REGION", "RULES", "INSTANCES"],
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
    async run({ client, args, lookup, signal }) {
      const id = await lookup.rulesetId(args.positionals[0]!);
      const ruleset = await client.firewallRulesets.get(id, { signal });
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
      region: { kind: "string", value: "REGION", help: "its region (required)" },
      rule: RULE_FLAG,
    },
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
    check: checkedBy((args) => checkUpdateRulesetRequest(updateBody(args))),
    confirm: replacingRules(
      "the ruleset",
      async ({ args, client, lookup, signal }) => {
        const id = await lookup.rulesetId(args.positionals[0]!);
        return (await client.firewallRulesets.get(id, { signal })).rules;
      },
      rules,
    ),
    async run({ client, args, lookup, signal }) {
      const body = updateBody(args);
      const id = await lookup.rulesetId(args.positionals[0]!);
      const ruleset = await client.firewallRulesets.update(id, body, { signal });
      return {
        data: ruleset,
        lines: [`Updated ruleset '${ruleset.name}' (${ruleset.id})`],
        ids: [ruleset.id],
      };
    },
  },
  deleteCommand(
    ["firewall", "rulesets"],
    "firewall ruleset",
    (context, ref) => context.lookup.ruleset(ref),
    (context, id) => context.client.firewallRulesets.delete(id, { signal: context.signal }),
    "Delete a ruleset (no instance may use it)",
  ),
  {
    name: ["firewall", "global", "get"],
    summary: "Show the global ruleset, which applies everywhere",
    columns: RULE_COLUMNS,
    async run({ client, signal }) {
      const global = await client.firewallRulesets.getGlobal({ signal });
      return { data: global, rows: ruleRows(global.rules) };
    },
  },
  {
    name: ["firewall", "global", "set"],
    summary: "Replace the global ruleset's rules (none given: remove them all)",
    mutating: true,
    flags: { rule: RULE_FLAG },
    check: checkedBy((args) => checkUpdateRulesetRequest({ rules: rules(args) ?? [] }, true)),
    confirm: replacingRules(
      "the global ruleset, which applies to every instance",
      async ({ client, signal }) => (await client.firewallRulesets.getGlobal({ signal })).rules,
    ),
    columns: RULE_COLUMNS,
    async run({ client, args, signal }) {
      const global = await client.firewallRulesets.updateGlobal({ rules: rules(args) ?? [] }, {
        signal,
      });
      return { data: global, rows: ruleRows(global.rules) };
    },
  },
];
