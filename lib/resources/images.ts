/**
 * Images: the machine images instances can boot from.
 *
 * @module
 */

import type { Transport } from "../_transport.ts";
import type { RequestOptions } from "../options.ts";
import type { Architecture } from "./instance_type.ts";
import type { Region } from "./regions.ts";

/**
 * An available machine image in Lambda Cloud.
 *
 * @example Pick the newest image of a family in a region
 * ```ts
 * import type { Image } from "@lambda-cloud/client";
 *
 * function newest(images: Image[], family: string, region: string): Image | undefined {
 *   return images
 *     .filter((image) => image.family === family && image.region.name === region)
 *     .sort((a, b) => b.updated_time.localeCompare(a.updated_time))[0];
 * }
 * ```
 */
export interface Image {
  /** The unique identifier (ID) for an image. */
  id: string;
  /** The date and time that the image was created, as an ISO 8601 timestamp. */
  created_time: string;
  /** The date and time that the image was last updated, as an ISO 8601 timestamp. */
  updated_time: string;
  /** The human-readable identifier for an image. */
  name: string;
  /** Additional information about the image. */
  description: string;
  /** The family the image belongs to, such as `ubuntu-lts`. */
  family: string;
  /** The image version. */
  version: string;
  /** The CPU architecture the image supports. */
  architecture: Architecture;
  /** The region in which this image is available. */
  region: Region;
}

/**
 * `client.images`: the machine images Lambda offers, by region.
 *
 * @example Find the images of one family
 * ```ts ignore
 * import { LambdaCloudClient } from "@lambda-cloud/client";
 *
 * const client = new LambdaCloudClient();
 * const ubuntu = (await client.images.list()).filter((image) => image.family === "ubuntu-lts");
 * ```
 */
export class ImagesResource {
  readonly #transport: Transport;

  /**
   * @internal Made by `LambdaCloudClient`; use `client.images`.
   * @param transport The client's HTTP core.
   */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Lists the available images, one entry per image and region (`GET /api/v1/images`). Retried on
   * transient failures.
   *
   * @param options Per-call options.
   * @returns The images.
   *
   * @example Print each image
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * for (const image of await client.images.list()) {
   *   console.log(image.id, image.family, image.version, image.region.name);
   * }
   * ```
   */
  list(options?: RequestOptions): Promise<Image[]> {
    return this.#transport.call<Image[]>("listImages", {}, options);
  }
}
