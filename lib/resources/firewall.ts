/**
 * Firewalls: the legacy account-wide inbound rules, and firewall rulesets (per region, plus the
 * special `global` ruleset).
 *
 * @module
 */

import { Resource } from "./_resource.ts";
import { snapshotBody } from "../_validate.ts";
import {
  checkCreateRulesetRequest,
  checkFirewallRules,
  checkUpdateRulesetRequest,
  rejectGlobalId,
} from "../_rules/firewall.ts";
import type { RequestOptions } from "../options.ts";
import type {
  CreateFirewallRulesetRequest,
  FirewallRule,
  FirewallRuleset,
  GlobalFirewallRuleset,
  UpdateFirewallRulesetRequest,
  UpdateGlobalFirewallRulesetRequest,
} from "../types/firewall.ts";

/**
 * `client.firewallRules`: the legacy inbound rules that apply account-wide (not in `us-south-1`).
 * Prefer {@linkcode FirewallRulesetsResource} for new work.
 *
 * @example Open port 8888 for Jupyter from one network
 * ```ts ignore
 * import { LambdaCloudClient } from "@lambda-cloud/client";
 *
 * const client = new LambdaCloudClient();
 * const rules = await client.firewallRules.list();
 * await client.firewallRules.replace([
 *   ...rules,
 *   { protocol: "tcp", port_range: [8888, 8888], source_network: "203.0.113.0/24", description: "Jupyter" },
 * ]);
 * ```
 */
export class FirewallRulesResource extends Resource {
  /**
   * Lists the inbound firewall rules (`GET /api/v1/firewall-rules`). Retried on transient failures.
   *
   * @param options Per-call options.
   * @returns The rules.
   *
   * @example Print the open ports
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * for (const rule of await client.firewallRules.list()) console.log(rule.protocol, rule.port_range);
   * ```
   */
  list(options?: RequestOptions): Promise<FirewallRule[]> {
    return this.transport.call<FirewallRule[]>("firewallRulesList", {}, options);
  }

  /**
   * Replaces every inbound firewall rule (`PUT /api/v1/firewall-rules`). Sending the same list
   * twice ends in the same state, so this is retried on transient failures.
   *
   * @param rules The complete new list; an empty list removes every rule.
   * @param options Per-call options.
   * @returns The rules now in force.
   * @throws {TypeError | RangeError} Before any request, when a rule is invalid.
   *
   * @example Admit SSH only
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * await client.firewallRules.replace([
   *   { protocol: "tcp", port_range: [22, 22], source_network: "0.0.0.0/0", description: "SSH" },
   * ]);
   * ```
   */
  async replace(rules: readonly FirewallRule[], options?: RequestOptions): Promise<FirewallRule[]> {
    const action = "replace firewall rules";
    rules = snapshotBody(action, rules);
    checkFirewallRules(action, "rules", rules);
    return await this.transport.call<FirewallRule[]>(
      "firewallRulesSet",
      { body: { data: rules } },
      options,
    );
  }
}

/**
 * `client.firewallRulesets`: rulesets per region, and the `global` ruleset.
 *
 * @example Create a ruleset and launch with it
 * ```ts ignore
 * import { LambdaCloudClient } from "@lambda-cloud/client";
 *
 * const client = new LambdaCloudClient();
 * const ruleset = await client.firewallRulesets.create({
 *   name: "ssh-only",
 *   region: "us-east-1",
 *   rules: [{ protocol: "tcp", port_range: [22, 22], source_network: "0.0.0.0/0", description: "SSH" }],
 * });
 * await client.instances.launch({
 *   region_name: "us-east-1",
 *   instance_type_name: "gpu_1x_a10",
 *   ssh_key_names: ["my-key"],
 *   firewall_rulesets: [{ id: ruleset.id }],
 * });
 * ```
 */
export class FirewallRulesetsResource extends Resource {
  /**
   * Lists your firewall rulesets (`GET /api/v1/firewall-rulesets`). Retried on transient failures.
   *
   * @param options Per-call options.
   * @returns The rulesets, without the global one.
   *
   * @example Rulesets in one region
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const inEast = (await client.firewallRulesets.list()).filter((r) => r.region.name === "us-east-1");
   * ```
   */
  list(options?: RequestOptions): Promise<FirewallRuleset[]> {
    return this.transport.call<FirewallRuleset[]>("firewallRulesetsList", {}, options);
  }

