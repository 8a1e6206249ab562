/**
 * Filesystems: persistent shared storage that instances in the same region can mount.
 *
 * Lambda spells the paths two ways: listing is `GET /file-systems`, while creating and deleting are
 * `POST /filesystems` and `DELETE /filesystems/{id}`. This resource hides the difference.
 *
 * @module
 */

import { Resource } from "./_resource.ts";
import { checkCreateFilesystemRequest } from "../_rules/file_systems.ts";
import type { RequestOptions } from "../options.ts";
import type {
  CreateFilesystemRequest,
  Filesystem,
  FilesystemDeleteResponse,
} from "../types/file_systems.ts";

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
export class FileSystemsResource extends Resource {
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
    return this.transport.call<Filesystem[]>("listFilesystems", {}, options);
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
    return await this.sendChecked("createFilesystem", body, checkCreateFilesystemRequest, options);
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
    return await this.transport.call<FilesystemDeleteResponse>(
      "filesystemDelete",
      { path: { id } },
      options,
      { alreadyDone: { deleted_ids: [id] } },
    );
  }
}
