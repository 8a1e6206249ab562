// Commands for the legacy firewall rules, rulesets and the global ruleset.

import type { FirewallRule, NetworkProtocol } from "../types/firewall.ts";
import { UsageError } from "./_args.ts";
import { type Command, flag, requiredFlag } from "./_command.ts";
import type { FlagSpec, ParsedArgs } from "./_args.ts";
import { details, table } from "./_table.ts";

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

function ruleRows(list: readonly FirewallRule[]): string[] {
  return table(
    ["protocol", "ports", "source", "description"],
    list.map((rule) => [
      rule.protocol,
      rule.port_range ? [...new Set(rule.port_range)].join("-") : "all",
      rule.source_network,
      rule.description,
    ]),
  );
}

/** The firewall commands. */
export const FIREWALL_COMMANDS: Command[] = [
  {
    name: ["firewall", "rules", "list"],
    summary: "List the legacy account-wide inbound rules",
    async run({ client }) {
      const list = await client.firewallRules.list();
      return { data: list, lines: ruleRows(list) };
    },
  },
  {
    name: ["firewall", "rules", "set"],
    summary: "Replace every legacy inbound rule (none given: remove them all)",
    mutating: true,
    flags: { rule: RULE_FLAG },
    async run({ client, args }) {
      const list = await client.firewallRules.replace(rules(args) ?? []);
      return { data: list, lines: ruleRows(list) };
    },
  },
  {
    name: ["firewall", "rulesets", "list"],
    summary: "List firewall rulesets",
    async run({ client }) {
      const list = await client.firewallRulesets.list();
      return {
        data: list,
        lines: table(
          ["id", "name", "region", "rules", "instances"],
          list.map((
            r,
          ) => [
            r.id,
            r.name,
            r.region.name,
            String(r.rules.length),
            String(r.instance_ids.length),
          ]),
        ),
      };
    },
  },
  {
    name: ["firewall", "rulesets", "get"],
    summary: "Show a firewall ruleset",
    usage: "<id>",
    positionals: { min: 1, max: 1 },
    async run({ client, args }) {
      const ruleset = await client.firewallRulesets.get(args.positionals[0]!);
      return {
        data: ruleset,
        lines: [
          ...details([
            ["id", ruleset.id],
            ["name", ruleset.name],
            ["region", ruleset.region.name],
            ["instances", ruleset.instance_ids.join(", ") || "none"],
          ]),
          ...ruleRows(ruleset.rules),
        ],
      };
    },
  },
  {
    name: ["firewall", "rulesets", "create"],
    summary: "Create a firewall ruleset",
    usage: "<name>",
    positionals: { min: 1, max: 1 },
    mutating: true,
    flags: {
      region: { kind: "string", value: "REGION", help: "its region (required)" },
      rule: RULE_FLAG,
    },
    async run({ client, args }) {
      const ruleset = await client.firewallRulesets.create({
        name: args.positionals[0]!,
        region: requiredFlag(args, "region"),
        rules: rules(args) ?? [],
      });
      return { data: ruleset, lines: [`Created ruleset '${ruleset.name}' (${ruleset.id})`] };
    },
  },
  {
    name: ["firewall", "rulesets", "update"],
    summary: "Rename a ruleset or replace its rules",
    usage: "<id>",
    positionals: { min: 1, max: 1 },
    mutating: true,
    flags: { name: { kind: "string", value: "NAME", help: "the new name" }, rule: RULE_FLAG },
    async run({ client, args }) {
      const name = flag(args, "name");
      const newRules = rules(args);
      if (name === undefined && newRules === undefined) {
        throw new UsageError("give '--name', '--rule', or both");
      }
      const ruleset = await client.firewallRulesets.update(args.positionals[0]!, {
        ...(name === undefined ? {} : { name }),
        ...(newRules === undefined ? {} : { rules: newRules }),
      });
      return { data: ruleset, lines: [`Updated ruleset '${ruleset.name}' (${ruleset.id})`] };
    },
  },
  {
    name: ["firewall", "rulesets", "delete"],
    summary: "Delete a ruleset (no instance may use it)",
    usage: "<id>",
    positionals: { min: 1, max: 1 },
    mutating: true,
    async run({ client, args }) {
      await client.firewallRulesets.delete(args.positionals[0]!);
      return { data: {}, lines: [`Deleted ruleset ${args.positionals[0]}`] };
    },
  },
  {
    name: ["firewall", "global", "get"],
    summary: "Show the global ruleset, which applies everywhere",
    async run({ client }) {
      const global = await client.firewallRulesets.getGlobal();
      return { data: global, lines: ruleRows(global.rules) };
    },
  },
  {
    name: ["firewall", "global", "set"],
    summary: "Replace the global ruleset's rules (none given: remove them all)",
    mutating: true,
    flags: { rule: RULE_FLAG },
    async run({ client, args }) {
      const global = await client.firewallRulesets.updateGlobal({ rules: rules(args) ?? [] });
      return { data: global, lines: ruleRows(global.rules) };
    },
  },
];
