// Instances and instance types: launch, restart, terminate, rename, and the capacity they use.

import { checkLaunchRequest, checkUpdateRequest } from "../_rules/instances.ts";
import type { InstanceLaunchRequest, InstanceModificationRequest } from "../types/instances.ts";
import { checkArray, checkObject, checkString, isRecord } from "../_validate.ts";
import { PROSE_RULES } from "../spec/policy.ts";
import {
  EmulatedError,
  invalidAddress,
  invalidParameters,
  objectDoesNotExist,
  unknownError,
  validateWith,
} from "./_errors.ts";
import { type Handler, type HandlerContext, ok } from "./_handler.ts";
import type { EmulatorState, InstanceRecord } from "./_state.ts";
import { DEFAULT_IMAGE_FAMILY } from "./catalog.ts";
import type { OperationId } from "./operations.ts";

const INSTANCE_NOT_FOUND = "Specified instance does not exist.";
const LAUNCH_SUGGESTION = "Check the name and try again.";

function instanceOr404(state: EmulatorState, id: string): InstanceRecord {
  const record = state.findInstance(id);
  if (!record) throw objectDoesNotExist(INSTANCE_NOT_FOUND, "Check the instance ID and try again.");
  return record;
}

function instanceIds({ body }: HandlerContext, action: string): string[] {
  let ids: string[] = [];
  validateWith(() => {
    const checked = checkObject(action, "body", body);
    ids = checkArray(
      action,
      "instance_ids",
      checked.instance_ids,
      (item, name) => checkString(action, name, item),
    ) as string[];
  });
  // Stricter than the schema, as the spec's prose is: it restarts or terminates "one or more".
  if (ids.length === 0) {
    throw invalidParameters("Invalid request: 'instance_ids' must not be empty");
  }
  return [...new Set(ids)];
}

/**
 * A launch's body, checked as the API checks it before looking anything up; a body that breaks
 * the rules is a 400 `global/invalid-parameters`. The launch limit counts only launches that pass.
 */
export function checkedLaunch(state: EmulatorState, body: unknown): InstanceLaunchRequest {
  const { name, ...unnamed } = isRecord(body) ? body : {};
  // The API's own words for a quantity over one, before any other check (SkyPilot #7084).
  const quantity = unnamed.quantity;
  if (
    typeof quantity === "number" && Number.isInteger(quantity) &&
    quantity > PROSE_RULES.launchQuantity
  ) {
    throw invalidParameters(PROSE_RULES.tooManyInstances);
  }
  const checked = name === null && state.assumptions.nullName === "absent" ? unnamed : body;
  validateWith(() => checkLaunchRequest(checked));
  return checked as InstanceLaunchRequest;
}

function launch({ state, request, body }: HandlerContext) {
  const launch = checkedLaunch(state, body);
  if (!state.billingAddressValid) throw invalidAddress();
  const region = state.region(launch.region_name);
  if (!region) {
    throw objectDoesNotExist(`Region '${launch.region_name}' does not exist.`, LAUNCH_SUGGESTION);
  }
  const entry = state.catalog.instanceTypes.find((item) =>
    item.instance_type.name === launch.instance_type_name
  );
  if (!entry) {
    throw objectDoesNotExist(
      `Instance type '${launch.instance_type_name}' does not exist.`,
      LAUNCH_SUGGESTION,
    );
  }
  const keyName = launch.ssh_key_names[0];
  const keys = [...state.sshKeys.values()].filter((key) => key.name === keyName);
  if (keys.length === 0) {
    throw objectDoesNotExist(
      `SSH key '${keyName}' does not exist.`,
      "Add the key first, or check its name.",
    );
  }
  // Two keys under one name: production fails the launch with an unknown error (SkyPilot #8221).
  if (keys.length > 1) throw unknownError(Number(state.assumptions.sharedKeyName));
  const filesystems = [...state.filesystems.values()];
  const inRegion = (fs: { name: string; region: { name: string } }) => {
    if (fs.region.name !== region.name) {
      throw new EmulatedError(
        400,
        "instance-operations/launch/file-system-in-wrong-region",
        `Filesystem '${fs.name}' is in ${fs.region.name}, not in ${region.name}.`,
        "Launch in the filesystem's region, or use a filesystem in this one.",
      );
    }
  };
  for (const name of launch.file_system_names ?? []) {
    const fs = filesystems.find((item) => item.name === name);
    if (!fs) throw objectDoesNotExist(`Filesystem '${name}' does not exist.`, LAUNCH_SUGGESTION);
    inRegion(fs);
  }
  for (const mount of launch.file_system_mounts ?? []) {
    const fs = state.filesystems.get(mount.file_system_id);
    if (!fs) {
      throw objectDoesNotExist(
        `Filesystem '${mount.file_system_id}' does not exist.`,
        LAUNCH_SUGGESTION,
      );
    }
    inRegion(fs);
  }
  for (const { id } of launch.firewall_rulesets ?? []) {
    const ruleset = state.rulesets.get(id);
    if (!ruleset) {
      throw objectDoesNotExist(`Firewall ruleset '${id}' does not exist.`, LAUNCH_SUGGESTION);
    }
    if (ruleset.region.name !== region.name) {
      throw invalidParameters(
        `Firewall ruleset '${id}' is in ${ruleset.region.name}, not in ${region.name}.`,
      );
    }
  }
  const architecture = entry.instance_type.architecture;
  // With both `id` and `family` (the spec's anyOf allows it), the image must match both: which
  // one production would honour is unknown, so the emulator refuses what they disagree on.
  const wanted: { id?: string; family?: string } = launch.image ??
    { family: DEFAULT_IMAGE_FAMILY[architecture] ?? "" };
  const image = state.catalog.images.find((item) =>
    item.region.name === region.name &&
    (wanted.id === undefined || item.id === wanted.id) &&
    (wanted.family === undefined || item.family === wanted.family)
  );
  if (!image) {
    throw objectDoesNotExist(
      `Image ${JSON.stringify(wanted)} is not available in ${region.name}.`,
      LAUNCH_SUGGESTION,
    );
  }
  if (image.architecture !== architecture) {
    throw invalidParameters(
      `Image '${image.name}' is built for ${image.architecture}, and ${entry.instance_type.name} is ${architecture}.`,
    );
  }
  if (state.liveInstances().length >= state.quota.instances) {
    throw new EmulatedError(
      400,
      "global/quota-exceeded",
      `Quota exceeded: at most ${state.quota.instances} instances.`,
      "Contact Support to increase your quota.",
    );
  }
  if ((entry.capacity[region.name] ?? 0) <= 0) {
    throw new EmulatedError(
      400,
      "instance-operations/launch/insufficient-capacity",
      "Not enough capacity to fulfill launch request.",
      "Try another region or instance type, or try again later.",
    );
  }
  entry.capacity[region.name] = entry.capacity[region.name]! - 1;
  const id = state.random.id();
  const record: InstanceRecord = {
    id,
    region: { ...region },
    type: structuredClone(entry.instance_type),
    image: { id: image.id, family: image.family },
    sshKeyNames: [keyName!],
    fileSystemNames: [...launch.file_system_names ?? []],
    mounts: (launch.file_system_mounts ?? []).map((mount) => ({ ...mount })),
    tags: (launch.tags ?? []).map(({ key, value }) => ({ key, value })),
    firewallRulesetIds: (launch.firewall_rulesets ?? []).map((entry) => entry.id),
    ip: state.ip("192.222"),
    privateIp: state.ip("10.19"),
    jupyterToken: state.random.id(),
    launchedAt: state.now(),
    bootedAt: state.now() + state.timing.bootMs(entry.instance_type),
    capacityReleased: false,
  };
  if (launch.name !== undefined) record.name = launch.name;
  if (launch.hostname !== undefined) record.hostname = launch.hostname;
  state.instances.set(id, record);
  state.audit(request, "instance", "launched", [id], {
    instance_type: entry.instance_type.name,
    region: region.name,
  });
  return ok({ instance_ids: [id] });
}

