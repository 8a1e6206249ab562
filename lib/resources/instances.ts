/**
 * Instances: list, inspect, launch, rename, restart and terminate GPU instances.
 *
 * @module
 */

import type { Transport } from "../_transport.ts";
import { RETRY_IDEMPOTENT, RETRY_ON_RATE_LIMIT_ONLY } from "../_retry.ts";
import {
  checkArray,
  checkId,
  checkIdList,
  checkObject,
  checkOptionalString,
  checkString,
  describeValue,
  type StringRule,
} from "../_validate.ts";
import type { RequestOptions } from "../options.ts";
import type { InstanceType } from "./instance_types.ts";
import type { Region, RegionName } from "./regions.ts";

/**
 * The current status of an instance. Billing starts when an instance starts `booting`. Lambda adds
 * statuses over time (`preempted` came in 1.10.0), so any string is accepted.
 *
 * @example Fail fast on states that will not become active
 * ```ts
 * import type { InstanceStatus } from "@lambda-cloud/client";
 *
 * const hopeless: InstanceStatus[] = ["unhealthy", "terminating", "terminated", "preempted"];
 * const giveUp = (status: InstanceStatus) => hopeless.includes(status);
 * console.log(giveUp("booting")); // false
 * ```
 */
export type InstanceStatus =
  | "booting"
  | "active"
  | "unhealthy"
  | "terminated"
  | "terminating"
  | "preempted"
  | (string & Record<never, never>);

/**
 * Why an action is blocked. New codes may appear, so any string is accepted.
 *
 * @example Wait while an action runs
 * ```ts
 * import type { InstanceActionUnavailableCode } from "@lambda-cloud/client";
 *
 * const transient: InstanceActionUnavailableCode[] = ["vm-has-not-launched", "vm-action-in-progress"];
 * const worthWaiting = (code: InstanceActionUnavailableCode) => transient.includes(code);
 * ```
 */
export type InstanceActionUnavailableCode =
  | "vm-has-not-launched"
  | "vm-is-too-old"
  | "vm-is-terminating"
  | "vm-action-in-progress"
  | "vm-action-unavailable-bare-metal"
  | (string & Record<never, never>);

/**
 * Whether one operation can be performed on an instance now, and if not, why.
 *
 * @example A blocked action
 * ```ts
 * import type { InstanceActionAvailabilityDetails } from "@lambda-cloud/client";
 *
 * const blocked: InstanceActionAvailabilityDetails = {
 *   available: false,
 *   reason_code: "vm-has-not-launched",
 *   reason_description: "The instance has not launched yet.",
 * };
 * ```
 */
export interface InstanceActionAvailabilityDetails {
  /** Whether the operation can be performed on the instance in its current state. */
  available: boolean;
  /** A code for the instance state that blocks the operation. Only set when it is blocked. */
  reason_code?: InstanceActionUnavailableCode;
  /** A longer description of why the operation is blocked. Only set when it is blocked. */
  reason_description?: string;
}

/**
 * The current availability of common instance operations.
 *
 * @example Check before restarting
 * ```ts
 * import type { Instance } from "@lambda-cloud/client";
 *
 * function canRestart(instance: Instance): boolean {
 *   const { available, reason_description } = instance.actions.restart;
 *   if (!available) console.warn(`Cannot restart: ${reason_description ?? "unknown reason"}`);
 *   return available;
 * }
 * ```
 */
export interface InstanceActionAvailability {
  /** Whether the instance can be migrated now. */
  migrate: InstanceActionAvailabilityDetails;
  /** Whether the instance can be rebuilt now. */
  rebuild: InstanceActionAvailabilityDetails;
  /** Whether the instance can be restarted now. */
  restart: InstanceActionAvailabilityDetails;
  /**
   * Whether the instance can be cold-rebooted now.
   *
   * @deprecated Use `power_cycle`, which reports the same availability.
   */
  cold_reboot: InstanceActionAvailabilityDetails;
  /** Whether the instance can be power-cycled now. */
  power_cycle: InstanceActionAvailabilityDetails;
  /** Whether the instance can be terminated now. */
  terminate: InstanceActionAvailabilityDetails;
}

/**
 * The machine image an instance booted from.
 *
 * @example Which image an instance runs
 * ```ts
 * import type { Instance } from "@lambda-cloud/client";
 *
 * const imageOf = (instance: Instance) => instance.image?.family ?? "unknown (no longer resolvable)";
 * ```
 */
