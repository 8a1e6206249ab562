/**
 * Instance types: what can be launched, at what price, and where there is capacity now.
 *
 * @module
 */

import type { Transport } from "../_transport.ts";
import { RETRY_IDEMPOTENT } from "../_retry.ts";
import type { RequestOptions } from "../options.ts";
import type { Region } from "./regions.ts";

/**
 * A CPU architecture. New ones may appear, so any string is accepted.
 *
 * @example Keep to x86_64 types
 * ```ts
 * import type { Architecture, InstanceType } from "@lambda-cloud/client";
 *
 * const wanted: Architecture = "x86_64";
 * const matches = (type: InstanceType) => type.architecture === wanted;
 * ```
 */
export type Architecture = "x86_64" | "arm64" | (string & Record<never, never>);

/**
 * Detailed technical specifications for an instance type.
 *
 * @example Memory per GPU
 * ```ts
 * import type { InstanceTypeSpecs } from "@lambda-cloud/client";
 *
 * const specs: InstanceTypeSpecs = { vcpus: 30, memory_gib: 200, storage_gib: 1400, gpus: 1 };
 * console.log(specs.memory_gib / specs.gpus); // 200
 * ```
 */
export interface InstanceTypeSpecs {
  /** The number of virtual CPUs. */
  vcpus: number;
  /** The amount of RAM in gibibytes (GiB). */
  memory_gib: number;
  /** The amount of storage in gibibytes (GiB). */
  storage_gib: number;
  /** The number of GPUs. */
  gpus: number;
}

/**
 * An instance type offered on Lambda's public cloud.
 *
 * @example Price per GPU
 * ```ts
 * import type { InstanceType } from "@lambda-cloud/client";
 *
 * const centsPerGpuHour = (type: InstanceType) => type.price_cents_per_hour / Math.max(1, type.specs.gpus);
 * ```
 */
export interface InstanceType {
  /** The name of the instance type, such as `gpu_8x_h100_sxm5`. */
  name: string;
  /** A description of the instance type. */
  description: string;
  /** The type of GPU used by this instance type. */
  gpu_description: string;
  /** The price of the instance type in US cents per hour. */
  price_cents_per_hour: number;
  /** Detailed technical specifications for the instance type. */
  specs: InstanceTypeSpecs;
  /** The CPU architecture of the instance type. */
  architecture: Architecture;
}

/**
 * One entry of {@linkcode InstanceTypes}.
 *
 * @example Where a type can launch now
 * ```ts
 * import type { InstanceTypesItem } from "@lambda-cloud/client";
 *
 * const regionsFor = (item: InstanceTypesItem) => item.regions_with_capacity_available.map((r) => r.name);
 * ```
 */
export interface InstanceTypesItem {
  /** The description, technical specifications, and metadata for this instance type. */
  instance_type: InstanceType;
  /**
   * The regions in which this instance type can be launched now. Capacity changes by the minute:
   * a launch can still fail with `InsufficientCapacityError`.
   */
  regions_with_capacity_available: Region[];
}

/**
 * Every instance type, keyed by its name, as the API returns it.
 *
 * @example The cheapest type with capacity
 * ```ts
 * import type { InstanceTypes } from "@lambda-cloud/client";
 *
 * function cheapest(types: InstanceTypes): string | undefined {
 *   return Object.entries(types)
 *     .filter(([, item]) => item.regions_with_capacity_available.length > 0)
 *     .sort(([, a], [, b]) => a.instance_type.price_cents_per_hour - b.instance_type.price_cents_per_hour)[0]?.[0];
 * }
 * ```
 */
export type InstanceTypes = Record<string, InstanceTypesItem>;

/**
 * `client.instanceTypes`: the instance types Lambda offers.
 *
 * @example Find the types that can launch now, cheapest first
 * ```ts ignore
 * import { LambdaCloudClient } from "@lambda-cloud/client";
 *
 * const client = new LambdaCloudClient();
 * const available = Object.values(await client.instanceTypes.list())
 *   .filter((item) => item.regions_with_capacity_available.length > 0)
 *   .sort((a, b) => a.instance_type.price_cents_per_hour - b.instance_type.price_cents_per_hour);
 * ```
 */
export class InstanceTypesResource {
  readonly #transport: Transport;

  /**
   * @internal Made by `LambdaCloudClient`; use `client.instanceTypes`.
   * @param transport The client's HTTP core.
   */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Lists the instance types with their specs, prices and the regions that have capacity now
   * (`GET /api/v1/instance-types`). Retried on transient failures.
   *
   * @param options Per-call options.
   * @returns The instance types, keyed by name.
   *
   * @example Print the hourly price of each type
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * for (const [name, item] of Object.entries(await client.instanceTypes.list())) {
   *   console.log(name, `$${item.instance_type.price_cents_per_hour / 100}/h`);
   * }
   * ```
   */
  list(options?: RequestOptions): Promise<InstanceTypes> {
    return this.#transport.request<InstanceTypes>({
      action: "list instance types",
      method: "GET",
      path: "/instance-types",
      retry: RETRY_IDEMPOTENT,
      limit: "request",
    }, options);
  }
}
