/**
 * The shape of an instance type: specs, price, architecture, and where it has capacity.
 *
 * @module
 */

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
