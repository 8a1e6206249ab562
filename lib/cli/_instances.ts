// Commands for instances: list (with prices and uptime), get, launch, rename, tag, restart,
// terminate and wait.

import {
  type Instance,
  type InstanceLaunchRequest,
  LAUNCH_TOKEN_KEY,
  NotFoundError,
  type TagEntry,
  type WaitProgress,
} from "../../mod.ts";
import { UsageError } from "./_args.ts";
import {
  type Command,
  type CommandContext,
  flag,
  flagFile,
  listFlag,
  perRun,
  requiredFlag,
  seconds,
  tags,
} from "./_command.ts";
import { checkLaunchRequest, checkUpdateRequest } from "../_rules/instances.ts";
import { burnRate, isBilled, launchTimes } from "./_costs.ts";
import { EXIT } from "./_exit.ts";
import { launchedIds } from "./_interrupts.ts";
import { CliError } from "./_report.ts";
import { didYouMean } from "./_suggest.ts";
import { details, dollars, duration, price } from "./_table.ts";

const TIMEOUT_FLAG = {
  kind: "string",
  value: "SECONDS",
  help: "how long to wait (default 1800)",
} as const;
const INTERVAL_FLAG = {
  kind: "string",
  value: "SECONDS",
  help: "time between polls (default 5)",
} as const;

/** The tags people set: the client's own launch-token tag is left out. */
function visibleTags(instance: Instance): TagEntry[] {
  return (Array.isArray(instance.tags) ? instance.tags : []).filter((tag) =>
    tag?.key !== LAUNCH_TOKEN_KEY
  );
}

function tagText(list: readonly TagEntry[]): string {
  return list.map((tag) => `${tag.key}=${tag.value}`).join(", ");
}

/** An instance as a table row; `launchedAt` fills UPTIME when known. */
function instanceRow(
  instance: Instance,
  launchedAt?: number,
  now?: number,
): Record<string, string> {
  // Read with care: a row is also made of what a terminate or restart answered.
  const cents = instance.instance_type?.price_cents_per_hour;
  return {
    ID: instance.id,
    NAME: instance.name ?? "",
    STATUS: instance.status,
    TYPE: instance.instance_type?.name ?? "",
    REGION: instance.region?.name ?? "",
    IP: instance.ip ?? "",
    PRICE: typeof cents === "number" ? price(cents) : "",
    UPTIME: launchedAt === undefined || now === undefined || !isBilled(instance)
      ? ""
      : duration(now - launchedAt),
    PRIVATE_IP: instance.private_ip ?? "",
    HOSTNAME: instance.hostname ?? "",
    TAGS: tagText(visibleTags(instance)),
  };
}

const INSTANCE_COLUMNS = [
  "ID",
  "NAME",
  "STATUS",
  "TYPE",
  "REGION",
  "IP",
  "PRICE",
  "UPTIME",
  "PRIVATE_IP",
  "HOSTNAME",
  "TAGS",
] as const;
const SHORT_INSTANCE_COLUMNS = ["ID", "NAME", "STATUS", "TYPE", "REGION", "IP"] as const;

/** An instance as lines; read with care, since a launch that succeeded must not end in a crash. */
function instanceDetails(instance: Instance): string[] {
  const row = instanceRow(instance);
  return details([
    ["id", instance.id],
    ["name", instance.name],
    ["status", instance.status],
    ["type", `${row.TYPE} (${row.PRICE})`],
    ["region", row.REGION],
    ["ip", instance.ip],
    ["private ip", instance.private_ip],
    ["hostname", instance.hostname],
    ["ssh keys", instance.ssh_key_names?.join(", ")],
    ["filesystems", instance.file_system_names?.join(", ")],
    ["tags", tagText(visibleTags(instance))],
    [
      "unavailable",
      Object.entries(instance.actions ?? {}).filter(([, action]) => !action?.available)
        .map(([name, action]) => `${name} (${action?.reason_code ?? "no reason given"})`)
        .join(", "),
    ],
  ]);
}

