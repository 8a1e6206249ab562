/**
 * The shape of an instance and of the bodies that launch and change one.
 *
 * @module
 */

import type { InstanceType } from "./instance_type.ts";
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
