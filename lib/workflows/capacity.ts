/**
 * Capacity: which (instance type, region) pairs can launch now, filtered and cheapest first, a
 * wait for capacity that is not there yet, and a launch of the first candidate that has it.
 *
 * @module
 */

import { LambdaCloudError } from "../errors.ts";
import { modelPattern, modelText } from "./_gpu_model.ts";
import type { Architecture, InstanceType } from "../types/instance_types.ts";
import type { Region, RegionName } from "../types/regions.ts";

/**
 * What to look for. Every field narrows the search; an empty filter matches every pair with
 * capacity.
 *
 * @example One or two H100s in the US, under $7 an hour
 * ```ts
 * import type { CapacityFilter } from "@lambda-cloud/client";
 *
 * const filter: CapacityFilter = {
 *   gpu: "H100",
 *   gpus: { min: 1, max: 2 },
 *   region: ["us-east-1", "us-west-3", "us-south-3"],
 *   maxPriceCentsPerHour: 700,
 * };
 * ```
 */
export interface CapacityFilter {
  /**
   * GPU models, matched as whole words without regard to case against the type's GPU description
   * and name, such as `"H100"` or `["A100", "H100"]`: `"A10"` never matches an A100.
   */
  gpu?: string | readonly string[];
  /** The number of GPUs, each a whole number of 1 or more: exactly this many, or a range. */
  gpus?: number | { min?: number; max?: number };
  /** Only these regions. */
  region?: RegionName | readonly RegionName[];
  /** Only this CPU architecture. */
  architecture?: Architecture;
  /** The highest price, in US cents per hour. */
  maxPriceCentsPerHour?: number;
  /** Only these instance types, by name. */
  instanceType?: string | readonly string[];
}

/**
 * Whether the instance type `type` has the GPU model `model`, as a {@linkcode CapacityFilter}'s
 * `gpu` matches it: whole runs of letters and digits, without regard to case, against the type's
 * GPU description and name. Capacity plays no part: it tells a model that exists from a typo.
 *
 * @param type The instance type, or its name and GPU description.
 * @param model A GPU model, such as `"H100"` or `"a10"`.
 * @returns Whether the type has that model.
 *
 * @example A10 is not an A100
 * ```ts
 * import { hasGpuModel } from "@lambda-cloud/client";
 *
 * const type = { name: "gpu_1x_a100_sxm4", gpu_description: "A100 (40 GB SXM4)" };
 * console.log(hasGpuModel(type, "A100"), hasGpuModel(type, "A10")); // true false
 * ```
 */
export function hasGpuModel(
  type: Pick<InstanceType, "name" | "gpu_description">,
  model: string,
): boolean {
  return modelPattern(model).test(modelText(type.name, type.gpu_description));
}

/**
 * Where to launch: an instance type and a region. `launchFirstAvailable()` takes a list of them.
 *
 * @example A candidate
 * ```ts
 * import type { LaunchCandidate } from "@lambda-cloud/client";
 *
 * const candidate: LaunchCandidate = { instance_type_name: "gpu_1x_h100_sxm5", region_name: "us-south-3" };
 * ```
 */
export interface LaunchCandidate {
  /** The instance type's name. */
  instance_type_name: string;
  /** The region's name. */
  region_name: RegionName;
}

/**
 * A candidate that `launchFirstAvailable()` tried, with the launch token its launch carried (none
 * with `launchToken: false`): a launch refused for capacity that listings show only later (a gateway
 * may have sent it twice) is found by that token.
 *
 * @example Look again for what the refused candidates may have launched
 * ```ts ignore
 * for (const { launch_token } of error.tried) {
 *   if (launch_token) console.log(await client.instances.findByLaunchToken(launch_token));
 * }
 * ```
 */
export interface TriedCandidate extends LaunchCandidate {
  /** The launch token its launch carried. */
  launch_token?: string;
}

/**
 * An instance type with capacity in a region now. It is a {@linkcode LaunchCandidate} too.
 *
 * @example One line per pair
 * ```ts
 * import type { AvailableInstanceType } from "@lambda-cloud/client";
 *
 * const line = (pair: AvailableInstanceType) =>
 *   `${pair.instance_type_name} in ${pair.region_name}: $${pair.instance_type.price_cents_per_hour / 100}/h`;
 * ```
 */
