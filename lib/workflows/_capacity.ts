// The machinery of capacity searches: checking a filter, matching it against the instance types,
// waiting for a match, and launching the first candidate that still has capacity (each launch as
// safe as launch(), which it goes through). The public shapes and errors are in capacity.ts.

import {
  asList,
  checkArray,
  checkNames,
  checkNonNegativeInteger,
  checkNonNegativeNumber,
  checkObject,
  checkOptionalType,
  checkString,
  checkTimeout,
  describeValue,
  snapshotBody,
} from "../_validate.ts";
import { callSafely } from "../_callback.ts";
import { pollUntil } from "../_poll.ts";
import { modelPattern, modelText } from "./_gpu_model.ts";
import { checkLaunchRequest } from "../_rules/instances.ts";
import type { Clock } from "../clock.ts";
import { InsufficientCapacityError } from "../errors.ts";
import { unusableAnswer } from "../transport/_answer.ts";
import type { InstanceOps } from "../launch/_ops.ts";
import { findByLaunchToken } from "../launch/_find.ts";
import { launch } from "../launch/_send.ts";
import { isTokenTag } from "../launch/_token.ts";
import type { LaunchOptions } from "../launch/options.ts";
import type { InstanceTypes } from "../types/instance_types.ts";
import type { Instance, InstanceLaunchRequest } from "../types/instances.ts";
import {
  type AvailableInstanceType,
  type CapacityFilter,
  CapacityWaitError,
  type LaunchCandidate,
  type LaunchFirstAvailableResult,
  NoCapacityError,
  type TriedCandidate,
  type WaitForCapacityOptions,
} from "./capacity.ts";

/** Checks a filter before anything is sent. */
// Every field of a filter, held to its type by the checker: a mistyped one would match everything.
const FILTER_NAMES = Object.keys(
  {
    gpu: 0,
    gpus: 0,
    region: 0,
    architecture: 0,
    maxPriceCentsPerHour: 0,
    instanceType: 0,
  } satisfies Record<keyof CapacityFilter, 0>,
);

