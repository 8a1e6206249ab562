// When instances were launched, which the API does not say, for uptime and cost so far: from the
// launch journal, which records every launch this machine's `lambda` sent (a local file: no
// request), and only when asked (`--audit-trail`) from the audit trail, which costs a turn of the
// rate limit per page, and so is read with progress, and at most MAX_AUDIT_PAGES pages.

import type { FlagSpec } from "./_args.ts";
import { lrnId } from "./_audit.ts";
import type { CommandContext } from "./_command.ts";

/** How far back the audit trail is read for launches. */
const LAUNCH_LOOKBACK_MS = 30 * 86_400_000;

// A page a second: two minutes of reading at most (12,000 events, in pages of 100).
const MAX_AUDIT_PAGES = 120;

/** The option that reads the audit trail for the launches the journal does not hold. */
export const AUDIT_TRAIL_FLAG: FlagSpec = {
  kind: "boolean",
  help:
    `launch times of instances launched elsewhere, from the audit trail (30 days back; a page a second, at most ${MAX_AUDIT_PAGES})`,
};

/** When the instances were launched, as far as can be told. */
export interface LaunchTimes {
  /** Launch time in milliseconds since the epoch, by instance id. */
  times: Map<string, number>;
  /** Why the instances without a time have none, in words that follow "launched". */
  unknownWhy: string;
  /** What could not be read, for people. */
  notes: string[];
}

/**
 * The launch times of `ids`: from the journal, then, with `--audit-trail`, from the audit trail
 * for those it does not hold. A source that cannot be read is reported, not thrown: prices still
 * show.
 */
export async function launchTimes(
  context: CommandContext,
  ids: readonly string[],
): Promise<LaunchTimes> {
  const times = new Map<string, number>();
  const notes: string[] = [];
  const audit = context.args.booleans.has("audit-trail");
  const unknownWhy = audit
    ? "before the last 30 days of the audit trail"
    : "from elsewhere (not in this machine's launch journal; --audit-trail finds them)";
  if (ids.length === 0) return { times, unknownWhy, notes };
  try {
    // A journal that cannot be read (a stuck mount) costs the uptime column, not the list.
    const journaled = await context.journal?.launchTimes().catch(() => undefined) ??
      new Map<string, number>();
    ids.forEach((id) => journaled.has(id) && times.set(id, journaled.get(id)!));
  } catch (error) {
    notes.push(`Launch times unknown: the launch journal could not be read (${text(error)})`);
  }
  const missing = new Set(ids.filter((id) => !times.has(id)));
  if (audit && missing.size > 0) await fromAuditTrail(context, missing, times, notes);
  return { times, unknownWhy, notes };
}

/**
 * Reads the audit trail of the last 30 days, oldest first, until every instance of `missing` has
 * its launch (the first event that names it, whatever verb the catalogue gives it: the spec
 * documents none for instances), the trail ends, or MAX_AUDIT_PAGES pages have been read.
 */
async function fromAuditTrail(
  context: CommandContext,
  missing: Set<string>,
  times: Map<string, number>,
  notes: string[],
): Promise<void> {
  const { client, io, signal } = context;
  const query = {
    start: new Date(context.now() - LAUNCH_LOOKBACK_MS),
    resource_type: "cloud.instance",
  };
  let pageToken: string | undefined;
  try {
    for (let page = 1; page <= MAX_AUDIT_PAGES; page++) {
      io.progress(
        `Reading the audit trail for ${missing.size} launch time(s): page ${page} (at most ${MAX_AUDIT_PAGES})`,
      );
      const answer = await client.auditEvents.listPage({ ...query, page_token: pageToken }, {
        signal,
      });
      for (const event of answer.data) {
        if (event.resource_name !== "instance") continue;
        for (const id of event.resource_lrns.map(lrnId)) {
          if (missing.delete(id)) times.set(id, Date.parse(event.event_time));
        }
      }
      if (missing.size === 0 || !answer.page_token) return;
      pageToken = answer.page_token;
    }
    notes.push(
      `The audit trail was read for ${MAX_AUDIT_PAGES} pages, not to its end: the launch of ${missing.size} instance(s) may be in the rest`,
    );
  } catch (error) {
    if (signal.aborted) throw error;
    notes.push(`Launch times unknown: the audit trail could not be read (${text(error)})`);
  }
}

function text(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
