// The machinery of capacity searches: checking a filter, and matching it against the instance
// types. The public shapes and errors are in capacity.ts.

import {
  asList,
  checkNonNegativeInteger,
  checkNonNegativeNumber,
  checkObject,
  describeValue,
} from "../_validate.ts";
import type { InstanceTypes } from "../types/instance_types.ts";
import type { AvailableInstanceType, CapacityFilter } from "./capacity.ts";

/** Checks a filter before anything is sent. */
export function checkCapacityFilter(action: string, filter: unknown): CapacityFilter {
  const checked = checkObject(action, "filter", filter);
  for (const name of ["gpu", "region", "instanceType"]) {
    const list = asList(checked[name]);
    if (list !== undefined && !list.every((item) => typeof item === "string" && item !== "")) {
      throw new TypeError(
        `Cannot ${action}: 'filter.${name}' must be a string or an array of strings, received ${
          describeValue(checked[name])
        }`,
      );
    }
    // An empty list would match nothing, which looks like "no capacity" rather than a mistake.
    if (list?.length === 0) {
      throw new RangeError(`Cannot ${action}: 'filter.${name}' must not be an empty array`);
    }
  }
  const gpus = checked.gpus;
  if (typeof gpus === "number") checkGpuCount(action, "filter.gpus", gpus);
  else if (gpus !== undefined) {
    const range = checkObject(action, "filter.gpus", gpus);
    const min = range.min === undefined ? 1 : checkGpuCount(action, "filter.gpus.min", range.min);
    const max = range.max === undefined
      ? Infinity
      : checkGpuCount(action, "filter.gpus.max", range.max);
    if (min > max) {
      throw new RangeError(
        `Cannot ${action}: 'filter.gpus.min' must not exceed 'filter.gpus.max', received ${min} and ${max}`,
      );
    }
  }
  if (checked.maxPriceCentsPerHour !== undefined) {
    checkNonNegativeNumber(action, "filter.maxPriceCentsPerHour", checked.maxPriceCentsPerHour);
  }
  if (checked.architecture !== undefined && typeof checked.architecture !== "string") {
    throw new TypeError(
      `Cannot ${action}: 'filter.architecture' must be a string, received ${
        describeValue(checked.architecture)
      }`,
    );
  }
  return checked as CapacityFilter;
}

function checkGpuCount(action: string, name: string, value: unknown): number {
  const count = checkNonNegativeInteger(action, name, value);
  if (count < 1) {
    throw new RangeError(`Cannot ${action}: '${name}' must be 1 or more, received ${count}`);
  }
  return count;
}

/** The pairs in `types` that match `filter`, cheapest first (then by type, then region name). */
export function findAvailable(
  types: InstanceTypes,
  filter: CapacityFilter,
): AvailableInstanceType[] {
  const gpuModels = asList(filter.gpu)?.map((model) => model.toLowerCase());
  const regions = asList(filter.region);
  const names = asList(filter.instanceType);
  const gpus = filter.gpus;
  const [minGpus, maxGpus] = typeof gpus === "number"
    ? [gpus, gpus]
    : [gpus?.min ?? 0, gpus?.max ?? Infinity];
  const pairs: AvailableInstanceType[] = [];
  for (const [name, item] of Object.entries(types)) {
    const type = item.instance_type;
    const text = `${type.gpu_description} ${name}`.toLowerCase();
    if (gpuModels && !gpuModels.some((model) => text.includes(model))) continue;
    if (type.specs.gpus < minGpus || type.specs.gpus > maxGpus) continue;
    if (filter.architecture !== undefined && type.architecture !== filter.architecture) continue;
    if (
      filter.maxPriceCentsPerHour !== undefined &&
      type.price_cents_per_hour > filter.maxPriceCentsPerHour
    ) continue;
    if (names && !names.includes(name)) continue;
    for (const region of item.regions_with_capacity_available) {
      if (regions && !regions.includes(region.name)) continue;
      pairs.push({
        instance_type_name: name,
        region_name: region.name,
        instance_type: type,
        region,
      });
    }
  }
  return pairs.sort((a, b) =>
    a.instance_type.price_cents_per_hour - b.instance_type.price_cents_per_hour ||
    a.instance_type_name.localeCompare(b.instance_type_name) ||
    a.region_name.localeCompare(b.region_name)
  );
}
