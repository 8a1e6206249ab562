// Commands for instances: list (with prices and uptime), get, launch, rename, tag, restart,
// terminate and wait.

import { didYouMean } from "./_suggest.ts";
import { type Instance, NotFoundError, type TagEntry } from "../../mod.ts";
import { UsageError } from "./_args.ts";
import { type Command, type CommandContext, flag, listFlag, tags, takes } from "./_command.ts";
import { burnRate, isBilled } from "./_costs.ts";
import {
  ALLOW_DUPLICATE_FLAG,
  checkKnown,
  checkListed,
  checkNewName,
  INSTANCE_NAME_CLASH,
  INSTANCE_STATUSES,
  INSTANCE_TYPE,
  REGION,
  seenIn,
  STATUS,
} from "./_known_values.ts";
import { AUDIT_TRAIL_FLAG, launchTimes } from "./_launch_times.ts";
import { dollars, price } from "./_table.ts";
import { LAUNCH_COMMAND } from "./_instance_launch.ts";
import { RECOVER_COMMAND } from "./_recover.ts";
import { TAG_COMMAND } from "./_instance_tags.ts";
import {
  INSTANCE_COLUMNS,
  instanceDetails,
  instanceRow,
  INTERVAL_FLAG,
  SHORT_INSTANCE_COLUMNS,
  TIMEOUT_FLAG,
  waitOptions,
} from "./_instance_view.ts";

/** A question that names each instance a command acts on, with its type and price. */
function instancesQuestion(verb: string, consequence: string) {
  return async (context: CommandContext): Promise<string> =>
    `${verb} ${(await namedInstances(context)).join(", ")}? ${consequence}`;
}

async function namedInstances(context: CommandContext): Promise<string[]> {
  const resolved = await Promise.all(
    context.args.positionals.map((ref) => context.lookup.resolveInstance(ref)),
  );
  const named = resolved.map(({ id, item: instance }) => {
    return instance === undefined
      ? id
      : `${
        instance.name ? `'${instance.name}' ` : ""
      }${instance.id} (${instance.instance_type.name}, ${
        price(instance.instance_type.price_cents_per_hour)
      })`;
  });
  return named;
}