export interface InstanceImage {
  /** The unique identifier (ID) of the image. */
  id: string;
  /** The family the image belongs to. */
  family: string;
}

/**
 * A filesystem mounted to an instance, with its mount point.
 *
 * @example Where each filesystem is mounted
 * ```ts
 * import type { Instance } from "@lambda-cloud/client";
 *
 * const mounts = (instance: Instance) =>
 *   (instance.file_system_mounts ?? []).map((mount) => `${mount.file_system_id} at ${mount.mount_point}`);
 * ```
 */
export interface FilesystemMountEntry {
  /** The absolute path where the filesystem is mounted on the instance. */
  mount_point: string;
  /** The id of the filesystem. */
  file_system_id: string;
}

/**
 * A key/value tag on an instance.
 *
 * @example Read a tag
 * ```ts
 * import type { Instance } from "@lambda-cloud/client";
 *
 * const tag = (instance: Instance, key: string) => instance.tags?.find((t) => t.key === key)?.value;
 * ```
 */
export interface TagEntry {
  /** The key of the tag. */
  key: string;
  /** The value of the tag. */
  value: string;
}

/**
 * A tag to set on an instance. The key is 2 to 55 characters of lower-case letters, digits, `-` and
 * `:`, starting with a letter; keys starting with `lambda-ai-` are reserved. The value is at most
 * 128 characters.
 *
 * @example Tags that follow the rules
 * ```ts
 * import type { RequestedTagEntry } from "@lambda-cloud/client";
 *
 * const tags: RequestedTagEntry[] = [
 *   { key: "team", value: "ml" },
 *   { key: "cost:center", value: "research-42" },
 * ];
 * ```
 */
export interface RequestedTagEntry {
  /** The key of the tag. */
  key: string;
  /** The value of the tag. */
  value: string;
}

/**
 * A filesystem to mount at launch, with where to mount it.
 *
 * @example Mount a filesystem under /data
 * ```ts
 * import type { RequestedFilesystemMountEntry } from "@lambda-cloud/client";
 *
 * const mount: RequestedFilesystemMountEntry = {
 *   mount_point: "/data/checkpoints",
 *   file_system_id: "398578a2336b49079e74043f0bd2cfe8",
 * };
 * ```
 */
export interface RequestedFilesystemMountEntry {
  /**
   * The absolute path to mount the filesystem at: under `/home`, `/lambda/nfs` or `/data`, at most
   * 256 characters of letters, digits, `-` and `/`.
   */
  mount_point: string;
  /** The id of the filesystem to mount. */
  file_system_id: string;
}

/**
 * A reference to a firewall ruleset.
 *
 * @example Attach a ruleset at launch
 * ```ts
 * import type { FirewallRulesetEntry } from "@lambda-cloud/client";
 *
 * const rulesets: FirewallRulesetEntry[] = [{ id: "c4d291f47f9d436fa39f58493ce3b50d" }];
 * ```
 */
export interface FirewallRulesetEntry {
  /** The unique identifier of the firewall ruleset. */
  id: string;
}

/**
 * The image to launch from: by id, or the latest image of a family.
 *
 * @example By family or by id
 * ```ts
 * import type { ImageSpecification } from "@lambda-cloud/client";
 *
 * const latest: ImageSpecification = { family: "lambda-stack-24-04" };
 * const pinned: ImageSpecification = { id: "43336648-096d-4cba-9aa2-f9bb7727639d" };
 * ```
 */
export type ImageSpecification = { id: string } | { family: string };

/**
 * A Lambda Cloud instance.
 *
 * @example Summarise an instance
 * ```ts
 * import type { Instance } from "@lambda-cloud/client";
 *
 * function summary(instance: Instance): string {
 *   const price = (instance.instance_type.price_cents_per_hour / 100).toFixed(2);
 *   return `${instance.name ?? instance.id} ${instance.status} ${instance.ip ?? "-"} $${price}/h`;
 * }
 * ```
 */
