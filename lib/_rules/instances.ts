// The rules of instance bodies, checked before anything is sent and shared with the emulator,
// which answers a body that breaks them with `global/invalid-parameters`. Lengths, patterns and
// enums come from the operation table; the prose rules from lib/spec/policy.ts.

import {
  checkArray,
  checkNames,
  checkObject,
  checkOptionalString,
  checkString,
  describeValue,
  specString,
  type StringRule,
} from "../_validate.ts";
import { bodyField, schemaField } from "../spec/lookup.ts";
import { PROSE_RULES } from "../spec/policy.ts";

const ACTION_LAUNCH = "launch instance";
const ACTION_UPDATE = "update instance";
// Lengths and patterns come from the spec; the words that explain them are ours.
const NAME_RULE: StringRule = specString(bodyField("launchInstance", "name"));
const UPDATE_NAME_RULE: StringRule = specString(bodyField("postInstance", "name"));
const HOSTNAME_RULE: StringRule = specString(
  bodyField("launchInstance", "hostname"),
  "lower-case letters, digits and '-', not starting with '-'",
);
const TAG_KEY_RULE: StringRule = specString(
  schemaField("RequestedTagEntry", "key"),
  "2 or more lower-case letters, digits, '-' or ':', starting with a letter",
);
const TAG_VALUE_RULE: StringRule = specString(schemaField("RequestedTagEntry", "value"));
const MOUNT_POINT_RULE: StringRule = specString(
  schemaField("RequestedFilesystemMountEntry", "mount_point"),
  "a path under /home, /lambda/nfs or /data",
);

/**
 * Checks an update body against the API's rules. Shared with the emulator, which answers a bad body
 * with `global/invalid-parameters`.
 */
export function checkUpdateRequest(body: unknown): void {
  // An empty body is allowed, as the spec allows it: it changes nothing.
  const checked = checkObject(ACTION_UPDATE, "body", body);
  checkOptionalString(ACTION_UPDATE, "name", checked.name, UPDATE_NAME_RULE);
  if (checked.tags !== undefined) checkTags(ACTION_UPDATE, checked.tags);
}

/**
 * Checks a launch body against the API's rules, so a bad one never costs a launch slot. Shared with
 * the emulator, which answers a bad body with `global/invalid-parameters`.
 */
export function checkLaunchRequest(body: unknown): void {
  const action = ACTION_LAUNCH;
  const checked = checkObject(action, "body", body);
  if (checked.quantity !== undefined) checkQuantity(checked.quantity);
  checkString(action, "region_name", checked.region_name);
  checkString(action, "instance_type_name", checked.instance_type_name);
  const keys = checkArray(
    action,
    "ssh_key_names",
    checked.ssh_key_names,
    (item, name) => checkString(action, name, item),
  );
  if (keys.length !== PROSE_RULES.launchSshKeys) {
    throw new RangeError(
      `Cannot ${action}: 'ssh_key_names' must hold exactly one key, received ${keys.length}`,
    );
  }
  if (checked.file_system_names !== undefined) {
    checkArray(
      action,
      "file_system_names",
      checked.file_system_names,
      (item, name) => checkString(action, name, item),
    );
  }
  if (checked.file_system_mounts !== undefined) {
    checkArray(action, "file_system_mounts", checked.file_system_mounts, (item, name) => {
      const mount = checkObject(action, name, item);
      checkString(action, `${name}.mount_point`, mount.mount_point, MOUNT_POINT_RULE);
      checkString(action, `${name}.file_system_id`, mount.file_system_id);
    });
  }
  checkOptionalString(action, "hostname", checked.hostname, HOSTNAME_RULE);
  checkOptionalString(action, "name", checked.name, NAME_RULE);
  if (checked.image !== undefined) checkImage(checked.image);
  if (checked.user_data !== undefined) {
    const userData = checkString(action, "user_data", checked.user_data, { minLength: 0 });
    const bytes = new TextEncoder().encode(userData).length;
    if (bytes > PROSE_RULES.userDataMaxBytes) {
      throw new RangeError(
        `Cannot ${action}: 'user_data' must be at most ${PROSE_RULES.userDataMaxBytes} bytes, received ${bytes}`,
      );
    }
  }
  if (checked.tags !== undefined) checkTags(action, checked.tags);
  if (checked.firewall_rulesets !== undefined) {
    checkArray(action, "firewall_rulesets", checked.firewall_rulesets, (item, name) => {
      checkString(action, `${name}.id`, checkObject(action, name, item).id);
    });
  }
}

function checkQuantity(value: unknown): void {
  const action = ACTION_LAUNCH;
  const one = PROSE_RULES.launchQuantity;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(
      `Cannot ${action}: 'quantity' must be the whole number ${one}, received ${
        describeValue(value)
      }`,
    );
  }
  if (value > one) {
    throw new RangeError(
      `Cannot ${action}: ${
        PROSE_RULES.tooManyInstances.replace(/\.$/, "").toLowerCase()
      }, 'quantity' must be ${one} (one instance per launch), received ${value}`,
    );
  }
  if (value < one) {
    throw new RangeError(`Cannot ${action}: 'quantity' must be ${one}, received ${value}`);
  }
}

// The spec's `anyOf` of `{id}` and `{family}` takes an object with both, so both are allowed.
function checkImage(value: unknown): void {
  const action = ACTION_LAUNCH;
  const image = checkObject(action, "image", value);
  if (image.id === undefined && image.family === undefined) {
    throw new TypeError(`Cannot ${action}: 'image' must set 'id' or 'family', received neither`);
  }
  if (image.id !== undefined) checkString(action, "image.id", image.id);
  if (image.family !== undefined) checkString(action, "image.family", image.family);
}

function checkTags(action: string, value: unknown): void {
  checkArray(action, "tags", value, (item, name) => {
    const tag = checkObject(action, name, item);
    const key = checkString(action, `${name}.key`, tag.key, TAG_KEY_RULE);
    if (key.startsWith(PROSE_RULES.reservedTagPrefix)) {
      throw new RangeError(
        `Cannot ${action}: '${name}.key' must not start with '${PROSE_RULES.reservedTagPrefix}', which Lambda reserves, received ${
          describeValue(key)
        }`,
      );
    }
    checkString(action, `${name}.value`, tag.value, TAG_VALUE_RULE);
  });
}

/** The query of a listing of instances: `params` checked, and only what the API takes. */
export function checkListQuery(params: unknown): { cluster_id: string | undefined } {
  const query = checkObject("list instances", "params", params ?? {});
  checkNames("list instances", "params", query, ["cluster_id"]);
  checkOptionalString("list instances", "cluster_id", query.cluster_id);
  return { cluster_id: query.cluster_id as string | undefined };
}