/** The instance commands. */
export const INSTANCE_COMMANDS: Command[] = [
  {
    name: ["instances", "list"],
    summary: "List your instances, with their price, uptime and the total per hour",
    flags: {
      status: {
        kind: "list",
        value: "STATUS",
        help: "only these statuses, such as active,booting",
      },
      region: { kind: "list", value: "REGION", help: "only these regions", complete: "regions" },
      type: { kind: "list", value: "TYPE", help: "only these instance types", complete: "types" },
      tag: { kind: "list", value: "KEY=VALUE", help: "only those with this tag (repeatable)" },
      "cluster-id": { kind: "string", value: "ID", help: "only those of this cluster" },
      "audit-trail": AUDIT_TRAIL_FLAG,
    },
    columns: INSTANCE_COLUMNS,
    defaultColumns: INSTANCE_COLUMNS.slice(0, 8),
    examples: [
      "lambda instances list --status active --tag team=ml",
      "lambda instances list -q | xargs lambda instances terminate --yes",
      "lambda instances list --format ID,NAME,IP --no-header",
    ],
    async run(context) {
      const { client, args, lookup, signal } = context;
      const showUptime = context.columns.includes("UPTIME") && !context.json && !context.quiet;
      if (args.booleans.has("audit-trail") && !showUptime) {
        throw new UsageError(
          "'--audit-trail' finds launch times for the UPTIME column, which --json, -q or this --format does not show",
        );
      }
      const clusterId = flag(args, "cluster-id");
      const statuses = listFlag(args, "status");
      const regions = listFlag(args, "region");
      const types = listFlag(args, "type");
      const wanted = tags(args.lists.get("tag"));
      const all = await client.instances.list(
        clusterId === undefined ? {} : { cluster_id: clusterId },
        { signal },
      );
      // A filter value that no instance has is a typo unless Lambda knows it: read then, so that
      // "(none)" never stands for a status, region or type that does not exist.
      const seen = (field: (instance: Instance) => string) => seenIn(all, field);
      await checkKnown(STATUS, statuses, () => INSTANCE_STATUSES, seen((i) => i.status));
      await checkListed(REGION, lookup, regions, seen((i) => i.region.name));
      await checkListed(INSTANCE_TYPE, lookup, types, seen((i) => i.instance_type.name));
      const filtered = all.filter((instance) =>
        (!statuses || statuses.includes(instance.status)) &&
        (!regions || regions.includes(instance.region.name)) &&
        (!types || types.includes(instance.instance_type.name))
      );
      const { instances, untagged } = wanted.length === 0
        ? { instances: filtered, untagged: [] }
        : await withTags(context, filtered, wanted);
      const now = context.now();
      const billed = instances.filter(isBilled);
      const launched = showUptime
        ? await launchTimes(context, billed.map((instance) => instance.id))
        : undefined;
      const unknown = billed.filter((instance) => !launched?.times.has(instance.id)).length;
      const rate = burnRate(instances);
      return {
        data: instances,
        rows: instances.map((instance) =>
          instanceRow(instance, launched?.times.get(instance.id), now)
        ),
        footer: instances.length === 0 ? [] : [
          "",
          `${billed.length} billed instance(s): ${price(rate)} in all, ${
            dollars(rate * 24)
          } a day. 'lambda costs' adds up what they have cost.`,
          ...(launched && unknown > 0
            ? [`No uptime for ${unknown}: launched ${launched.unknownWhy}.`]
            : []),
        ],
        notes: launched?.notes ?? [],
        warnings: [
          ...unknownTagKeys(all, wanted),
          ...untagged.length === 0 ? [] : [
            `warning: the API gave no tags for ${untagged.length} instance(s) (${
              [...untagged.slice(0, 3), ...untagged.length > 3 ? ["…"] : []].join(", ")
            }), listed or read one by one (at most ${MAX_TAG_READS} a run), so whether they carry ` +
            `the tag cannot be told: they are left out`,
          ],
        ],
      };
    },
  },
  {
    name: ["instances", "get"],
    summary: "Show one instance",
    ...takes("<id|name>"),
    completes: "instances",
    examples: ["lambda instances get train-1", "lambda instances get train-1 --json"],
    async run({ args, lookup, client, signal }) {
      const [ref] = args.positionals as [string];
      const id = (await lookup.instanceIds([ref]))[0]!;
      const instance = await client.instances.get(id, { signal });
      return { data: instance, lines: instanceDetails(instance), ids: [instance.id] };
    },
  },
  LAUNCH_COMMAND,
  RECOVER_COMMAND,
  {
    name: ["instances", "rename"],
    summary: "Rename an instance",
    ...takes("<id|name> <new-name>", 2),
    completes: "instances",
    mutating: true,
    flags: { "allow-duplicate": ALLOW_DUPLICATE_FLAG },
    check: async (context) => {
      const [ref, name] = context.args.positionals as [string, string];
      const { id } = await context.lookup.resolveInstance(ref);
      const others = (await context.lookup.instances()).filter((instance) => instance.id !== id);
      checkNewName(context, "instance", name, others, INSTANCE_NAME_CLASH);
    },
    examples: ["lambda instances rename train-1 train-2"],
    async run({ client, args, lookup, signal }) {
      const [ref, name] = args.positionals as [string, string];
      const id = (await lookup.instanceIds([ref]))[0]!;
      const instance = await client.instances.update(id, { name }, { signal });
      return { data: instance, lines: [`Renamed ${id} to '${instance.name}'`], ids: [id] };
    },
  },
  TAG_COMMAND,
  {
    name: ["instances", "restart"],
    summary: "Restart instances (what runs on them is stopped)",
    ...takes("<id|name>...", 1, Infinity),
    completes: "instances",
    mutating: true,
    // A reboot kills every process on the instance: asked for like a terminate.
    confirm: {
      destructive: true,
      question: instancesQuestion("Restart", "Everything running on it is stopped."),
    },
    columns: SHORT_INSTANCE_COLUMNS,
    examples: ["lambda instances restart train-1 --yes"],
    async run({ client, args, lookup, signal }) {
      const ids = await lookup.instanceIds(args.positionals);
      const { restarted_instances } = await client.instances.restart(ids, { signal });
      return { data: restarted_instances, rows: restarted_instances.map((i) => instanceRow(i)) };
    },
  },
  {
    name: ["instances", "terminate"],
    summary: "Terminate instances (this cannot be undone)",
    ...takes("<id|name>...", 1, Infinity),
    completes: "instances",
    mutating: true,
    flags: {
      wait: { kind: "boolean", short: "w", help: "wait until they are terminated" },
      timeout: TIMEOUT_FLAG,
      interval: INTERVAL_FLAG,
    },
    check: (context) => {
      waitOptions(context);
      return Promise.resolve();
    },
    confirm: {
      destructive: true,
      question: instancesQuestion("Terminate", "Its local disk is lost for good."),
    },
    columns: SHORT_INSTANCE_COLUMNS,
    examples: ["lambda instances terminate train-1 --yes --wait"],
    async run(context) {
      const { client, lookup, signal } = context;
      const wait = waitOptions(context);
      const ids = await lookup.instanceIds(context.args.positionals);
      const { terminated_instances } = await client.instances.terminate(ids, { signal });
      if (context.args.booleans.has("wait")) {
        for (const id of ids) {
          await client.instances.waitFor(id, { ...wait(id), until: "terminated" });
        }
      }
      return {
        data: terminated_instances,
        rows: terminated_instances.map((instance) => instanceRow(instance)),
        ids,
      };
    },
  },
  {
    name: ["instances", "wait"],
    summary: "Wait until an instance is active, has an IP, or is terminated",
    ...takes("<id|name>"),
    completes: "instances",
    flags: {
      until: { kind: "string", value: "STATE", help: "active (default), ip or terminated" },
      timeout: TIMEOUT_FLAG,
      interval: INTERVAL_FLAG,
    },
    examples: ["lambda instances wait train-1 --until ip --timeout 1200"],
    async run(context) {
      const until = flag(context.args, "until") ?? "active";
      if (until !== "active" && until !== "ip" && until !== "terminated") {
        throw new UsageError(
          `option '--until' must be active, ip or terminated, received '${until}'`,
        );
      }
      const options = waitOptions(context);
      const id = (await context.lookup.instanceIds(context.args.positionals))[0]!;
      const wait = options(id);
      const instance = until === "terminated"
        ? await context.client.instances.waitFor(id, { ...wait, until })
        : await context.client.instances.waitFor(id, { ...wait, until });
      return {
        data: instance ?? null,
        lines: [
          instance
            ? `${id} is ${instance.status}${instance.ip ? ` at ${instance.ip}` : ""}`
            : `${id} is gone`,
        ],
        ids: [id],
      };
    },
  },
];