export interface Instance {
  /** The unique identifier of the instance. */
  id: string;
  /** If set, the user-provided name of the instance. */
  name?: string;
  /** The public IPv4 address of the instance. Often absent while it is `booting`. */
  ip?: string;
  /** The private IPv4 address of the instance. */
  private_ip?: string;
  /** The current status of the instance. */
  status: InstanceStatus;
  /** The names of the SSH keys that are allowed to access the instance. */
  ssh_key_names: string[];
  /** The names of the filesystems mounted to the instance; empty when there are none. */
  file_system_names: string[];
  /** The filesystems mounted to the instance, with their mount paths; absent when there are none. */
  file_system_mounts?: FilesystemMountEntry[];
  /** The region in which the instance is deployed. */
  region: Region;
  /** Detailed information about the instance's instance type. */
  instance_type: InstanceType;
  /**
   * The machine image the instance booted from. Absent when it can no longer be resolved, such as
   * for a terminated instance.
   */
  image?: InstanceImage;
  /** The hostname assigned to this instance, which resolves to the instance's IP. */
  hostname?: string;
  /** The secret token used to log into the JupyterLab server hosted on the instance. */
  jupyter_token?: string;
  /** The URL that opens the JupyterLab environment on the instance. */
  jupyter_url?: string;
  /** The current availability of common instance operations. */
  actions: InstanceActionAvailability;
  /** Key/value pairs representing the instance's tags. */
  tags?: TagEntry[];
  /** The firewall rulesets associated with this instance. */
  firewall_rulesets?: FirewallRulesetEntry[];
}

/**
 * The query of `client.instances.list()`.
 *
 * @example Filter by cluster
 * ```ts
 * import type { ListInstancesParams } from "@lambda-cloud/client";
 *
 * const params: ListInstancesParams = { cluster_id: "c0ffee" };
 * ```
 */
export interface ListInstancesParams {
  /** Only list instances that are part of the cluster with this id. */
  cluster_id?: string;
}

/**
 * The body of `client.instances.launch()`: Lambda's `InstanceLaunchRequest`. Lambda launches one
 * instance per call; there is no `quantity`.
 *
 * @example A complete launch body
 * ```ts
 * import type { InstanceLaunchRequest } from "@lambda-cloud/client";
 *
 * const body: InstanceLaunchRequest = {
 *   region_name: "us-east-1",
 *   instance_type_name: "gpu_1x_a10",
 *   ssh_key_names: ["my-key"],
 *   name: "train-7",
 *   hostname: "train-7",
 *   image: { family: "lambda-stack-24-04" },
 *   file_system_mounts: [{ mount_point: "/data/datasets", file_system_id: "398578a2336b49079e74043f0bd2cfe8" }],
 *   tags: [{ key: "run", value: "7" }],
 *   user_data: "#cloud-config\nruncmd:\n  - nvidia-smi\n",
 * };
 * ```
 */
export interface InstanceLaunchRequest {
  /** The region into which to launch the instance. */
  region_name: RegionName;
  /** The type of instance to launch, such as `gpu_1x_a10`; see `client.instanceTypes.list()`. */
  instance_type_name: string;
  /**
   * The names of the SSH keys that may access the instance. Currently, exactly one SSH key must be
   * given.
   */
  ssh_key_names: [string];
  /**
   * The names of the filesystems to mount. A filesystem also named in `file_system_mounts` is
   * mounted at the path given there rather than the default.
   */
  file_system_names?: string[];
  /** The filesystems to mount, with their mount paths. */
  file_system_mounts?: RequestedFilesystemMountEntry[];
  /**
   * The hostname to assign to the instance (1 to 63 lower-case letters, digits and `-`, not
   * starting with `-`). Without it, an IP-address-based hostname is assigned.
   */
  hostname?: string;
  /** The name to give the instance, at most 64 characters. */
  name?: string;
  /** The machine image to use. Defaults to the latest Lambda Stack image. */
  image?: ImageSpecification;
  /** A cloud-init user-data string, plain text, at most 1 MiB. */
  user_data?: string;
  /** Key/value pairs for the instance's tags. */
  tags?: RequestedTagEntry[];
  /** Firewall rulesets to associate with the instance; they must be in the same region. */
  firewall_rulesets?: FirewallRulesetEntry[];
}

/**
 * What a launch returns: the ids of the launched instances.
 *
 * @example The launched id
 * ```ts
 * import type { InstanceLaunchResponse } from "@lambda-cloud/client";
 *
 * const response: InstanceLaunchResponse = { instance_ids: ["0920582c7ff041399e34823a0be62549"] };
 * const [id] = response.instance_ids;
 * ```
 */
