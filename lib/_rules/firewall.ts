// The rules of firewall rules and rulesets, checked before anything is sent and shared with the emulator, which
// answers a request that breaks them with `global/invalid-parameters`. Lengths, patterns and enums
// come from the operation table (lib/spec/); the words that explain them are ours.

import {
  checkArray,
  checkObject,
  checkOneOf,
  checkOptionalString,
  checkString,
  specString,
  type StringRule,
} from "../_validate.ts";
import { bodyField, enumValues, resolve, schemaField } from "../spec/lookup.ts";

const PROTOCOLS: readonly string[] = enumValues(schemaField("FirewallRule", "protocol"));
const PORT = resolve(schemaField("FirewallRule", "port_range").items!);
const FIRST_PORT = PORT.minimum!;
const LAST_PORT = PORT.maximum!;
const DESCRIPTION_RULE: StringRule = specString(schemaField("FirewallRule", "description"));
// "A public IPv4 address optionally followed by a slash (/) and an integer mask … If no mask is
// provided, the API assumes /32 by default." (the spec, FirewallRule.source_network)
const IPV4_NETWORK =
  /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\/(3[0-2]|[12]?\d))?$/;
const RULESET_NAME_RULE: StringRule = specString(bodyField("createFirewallRuleset", "name"));

/**
 * Checks a list of firewall rules against the API's rules. Shared with the emulator, which answers
 * a bad list with `global/invalid-parameters`.
 */
export function checkFirewallRules(action: string, name: string, value: unknown): void {
  checkArray(action, name, value, (item, itemName) => {
    const rule = checkObject(action, itemName, item);
    const protocol = checkString(action, `${itemName}.protocol`, rule.protocol);
    checkOneOf(action, `${itemName}.protocol`, protocol, PROTOCOLS);
    checkPortRange(action, `${itemName}.port_range`, protocol, rule.port_range);
    checkString(action, `${itemName}.source_network`, rule.source_network, {
      pattern: {
        regex: IPV4_NETWORK,
        description: "an IPv4 address, or a network in CIDR notation",
      },
    });
    checkString(action, `${itemName}.description`, rule.description, DESCRIPTION_RULE);
  });
}

function checkPortRange(action: string, name: string, protocol: string, value: unknown): void {
  if (value === undefined) {
    if (protocol === "tcp" || protocol === "udp") {
      throw new TypeError(`Cannot ${action}: '${name}' is required for protocol '${protocol}'`);
    }
    return;
  }
  if (protocol === "icmp") {
    throw new TypeError(`Cannot ${action}: '${name}' must be left out for protocol 'icmp'`);
  }
  const ports = checkArray(action, name, value, (port, portName) => {
    if (
      typeof port !== "number" || !Number.isInteger(port) || port < FIRST_PORT || port > LAST_PORT
    ) {
      throw new RangeError(
        `Cannot ${action}: '${portName}' must be a port from ${FIRST_PORT} to ${LAST_PORT}, received ${
          String(port)
        }`,
      );
    }
  }) as number[];
  if (ports.length !== 2 || ports[0]! > ports[1]!) {
    throw new RangeError(
      `Cannot ${action}: '${name}' must be [first, last] with first <= last, received ${
        JSON.stringify(ports)
      }`,
    );
  }
}

/**
 * Refuses the id `global` where another ruleset's id is expected: it would reach the global
 * ruleset's own endpoint, whose answers have another shape, and it has methods of its own.
 */
export function rejectGlobalId(action: string, id: unknown): void {
  if (id === "global") {
    throw new RangeError(
      `Cannot ${action}: 'id' 'global' names the global ruleset, use getGlobal() or updateGlobal()`,
    );
  }
}

/** Checks a ruleset create body. Shared with the emulator. */
export function checkCreateRulesetRequest(body: unknown): void {
  const action = "create firewall ruleset";
  const checked = checkObject(action, "body", body);
  checkString(action, "name", checked.name, RULESET_NAME_RULE);
  checkString(action, "region", checked.region);
  checkFirewallRules(action, "rules", checked.rules);
}

/** Checks a ruleset update body (`global` when `isGlobal`). Shared with the emulator. */
export function checkUpdateRulesetRequest(body: unknown, isGlobal = false): void {
  const action = isGlobal ? "update global firewall ruleset" : "update firewall ruleset";
  const checked = checkObject(action, "body", body);
  // Stricter than the schema, as the spec's prose is: "This allows updating the rules only."
  if (isGlobal && checked.name !== undefined) {
    throw new TypeError(`Cannot ${action}: 'name' cannot be changed on the global ruleset`);
  }
  checkOptionalString(action, "name", checked.name, RULESET_NAME_RULE);
  if (checked.rules !== undefined) checkFirewallRules(action, "rules", checked.rules);
}
