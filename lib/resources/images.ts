/**
 * Images: the machine images instances can boot from.
 *
 * @module
 */

import { Resource } from "./_resource.ts";
import type { RequestOptions } from "../options.ts";
import type { Image } from "../types/images.ts";

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
export class ImagesResource extends Resource {
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
    return this.transport.call<Image[]>("listImages", {}, options);
  }
}
