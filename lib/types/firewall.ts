// The shapes of firewall rules and rulesets, as Lambda's API sends and takes them.

import type { Region, RegionName } from "./regions.ts";

/**
 * A network protocol a firewall rule admits. `all` admits every protocol.
 */
export type NetworkProtocol = "tcp" | "udp" | "icmp" | "all";

/**
 * One inbound firewall rule.
 */
export interface FirewallRule {
  /** The protocol the rule admits. */
  protocol: NetworkProtocol;
  /**
   * The first and last port admitted, inclusive (1 to 65535). Needed for `tcp` and `udp`; leave it
   * out for `icmp`.
   */
  port_range?: [number, number];
  /** The source network in CIDR notation, such as `0.0.0.0/0` for anywhere. */
  source_network: string;
  /** A description of the rule, up to 128 characters. */
  description: string;
}

/**
 * A firewall ruleset: rules that apply to the instances launched with it, in one region.
 */
export interface FirewallRuleset {
  /** The unique identifier (ID) of the ruleset. */
  id: string;
  /** The name of the ruleset. */
  name: string;
  /** The region the ruleset is deployed in. */
  region: Region;
  /** The rules of the ruleset. */
  rules: FirewallRule[];
  /** When the ruleset was created, as an ISO 8601 timestamp. */
  created: string;
  /** The instances the ruleset applies to. */
  instance_ids: string[];
}

/**
 * The global firewall ruleset, which applies to every instance in every region.
 */
export interface GlobalFirewallRuleset {
  /** Always `global`. */
  id: "global";
  /** The name of the ruleset. */
  name: string;
  /** The rules of the ruleset. */
  rules: FirewallRule[];
}

/**
 * The body of `client.firewallRulesets.create()`.
 */
export interface CreateFirewallRulesetRequest {
  /** The name of the ruleset, up to 64 characters. */
  name: string;
  /** The region to deploy the ruleset in. */
  region: RegionName;
  /** The rules of the ruleset. */
  rules: FirewallRule[];
}

/**
 * The body of `client.firewallRulesets.update()`: what is left out is not changed.
 */
export interface UpdateFirewallRulesetRequest {
  /** The new name, up to 64 characters. */
  name?: string;
  /** The new rules, which replace the old ones. */
  rules?: FirewallRule[];
}

/**
 * The body of `client.firewallRulesets.updateGlobal()`.
 */
export interface UpdateGlobalFirewallRulesetRequest {
  /** The new rules, which replace the old ones. */
  rules?: FirewallRule[];
}
