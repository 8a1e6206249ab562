/**
 * Instance types: what can be launched, at what price, and where there is capacity now.
 *
 * @module
 */

import { Resource } from "./_resource.ts";
import { checkCapacityFilter, findAvailable, waitForCapacity } from "../workflows/_capacity.ts";
import type { RequestOptions } from "../options.ts";
import type { AvailableInstanceType, CapacityFilter } from "../workflows/capacity.ts";
import type { InstanceTypes } from "../types/instance_types.ts";
import type { WaitForCapacityOptions } from "../workflows/capacity.ts";

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
export class InstanceTypesResource extends Resource {
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
    return this.transport.call<InstanceTypes>("listInstanceTypes", {}, options);
  }

  /**
   * The (instance type, region) pairs with capacity now that match `filter`, cheapest first: one
   * `GET /api/v1/instance-types`. Capacity changes by the minute, so a launch can still answer
   * `insufficient-capacity`; `client.instances.launchFirstAvailable()` takes this list and moves
   * on when it does.
   *
   * @param filter GPU model, GPU count, region, architecture, maximum price, type names.
   * @param options Per-call options.
   * @returns The matching pairs, cheapest first.
   * @throws {TypeError | RangeError} Before any request, when the filter is invalid.
   *
   * @example The cheapest single H100 anywhere
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const [best] = await client.instanceTypes.available({ gpu: "H100", gpus: 1 });
   * console.log(best ? `${best.instance_type_name} in ${best.region_name}` : "none now");
   * ```
   */
  async available(
    filter: CapacityFilter = {},
    options?: RequestOptions,
  ): Promise<AvailableInstanceType[]> {
    const checked = checkCapacityFilter("find available instance types", filter);
    return findAvailable(await this.list(options), checked);
  }

  /**
   * Checks capacity every `interval` (15 s) until a pair matches `filter`, and resolves with the
   * matches, cheapest first: the capacity hunter people write by hand, within the rate limit and
   * with an end. Transient failures of a check are waited out.
   *
   * @param filter What to look for, as for {@linkcode InstanceTypesResource.available}.
   * @param options How often, for how long, and a signal to stop it.
   * @returns The matching pairs, cheapest first; never empty.
   * @throws {TypeError | RangeError} Before any request, when the filter or an option is invalid.
   * @throws {CapacityWaitError} When nothing matched within `timeout`.
   *
   * @example Wait for an 8x H100, then launch it
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const matches = await client.instanceTypes.waitForCapacity({ gpu: "H100", gpus: 8 });
   * await client.instances.launchFirstAvailable(matches, { ssh_key_names: ["my-key"] });
   * ```
   */
  async waitForCapacity(
    filter: CapacityFilter,
    options: WaitForCapacityOptions = {},
  ): Promise<AvailableInstanceType[]> {
    return await waitForCapacity(
      (signal) => this.list({ signal }),
      this.transport.clock,
      filter,
      options,
    );
  }
}
