// `lambda audit`: the account's audit trail, newest first, within a time window.

import type { AuditEvent } from "../../mod.ts";
import { type ParsedArgs, UsageError } from "./_args.ts";
import { type Command, flag, integer } from "./_command.ts";

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DEFAULT_SINCE = "24h";
const DEFAULT_LIMIT = 50;

/**
 * A time flag: a span back from `now` (`30m`, `24h`, `7d`, `2w`) or an ISO 8601 time
 * (`2026-01-31`, `2026-01-31T12:00:00Z`).
 */
export function timeFlag(args: ParsedArgs, name: string, now: number): Date | undefined {
  const value = flag(args, name);
  return value === undefined ? undefined : parseWhen(name, value, now);
}

function parseWhen(name: string, value: string, now: number): Date {
  const span = /^(\d+(?:\.\d+)?)([mhdw])$/.exec(value);
  if (span) return new Date(now - Number(span[1]) * UNITS[span[2]!]!);
  const time = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new UsageError(
      `option '--${name}' must be a span such as 30m, 24h or 7d, or an ISO 8601 time such as 2026-01-31T12:00:00Z, received '${value}'`,
    );
  }
  return new Date(time);
}

/** The kind and id of an LRN, such as `instance/0920…` of `lrn:cloud:instance:0920…`. */
export function shortLrn(lrn: string): string {
  return lrn.split(":").slice(-2).join("/");
}

/** The id at the end of an LRN, such as `0920…` of `lrn:cloud:instance:0920…`. */
export function lrnId(lrn: string): string {
  return lrn.slice(lrn.lastIndexOf(":") + 1);
}

/** The audit command. */
export const AUDIT_COMMANDS: Command[] = [
  {
    name: ["audit"],
    summary: "Show the audit trail, newest first",
    flags: {
      since: {
        kind: "string",
        value: "WHEN",
        help: `from this time, or this long ago, such as 7d (default ${DEFAULT_SINCE})`,
      },
      until: { kind: "string", value: "WHEN", help: "up to this time, or this long ago" },
      "resource-type": { kind: "string", value: "TYPE", help: "such as cloud.instance" },
      limit: {
        kind: "string",
        value: "N",
        short: "L",
        help: `the newest this many events (default ${DEFAULT_LIMIT})`,
      },
    },
    columns: ["TIME", "ACTION", "RESOURCE", "ACTOR"],
    // Its table has no column of ids, and nothing takes an event's id.
    quiet: false,
    examples: ["lambda audit --since 7d --resource-type cloud.instance", "lambda audit --json"],
    async run({ client, args, now, signal }) {
      const at = now();
      const since = timeFlag(args, "since", at) ?? parseWhen("since", DEFAULT_SINCE, at);
      const until = timeFlag(args, "until", at);
      if (until !== undefined && until < since) {
        throw new UsageError(
          `option '--until' (${until.toISOString()}) is before '--since' (${since.toISOString()})`,
        );
      }
      const limit = integer(args, "limit") ?? DEFAULT_LIMIT;
      if (limit === 0) throw new UsageError("option '--limit' must be 1 or more, received '0'");
      const resourceType = flag(args, "resource-type");
      const all: AuditEvent[] = [];
      for await (
        const event of client.auditEvents.list({
          start: since,
          ...(until === undefined ? {} : { end: until }),
          ...(resourceType === undefined ? {} : { resource_type: resourceType }),
        }, { signal })
      ) all.push(event);
      const events = all
        .sort((a, b) => Date.parse(b.event_time) - Date.parse(a.event_time))
        .slice(0, limit);
      const window = `since ${since.toISOString()}${
        flag(args, "since") === undefined ? ` (the last ${DEFAULT_SINCE}; --since for more)` : ""
      }${until === undefined ? "" : ` until ${until.toISOString()}`}`;
      return {
        data: events,
        rows: events.map((event) => ({
          TIME: event.event_time,
          ACTION: `${event.resource_name}.${event.action}`,
          RESOURCE: event.resource_lrns.map(shortLrn).join(", "),
          ACTOR: event.actor_email ?? event.actor_display_name ?? "",
        })),
        notes: all.length > events.length
          ? [
            `Showing the newest ${events.length} of ${all.length} events ${window}; raise --limit to see more`,
          ]
          : all.length === 0
          ? [`No events ${window}`]
          : [],
      };
    },
  },
];