  /**
   * Creates a firewall ruleset (`POST /api/v1/firewall-rulesets`). Only a 429 is retried: after an
   * ambiguous failure the ruleset may exist already.
   *
   * @param body The ruleset's name, region and rules.
   * @param options Per-call options.
   * @returns The new ruleset.
   * @throws {TypeError | RangeError} Before any request, when the body is invalid.
   *
   * @example Create a ruleset
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const ruleset = await client.firewallRulesets.create({ name: "closed", region: "us-east-1", rules: [] });
   * ```
   */
  async create(
    body: CreateFirewallRulesetRequest,
    options?: RequestOptions,
  ): Promise<FirewallRuleset> {
    return await this.sendChecked(
      "createFirewallRuleset",
      body,
      checkCreateRulesetRequest,
      options,
    );
  }

  /**
   * Gets one firewall ruleset (`GET /api/v1/firewall-rulesets/{id}`). Retried on transient
   * failures.
   *
   * @param id The ruleset's id.
   * @param options Per-call options.
   * @returns The ruleset.
   * @throws {TypeError | RangeError} Before any request, when `id` is not a valid id.
   *
   * @example Print a ruleset's rules
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * console.log((await client.firewallRulesets.get("ddaedf1b7a0e41ac981711504493b242")).rules);
   * ```
   */
  async get(id: string, options?: RequestOptions): Promise<FirewallRuleset> {
    rejectGlobalId("get firewall ruleset", id);
    return await this.transport.call<FirewallRuleset>(
      "getFirewallRuleset",
      { path: { id } },
      options,
    );
  }

  /**
   * Renames a ruleset or replaces its rules (`PATCH /api/v1/firewall-rulesets/{id}`). Retried on
   * transient failures, since sending the same change twice ends in the same state.
   *
   * @param id The ruleset's id.
   * @param body The new name, the new rules, or both.
   * @param options Per-call options.
   * @returns The updated ruleset.
   * @throws {TypeError | RangeError} Before any request, when the id or body is invalid.
   *
   * @example Close every port of a ruleset
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * await client.firewallRulesets.update("ddaedf1b7a0e41ac981711504493b242", { rules: [] });
   * ```
   */
  async update(
    id: string,
    body: UpdateFirewallRulesetRequest,
    options?: RequestOptions,
  ): Promise<FirewallRuleset> {
    rejectGlobalId("update firewall ruleset", id);
    return await this.sendChecked(
      "updateFirewallRuleset",
      body,
      checkUpdateRulesetRequest,
      options,
      { id },
    );
  }

  /**
   * Deletes a ruleset (`DELETE /api/v1/firewall-rulesets/{id}`). A ruleset still used by an
   * instance cannot be deleted: Lambda answers with a `ConflictError`
   * (`firewall-rulesets/firewall-ruleset-in-use`). Retried on transient failures.
   *
   * @param id The ruleset's id.
   * @param options Per-call options.
   * @throws {TypeError | RangeError} Before any request, when `id` is not a valid id.
   *
   * @example Delete a ruleset
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * await client.firewallRulesets.delete("ddaedf1b7a0e41ac981711504493b242");
   * ```
   */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    rejectGlobalId("delete firewall ruleset", id);
    await this.transport.call<unknown>("deleteFirewallRuleset", { path: { id } }, options);
  }

  /**
   * Gets the global ruleset (`GET /api/v1/firewall-rulesets/global`). Retried on transient
   * failures.
   *
   * @param options Per-call options.
   * @returns The global ruleset.
   *
   * @example Print the global rules
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * console.log((await client.firewallRulesets.getGlobal()).rules);
   * ```
   */
  getGlobal(options?: RequestOptions): Promise<GlobalFirewallRuleset> {
    return this.transport.call<GlobalFirewallRuleset>("getGlobalFirewallRuleset", {}, options);
  }

  /**
   * Replaces the global ruleset's rules (`PATCH /api/v1/firewall-rulesets/global`). Retried on
   * transient failures.
   *
   * @param body The new rules.
   * @param options Per-call options.
   * @returns The updated global ruleset.
   * @throws {TypeError | RangeError} Before any request, when a rule is invalid.
   *
   * @example Admit SSH everywhere
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * await client.firewallRulesets.updateGlobal({
   *   rules: [{ protocol: "tcp", port_range: [22, 22], source_network: "0.0.0.0/0", description: "SSH" }],
   * });
   * ```
   */
  async updateGlobal(
    body: UpdateGlobalFirewallRulesetRequest,
    options?: RequestOptions,
  ): Promise<GlobalFirewallRuleset> {
    return await this.sendChecked(
      "updateGlobalFirewallRuleset",
      body,
      (checked) => checkUpdateRulesetRequest(checked, true),
      options,
    );
  }
}
