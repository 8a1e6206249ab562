// The shapes of instance types: specs, prices, and where they have capacity, as Lambda's API sends and takes them.

import type { Region } from "./regions.ts";

/**
 * A CPU architecture. New ones may appear, so any string is accepted.
 */
export type Architecture = "x86_64" | "arm64" | (string & Record<never, never>);

/**
 * Detailed technical specifications for an instance type.
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
 */
export type InstanceTypes = Record<string, InstanceTypesItem>;
