/**
 * Regions: where instances, filesystems and images live.
 *
 * @module
 */

import type { Transport } from "../_transport.ts";
import type { RequestOptions } from "../options.ts";

/**
 * A region code such as `us-east-1`. Lambda opens regions over time, so any string is accepted; list
 * the current ones with `client.regions.list()` rather than hard-coding them.
 *
 * @example Known and new region codes
 * ```ts
 * import type { RegionName } from "@lambda-cloud/client";
 *
 * const home: RegionName = "us-west-1";
 * const openedLater: RegionName = "mars-north-1"; // still accepted
 * ```
 */
export type RegionName =
  | "us-east-1"
  | "us-east-2"
  | "us-east-3"
  | "us-west-1"
  | "us-west-2"
  | "us-west-3"
  | "us-south-1"
  | "us-south-2"
  | "us-south-3"
  | "us-midwest-1"
  | "europe-central-1"
  | "asia-south-1"
  | "asia-northeast-1"
  | "asia-northeast-2"
  | "me-west-1"
  | (string & Record<never, never>);

/**
 * A Lambda Cloud region.
 *
 * @example Print a region
 * ```ts
 * import type { Region } from "@lambda-cloud/client";
 *
 * const region: Region = { name: "us-east-1", description: "Virginia, USA" };
 * console.log(`${region.name} (${region.description})`);
 * ```
 */
export interface Region {
  /** The region code. */
  name: RegionName;
  /** The region description. */
  description: string;
}

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
export class RegionsResource {
  readonly #transport: Transport;

  /**
   * @internal Made by `LambdaCloudClient`; use `client.regions`.
   * @param transport The client's HTTP core.
   */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

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
    return this.#transport.call<Region[]>("listRegions", {}, options);
  }
}
