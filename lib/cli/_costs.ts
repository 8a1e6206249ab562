// Money at a glance: when each instance was launched (from the audit trail, since the instance
// itself does not say), how long it has run, and what it has cost at its list price.

import type { Instance, LambdaCloudClient } from "../../mod.ts";
import type { Command } from "./_command.ts";
import { lrnId } from "./_audit.ts";
import { dollars, duration, price } from "./_table.ts";

/** How far back the audit trail is read for launches. */
export const LAUNCH_LOOKBACK_MS = 30 * 86_400_000;

/** Statuses that no longer bill. */
const NOT_BILLED: readonly string[] = ["terminated", "preempted"];

/** Whether `instance` is still billed by the minute. */
export function isBilled(instance: Instance): boolean {
  return !NOT_BILLED.includes(instance.status);
}

/** When the instances were launched, as far as the audit trail tells, and why not if it cannot. */
export interface LaunchTimes {
  /** Launch time in milliseconds since the epoch, by instance id. */
  times: Map<string, number>;
  /** Why the audit trail could not be read, when it could not. */
  unavailable?: string;
}

/**
 * Reads the launch times of `ids` from the audit trail of the last 30 days. A failure to read it
 * (such as a key without access to audit events) is reported, not thrown: prices still show.
 */
export async function launchTimes(
  client: LambdaCloudClient,
  ids: readonly string[],
  now: number,
  signal: AbortSignal,
): Promise<LaunchTimes> {
  const times = new Map<string, number>();
  if (ids.length === 0) return { times };
  const wanted = new Set(ids);
  try {
    const events = client.auditEvents.list(
      { start: new Date(now - LAUNCH_LOOKBACK_MS), resource_type: "cloud.instance" },
      { signal },
    );
    // Oldest first: the first event that names an instance is its launch, whatever verb the
    // catalogue gives it (the spec documents none for instances).
    for await (const event of events) {
      if (event.resource_name !== "instance") continue;
      for (const lrn of event.resource_lrns) {
        const id = lrnId(lrn);
        if (wanted.has(id) && !times.has(id)) times.set(id, Date.parse(event.event_time));
      }
    }
    return { times };
  } catch (error) {
    if (signal.aborted) throw error;
    return { times, unavailable: error instanceof Error ? error.message : String(error) };
  }
}

/** What an instance has cost since `launchedAt`, in cents: its hourly price, by the started minute. */
export function costSince(instance: Instance, launchedAt: number, now: number): number {
  const minutes = Math.ceil(Math.max(0, now - launchedAt) / 60_000);
  return (instance.instance_type.price_cents_per_hour * minutes) / 60;
}

/** The hourly price of every billed instance, summed, in cents. */
export function burnRate(instances: readonly Instance[]): number {
  return instances.filter(isBilled).reduce(
    (sum, instance) => sum + instance.instance_type.price_cents_per_hour,
    0,
  );
}

/** `lambda costs`: what is running, what it burns per hour, and what it has cost since launch. */
export const COSTS_COMMANDS: Command[] = [
  {
    name: ["costs"],
    summary: "What your instances cost: per hour now, and in all since each was launched",
    columns: ["ID", "NAME", "TYPE", "STATUS", "PRICE", "UPTIME", "COST"],
    examples: ["lambda costs", "lambda costs --json"],
    async run({ client, lookup, now, signal }) {
      const instances = (await lookup.instances()).filter(isBilled);
      const at = now();
      const { times, unavailable } = await launchTimes(
        client,
        instances.map((instance) => instance.id),
        at,
        signal,
      );
      const items = instances.map((instance) => {
        const launchedAt = times.get(instance.id);
        return {
          instance,
          launchedAt,
          costCents: launchedAt === undefined ? undefined : costSince(instance, launchedAt, at),
        };
      });
      const rate = burnRate(instances);
      const spent = items.reduce((sum, item) => sum + (item.costCents ?? 0), 0);
      const unknown = items.filter((item) => item.launchedAt === undefined).length;
      return {
        data: {
          cents_per_hour: rate,
          cents_since_launch: Math.round(spent),
          instances: items.map(({ instance, launchedAt, costCents }) => ({
            id: instance.id,
            name: instance.name ?? null,
            instance_type_name: instance.instance_type.name,
            status: instance.status,
            price_cents_per_hour: instance.instance_type.price_cents_per_hour,
            launched_at: launchedAt === undefined ? null : new Date(launchedAt).toISOString(),
            cents_since_launch: costCents === undefined ? null : Math.round(costCents),
          })),
        },
        rows: items.map(({ instance, launchedAt, costCents }) => ({
          ID: instance.id,
          NAME: instance.name ?? "",
          TYPE: instance.instance_type.name,
          STATUS: instance.status,
          PRICE: price(instance.instance_type.price_cents_per_hour),
          UPTIME: launchedAt === undefined ? "?" : duration(at - launchedAt),
          COST: costCents === undefined ? "?" : dollars(costCents),
        })),
        footer: [
          "",
          `Now: ${price(rate)} (${dollars(rate * 24)} a day) for ${instances.length} instance(s).`,
          `Since launch: ${dollars(spent)}${
            unknown > 0
              ? `, plus ${unknown} instance(s) launched before the last 30 days of the audit trail`
              : ""
          }. Estimated from list prices, by the minute.`,
        ],
        notes: unavailable === undefined
          ? []
          : [`Launch times unknown: the audit trail could not be read (${unavailable})`],
      };
    },
  },
];
