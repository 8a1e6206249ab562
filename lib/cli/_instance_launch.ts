// `instances launch`: what it sends, checked once before the question (which names the price),
// and a launch that names its token before anything is sent, waited for with --wait.

import type { InstanceLaunchRequest } from "../../mod.ts";
import { UsageError } from "./_args.ts";
import {
  type Command,
  type CommandContext,
  flag,
  flagFile,
  listFlag,
  perRun,
  refuseLaunchTokenTag,
  requiredFlag,
  tags,
} from "./_command.ts";
import { checkLaunchRequest } from "../_rules/instances.ts";
import { instanceDetails, INTERVAL_FLAG, TIMEOUT_FLAG, waitOptions } from "./_instance_view.ts";
import { launchedIds } from "./_interrupts.ts";
import { ALLOW_DUPLICATE_FLAG } from "./_known_values.ts";
import { checkLaunchValues } from "./_launch_checks.ts";
import { recordedLaunch } from "./_recorded_launch.ts";
import { dollars, price } from "./_table.ts";

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
  refuseLaunchTokenTag(body.tags);
  return body;
}

/**
 * What `instances launch` sends and how it waits, worked out and checked once, before the
 * question: options, the user-data file, every value against what exists (the type, region, SSH
 * key, filesystems, rulesets, image and name) and the body against the client's own rules, so
 * that a mistake is found before a yes, not after one, and never spends the launch slot.
 */
const launchPlan = perRun(async (context) => {
  const { args, io } = context;
  const body = launchBody(context);
  const wait = waitOptions(context);
  const userData = await flagFile(io, args, "user-data-file");
  if (userData !== undefined) body.user_data = userData;
  await checkLaunchValues(context, body, listFlag(args, "firewall-ruleset"));
  checkLaunchRequest(body);
  return { body, wait };
});

/** The launch question, with what it costs: the type's price comes from the API's list. */
async function launchQuestion(context: CommandContext): Promise<string> {
  const { body } = await launchPlan(context);
  // There is one: the plan checked the type.
  const item = (await context.lookup.instanceTypes())
    .find((type) => type.instance_type.name === body.instance_type_name)!;
  const cents = item.instance_type.price_cents_per_hour;
  const where = body.region_name;
  const capacity = item.regions_with_capacity_available.some((region) => region.name === where)
    ? ""
    : ` There is no capacity for it in ${where} right now, so Lambda will likely refuse.`;
  return `Launch ${body.instance_type_name}${body.name ? ` '${body.name}'` : ""} in ${where} at ${
    price(cents)
  } (${dollars(cents * 24)} a day)? It bills by the minute until terminated.${capacity}`;
}

/** `instances launch`. */
export const LAUNCH_COMMAND: Command = {
  name: ["instances", "launch"],
  summary: "Launch one instance (billed by the minute from boot)",
  mutating: true,
  flags: {
    type: {
      kind: "string",
      value: "TYPE",
      help: "instance type, such as gpu_1x_a10 (required)",
      complete: "types",
    },
    region: {
      kind: "string",
      value: "REGION",
      help: "region, such as us-east-1 (required)",
      complete: "regions",
    },
    "ssh-key": {
      kind: "string",
      value: "NAME",
      help: "the one SSH key to install (required)",
      complete: "ssh-keys",
    },
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
    "allow-duplicate": ALLOW_DUPLICATE_FLAG,
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
    using launch = recordedLaunch(context, body);
    const { onLaunchToken } = launch;
    const onInterrupt = () =>
      io.progress(
        unfinished.launchToken === undefined
          ? "Stopping: nothing was sent yet"
          : unfinished.instanceIds === undefined
          ? `Stopping: finding out whether the launch with token '${unfinished.launchToken}' went through (Ctrl-C again to leave at once)`
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
        await launch.succeeded(instance_ids);
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
          launch.launched(ids);
          io.progress(`Launched ${ids.join(", ")}; waiting for it to run`);
        },
      });
      await launch.succeeded([instance.id]);
      return {
        data: instance,
        lines: [
          `Launched ${instance.id}: active at ${instance.ip}`,
          ...instanceDetails(instance),
        ],
        ids: [instance.id],
        mustReach: launchedIds([instance.id]),
      };
    } catch (error) {
      await launch.failed(error, args.booleans.has("keep"));
      throw error;
    } finally {
      signal.removeEventListener("abort", onInterrupt);
    }
  },
};
