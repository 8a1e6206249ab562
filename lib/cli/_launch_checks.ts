// What a launch names, checked against what exists before it is sent, so that a typo never spends
// the launch slot (one launch in 12 seconds) nor waits on an answer that cannot come: the type and
// region, the SSH key (by a name only it has), the filesystems, rulesets and image (in the launch's
// region), and a name no other instance has.

import type { Filesystem, FirewallRuleset, InstanceLaunchRequest } from "../../mod.ts";
import { UsageError } from "./_args.ts";
import type { CommandContext } from "./_command.ts";
import {
  checkListed,
  checkNewName,
  INSTANCE_NAME_CLASH,
  INSTANCE_TYPE,
  REGION,
  seenIn,
} from "./_known_values.ts";
import { NoSuchResourceError, type Resolved } from "./_lookup.ts";
import { didYouMean } from "./_suggest.ts";

/**
 * Checks `body` against what the account has, and puts in it what the API takes for what was
 * named: the SSH key's name (given its id or name), the filesystems' names and the rulesets' ids
 * (given theirs or their names, from `rulesets`). Read once per run, through the Lookup.
 */
export async function checkLaunchValues(
  context: CommandContext,
  body: InstanceLaunchRequest,
  rulesets: readonly string[] | undefined,
): Promise<void> {
  const { lookup } = context;
  const region = body.region_name;
  await checkListed(INSTANCE_TYPE, lookup, [body.instance_type_name]);
  // A region where the type has capacity exists: only another costs the listing of regions.
  const type = (await lookup.instanceTypes())
    .find((item) => item.instance_type.name === body.instance_type_name);
  await checkListed(
    REGION,
    lookup,
    [region],
    seenIn(type?.regions_with_capacity_available ?? [], (where) => where.name),
  );
  body.ssh_key_names = [await sshKeyName(context, body.ssh_key_names[0]!)];
  if (body.file_system_names) {
    body.file_system_names = await Promise.all(
      body.file_system_names.map(async (ref) =>
        inRegion("filesystem", await listed("filesystem", ref, lookup.fileSystem(ref)), region)
          .name
      ),
    );
  }
  if (rulesets) {
    body.firewall_rulesets = await Promise.all(rulesets.map(async (ref) => ({
      id: inRegion(
        "firewall ruleset",
        await listed("firewall ruleset", ref, lookup.ruleset(ref)),
        region,
      )
        .id,
    })));
  }
  if (body.image) await checkImage(context, body.image, region);
  if (body.name !== undefined) {
    checkNewName(context, "instance", body.name, await lookup.instances(), INSTANCE_NAME_CLASH);
  }
}

/**
 * The name a launch gives for the SSH key `ref` (its id or name). A name two keys share is refused
 * with both ids: a launch names its key, and Lambda, unable to tell which, was seen to leave the
 * launch unanswered for minutes.
 */
async function sshKeyName({ lookup }: CommandContext, ref: string): Promise<string> {
  const keys = await lookup.sshKeys();
  const name = keys.find((key) => key.id === ref)?.name ?? ref;
  const named = keys.filter((key) => key.name === name);
  if (named.length > 1) {
    throw new UsageError(
      `the SSH key name '${name}' is shared by ${named.length} SSH keys (${
        named.map((key) => key.id).join(", ")
      }), and a launch names its key, so Lambda cannot tell which: delete one with 'lambda ssh-keys delete <id>', or add the key again under a name of its own`,
    );
  }
  if (named.length === 0) {
    throw new NoSuchResourceError(
      `no SSH key has the id or name '${ref}'${didYouMean(ref, keys.map((key) => key.name))}`,
    );
  }
  return name;
}

/** What `resolved` found for `ref`; an id nothing listed has names nothing a launch can use. */
async function listed<T>(noun: string, ref: string, resolved: Promise<Resolved<T>>): Promise<T> {
  const { item } = await resolved;
  if (item === undefined) throw new NoSuchResourceError(`no ${noun} has the id '${ref}'`);
  return item;
}

/** `item`, when it is in `region`: a launch takes only what is in its own. */
function inRegion<T extends Filesystem | FirewallRuleset>(
  noun: string,
  item: T,
  region: string,
): T {
  if (item.region.name !== region) {
    throw new UsageError(
      `the ${noun} '${item.name}' (${item.id}) is in ${item.region.name}, and a launch in ${region} can only use one of its own region`,
    );
  }
  return item;
}

/** An image given by id or family must be one of the images of `region`. */
async function checkImage(
  { client, signal }: CommandContext,
  image: NonNullable<InstanceLaunchRequest["image"]>,
  region: string,
): Promise<void> {
  const images = (await client.images.list({ signal })).filter((one) => one.region.name === region);
  const [option, given, values] = "id" in image
    ? ["image-id", image.id, images.map((one) => one.id)]
    : ["image-family", image.family, [...new Set(images.map((one) => one.family))]];
  if (!values.includes(given)) {
    throw new UsageError(
      `option '--${option}': ${region} has no image '${given}'${
        didYouMean(given, values)
      } ('lambda images --region ${region}' lists them)`,
    );
  }
}
