// The legacy firewall rules, firewall rulesets and the global ruleset.

import {
  checkCreateRulesetRequest,
  checkFirewallRules,
  checkUpdateRulesetRequest,
} from "../_rules/firewall.ts";
import type {
  CreateFirewallRulesetRequest,
  FirewallRule,
  UpdateFirewallRulesetRequest,
} from "../types/firewall.ts";
import { checkObject } from "../_validate.ts";
import { EmulatedError, invalidParameters, objectDoesNotExist, validateWith } from "./_errors.ts";
import { type Handler, type HandlerContext, ok } from "./_handler.ts";
import type { EmulatorState, RulesetRecord } from "./_state.ts";
import type { OperationId } from "./operations.ts";

// The spec's example name for the global ruleset.
const GLOBAL_NAME = "Default Workspace Global Rules";

/**
 * The rules as stored and shown. A bare address is a /32 network, as the spec says; that the API
 * then shows it with its `/32`, as the emulator does, is our assumption.
 */
function copyRules(rules: readonly FirewallRule[]): FirewallRule[] {
  return rules.map((rule) => {
    const copy: FirewallRule = {
      protocol: rule.protocol,
      source_network: rule.source_network.includes("/")
        ? rule.source_network
        : `${rule.source_network}/32`,
      description: rule.description,
    };
    if (rule.port_range) copy.port_range = [rule.port_range[0], rule.port_range[1]];
    return copy;
  });
}

function rulesetOr404(state: EmulatorState, id: string): RulesetRecord {
  const record = state.rulesets.get(id);
  if (!record) {
    throw objectDoesNotExist(
      "Firewall ruleset does not exist or you do not have permission to access it.",
      "Check your firewall ruleset ID and try again.",
    );
  }
  return record;
}

function setLegacyRules({ state, request, body }: HandlerContext) {
  let rules: FirewallRule[] = [];
  validateWith(() => {
    const data = checkObject("replace firewall rules", "body", body).data;
    checkFirewallRules("replace firewall rules", "data", data);
    rules = copyRules(data as FirewallRule[]);
  });
  state.legacyRules = rules;
  state.audit(request, "firewall_rules", "replaced", ["legacy"], { count: rules.length });
  return ok(copyRules(state.legacyRules));
}

function createRuleset({ state, request, body }: HandlerContext) {
  validateWith(() => checkCreateRulesetRequest(body));
  const create = body as CreateFirewallRulesetRequest;
  const region = state.region(create.region);
  if (!region) throw invalidParameters(`Invalid request: region '${create.region}' does not exist`);
  if (state.rulesets.size >= state.quota.firewallRulesets) {
    throw new EmulatedError(
      400,
      "global/quota-exceeded",
      `Quota exceeded: at most ${state.quota.firewallRulesets} firewall rulesets.`,
      "Contact Support to increase your quota.",
    );
  }
  const record: RulesetRecord = {
    id: state.random.id(),
    name: create.name,
    region: { ...region },
    rules: copyRules(create.rules),
    created: state.now(),
  };
  state.rulesets.set(record.id, record);
  state.audit(request, "firewall_ruleset", "created", [record.id], {
    name: record.name,
    region: region.name,
  });
  return ok(state.rulesetView(record));
}

function updateRuleset({ state, request, params, body }: HandlerContext) {
  const record = rulesetOr404(state, params.id!);
  validateWith(() => checkUpdateRulesetRequest(body));
  const change = body as UpdateFirewallRulesetRequest;
  if (change.name !== undefined) record.name = change.name;
  if (change.rules !== undefined) record.rules = copyRules(change.rules);
  state.audit(request, "firewall_ruleset", "updated", [record.id], {
    region: record.region.name,
  });
  return ok(state.rulesetView(record));
}

function deleteRuleset({ state, request, params }: HandlerContext) {
  const record = rulesetOr404(state, params.id!);
  if (state.rulesetView(record).instance_ids.length > 0) {
    throw new EmulatedError(
      400,
      "firewall-rulesets/firewall-ruleset-in-use",
      "Firewall ruleset is in use by one or more instances.",
      "Terminate all instances that are using the ruleset before deleting it.",
    );
  }
  state.rulesets.delete(record.id);
  state.audit(request, "firewall_ruleset", "deleted", [record.id], {
    region: record.region.name,
  });
  return ok({});
}

function updateGlobal({ state, request, body }: HandlerContext) {
  validateWith(() => checkUpdateRulesetRequest(body, true));
  const rules = (body as { rules?: FirewallRule[] }).rules;
  if (rules !== undefined) state.globalRules = copyRules(rules);
  state.audit(request, "firewall_ruleset", "updated", ["global"]);
  return ok({ id: "global", name: GLOBAL_NAME, rules: copyRules(state.globalRules) });
}

/** The firewall handlers, by operation. */
export const FIREWALL_HANDLERS = {
  firewallRulesList: ({ state }) => ok(copyRules(state.legacyRules)),
  firewallRulesSet: setLegacyRules,
  firewallRulesetsList: ({ state }) =>
    ok([...state.rulesets.values()].map((record) => state.rulesetView(record))),
  createFirewallRuleset: createRuleset,
  getFirewallRuleset: ({ state, params }) => ok(state.rulesetView(rulesetOr404(state, params.id!))),
  updateFirewallRuleset: updateRuleset,
  deleteFirewallRuleset: deleteRuleset,
  getGlobalFirewallRuleset: ({ state }) =>
    ok({ id: "global", name: GLOBAL_NAME, rules: copyRules(state.globalRules) }),
  updateGlobalFirewallRuleset: updateGlobal,
} satisfies Partial<Record<OperationId, Handler>>;