export interface InstanceLaunchResponse {
  /** The unique identifiers (IDs) of the launched instances. */
  instance_ids: string[];
}

/**
 * The body of `client.instances.update()`. Fields left out are not changed.
 *
 * @example Rename and clear tags
 * ```ts
 * import type { InstanceModificationRequest } from "@lambda-cloud/client";
 *
 * const body: InstanceModificationRequest = { name: "retired", tags: [] };
 * ```
 */
export interface InstanceModificationRequest {
  /** The new name of the instance, at most 64 characters. */
  name?: string;
  /** The new tags. They replace the existing tags; an empty array clears them. */
  tags?: RequestedTagEntry[];
}

/**
 * What a restart returns.
 *
 * @example The restarted instances' statuses
 * ```ts
 * import type { InstanceRestartResponse } from "@lambda-cloud/client";
 *
 * const statuses = (response: InstanceRestartResponse) =>
 *   response.restarted_instances.map((instance) => instance.status);
 * ```
 */
export interface InstanceRestartResponse {
  /** The instances that were restarted. */
  restarted_instances: Instance[];
}

/**
 * What a terminate returns.
 *
 * @example Confirm termination
 * ```ts
 * import type { InstanceTerminateResponse } from "@lambda-cloud/client";
 *
 * const allStopping = (response: InstanceTerminateResponse) =>
 *   response.terminated_instances.every((i) => i.status === "terminating" || i.status === "terminated");
 * ```
 */
export interface InstanceTerminateResponse {
  /** The instances that were terminated. */
  terminated_instances: Instance[];
}

const ACTION_LAUNCH = "launch instance";
const ACTION_UPDATE = "update instance";
const USER_DATA_MAX_BYTES = 1024 * 1024;
const NAME_RULE: StringRule = { minLength: 0, maxLength: 64 };
const HOSTNAME_RULE: StringRule = {
  maxLength: 63,
  pattern: {
    regex: /^[a-z0-9][0-9a-z-]{0,62}$/,
    description: "lower-case letters, digits and '-', not starting with '-'",
  },
};
const TAG_KEY_RULE: StringRule = {
  maxLength: 55,
  pattern: {
    regex: /^[a-z][a-z0-9-:]+$/,
    description: "2 or more lower-case letters, digits, '-' or ':', starting with a letter",
  },
};
const MOUNT_POINT_RULE: StringRule = {
  maxLength: 256,
  pattern: {
    regex: /^(\/home|\/lambda\/nfs|\/data)[/a-zA-Z0-9-]*$/,
    description: "a path under /home, /lambda/nfs or /data",
  },
};
const LAUNCH_AMBIGUITY_HINT =
  "the instance may have been launched and billed anyway: list instances (match its name or tags) " +
  "before launching again";

/**
 * `client.instances`: your instances and the operations on them.
 *
 * @example Launch an instance, then terminate it
 * ```ts ignore
 * import { LambdaCloudClient } from "@lambda-cloud/client";
 *
 * const client = new LambdaCloudClient();
 * const { instance_ids } = await client.instances.launch({
 *   region_name: "us-east-1",
 *   instance_type_name: "gpu_1x_a10",
 *   ssh_key_names: ["my-key"],
 *   name: "experiment-42",
 * });
 * await client.instances.terminate(instance_ids);
 * ```
 */
export class InstancesResource {
  readonly #transport: Transport;

