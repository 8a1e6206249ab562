// The shapes of instances: the instance itself, and the bodies that launch and change one, as Lambda's API sends and takes them.

import type { InstanceType } from "./instance_types.ts";
import type { Region, RegionName } from "./regions.ts";

/**
 * The current status of an instance. Billing starts when an instance starts `booting`. Lambda adds
 * statuses over time (`preempted` came in 1.10.0), so any string is accepted.
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
 */
export interface InstanceImage {
  /** The unique identifier (ID) of the image. */
  id: string;
  /** The family the image belongs to. */
  family: string;
}

/**
 * A filesystem mounted to an instance, with its mount point.
 */
export interface FilesystemMountEntry {
  /** The absolute path where the filesystem is mounted on the instance. */
  mount_point: string;
  /** The id of the filesystem. */
  file_system_id: string;
}

/**
 * A key/value tag on an instance.
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
 */
export interface RequestedTagEntry {
  /** The key of the tag. */
  key: string;
  /** The value of the tag. */
  value: string;
}

/**
 * A filesystem to mount at launch, with where to mount it.
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
 */
export interface FirewallRulesetEntry {
  /** The unique identifier of the firewall ruleset. */
  id: string;
}

/**
 * The image to launch from: by id, or the latest image of a family.
 */
export type ImageSpecification = { id: string } | { family: string };

/**
 * A Lambda Cloud instance.
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
 */
export interface ListInstancesParams {
  /** Only list instances that are part of the cluster with this id. */
  cluster_id?: string;
}

/**
 * The body of `client.instances.launch()`: Lambda's `InstanceLaunchRequest`. Lambda launches one
 * instance per call. `quantity` is not in the spec; `quantity: 1`, which some clients send, is
 * sent as given, and more is refused before sending, as Lambda refuses it.
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
 */
export interface InstanceLaunchResponse {
  /** The unique identifiers (IDs) of the launched instances. */
  instance_ids: string[];
}

/**
 * The body of `client.instances.update()`. Fields left out are not changed.
 */
export interface InstanceModificationRequest {
  /** The new name of the instance, at most 64 characters. */
  name?: string;
  /** The new tags. They replace the existing tags; an empty array clears them. */
  tags?: RequestedTagEntry[];
}

/**
 * What a restart returns.
 */
export interface InstanceRestartResponse {
  /** The instances that were restarted. */
  restarted_instances: Instance[];
}

/**
 * What a terminate returns.
 */
export interface InstanceTerminateResponse {
  /** The instances that were terminated. */
  terminated_instances: Instance[];
}