export interface AvailableInstanceType extends LaunchCandidate {
  /** The type, with its specs and price. */
  instance_type: InstanceType;
  /** The region. */
  region: Region;
}

/**
 * A capacity wait that ran out of time.
 *
 * @example How long it looked
 * ```ts
 * import { CapacityWaitError } from "@lambda-cloud/client";
 *
 * const error = new CapacityWaitError(3_600_000, 240);
 * console.log(error.message); // Cannot wait for capacity: none matched in 3600 s (240 polls)
 * ```
 */
export class CapacityWaitError extends LambdaCloudError {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "CapacityWaitError";
  /** Time spent waiting, in milliseconds. */
  readonly elapsedMs: number;
  /** How many times capacity was checked. */
  readonly polls: number;

  /**
   * Creates the error.
   *
   * @param elapsedMs Time spent waiting, in milliseconds.
   * @param polls How many times capacity was checked.
   * @param options The standard error options, such as `cause`.
   */
  constructor(elapsedMs: number, polls: number, options?: ErrorOptions) {
    super(
      `Cannot wait for capacity: none matched in ${
        Math.round(elapsedMs / 1000)
      } s (${polls} polls)`,
      options,
    );
    this.elapsedMs = elapsedMs;
    this.polls = polls;
  }
}

/**
 * `launchFirstAvailable()` found no capacity in any candidate. `tried` lists them in order, each
 * with the launch token its launch carried; the last `InsufficientCapacityError` is the `cause`.
 *
 * @example Say what was tried
 * ```ts
 * import { NoCapacityError } from "@lambda-cloud/client";
 *
 * const error = new NoCapacityError([{ instance_type_name: "gpu_1x_a10", region_name: "us-east-1" }]);
 * console.log(error.message);
 * // Cannot launch the first available instance: no capacity in any of 1 candidates (gpu_1x_a10 in us-east-1)
 * ```
 */
export class NoCapacityError extends LambdaCloudError {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "NoCapacityError";
  /** The candidates tried, in order, each with the launch token its launch carried. */
  readonly tried: TriedCandidate[];

  /**
   * Creates the error.
   *
   * @param tried The candidates tried, in order.
   * @param options The standard error options, such as `cause`.
   */
  constructor(tried: readonly TriedCandidate[], options?: ErrorOptions) {
    super(
      tried.length === 0
        ? "Cannot launch the first available instance: no candidate has capacity now, so nothing was launched"
        : `Cannot launch the first available instance: no capacity in any of ${tried.length} candidates (${
          tried.map((candidate) => `${candidate.instance_type_name} in ${candidate.region_name}`)
            .join(", ")
        })`,
      options,
    );
    this.tried = tried.map(({ instance_type_name, region_name, launch_token }) => ({
      instance_type_name,
      region_name,
      ...(launch_token === undefined ? {} : { launch_token }),
    }));
  }
}

/**
 * What `launchFirstAvailable()` launched, and what it tried first.
 *
 * @example Report the choice
 * ```ts
 * import type { LaunchFirstAvailableResult } from "@lambda-cloud/client";
 *
 * const report = (result: LaunchFirstAvailableResult) =>
 *   `${result.instance_type_name} in ${result.region_name} after ${result.tried.length - 1} without capacity`;
 * ```
 */
export interface LaunchFirstAvailableResult extends LaunchCandidate {
  /** The launched instance's id. */
  instance_ids: string[];
  /** Every candidate tried, in order, the one that launched last; each with its launch token. */
  tried: TriedCandidate[];
}

/**
 * Options for `client.instanceTypes.waitForCapacity()`.
 *
 * @example Check every minute for up to six hours
 * ```ts
 * import type { WaitForCapacityOptions } from "@lambda-cloud/client";
 *
 * const options: WaitForCapacityOptions = { interval: 60_000, timeout: 6 * 3_600_000 };
 * ```
 */
export interface WaitForCapacityOptions {
  /** Time between checks, in milliseconds; checks also keep to the rate limit. @default 15000 */
  interval?: number;
  /** How long to look in all, in milliseconds. @default 3_600_000 (one hour) */
  timeout?: number;
  /** Stops the wait; it then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called after every check with what matched (nothing, until the last). Its errors are ignored. */
  onPoll?: (matches: AvailableInstanceType[], polls: number) => unknown;
}
