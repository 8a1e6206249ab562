// Commands for instances, instance types and capacity.

import type { CapacityFilter } from "../workflows/capacity.ts";
import type { Instance, InstanceLaunchRequest } from "../types/instances.ts";
import type { WaitProgress, WaitUntil } from "../workflows/wait.ts";
import { UsageError } from "./_args.ts";
import {
  type Command,
  type CommandContext,
  flag,
  integer,
  requiredFlag,
  seconds,
  tags,
} from "./_command.ts";
import { details, price, table } from "./_table.ts";

const WAIT_FLAGS = {
  wait: { kind: "boolean", help: "wait until it is done, with a live progress line" },
  timeout: { kind: "string", value: "SECONDS", help: "how long to wait (default 1800)" },
} as const;

function instanceRows(instances: readonly Instance[]): string[] {
  return table(
    ["id", "name", "status", "type", "region", "ip"],
    instances.map((instance) => [
      instance.id,
      instance.name ?? "",
      instance.status,
      instance.instance_type.name,
      instance.region.name,
      instance.ip ?? "",
    ]),
  );
}

function instanceDetails(instance: Instance): string[] {
  return details([
    ["id", instance.id],
    ["name", instance.name],
    ["status", instance.status],
    [
      "type",
      `${instance.instance_type.name} (${price(instance.instance_type.price_cents_per_hour)})`,
    ],
    ["region", instance.region.name],
    ["ip", instance.ip],
    ["private ip", instance.private_ip],
    ["hostname", instance.hostname],
    ["ssh keys", instance.ssh_key_names.join(", ")],
    ["filesystems", instance.file_system_names.join(", ")],
    ["tags", instance.tags?.map((tag) => `${tag.key}=${tag.value}`).join(", ")],
    [
      "unavailable",
      Object.entries(instance.actions ?? {}).filter(([, action]) => !action.available)
        .map(([name, action]) => `${name} (${action.reason_code ?? "no reason given"})`).join(", "),
    ],
  ]);
}

/** Waits with a live progress line, as `instances wait` and `--wait` do. */
async function waitWithProgress(
  { client, io, args }: CommandContext,
  id: string,
  until: WaitUntil,
): Promise<Instance | undefined> {
  const onProgress = ({ instance, elapsedMs }: WaitProgress) =>
    io.progress(`${id}: ${instance?.status ?? "gone"} after ${Math.round(elapsedMs / 1000)} s`);
  const timeout = seconds(args, "timeout");
  const options = { onProgress, ...(timeout === undefined ? {} : { timeout }) };
  return until === "terminated"
    ? await client.instances.waitFor(id, { ...options, until })
    : await client.instances.waitFor(id, { ...options, until });
}