  /**
   * @internal Made by `LambdaCloudClient`; use `client.instances`.
   * @param transport The client's HTTP core.
   */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Lists your running instances (`GET /api/v1/instances`). Retried on transient failures.
   *
   * @param params Optional filters.
   * @param options Per-call options.
   * @returns The instances.
   * @throws {TypeError | RangeError} Before any request, when `params` is invalid.
   *
   * @example List the instances of one cluster
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const all = await client.instances.list();
   * const cluster = await client.instances.list({ cluster_id: "c0ffee" });
   * ```
   */
  async list(params?: ListInstancesParams, options?: RequestOptions): Promise<Instance[]> {
    const action = "list instances";
    const query = params === undefined ? {} : checkObject(action, "params", params);
    checkOptionalString(action, "cluster_id", query.cluster_id);
    return await this.#transport.request<Instance[]>({
      action,
      method: "GET",
      path: "/instances",
      query: { cluster_id: query.cluster_id as string | undefined },
      retry: RETRY_IDEMPOTENT,
      limit: "request",
    }, options);
  }

  /**
   * Retrieves one instance (`GET /api/v1/instances/{id}`). Retried on transient failures.
   *
   * @param id The instance's id.
   * @param options Per-call options.
   * @returns The instance.
   * @throws {TypeError | RangeError} Before any request, when `id` is not a valid id.
   *
   * @example Read an instance's IP address
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const instance = await client.instances.get("0920582c7ff041399e34823a0be62549");
   * console.log(instance.status, instance.ip ?? "no IP yet");
   * ```
   */
  async get(id: string, options?: RequestOptions): Promise<Instance> {
    const action = "get instance";
    return await this.#transport.request<Instance>({
      action,
      method: "GET",
      path: `/instances/${checkId(action, "id", id)}`,
      retry: RETRY_IDEMPOTENT,
      limit: "request",
    }, options);
  }

  /**
   * Renames or retags an instance (`POST /api/v1/instances/{id}`). Setting the same name and tags
   * twice has the same effect as once, so this is retried on transient failures.
   *
   * @param id The instance's id.
   * @param body The new name and/or tags; at least one of them.
   * @param options Per-call options.
   * @returns The updated instance.
   * @throws {TypeError | RangeError} Before any request, when `id` or `body` is invalid.
   *
   * @example Tag an instance with its owner
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * await client.instances.update("0920582c7ff041399e34823a0be62549", {
   *   tags: [{ key: "owner", value: "ml-team" }],
   * });
   * ```
   */
  async update(
    id: string,
    body: InstanceModificationRequest,
    options?: RequestOptions,
  ): Promise<Instance> {
    const path = `/instances/${checkId(ACTION_UPDATE, "id", id)}`;
    checkUpdateRequest(body);
    return await this.#transport.request<Instance>({
      action: ACTION_UPDATE,
      method: "POST",
      path,
      body,
      retry: RETRY_IDEMPOTENT,
      limit: "request",
    }, options);
  }

  /**
   * Launches one instance (`POST /api/v1/instance-operations/launch`). Billing starts as soon as it
   * boots.
   *
   * Lambda has no idempotency key, so a launch is **never** sent twice after a timeout, a dropped
   * connection or a 5xx answer, which could mean two billed instances; the error then says so, and
   * you should list instances (by `name` or `tags`) before trying again. Only a 429 is retried. The
   * client-side limiter spaces launches 12 seconds apart.
   *
   * @param body What to launch: region, type and exactly one SSH key, at least.
   * @param options Per-call options.
   * @returns The id of the launched instance, in `instance_ids`.
   * @throws {TypeError | RangeError} Before any request, when `body` breaks the API's rules.
   *
   * @example Launch with a name and tags, so that the instance can be found again
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const { instance_ids } = await client.instances.launch({
   *   region_name: "us-west-1",
   *   instance_type_name: "gpu_1x_a10",
   *   ssh_key_names: ["my-key"],
   *   name: "train-run-7",
   *   tags: [{ key: "run", value: "7" }],
   *   image: { family: "lambda-stack-24-04" },
   * });
   * ```
   */
  async launch(
    body: InstanceLaunchRequest,
    options?: RequestOptions,
  ): Promise<InstanceLaunchResponse> {
    checkLaunchRequest(body);
    return await this.#transport.request<InstanceLaunchResponse>({
      action: ACTION_LAUNCH,
      method: "POST",
      path: "/instance-operations/launch",
      body,
      retry: RETRY_ON_RATE_LIMIT_ONLY,
      limit: "launch",
      ambiguityHint: LAUNCH_AMBIGUITY_HINT,
    }, options);
  }

  /**
   * Restarts one or more instances (`POST /api/v1/instance-operations/restart`). A second restart
   * would reboot them again, so only a 429 is retried.
   *
   * @param instanceIds One id, or an array of ids.
   * @param options Per-call options.
   * @returns The restarted instances.
   * @throws {TypeError | RangeError} Before any request, when an id is invalid or none is given.
   *
   * @example Restart an instance
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const { restarted_instances } = await client.instances.restart("0920582c7ff041399e34823a0be62549");
   * ```
   */
  async restart(
    instanceIds: string | readonly string[],
    options?: RequestOptions,
  ): Promise<InstanceRestartResponse> {
    const action = "restart instances";
    return await this.#transport.request<InstanceRestartResponse>({
      action,
      method: "POST",
      path: "/instance-operations/restart",
      body: { instance_ids: checkIdList(action, "instanceIds", instanceIds) },
      retry: RETRY_ON_RATE_LIMIT_ONLY,
      limit: "request",
    }, options);
  }

  /**
   * Terminates one or more instances (`POST /api/v1/instance-operations/terminate`). Terminating
   * twice ends in the same state, and a terminate that is not retried keeps billing, so this is
   * retried on transient failures.
   *
   * @param instanceIds One id, or an array of ids.
   * @param options Per-call options.
   * @returns The terminated instances.
   * @throws {TypeError | RangeError} Before any request, when an id is invalid or none is given.
   *
   * @example Terminate every instance with a given tag
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const doomed = (await client.instances.list())
   *   .filter((instance) => instance.tags?.some((tag) => tag.key === "run" && tag.value === "7"))
   *   .map((instance) => instance.id);
   * if (doomed.length > 0) await client.instances.terminate(doomed);
   * ```
   */
  async terminate(
    instanceIds: string | readonly string[],
    options?: RequestOptions,
  ): Promise<InstanceTerminateResponse> {
    const action = "terminate instances";
    return await this.#transport.request<InstanceTerminateResponse>({
      action,
      method: "POST",
      path: "/instance-operations/terminate",
      body: { instance_ids: checkIdList(action, "instanceIds", instanceIds) },
      retry: RETRY_IDEMPOTENT,
      limit: "request",
    }, options);
  }
}

