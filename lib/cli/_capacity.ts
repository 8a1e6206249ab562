// Commands for instance types and capacity: what exists, what it costs, and where it can launch now.

import { type AvailableInstanceType, type CapacityFilter, hasGpuModel } from "../../mod.ts";
import { UsageError } from "./_args.ts";
import { type Command, type CommandContext, flag, integer, listFlag, seconds } from "./_command.ts";
import { EXIT } from "./_exit.ts";
import {
  ARCHITECTURE,
  ARCHITECTURES,
  checkKnown,
  checkListed,
  INSTANCE_TYPE,
  REGION,
  seenIn,
} from "./_known_values.ts";
import { didYouMean } from "./_suggest.ts";
import { price } from "./_table.ts";

function capacityFilter({ args }: CommandContext): CapacityFilter {
  const filter: CapacityFilter = {};
  const gpu = listFlag(args, "gpu");
  if (gpu) filter.gpu = gpu;
  const gpus = integer(args, "gpus");
  if (gpus !== undefined) filter.gpus = gpus;
  const regions = listFlag(args, "region");
  if (regions) filter.region = regions;
  const architecture = flag(args, "arch");
  if (architecture !== undefined) filter.architecture = architecture;
  const maxPrice = flag(args, "max-price");
  if (maxPrice !== undefined) {
    const dollars = Number(maxPrice);
    if (!Number.isFinite(dollars) || dollars < 0) {
      throw new UsageError(`option '--max-price' must be dollars per hour, received '${maxPrice}'`);
    }
    filter.maxPriceCentsPerHour = Math.round(dollars * 100);
  }
  const types = listFlag(args, "type");
  if (types) filter.instanceType = types;
  return filter;
}

/**
 * Refuses a filter value that names nothing Lambda has (a GPU model no type has, a type or region
 * that does not exist), so that a typo is not taken for "no capacity". A value some match has is
 * real: the lists are read only for the others (all of them before a wait, which has no matches).
 */
async function checkFilter(
  { lookup }: CommandContext,
  filter: CapacityFilter,
  matches: readonly AvailableInstanceType[],
): Promise<void> {
  const models = filter.gpu as string[] | undefined;
  const unseen =
    models?.filter((model) => !matches.some((match) => hasGpuModel(match.instance_type, model))) ??
      [];
  if (unseen.length > 0) {
    const types = (await lookup.instanceTypes()).map((item) => item.instance_type);
    const unknown = unseen.find((model) => !types.some((type) => hasGpuModel(type, model)));
    if (unknown !== undefined) {
      const known = [...new Set(types.map((type) => type.gpu_description.split(" (")[0]!))].sort();
      throw new UsageError(
        `there is no GPU model '${unknown}'${didYouMean(unknown, known)} (the types have ${
          known.join(", ")
        })`,
      );
    }
  }
  await checkListed(
    INSTANCE_TYPE,
    lookup,
    filter.instanceType as string[] | undefined,
    seenIn(matches, (match) => match.instance_type_name),
  );
  await checkListed(
    REGION,
    lookup,
    filter.region as string[] | undefined,
    seenIn(matches, (match) => match.region_name),
  );
  const architecture = filter.architecture;
  await checkKnown(
    ARCHITECTURE,
    architecture === undefined ? undefined : [architecture],
    () => ARCHITECTURES,
    seenIn(matches, (match) => match.instance_type.architecture),
  );
}

/** The type and capacity commands. */
export const CAPACITY_COMMANDS: Command[] = [
  {
    name: ["types"],
    summary: "List instance types, prices and where they have capacity now",
    flags: { available: { kind: "boolean", help: "only those with capacity somewhere" } },
    columns: ["TYPE", "GPUS", "PRICE", "ARCH", "CAPACITY_IN"],
    examples: ["lambda types --available", "lambda types --format TYPE,PRICE --no-header"],
    async run({ args, lookup }) {
      const items = (await lookup.instanceTypes())
        .filter((item) =>
          !args.booleans.has("available") || item.regions_with_capacity_available.length > 0
        )
        .sort((a, b) =>
          a.instance_type.price_cents_per_hour - b.instance_type.price_cents_per_hour
        );
      return {
        data: items,
        rows: items.map(({ instance_type: type, regions_with_capacity_available: regions }) => ({
          TYPE: type.name,
          GPUS: String(type.specs.gpus),
          PRICE: price(type.price_cents_per_hour),
          ARCH: type.architecture,
          CAPACITY_IN: regions.map((region) => region.name).join(", ") || "-",
        })),
      };
    },
  },
  {
    name: ["capacity"],
    summary: "Instance types with capacity now, cheapest first; --wait until one appears",
    flags: {
      gpu: { kind: "list", value: "MODEL", help: "GPU model, such as H100 (repeatable)" },
      gpus: { kind: "string", value: "N", help: "exactly this many GPUs" },
      region: {
        kind: "list",
        value: "REGION",
        help: "only this region (repeatable)",
        complete: "regions",
      },
      arch: { kind: "string", value: "ARCH", help: "x86_64 or arm64" },
      "max-price": { kind: "string", value: "DOLLARS", help: "at most this many dollars an hour" },
      type: {
        kind: "list",
        value: "TYPE",
        help: "only this instance type (repeatable)",
        complete: "types",
      },
      wait: { kind: "boolean", short: "w", help: "poll until something matches" },
      interval: { kind: "string", value: "SECONDS", help: "time between polls (default 15)" },
      timeout: { kind: "string", value: "SECONDS", help: "how long to wait (default 3600)" },
    },
    columns: ["TYPE", "REGION", "GPUS", "PRICE"],
    examples: ["lambda capacity --gpu H100 --max-price 3", "lambda capacity --gpu H100 --wait"],
    async run(context) {
      const { client, args, io, signal } = context;
      const filter = capacityFilter(context);
      let matches;
      if (args.booleans.has("wait")) {
        const interval = seconds(args, "interval");
        const timeout = seconds(args, "timeout");
        await checkFilter(context, filter, []);
        matches = await client.instanceTypes.waitForCapacity(filter, {
          onPoll: (found, polls) => io.progress(`poll ${polls}: ${found.length} match(es)`),
          signal,
          ...(interval === undefined ? {} : { interval }),
          ...(timeout === undefined ? {} : { timeout }),
        });
      } else {
        matches = await client.instanceTypes.available(filter, { signal });
        await checkFilter(context, filter, matches);
      }
      return {
        data: matches,
        // Like grep: nothing found is a result, with its own exit code for scripts.
        ...(matches.length === 0 ? { exitCode: EXIT.noCapacity } : {}),
        rows: matches.map((match) => ({
          TYPE: match.instance_type_name,
          REGION: match.region_name,
          GPUS: String(match.instance_type.specs.gpus),
          PRICE: price(match.instance_type.price_cents_per_hour),
        })),
      };
    },
  },
];
