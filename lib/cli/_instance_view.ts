// How an instance is shown (as a table row, as lines) and how every wait for one is asked for
// (`--timeout`, `--interval`, a progress line per poll).

import { type Instance, LAUNCH_TOKEN_KEY, type TagEntry, type WaitProgress } from "../../mod.ts";
import { type CommandContext, seconds } from "./_command.ts";
import { isBilled } from "./_costs.ts";
import { details, duration, price } from "./_table.ts";

export const TIMEOUT_FLAG = {
  kind: "string",
  value: "SECONDS",
  help: "how long to wait (default 1800; a launch: twice its type's boot, 1800 at least)",
} as const;
export const INTERVAL_FLAG = {
  kind: "string",
  value: "SECONDS",
  help: "time between polls (default 5)",
} as const;

/** The tags people set: the client's own launch-token tag is left out. */
export function visibleTags(instance: Instance): TagEntry[] {
  return (Array.isArray(instance.tags) ? instance.tags : []).filter((tag) =>
    tag?.key !== LAUNCH_TOKEN_KEY
  );
}

export function tagText(list: readonly TagEntry[]): string {
  return list.map((tag) => `${tag.key}=${tag.value}`).join(", ");
}

/** An instance as a table row; `launchedAt` fills UPTIME when known. */
export function instanceRow(
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

export const INSTANCE_COLUMNS = [
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
export const SHORT_INSTANCE_COLUMNS = ["ID", "NAME", "STATUS", "TYPE", "REGION", "IP"] as const;

/** An instance as lines; read with care, since a launch that succeeded must not end in a crash. */
export function instanceDetails(instance: Instance): string[] {
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
export function waitOptions(context: CommandContext): (id?: string) => {
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