function launchBody({ args }: CommandContext, userData: string | undefined): InstanceLaunchRequest {
  const family = flag(args, "image-family");
  const imageId = flag(args, "image-id");
  if (family !== undefined && imageId !== undefined) {
    throw new UsageError("give '--image-family' or '--image-id', not both");
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
  const filesystems = args.lists.get("filesystem");
  if (filesystems) body.file_system_names = filesystems;
  const rulesets = args.lists.get("firewall-ruleset");
  if (rulesets) body.firewall_rulesets = rulesets.map((id) => ({ id }));
  if (args.lists.has("tag")) body.tags = tags(args.lists.get("tag"));
  if (userData !== undefined) body.user_data = userData;
  return body;
}

function capacityFilter({ args }: CommandContext): CapacityFilter {
  const filter: CapacityFilter = {};
  const gpu = args.lists.get("gpu");
  if (gpu) filter.gpu = gpu;
  const gpus = integer(args, "gpus");
  if (gpus !== undefined) filter.gpus = gpus;
  const regions = args.lists.get("region");
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
  const types = args.lists.get("type");
  if (types) filter.instanceType = types;
  return filter;
}

/** The instance, type and capacity commands. */
export const INSTANCE_COMMANDS: Command[] = [
  {
    name: ["instances", "list"],
    summary: "List your instances",
    flags: { "cluster-id": { kind: "string", value: "ID", help: "only those of this cluster" } },
    async run({ client, args }) {
      const clusterId = flag(args, "cluster-id");
      const instances = await client.instances.list(
        clusterId === undefined ? undefined : { cluster_id: clusterId },
      );
      return { data: instances, lines: instanceRows(instances) };
    },
  },
  {
    name: ["instances", "get"],
    summary: "Show one instance",
    usage: "<id>",
    positionals: { min: 1, max: 1 },
    async run({ client, args }) {
      const instance = await client.instances.get(args.positionals[0]!);
      return { data: instance, lines: instanceDetails(instance) };
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
      "firewall-ruleset": { kind: "list", value: "ID", help: "a ruleset to apply (repeatable)" },
      tag: { kind: "list", value: "KEY=VALUE", help: "a tag (repeatable)" },
      "user-data-file": { kind: "string", value: "PATH", help: "cloud-init user data" },
      ...WAIT_FLAGS,
    },
    confirm: ({ args }) =>
      `Launch ${flag(args, "type")} in ${flag(args, "region")}? It is billed by the minute.`,
    async run(context) {
      const path = flag(context.args, "user-data-file");
      const userData = path === undefined ? undefined : await context.io.readTextFile(path);
      const { instance_ids } = await context.client.instances.launch(launchBody(context, userData));
      const id = instance_ids[0]!;
      if (!context.args.booleans.has("wait")) {
        return { data: { instance_ids }, lines: [`Launched ${id}`] };
      }
      const instance = await waitWithProgress(context, id, "ip");
      return {
        data: instance,
        lines: [`Launched ${id}: active at ${instance?.ip}`, ...instanceDetails(instance!)],
      };
    },
  },
  {
    name: ["instances", "rename"],
    summary: "Rename an instance",
    usage: "<id> <name>",
    positionals: { min: 2, max: 2 },
    mutating: true,
    async run({ client, args }) {
      const [id, name] = args.positionals as [string, string];
      const instance = await client.instances.update(id, { name });
      return { data: instance, lines: [`Renamed ${id} to '${instance.name}'`] };
    },
  },
  {
    name: ["instances", "tag"],
    summary: "Replace an instance's tags (none given: remove them all)",
    usage: "<id> [key=value...]",
    positionals: { min: 1, max: Infinity },
    mutating: true,
    async run({ client, args }) {
      const [id, ...pairs] = args.positionals as [string, ...string[]];
      const instance = await client.instances.update(id, { tags: tags(pairs) });
      const shown = instance.tags?.map((tag) => `${tag.key}=${tag.value}`).join(", ") || "none";
      return { data: instance, lines: [`Tags of ${id}: ${shown}`] };
    },
  },
  {
    name: ["instances", "restart"],
    summary: "Restart instances",
    usage: "<id>...",
    positionals: { min: 1, max: Infinity },
    mutating: true,
    async run({ client, args }) {
      const { restarted_instances } = await client.instances.restart(args.positionals);
      return { data: restarted_instances, lines: instanceRows(restarted_instances) };
    },
  },
  {
    name: ["instances", "terminate"],
    summary: "Terminate instances (this cannot be undone)",
    usage: "<id>...",
    positionals: { min: 1, max: Infinity },
    mutating: true,
    flags: { ...WAIT_FLAGS },
    confirm: ({ args }) =>
      `Terminate ${args.positionals.join(", ")}? Their local disks are lost for good.`,
    async run(context) {
      const ids = context.args.positionals;
      const { terminated_instances } = await context.client.instances.terminate(ids);
      if (context.args.booleans.has("wait")) {
        for (const id of ids) await waitWithProgress(context, id, "terminated");
        return { data: terminated_instances, lines: [`Terminated ${ids.join(", ")}`] };
      }
      return { data: terminated_instances, lines: instanceRows(terminated_instances) };
    },
  },
  {
    name: ["instances", "wait"],
    summary: "Wait until an instance is active, has an IP, or is terminated",
    usage: "<id>",
    positionals: { min: 1, max: 1 },
    flags: {
      until: { kind: "string", value: "STATE", help: "active (default), ip or terminated" },
      timeout: WAIT_FLAGS.timeout,
    },
    async run(context) {
      const until = flag(context.args, "until") ?? "active";
      if (until !== "active" && until !== "ip" && until !== "terminated") {
        throw new UsageError(
          `option '--until' must be active, ip or terminated, received '${until}'`,
        );
      }
      const id = context.args.positionals[0]!;
      const instance = await waitWithProgress(context, id, until);
      return {
        data: instance ?? null,
        lines: [
          instance
            ? `${id} is ${instance.status}${instance.ip ? ` at ${instance.ip}` : ""}`
            : `${id} is gone`,
        ],
      };
    },
  },
  {
    name: ["types"],
    summary: "List instance types, prices and where they have capacity now",
    flags: { available: { kind: "boolean", help: "only those with capacity somewhere" } },
    async run({ client, args }) {
      const items = Object.values(await client.instanceTypes.list())
        .filter((item) =>
          !args.booleans.has("available") || item.regions_with_capacity_available.length > 0
        )
        .sort((a, b) =>
          a.instance_type.price_cents_per_hour - b.instance_type.price_cents_per_hour
        );
      return {
        data: items,
        lines: table(
          ["type", "gpus", "price", "arch", "capacity in"],
          items.map(({ instance_type: type, regions_with_capacity_available: regions }) => [
            type.name,
            String(type.specs.gpus),
            price(type.price_cents_per_hour),
            type.architecture,
            regions.map((region) => region.name).join(", ") || "-",
          ]),
        ),
      };
    },
  },
  {
    name: ["capacity"],
    summary: "Instance types with capacity now, cheapest first; --wait until one appears",
    flags: {
      gpu: { kind: "list", value: "MODEL", help: "GPU model, such as H100 (repeatable)" },
      gpus: { kind: "string", value: "N", help: "exactly this many GPUs" },
      region: { kind: "list", value: "REGION", help: "only this region (repeatable)" },
      arch: { kind: "string", value: "ARCH", help: "x86_64 or arm64" },
      "max-price": { kind: "string", value: "DOLLARS", help: "at most this many dollars an hour" },
      type: { kind: "list", value: "TYPE", help: "only this instance type (repeatable)" },
      wait: { kind: "boolean", help: "poll until something matches" },
      interval: { kind: "string", value: "SECONDS", help: "time between polls (default 15)" },
      timeout: { kind: "string", value: "SECONDS", help: "how long to wait (default 3600)" },
    },
    async run(context) {
      const { client, args, io } = context;
      const filter = capacityFilter(context);
      let matches;
      if (args.booleans.has("wait")) {
        const interval = seconds(args, "interval");
        const timeout = seconds(args, "timeout");
        matches = await client.instanceTypes.waitForCapacity(filter, {
          onPoll: (found, polls) => io.progress(`poll ${polls}: ${found.length} match(es)`),
          ...(interval === undefined ? {} : { interval }),
          ...(timeout === undefined ? {} : { timeout }),
        });
      } else {
        matches = await client.instanceTypes.available(filter);
      }
      return {
        data: matches,
        // Like grep: nothing found is a result, with its own exit code for scripts.
        ...(matches.length === 0 ? { exitCode: 5 } : {}),
        lines: table(
          ["type", "region", "gpus", "price"],
          matches.map((match) => [
            match.instance_type_name,
            match.region_name,
            String(match.instance_type.specs.gpus),
            price(match.instance_type.price_cents_per_hour),
          ]),
        ),
      };
    },
  },
];
