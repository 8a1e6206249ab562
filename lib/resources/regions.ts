/**
 * Regions: where instances, filesystems and images live.
 *
 * @module
 */

import { Resource } from "./_resource.ts";
import type { RequestOptions } from "../options.ts";
import type { Region } from "../types/regions.ts";

/**
 * `client.regions`: the regions Lambda offers.
 *
 * @example List region codes
 * ```ts ignore
 * import { LambdaCloudClient } from "@lambda-cloud/client";
 *
 * const client = new LambdaCloudClient();
 * const regions = await client.regions.list();
 * console.log(regions.map((region) => region.name));
 * ```
 */
export class RegionsResource extends Resource {
  /**
   * Lists the available regions (`GET /api/v1/regions`). Retried on transient failures.
   *
   * @param options Per-call options.
   * @returns The regions.
   *
   * @example Print each region
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * for (const region of await client.regions.list()) {
   *   console.log(`${region.name}: ${region.description}`);
   * }
   * ```
   */
  list(options?: RequestOptions): Promise<Region[]> {
    return this.transport.call<Region[]>("listRegions", {}, options);
  }
}