/**
 * `--timeout`, `--interval`, a progress line per poll and Ctrl-C, as every wait takes them. The
 * flags are checked at once, before anything is sent; the options are made per instance, whose id
 * names it in the progress line until a poll has seen it.
 */
function waitOptions(context: CommandContext): (id?: string) => {
  signal: AbortSignal;
  onProgress: (progress: WaitProgress) => void;
  timeout?: number;
  interval?: number;
} {
  const timeout = seconds(context.args, "timeout");
  const interval = seconds(context.args, "interval");
  return (id) => ({
    signal: context.signal,
    onProgress: ({ instance, elapsedMs }: WaitProgress) =>
      context.io.progress(
        `${instance?.id ?? id ?? "instance"}: ${instance?.status ?? "gone"} after ${
          Math.round(elapsedMs / 1000)
        } s`,
      ),
    ...(timeout === undefined ? {} : { timeout }),
    ...(interval === undefined ? {} : { interval }),
  });
}

function launchBody({ args }: CommandContext): InstanceLaunchRequest {
  const family = flag(args, "image-family");
  const imageId = flag(args, "image-id");
  if (family !== undefined && imageId !== undefined) {
    throw new UsageError("give '--image-family' or '--image-id', not both");
  }
  if (args.booleans.has("keep") && !args.booleans.has("wait")) {
    throw new UsageError("'--keep' only applies with '--wait'");
  }
  const body: InstanceLaunchRequest = {
    region_name: requiredFlag(args, "region"),
    instance_type_name: requiredFlag(args, "type"),
    ssh_key_names: [requiredFlag(args, "ssh-key")],
  };
  const name = flag(args, "name");
  if (name !== undefined) body.name = name;
  const hostname = flag(args, "hostname");
  if (hostname !== undefined) body.hostname = hostname;
  if (family !== undefined) body.image = { family };
  if (imageId !== undefined) body.image = { id: imageId };
  const filesystems = listFlag(args, "filesystem");
  if (filesystems) body.file_system_names = filesystems;
  if (args.lists.has("tag")) body.tags = tags(args.lists.get("tag"));
  return body;
}

/**
 * What `instances launch` sends and how it waits, worked out and checked once, before the
 * question: options, the user-data file, the rulesets named, and the body against the client's
 * own rules, so that a mistake is found before a yes, not after one.
 */
const launchPlan = perRun(async (context) => {
  const { args, io, lookup } = context;
  const body = launchBody(context);
  const wait = waitOptions(context);
  const userData = await flagFile(io, args, "user-data-file");
  if (userData !== undefined) body.user_data = userData;
  const rulesets = listFlag(args, "firewall-ruleset");
  if (rulesets) {
    body.firewall_rulesets = await Promise.all(
      rulesets.map(async (ref) => ({ id: await lookup.rulesetId(ref) })),
    );
  }
  checkLaunchRequest(body);
  return { body, wait };
});