function restart(context: HandlerContext) {
  const { state, request } = context;
  const records = instanceIds(context, "restart instances").map((id) => instanceOr404(state, id));
  for (const record of records) {
    const restart = state.view(record).actions.restart;
    if (!restart.available) {
      throw new EmulatedError(
        409,
        "global/conflict",
        `Instance ${record.id} cannot be restarted: ${restart.reason_description}`,
        "Wait until the instance is active, then try again.",
      );
    }
  }
  for (const record of records) {
    record.restartingUntil = state.now() + state.timing.restartMs;
    delete record.forcedStatus;
    state.audit(request, "instance", "restarted", [record.id], { region: record.region.name });
  }
  return ok({ restarted_instances: records.map((record) => state.view(record)) });
}

function terminate(context: HandlerContext) {
  const { state, request } = context;
  const records = instanceIds(context, "terminate instances").map((id) => instanceOr404(state, id));
  const running = records.filter((record) => record.terminateRequestedAt === undefined);
  // Production answers a terminate of an instance already terminating with an unknown error
  // (SkyPilot #3410): the `reterminate` assumption says how the call ends.
  if (running.length < records.length && state.assumptions.reterminate === "500") {
    throw unknownError(500);
  }
  for (const record of running) {
    record.terminateRequestedAt = state.now();
    state.releaseCapacity(record);
    state.audit(request, "instance", "terminated", [record.id], {
      region: record.region.name,
    });
  }
  return ok({ terminated_instances: records.map((record) => state.view(record)) });
}

function update({ state, request, params, body }: HandlerContext) {
  const record = instanceOr404(state, params.id!);
  validateWith(() => checkUpdateRequest(body));
  const change = body as InstanceModificationRequest;
  if (change.name !== undefined) record.name = change.name;
  if (change.tags !== undefined) {
    record.tags = change.tags.map(({ key, value }) => ({ key, value }));
  }
  state.audit(request, "instance", "updated", [record.id], {
    ...change,
    region: record.region.name,
  });
  return ok(state.view(record));
}

/** The instance handlers, by operation. */
export const INSTANCE_HANDLERS = {
  listInstances: ({ state, query }) =>
    // Clusters are not emulated: no instance belongs to one.
    ok(
      query.has("cluster_id") ? [] : state.visibleInstances().map((record) => state.view(record)),
    ),
  getInstance: ({ state, params }) => ok(state.view(instanceOr404(state, params.id!))),
  postInstance: update,
  launchInstance: launch,
  restartInstance: restart,
  terminateInstance: terminate,
  listInstanceTypes: ({ state }) =>
    ok(Object.fromEntries(state.catalog.instanceTypes.map((entry) => [entry.instance_type.name, {
      instance_type: structuredClone(entry.instance_type),
      regions_with_capacity_available: state.catalog.regions
        .filter((region) => (entry.capacity[region.name] ?? 0) > 0)
        .map((region) => ({ ...region })),
    }]))),
} satisfies Partial<Record<OperationId, Handler>>;
