// Money at a glance: what the instances that bill burn per hour, how long each has run, and what
// it has cost at its list price since its launch (see _launch_times.ts).

import type { Instance } from "../../mod.ts";
import type { Command } from "./_command.ts";
import { INSTANCE_STATUSES } from "./_known_values.ts";
import { AUDIT_TRAIL_FLAG, launchTimes } from "./_launch_times.ts";
import { dollars, duration, price } from "./_table.ts";

// Lambda bills from the moment an instance starts booting until it is terminating: a status Lambda
// adds later counts as billing, which overstates rather than hides a cost.
const NOT_BILLED: readonly string[] = ["terminating", "terminated", "preempted"];

/** The statuses of the spec that bill, in words, for help. */
const BILLED = INSTANCE_STATUSES.filter((status) => !NOT_BILLED.includes(status));
const BILLED_HELP = `${BILLED.slice(0, -1).join(", ")} or ${BILLED.at(-1)}`;

/** Whether `instance` is still billed by the minute. */
export function isBilled(instance: Instance): boolean {
  return !NOT_BILLED.includes(instance.status);
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
    summary:
      `What your instances cost: per hour now, and in all since each was launched (those ${BILLED_HELP}: Lambda bills until terminating)`,
    flags: { "audit-trail": AUDIT_TRAIL_FLAG },
    columns: ["ID", "NAME", "TYPE", "STATUS", "PRICE", "UPTIME", "COST"],
    examples: ["lambda costs", "lambda costs --audit-trail --json"],
    async run(context) {
      const instances = (await context.lookup.instances()).filter(isBilled);
      const at = context.now();
      const { times, unknownWhy, notes } = await launchTimes(
        context,
        instances.map((instance) => instance.id),
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
            unknown > 0 ? `, plus ${unknown} instance(s) launched ${unknownWhy}` : ""
          }. Estimated from list prices, by the minute.`,
        ],
        notes,
      };
    },
  },
];