/**
 * Checks an update body against the API's rules. Shared with the emulator, which answers a bad body
 * with `global/invalid-parameters`.
 */
export function checkUpdateRequest(body: unknown): void {
  const checked = checkObject(ACTION_UPDATE, "body", body);
  if (checked.name === undefined && checked.tags === undefined) {
    throw new TypeError(`Cannot ${ACTION_UPDATE}: 'body' must set 'name' or 'tags', or both`);
  }
  checkOptionalString(ACTION_UPDATE, "name", checked.name, NAME_RULE);
  if (checked.tags !== undefined) checkTags(ACTION_UPDATE, checked.tags);
}

/**
 * Checks a launch body against the API's rules, so a bad one never costs a launch slot. Shared with
 * the emulator, which answers a bad body with `global/invalid-parameters`.
 */
export function checkLaunchRequest(body: unknown): void {
  const action = ACTION_LAUNCH;
  const checked = checkObject(action, "body", body);
  if ("quantity" in checked) {
    throw new TypeError(
      `Cannot ${action}: 'quantity' is not supported, Lambda launches one instance per call`,
    );
  }
  checkString(action, "region_name", checked.region_name);
  checkString(action, "instance_type_name", checked.instance_type_name);
  const keys = checkArray(
    action,
    "ssh_key_names",
    checked.ssh_key_names,
    (item, name) => checkString(action, name, item),
  );
  if (keys.length !== 1) {
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
    if (bytes > USER_DATA_MAX_BYTES) {
      throw new RangeError(
        `Cannot ${action}: 'user_data' must be at most ${USER_DATA_MAX_BYTES} bytes, received ${bytes}`,
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

function checkImage(value: unknown): void {
  const action = ACTION_LAUNCH;
  const image = checkObject(action, "image", value);
  const hasId = image.id !== undefined;
  if (hasId === (image.family !== undefined)) {
    throw new TypeError(
      `Cannot ${action}: 'image' must set exactly one of 'id' and 'family', received ${
        hasId ? "both" : "neither"
      }`,
    );
  }
  if (hasId) checkString(action, "image.id", image.id);
  else checkString(action, "image.family", image.family);
}

function checkTags(action: string, value: unknown): void {
  checkArray(action, "tags", value, (item, name) => {
    const tag = checkObject(action, name, item);
    const key = checkString(action, `${name}.key`, tag.key, TAG_KEY_RULE);
    if (key.startsWith("lambda-ai-")) {
      throw new RangeError(
        `Cannot ${action}: '${name}.key' must not start with 'lambda-ai-', which Lambda reserves, received ${
          describeValue(key)
        }`,
      );
    }
    checkString(action, `${name}.value`, tag.value, { minLength: 0, maxLength: 128 });
  });
}
