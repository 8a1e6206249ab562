/**
 * Filesystems: persistent shared storage that instances in the same region can mount.
 *
 * Lambda spells the paths two ways: listing is `GET /file-systems`, while creating and deleting are
 * `POST /filesystems` and `DELETE /filesystems/{id}`. This resource hides the difference.
 *
 * @module
 */

import type { Transport } from "../_transport.ts";
import { checkCreateFilesystemRequest } from "../_rules/file_systems.ts";
import type { RequestOptions } from "../options.ts";
import type { Region, RegionName } from "./regions.ts";

/**
 * The status of a user's account. New values may appear, so any string is accepted.
 *
 * @example Only active users
 * ```ts
 * import type { User, UserStatus } from "@lambda-cloud/client";
 *
 * const active: UserStatus = "active";
 * const isActive = (user: User) => user.status === active;
 * ```
 */
export type UserStatus = "active" | "deactivated" | (string & Record<never, never>);

/**
 * A user in your Team.
 *
 * @example Who created a filesystem
 * ```ts
 * import type { Filesystem, User } from "@lambda-cloud/client";
 *
 * const creator = (fs: Filesystem): User => fs.created_by;
 * ```
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
 *
 * @example Report usage
 * ```ts
 * import type { Filesystem } from "@lambda-cloud/client";
 *
 * function describe(fs: Filesystem): string {
 *   const used = fs.bytes_used === undefined ? "unknown" : `${(fs.bytes_used / 2 ** 30).toFixed(1)} GiB`;
 *   return `${fs.name} in ${fs.region.name}: ${used}${fs.is_in_use ? ", mounted" : ""}`;
 * }
 * ```
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
 *
 * @example A valid body
 * ```ts
 * import type { CreateFilesystemRequest } from "@lambda-cloud/client";
 *
 * const body: CreateFilesystemRequest = { name: "datasets", region: "us-east-1" };
 * ```
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
 *
 * @example Check what was deleted
 * ```ts
 * import type { FilesystemDeleteResponse } from "@lambda-cloud/client";
 *
 * const response: FilesystemDeleteResponse = { deleted_ids: ["398578a2336b49079e74043f0bd2cfe8"] };
 * console.log(response.deleted_ids.includes("398578a2336b49079e74043f0bd2cfe8")); // true
 * ```
 */
export interface FilesystemDeleteResponse {
  /** The unique identifiers of the filesystems that were deleted. */
  deleted_ids: string[];
}

/**
 * `client.fileSystems`: list, create and delete filesystems.
 *
 * @example Create a filesystem unless one by that name exists
 * ```ts ignore
 * import { LambdaCloudClient } from "@lambda-cloud/client";
 *
 * const client = new LambdaCloudClient();
 * const existing = (await client.fileSystems.list()).find((fs) => fs.name === "datasets");
 * const fs = existing ?? await client.fileSystems.create({ name: "datasets", region: "us-east-1" });
 * ```
 */
export class FileSystemsResource {
  readonly #transport: Transport;

  /**
   * @internal Made by `LambdaCloudClient`; use `client.fileSystems`.
   * @param transport The client's HTTP core.
   */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Lists your filesystems (`GET /api/v1/file-systems`). Retried on transient failures.
   *
   * @param options Per-call options.
   * @returns The filesystems.
   *
   * @example Find filesystems that are safe to delete
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const unused = (await client.fileSystems.list()).filter((fs) => !fs.is_in_use);
   * ```
   */
  list(options?: RequestOptions): Promise<Filesystem[]> {
    return this.#transport.call<Filesystem[]>("listFilesystems", {}, options);
  }

  /**
   * Creates a filesystem (`POST /api/v1/filesystems`). Only a 429 is retried: after an ambiguous
   * failure the filesystem may exist already.
   *
   * @param body The filesystem's name and region.
   * @param options Per-call options.
   * @returns The new filesystem.
   * @throws {TypeError | RangeError} Before any request, when `name` or `region` is invalid.
   *
   * @example Create a filesystem
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const fs = await client.fileSystems.create({ name: "checkpoints", region: "us-west-1" });
   * console.log(fs.mount_point);
   * ```
   */
  async create(body: CreateFilesystemRequest, options?: RequestOptions): Promise<Filesystem> {
    checkCreateFilesystemRequest(body);
    return await this.#transport.call<Filesystem>("createFilesystem", { body }, options);
  }

  /**
   * Deletes a filesystem (`DELETE /api/v1/filesystems/{id}`). It must not be mounted to a running
   * instance, or Lambda answers with a `ConflictError` (`filesystems/filesystem-in-use`). Retried on
   * transient failures.
   *
   * @param id The filesystem's id (not its name).
   * @param options Per-call options.
   * @returns The ids that were deleted.
   * @throws {TypeError | RangeError} Before any request, when `id` is not a valid id.
   *
   * @example Delete a filesystem
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const { deleted_ids } = await client.fileSystems.delete("398578a2336b49079e74043f0bd2cfe8");
   * ```
   */
  async delete(id: string, options?: RequestOptions): Promise<FilesystemDeleteResponse> {
    // Retried after a lost answer, a 404 means the first attempt deleted it.
    return await this.#transport.call<FilesystemDeleteResponse>(
      "filesystemDelete",
      { path: { id } },
      options,
      { alreadyDone: { deleted_ids: [id] } },
    );
  }
}