/** The launch question, with what it costs: the type's price comes from the API's list. */
async function launchQuestion(context: CommandContext): Promise<string> {
  const { body } = await launchPlan(context);
  const types = await context.lookup.instanceTypes();
  const item = types.find((type) => type.instance_type.name === body.instance_type_name);
  if (item === undefined) {
    throw new UsageError(
      `there is no instance type '${body.instance_type_name}'${
        didYouMean(body.instance_type_name, types.map((type) => type.instance_type.name))
      }`,
    );
  }
  const cents = item.instance_type.price_cents_per_hour;
  const where = body.region_name;
  const capacity = item.regions_with_capacity_available.some((region) => region.name === where)
    ? ""
    : ` There is no capacity for it in ${where} right now, so Lambda will likely refuse.`;
  return `Launch ${body.instance_type_name}${body.name ? ` '${body.name}'` : ""} in ${where} at ${
    price(cents)
  } (${dollars(cents * 24)} a day)? It bills by the minute until terminated.${capacity}`;
}

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
      region: { kind: "list", value: "REGION", help: "only these regions" },
      type: { kind: "list", value: "TYPE", help: "only these instance types" },
      tag: { kind: "list", value: "KEY=VALUE", help: "only those with this tag (repeatable)" },
      "cluster-id": { kind: "string", value: "ID", help: "only those of this cluster" },
    },
    columns: INSTANCE_COLUMNS,
    defaultColumns: INSTANCE_COLUMNS.slice(0, 8),
    examples: [
      "lambda instances list --status active --tag team=ml",
      "lambda instances list -q | xargs lambda instances terminate --yes",
      "lambda instances list --format ID,NAME,IP --no-header",
    ],
    async run(context) {
      const { client, args, signal } = context;
      const clusterId = flag(args, "cluster-id");
      const statuses = listFlag(args, "status");
      const regions = listFlag(args, "region");
      const types = listFlag(args, "type");
      const wanted = tags(args.lists.get("tag"));
      const all = await client.instances.list(
        clusterId === undefined ? {} : { cluster_id: clusterId },
        { signal },
      );
      const filtered = all.filter((instance) =>
        (!statuses || statuses.includes(instance.status)) &&
        (!regions || regions.includes(instance.region.name)) &&
        (!types || types.includes(instance.instance_type.name))
      );
      const { instances, untagged } = wanted.length === 0
        ? { instances: filtered, untagged: [] }
        : await withTags(context, filtered, wanted);
      const now = context.now();
      const showUptime = context.columns.includes("UPTIME") && !context.json;
      const launched = showUptime
        ? await launchTimes(client, instances.filter(isBilled).map((i) => i.id), now, signal)
        : { times: new Map<string, number>() };
      const billed = instances.filter(isBilled);
      const rate = burnRate(instances);
      return {
        data: instances,
        rows: instances.map((instance) =>
          instanceRow(instance, launched.times.get(instance.id), now)
        ),
        footer: instances.length === 0 ? [] : [
          "",
          `${billed.length} billed instance(s): ${price(rate)} in all, ${
            dollars(rate * 24)
          } a day. 'lambda costs' adds up what they have cost.`,
        ],
        notes: launched.unavailable === undefined
          ? []
          : [`Uptime unknown: the audit trail could not be read (${launched.unavailable})`],
        // Not "(none)" alone when the tags could not be seen: the instance sought may be one.
        warnings: untagged.length === 0 ? [] : [
          `warning: the API gave no tags for ${untagged.join(", ")}, even read one by one, so ` +
          `whether they carry the tag cannot be told: they are left out`,
        ],
      };
    },
  },
  {
    name: ["instances", "get"],
    summary: "Show one instance",
    usage: "<id|name>",
    positionals: { min: 1, max: 1 },
    async run({ args, lookup, client, signal }) {
      const [ref] = args.positionals as [string];
      const id = (await lookup.instanceIds([ref]))[0]!;
      const instance = await client.instances.get(id, { signal });
      return { data: instance, lines: instanceDetails(instance), ids: [instance.id] };
    },
  },
  {
    name: ["instances", "launch"],
    summary: "Launch one instance (billed by the minute from boot)",
    mutating: true,
    flags: {
      type: { kind: "string", value: "TYPE", help: "instance type, such as gpu_1x_a10 (required)" },
      region: { kind: "string", value: "REGION", help: "region, such as us-east-1 (required)" },
      "ssh-key": { kind: "string", value: "NAME", help: "the one SSH key to install (required)" },
      name: { kind: "string", value: "NAME", help: "a name, up to 64 characters" },
      hostname: { kind: "string", value: "HOST", help: "a hostname" },
      "image-family": { kind: "string", value: "FAMILY", help: "an image family" },
      "image-id": { kind: "string", value: "ID", help: "an image id" },
      filesystem: { kind: "list", value: "NAME", help: "a filesystem to mount (repeatable)" },
      "firewall-ruleset": {
        kind: "list",
        value: "ID|NAME",
        help: "a firewall ruleset to apply (repeatable)",
      },
      tag: { kind: "list", value: "KEY=VALUE", help: "a tag (repeatable)" },
      "user-data-file": { kind: "string", value: "PATH", help: "cloud-init user data" },
      wait: {
        kind: "boolean",
        short: "w",
        help: "wait for its IP; if the wait fails or you press Ctrl-C, terminate it",
      },
      keep: { kind: "boolean", help: "with --wait: keep the instance when the wait fails" },
      timeout: TIMEOUT_FLAG,
      interval: INTERVAL_FLAG,
    },
    check: async (context) => void await launchPlan(context),
    confirm: { destructive: false, question: launchQuestion },
    examples: [
      "lambda instances launch --type gpu_1x_a10 --region us-east-1 --ssh-key laptop --wait",
      "lambda instances launch --type gpu_1x_a10 --region us-east-1 --ssh-key laptop --dry-run",
    ],
    async run(context) {
      const { client, args, io, signal } = context;
      const { body, wait } = await launchPlan(context);
      const unfinished = context.unfinished;
      // Known before anything is sent, so that even a second Ctrl-C, which leaves at once, can
      // name what to look for.
      const onLaunchToken = (token: string) => {
        unfinished.launchToken = token;
      };
      const onInterrupt = () =>
        io.progress(
          unfinished.instanceIds === undefined
            ? "Stopping: finding out whether the launch went through (Ctrl-C again to leave at once)"
            : args.booleans.has("keep")
            ? `Stopping: ${unfinished.instanceIds.join(", ")} is kept, as asked`
            : `Stopping: terminating ${
              unfinished.instanceIds.join(", ")
            } (Ctrl-C again to leave at once, leaving it billing)`,
        );
      signal.addEventListener("abort", onInterrupt, { once: true });
      try {
        if (!args.booleans.has("wait")) {
          const { instance_ids } = await client.instances.launch(body, { signal, onLaunchToken });
          return {
            data: { instance_ids },
            lines: [`Launched ${instance_ids.join(", ")}`],
            ids: instance_ids,
            mustReach: launchedIds(instance_ids),
          };
        }
        const instance = await client.instances.launchAndWait(body, {
          ...wait(),
          onLaunchToken,
          until: "ip",
          terminateOnFailure: !args.booleans.has("keep"),
          // Said at once: if the wait fails, the user already knows the id.
          onLaunched: (ids) => {
            unfinished.instanceIds = ids;
            io.progress(`Launched ${ids.join(", ")}; waiting for it to run`);
          },
        });
        return {
          data: instance,
          lines: [
            `Launched ${instance.id}: active at ${instance.ip}`,
            ...instanceDetails(instance),
          ],
          ids: [instance.id],
          mustReach: launchedIds([instance.id]),
        };
      } finally {
        signal.removeEventListener("abort", onInterrupt);
        context.unfinished = {};
      }
    },
  },
  {
    name: ["instances", "rename"],
    summary: "Rename an instance",
    usage: "<id|name> <new-name>",
    positionals: { min: 2, max: 2 },
    mutating: true,
    async run({ client, args, lookup, signal }) {
      const [ref, name] = args.positionals as [string, string];
      const id = (await lookup.instanceIds([ref]))[0]!;
      const instance = await client.instances.update(id, { name }, { signal });
      return { data: instance, lines: [`Renamed ${id} to '${instance.name}'`], ids: [id] };
    },
  },
  {
    name: ["instances", "tag"],
    summary: "Replace an instance's tags (none given: remove them all)",
    usage: "<id|name> [key=value...]",
    positionals: { min: 1, max: Infinity },
    mutating: true,
    // The tags given, by the client's own rules, before a question about the ones they replace.
    check: (context) => {
      checkUpdateRequest({ tags: tags(context.args.positionals.slice(1)) });
      return Promise.resolve();
    },
    confirm: {
      destructive: true,
      needed: async (context) => (await tagChange(context)).removed.length > 0,
      question: async (context) => {
        const { instance, removed } = await tagChange(context);
        return `Remove the tag(s) ${tagText(removed)} from ${instance.name ?? instance.id}?`;
      },
    },
    async run(context) {
      const { instance, kept } = await tagChange(context);
      const updated = await context.client.instances.update(instance.id, { tags: kept }, {
        signal: context.signal,
      });
      const shown = tagText(visibleTags(updated)) || "none";
      return { data: updated, lines: [`Tags of ${instance.id}: ${shown}`], ids: [instance.id] };
    },
  },
  {
    name: ["instances", "restart"],
    summary: "Restart instances (what runs on them is stopped)",
    usage: "<id|name>...",
    positionals: { min: 1, max: Infinity },
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
    usage: "<id|name>...",
    positionals: { min: 1, max: Infinity },
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
    usage: "<id|name>",
    positionals: { min: 1, max: 1 },
    flags: {
      until: { kind: "string", value: "STATE", help: "active (default), ip or terminated" },
      timeout: TIMEOUT_FLAG,
      interval: INTERVAL_FLAG,
    },
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
 * The instances of `instances` that carry every tag in `wanted`. The API may list instances without
 * their tags (the spec makes them optional): those are read one by one, which gives them, so that a
 * tag filter (such as the one that finds a launch of unknown outcome) does not miss an instance for
 * want of its tags. The ids whose tags stay unknown even then are returned apart.
 */
async function withTags(
  context: CommandContext,
  instances: readonly Instance[],
  wanted: readonly TagEntry[],
): Promise<{ instances: Instance[]; untagged: string[] }> {
  const kept: Instance[] = [];
  const untagged: string[] = [];
  for (const listed of instances) {
    const instance = Array.isArray(listed.tags) ? listed : await context.client.instances
      .get(listed.id, { signal: context.signal })
      .catch((error) => {
        if (error instanceof NotFoundError) return undefined; // gone since it was listed
        throw error;
      });
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

/** What `instances tag` would do to an instance. */
interface TagChange {
  instance: Instance;
  /** The tags it sends: those given, and the client's launch-token tag. */
  kept: TagEntry[];
  /** The tags people set that it would remove. */
  removed: TagEntry[];
}

/**
 * What `instances tag` would do, worked out once for the question and the change: the tags it keeps
 * (those given, plus the client's launch-token tag, which is the client's own bookkeeping) and the
 * ones it would remove. An instance listed without its tags is read by id; if its tags are still
 * unknown, it refuses, since replacing them could remove tags nobody was asked about.
 */
const tagChange = perRun(async (context): Promise<TagChange> => {
  const [ref, ...pairs] = context.args.positionals as [string, ...string[]];
  const given = tags(pairs);
  let instance = await context.lookup.instance(ref);
  if (!Array.isArray(instance.tags)) {
    instance = await context.client.instances.get(instance.id, { signal: context.signal });
  }
  if (!Array.isArray(instance.tags)) {
    throw new CliError(
      `Cannot tag instance '${instance.id}': the API did not say which tags it has, so replacing them could remove tags unseen: nothing was changed`,
      EXIT.failed,
      "try again later, or set every tag it should keep with: lambda api postInstance --path id=… --body '{\"tags\": […]}'",
    );
  }
  const token = given.some((tag) => tag.key === LAUNCH_TOKEN_KEY)
    ? []
    : instance.tags.filter((tag) => tag.key === LAUNCH_TOKEN_KEY);
  const removed = visibleTags(instance).filter((tag) =>
    !given.some((kept) => kept.key === tag.key && kept.value === tag.value)
  );
  return { instance, kept: [...given, ...token], removed };
});
