// The shapes of filesystems, as Lambda's API sends and takes them.

import type { Region, RegionName } from "./regions.ts";

/**
 * The status of a user's account. New values may appear, so any string is accepted.
 */
export type UserStatus = "active" | "deactivated" | (string & Record<never, never>);

/**
 * A user in your Team.
 */
export interface User {
  /** The unique identifier for the user. */
  id: string;
  /** The email address of the user. */
  email: string;
  /** The status of the user's account. */
  status: UserStatus;
}

/**
 * A shared filesystem.
 */
export interface Filesystem {
  /** The unique identifier (ID) of the filesystem. */
  id: string;
  /** The name of the filesystem. */
  name: string;
  /**
   * The default absolute path where instances mount the filesystem. If `file_system_mounts` were
   * used at launch time, the actual mount point is in the instance.
   */
  mount_point: string;
  /** The date and time at which the filesystem was created, as an ISO 8601 timestamp. */
  created: string;
  /** The user in your Team that created the filesystem. */
  created_by: User;
  /** Whether the filesystem is mounted to an instance. Mounted filesystems cannot be deleted. */
  is_in_use: boolean;
  /** The region in which the filesystem is deployed. */
  region: Region;
  /**
   * The approximate amount of storage used by the filesystem in bytes, updated every few hours.
   */
  bytes_used?: number;
}

/**
 * The body of `client.fileSystems.create()`.
 */
export interface CreateFilesystemRequest {
  /**
   * The name of the filesystem: 1 to 60 characters, letters first, then letters, digits and `-`.
   */
  name: string;
  /** The region in which to create the filesystem. */
  region: RegionName;
}

/**
 * What deleting a filesystem returns.
 */
export interface FilesystemDeleteResponse {
  /** The unique identifiers of the filesystems that were deleted. */
  deleted_ids: string[];
}
