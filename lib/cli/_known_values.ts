// Values checked against the real ones before a command trusts them: a filter that names nothing
// real (`--status actve`, `--region us-eats-1`) is a typo, not an empty account, and a launch value
// that names nothing real is refused before it spends the launch slot. Statuses and architectures
// come from the spec; regions, types and names from one listing, read once per run (the Lookup).

import type { Instance } from "../../mod.ts";
import { SCHEMAS } from "../spec/operations.ts";
import { type FlagSpec, UsageError } from "./_args.ts";
import type { CommandContext } from "./_command.ts";
import type { Lookup } from "./_lookup.ts";
import { didYouMean } from "./_suggest.ts";

// Both are in the operation table: `deno task gen` keeps them (tests/tools/gen_operations.ts).
/** The instance statuses of Lambda's spec. */
export const INSTANCE_STATUSES: readonly string[] = SCHEMAS.InstanceStatus!.enum!;

/** The CPU architectures of Lambda's spec. */
export const ARCHITECTURES: readonly string[] = SCHEMAS.InstanceTypeArchitecture!.enum!;

/** A kind of value: its name in words, and where to see them all. */
export interface Kind {
  noun: string;
  listed: string;
}

export const STATUS: Kind = {
  noun: "instance status",
  listed: `the spec's are ${INSTANCE_STATUSES.join(", ")}`,
};
export const ARCHITECTURE: Kind = { noun: "architecture", listed: ARCHITECTURES.join(" or ") };
export const IMAGE_FAMILY: Kind = { noun: "image family", listed: "'lambda images' lists them" };

/**
 * Refuses the first of `values` that is not among the values `known` gives, with the closest of
 * them. `known` is only asked for when a value is not `seen` (such as a region some listed instance
 * is in), so that a filter that matched costs no listing.
 */
export async function checkKnown(
  kind: Kind,
  values: readonly string[] | undefined,
  known: () => readonly string[] | Promise<readonly string[]>,
  seen: (value: string) => boolean = () => false,
): Promise<void> {
  const unseen = values?.filter((value) => !seen(value)) ?? [];
  if (unseen.length === 0) return;
  const all = await known();
  const unknown = unseen.find((value) => !all.includes(value));
  if (unknown !== undefined) {
    throw new UsageError(
      `there is no ${kind.noun} '${unknown}'${didYouMean(unknown, all)} (${kind.listed})`,
    );
  }
}

/** Whether some item of `items` has `value` as its `field`: for `checkKnown`'s `seen`. */
export function seenIn<T>(
  items: readonly T[],
  field: (item: T) => string,
): (value: string) => boolean {
  return (value) => items.some((item) => field(item) === value);
}

/** A kind of value the run's listing holds, and how to read all of them from it. */
export interface ListedKind extends Kind {
  names(lookup: Lookup): Promise<string[]>;
}

export const REGION: ListedKind = {
  noun: "region",
  listed: "'lambda regions' lists them",
  names: async (lookup) => (await lookup.regions()).map((region) => region.name),
};
export const INSTANCE_TYPE: ListedKind = {
  noun: "instance type",
  listed: "'lambda types' lists them",
  names: async (lookup) => (await lookup.instanceTypes()).map((item) => item.instance_type.name),
};

/** `checkKnown` for a kind the run's listing holds: read from it only when a value is not `seen`. */
export function checkListed(
  kind: ListedKind,
  lookup: Lookup,
  values: readonly string[] | undefined,
  seen?: (value: string) => boolean,
): Promise<void> {
  return checkKnown(kind, values, () => kind.names(lookup), seen);
}

/** The option that names the region a new resource is made in. */
export const NEW_RESOURCE_REGION_FLAG: FlagSpec = {
  kind: "string",
  value: "REGION",
  help: "its region (required)",
  complete: "regions",
};

/** The option that lets a new name be one that something has already. */
export const ALLOW_DUPLICATE_FLAG: FlagSpec = {
  kind: "boolean",
  help: "use the name though another has it (names then stand for neither)",
};

/** What a name two instances share breaks. */
export const INSTANCE_NAME_CLASH = "every command given that name would then need an id instead";

/**
 * Refuses a new `name` that one of `others` has already, unless `--allow-duplicate`: a name two
 * share stands for neither afterwards. `consequence` says what that would break.
 */
export function checkNewName(
  context: CommandContext,
  noun: string,
  name: string,
  others: readonly Pick<Instance, "id" | "name">[],
  consequence: string,
): void {
  const holders = others.filter((other) => other.name === name).map((other) => other.id);
  if (holders.length === 0 || context.args.booleans.has("allow-duplicate")) return;
  throw new UsageError(
    `the ${noun} ${
      holders.join(", ")
    } has the name '${name}' already: ${consequence}; give another name, or '--allow-duplicate'`,
  );
}
