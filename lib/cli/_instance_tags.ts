// `instances tag`: replace an instance's tags, or add and remove some. Either way it asks first
// when tags would be gone afterwards, and keeps the client's launch-token tag unless told.

import { type Instance, LAUNCH_TOKEN_KEY, type TagEntry } from "../../mod.ts";
import { UsageError } from "./_args.ts";
import {
  type Command,
  type CommandContext,
  perRun,
  refuseLaunchTokenTag,
  removing,
  tags,
  takes,
} from "./_command.ts";
import { checkUpdateRequest } from "../_rules/instances.ts";
import { EXIT } from "./_exit.ts";
import { CliError } from "./_report.ts";
import { NoSuchResourceError } from "./_lookup.ts";
import { didYouMean } from "./_suggest.ts";
import { tagText, visibleTags } from "./_instance_view.ts";

/** What `instances tag` would do to an instance. */
interface TagChange {
  instance: Instance;
  /** The tags it sends: those it leaves people, and the client's launch-token tag. */
  kept: TagEntry[];
  /** The tags people set that it would remove. */
  removed: TagEntry[];
}

/** The `key=value` pairs given as arguments, for a replace, and those of `--add`. */
function given(
  context: CommandContext,
): { replace: TagEntry[]; add: TagEntry[]; remove: string[] } {
  const { args } = context;
  const replace = tags(args.positionals.slice(1));
  const add = tags(args.lists.get("add"));
  refuseLaunchTokenTag([...replace, ...add]);
  return { replace, add, remove: args.lists.get("remove") ?? [] };
}

/**
 * The tags people would have afterwards: those given, for a replace; else those they have, less
 * the keys removed and the keys added (a key added again takes its new value), plus those added.
 * A key to remove must be there, so that a typo never passes for done.
 */
function peopleTags(context: CommandContext, instance: Instance): TagEntry[] {
  const { replace, add, remove } = given(context);
  if (add.length === 0 && remove.length === 0) return replace;
  const current = visibleTags(instance);
  const keys = current.map((tag) => tag.key);
  const missing = remove.find((key) => !keys.includes(key));
  if (missing !== undefined) {
    throw new NoSuchResourceError(
      `instance '${instance.name ?? instance.id}' has no tag '${missing}'${
        didYouMean(missing, keys)
      } (its tags: ${tagText(current) || "none"}): nothing was changed`,
    );
  }
  const changed = new Set([...remove, ...add.map((tag) => tag.key)]);
  return [...current.filter((tag) => !changed.has(tag.key)), ...add];
}

/**
 * What `instances tag` would do, worked out once for the question and the change: the tags it keeps
 * (people's, plus the client's launch-token tag, which is the client's own bookkeeping) and the
 * ones it would remove. An instance listed without its tags is read by id; if its tags are still
 * unknown, it refuses, since changing them could remove tags nobody was asked about.
 */
const tagChange = perRun(async (context): Promise<TagChange> => {
  let instance = await context.lookup.instance(context.args.positionals[0]!);
  if (!Array.isArray(instance.tags)) {
    instance = await context.client.instances.get(instance.id, { signal: context.signal });
  }
  if (!Array.isArray(instance.tags)) {
    throw new CliError(
      `Cannot tag instance '${instance.id}': the API did not say which tags it has, so changing them could remove tags unseen: nothing was changed`,
      EXIT.failed,
      "try again later, or set every tag it should keep with: lambda api postInstance --path id=… --body '{\"tags\": […]}'",
    );
  }
  const people = peopleTags(context, instance);
  const token = people.some((tag) => tag.key === LAUNCH_TOKEN_KEY)
    ? []
    : instance.tags.filter((tag) => tag.key === LAUNCH_TOKEN_KEY);
  const removed = visibleTags(instance).filter((tag) =>
    !people.some((kept) => kept.key === tag.key && kept.value === tag.value)
  );
  return { instance, kept: [...people, ...token], removed };
});

/** `instances tag`. */
export const TAG_COMMAND: Command = {
  name: ["instances", "tag"],
  summary: "Replace an instance's tags (none given: remove them all), or --add and --remove some",
  ...takes("<id|name> [key=value...]", 1, Infinity),
  completes: "instances",
  mutating: true,
  flags: {
    add: {
      kind: "list",
      value: "KEY=VALUE",
      help: "add this tag, keeping the others (repeatable)",
    },
    remove: { kind: "list", value: "KEY", help: "remove the tag with this key (repeatable)" },
  },
  // The tags given, by the client's own rules, before a question about the ones they replace.
  check: (context) => {
    const { replace, add, remove } = given(context);
    if (replace.length > 0 && add.length + remove.length > 0) {
      throw new UsageError(
        "give key=value arguments (they replace every tag) or '--add'/'--remove', not both",
      );
    }
    checkUpdateRequest({ tags: [...replace, ...add] });
    return Promise.resolve();
  },
  confirm: removing(async (context) => {
    const { instance, removed } = await tagChange(context);
    return {
      noun: "tag",
      from: instance.name ?? instance.id,
      items: removed.map((tag) => tagText([tag])),
    };
  }),
  examples: [
    "lambda instances tag train-1 --add team=ml --remove owner",
    "lambda instances tag train-1 team=ml owner=me     # replaces every tag",
  ],
  async run(context) {
    const { instance, kept } = await tagChange(context);
    const updated = await context.client.instances.update(instance.id, { tags: kept }, {
      signal: context.signal,
    });
    const shown = tagText(visibleTags(updated)) || "none";
    return { data: updated, lines: [`Tags of ${instance.id}: ${shown}`], ids: [instance.id] };
  },
};