/**
 * A warning for each tag key of `wanted` that no listed instance carries, with what was probably
 * meant: a mistyped key (`tema=ml`) is not an account without such instances. Tags are open-ended,
 * so it is a warning, not a refusal.
 */
function unknownTagKeys(instances: readonly Instance[], wanted: readonly TagEntry[]): string[] {
  // A listing without tags says nothing of which keys exist.
  if (!instances.every((instance) => Array.isArray(instance.tags))) return [];
  const keys = new Set(instances.flatMap((instance) => instance.tags!.map((tag) => tag.key)));
  return wanted.filter((tag) => !keys.has(tag.key)).map((tag) =>
    `warning: no instance listed has a tag '${tag.key}'${didYouMean(tag.key, keys)}`
  );
}

// Each read by id takes a turn of the rate limit (one a second): an account whose listing gives no
// tags at all would otherwise cost a read per instance, unbounded.
const MAX_TAG_READS = 20;

/**
 * The instances of `instances` that carry every tag in `wanted`. The API may list instances without
 * their tags (the spec makes them optional): up to {@linkcode MAX_TAG_READS} of those are read one
 * by one, with progress, which gives them, so that a tag filter (such as the one that finds a launch
 * of unknown outcome) does not miss an instance for want of its tags. The ids whose tags stay
 * unknown (unread, or read without them) are returned apart.
 */
async function withTags(
  context: CommandContext,
  instances: readonly Instance[],
  wanted: readonly TagEntry[],
): Promise<{ instances: Instance[]; untagged: string[] }> {
  const kept: Instance[] = [];
  const untagged: string[] = [];
  const toRead = Math.min(MAX_TAG_READS, instances.filter((i) => !Array.isArray(i.tags)).length);
  let reads = 0;
  for (const listed of instances) {
    let instance: Instance | undefined = listed;
    if (!Array.isArray(listed.tags) && reads < MAX_TAG_READS) {
      context.io.progress(
        `Reading the tags of ${listed.id} (${++reads} of ${toRead}): the listing gave none`,
      );
      instance = await context.client.instances.get(listed.id, { signal: context.signal })
        .catch((error) => {
          if (error instanceof NotFoundError) return undefined; // gone since it was listed
          throw error;
        });
    }
    if (instance === undefined) continue;
    if (!Array.isArray(instance.tags)) {
      untagged.push(instance.id);
      continue;
    }
    const tagged = instance.tags;
    if (
      wanted.every((tag) => tagged.some((own) => own.key === tag.key && own.value === tag.value))
    ) {
      kept.push(instance);
    }
  }
  return { instances: kept, untagged };
}