export function checkCapacityFilter(action: string, filter: unknown): CapacityFilter {
  const checked = checkObject(action, "filter", filter);
  checkNames(action, "filter", checked, FILTER_NAMES);
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
    // A model is matched by its ASCII letters and digits: one without any would match every
    // type, and a letter outside ASCII (a Cyrillic А) would be dropped, "А100" reading as "100".
    const unmatchable = name === "gpu"
      ? list?.find((item) => !/^[\x20-\x7e]*[a-z0-9][\x20-\x7e]*$/i.test(item as string))
      : undefined;
    if (unmatchable !== undefined) {
      throw new RangeError(
        `Cannot ${action}: 'filter.gpu' must name a GPU model in ASCII letters and digits, received ${
          describeValue(unmatchable)
        }`,
      );
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
  checkOptionalType(action, "filter.architecture", checked.architecture, "string");
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
  const gpuModels = asList(filter.gpu)?.map(modelPattern);
  const regions = asList(filter.region);
  const names = asList(filter.instanceType);
  const gpus = filter.gpus;
  const [minGpus, maxGpus] = typeof gpus === "number"
    ? [gpus, gpus]
    : [gpus?.min ?? 0, gpus?.max ?? Infinity];
  checkInstanceTypes(types);
  const pairs: AvailableInstanceType[] = [];
  for (const [name, item] of Object.entries(types)) {
    const type = item.instance_type;
    const text = modelText(name, type.gpu_description);
    if (gpuModels && !gpuModels.some((model) => model.test(text))) continue;
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

/**
 * Requires the fields a capacity search reads, so that a malformed answer is a typed
 * {@linkcode InvalidResponseError} (which a wait rides out as transient), never a bare TypeError.
 */
function checkInstanceTypes(types: unknown): void {
  // deno-lint-ignore no-explicit-any -- a shape check of untyped data, field by field
  const record = (value: unknown): value is Record<string, any> =>
    typeof value === "object" && value !== null && !Array.isArray(value);
  const valid = record(types) &&
    Object.values(types).every((item) =>
      record(item) && record(item.instance_type) && record(item.instance_type.specs) &&
      typeof item.instance_type.specs.gpus === "number" &&
      typeof item.instance_type.price_cents_per_hour === "number" &&
      Array.isArray(item.regions_with_capacity_available) &&
      item.regions_with_capacity_available.every((region: unknown) =>
        record(region) && typeof region.name === "string"
      )
    );
  if (!valid) {
    throw unusableAnswer("list instance types", { data: types });
  }
}

/** Polls `list` until a pair matches `filter`, as `client.instanceTypes.waitForCapacity()`. */
export async function waitForCapacity(
  list: (signal: AbortSignal) => Promise<InstanceTypes>,
  clock: Clock,
  filter: CapacityFilter,
  options: WaitForCapacityOptions,
): Promise<AvailableInstanceType[]> {
  const action = "wait for capacity";
  const checked = checkCapacityFilter(action, filter);
  const timeoutMs = checkTimeout(action, "timeout", options.timeout ?? 3_600_000);
  const intervalMs = checkNonNegativeNumber(action, "interval", options.interval ?? 15_000);
  let polled = 0;
  return await pollUntil(
    clock,
    { timeoutMs, intervalMs, signal: options.signal },
    async (polls, _elapsedMs, signal) => {
      polled = polls;
      const matches = findAvailable(await list(signal), checked);
      // A progress printer's bug must not end the hunt.
      callSafely((found: AvailableInstanceType[]) => options.onPoll?.(found, polls), matches);
      return matches.length > 0 ? { value: matches } : undefined;
    },
    (elapsedMs, lastFailure) =>
      new CapacityWaitError(
        elapsedMs,
        polled,
        lastFailure === undefined ? undefined : { cause: lastFailure },
      ),
  );
}

/**
 * `client.instances.launchFirstAvailable()`: launches the first of `candidates` that has capacity.
 * It moves on only after a clean `insufficient-capacity` refusal; any other error stops it, a
 * launch of unknown outcome above all, since moving on could launch a second instance elsewhere.
 */
export async function launchFirstAvailable(
  ops: InstanceOps,
  candidates: readonly LaunchCandidate[],
  body: Omit<InstanceLaunchRequest, "region_name" | "instance_type_name">,
  options: LaunchOptions = {},
): Promise<LaunchFirstAvailableResult> {
  const action = "launch the first available instance";
  checkArray(action, "candidates", candidates, (item, name) => {
    const candidate = checkObject(action, name, item);
    checkString(action, `${name}.instance_type_name`, candidate.instance_type_name);
    checkString(action, `${name}.region_name`, candidate.region_name);
  });
  // The body and the token option are read once: every launch sends what was checked here.
  const read = snapshotBody(action, body);
  const { launchToken, onLaunchToken, ...rest } = options;
  const bodies = candidates.map(({ instance_type_name, region_name }) => ({
    ...read,
    instance_type_name,
    region_name,
  }));
  bodies.forEach((full) => checkLaunchRequest(full));
  // Checks the body even when there is no candidate, so a bad body is never a NoCapacityError.
  checkLaunchRequest({ ...read, instance_type_name: "-", region_name: "-" });
  // A token of the caller's marks one launch: carried by several, the lookup after one's lost
  // answer could take another candidate's instance for it.
  const ownToken = typeof launchToken === "string" ||
    (Array.isArray(read.tags) && read.tags.some(isTokenTag));
  if (ownToken && bodies.length > 1) {
    throw new TypeError(
      `Cannot ${action}: a launch token of your own ('launchToken', or a tag in the body) marks one launch, and ${bodies.length} candidates may each launch: leave it out, and each gets its own (onLaunchToken tells each)`,
    );
  }
  const tried: TriedCandidate[] = [];
  let lastRefusal: InsufficientCapacityError | undefined;
  for (const full of bodies) {
    const { instance_type_name, region_name } = full;
    // Each launch gets its own token, kept on its candidate: a refused launch that listings show
    // later is found by it.
    const candidate: TriedCandidate = { instance_type_name, region_name };
    tried.push(candidate);
    const result = (instance_ids: string[]) => ({
      instance_type_name,
      region_name,
      instance_ids,
      tried,
    });
    try {
      return result(
        (await launch(ops, full, {
          ...rest,
          ...(launchToken === undefined ? {} : { launchToken }),
          onLaunchToken: (sent) => (candidate.launch_token = sent, onLaunchToken?.(sent)),
        })).instance_ids,
      );
    } catch (error) {
      // Only a refusal proves nothing launched here; anything else stops the search.
      if (!(error instanceof InsufficientCapacityError)) throw error;
      lastRefusal = error;
    }
    // A gateway that sent the launch on again hands back the second answer: the first may have
    // launched, taking the capacity the second was refused for. Its token tells, before moving on.
    if (candidate.launch_token !== undefined) {
      const found = await hiddenLaunch(ops, candidate.launch_token, rest.signal);
      if (found.length > 0) return result(found.map((instance) => instance.id));
    }
  }
  throw new NoCapacityError(tried, lastRefusal === undefined ? undefined : { cause: lastRefusal });
}

// A listing can lag behind a launch for seconds: a refused launch's token is looked for this long,
// about as long as the next launch would wait for its turn anyway (one each 12 s).
const HIDDEN_LAUNCH_MS = 15_000;
const HIDDEN_LAUNCH_INTERVAL_MS = 5000;

/** The instances carrying `token`, looked for in listings for {@linkcode HIDDEN_LAUNCH_MS}. */
async function hiddenLaunch(
  ops: InstanceOps,
  token: string,
  signal: AbortSignal | undefined,
): Promise<Instance[]> {
  const until = ops.clock.now() + HIDDEN_LAUNCH_MS;
  for (;;) {
    const found = await findByLaunchToken(ops, token, signal ? { signal } : {});
    if (found.length > 0 || ops.clock.now() >= until) return found;
    await ops.clock.sleep(Math.min(HIDDEN_LAUNCH_INTERVAL_MS, until - ops.clock.now()), signal);
  }
}
