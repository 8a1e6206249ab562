// deno serve --unstable-kv --allow-net=cloud.lambda.ai,127.0.0.1 --allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL,REAP_MAX_AGE_HOURS,REAPER_TOKEN examples/reaper.ts
// On the emulator: deno task example examples/reaper.ts
//
// A Deno Deploy app that reaps forgotten GPU instances. Every 15 minutes (Deno.cron) it terminates
// each instance that is past its policy: tagged `reap-after` with a time that has passed, or running
// for longer than REAP_MAX_AGE_HOURS (24 by default; launch times come from the audit trail),
// unless tagged `keep=true`. GET / shows what it would reap now, and POST /reap reaps now: both
// only with `Authorization: Bearer $REAPER_TOKEN` (a Deploy app is public, and instance names say
// what a team works on), compared in constant time. On Deploy, isolates in several regions may run
// at once: they book their requests in the platform's KV (Deno.openKv()), so together they keep to
// the key's rate limit. Deploy needs none of the flags above. Locally, Deno.openKv() opens a file in
// Deno's cache, shared by every process that serves this file, and the schedule does not run
// (Deno.cron needs --unstable-cron, and with a cron registered Deno 2.9's `deno serve` ignores
// Ctrl-C): POST /reap does what the schedule does.

import { type Instance, kvRateLimitStore, LambdaCloudClient, LambdaCloudError } from "../mod.ts";
import { bearerRefusal } from "./_bearer.ts";

const REAP_AFTER_TAG = "reap-after";
const AUDIT_LOOKBACK_MS = 30 * 24 * 3_600_000;

/** One instance the policy reaps, and why. */
interface Verdict {
  id: string;
  name: string | null;
  reason: string;
}

let client: Promise<LambdaCloudClient> | undefined;

function getClient(): Promise<LambdaCloudClient> {
  client ??= (async () => {
    const baseUrl = Deno.env.get("LAMBDA_BASE_URL");
    const store = kvRateLimitStore(await Deno.openKv());
    return new LambdaCloudClient({
      ...(baseUrl ? { baseUrl } : {}),
      rateLimit: { store },
      hooks: {
        onRateLimitFallback: (event) =>
          // deno-lint-ignore no-console -- Deploy's logs are where this should show
          console.warn(`KV unavailable, pacing this isolate alone: ${event.error.message}`),
      },
    });
  })();
  return client;
}

/** When each instance was launched, from the audit trail of the last 30 days. */
async function launchedAt(lambda: LambdaCloudClient, now: number): Promise<Map<string, number>> {
  const launched = new Map<string, number>();
  const events = lambda.auditEvents.list({
    start: new Date(now - AUDIT_LOOKBACK_MS),
    resource_type: "cloud.instance",
  });
  // Oldest first: the first event that names an instance is its launch, whatever verb the trail
  // gives it (the spec documents none for instances). An LRN ends in the id, after a colon
  // (`lrn:cloud:instance:<id>`).
  for await (const event of events) {
    if (event.resource_name !== "instance") continue;
    for (const lrn of event.resource_lrns) {
      const id = lrn.slice(Math.max(lrn.lastIndexOf(":"), lrn.lastIndexOf("/")) + 1);
      if (!launched.has(id)) launched.set(id, Date.parse(event.event_time));
    }
  }
  return launched;
}

/** Why the policy reaps `instance` at `now`, or `undefined` when it keeps it. */
function verdict(
  instance: Instance,
  launched: number | undefined,
  now: number,
): string | undefined {
  const tag = (key: string) => instance.tags?.find((item) => item.key === key)?.value;
  if (tag("keep") === "true") return undefined;
  const reapAfter = Date.parse(tag(REAP_AFTER_TAG) ?? "");
  if (reapAfter <= now) return `${REAP_AFTER_TAG} ${new Date(reapAfter).toISOString()} has passed`;
  const maxAgeHours = Number(Deno.env.get("REAP_MAX_AGE_HOURS") ?? 24);
  if (launched !== undefined && now - launched > maxAgeHours * 3_600_000) {
    return `running for more than ${maxAgeHours} hours`;
  }
  return undefined;
}

/** Finds what the policy reaps now, and terminates it unless `dryRun`. */
async function reap(
  dryRun: boolean,
): Promise<{ reaped: Verdict[]; kept: number; dryRun: boolean }> {
  const lambda = await getClient();
  const now = Date.now();
  const running = (await lambda.instances.list())
    .filter((instance) => instance.status !== "terminated" && instance.status !== "terminating");
  const launched = running.length === 0 ? new Map() : await launchedAt(lambda, now);
  const reaped = running.flatMap((instance) => {
    const reason = verdict(instance, launched.get(instance.id), now);
    return reason === undefined ? [] : [{ id: instance.id, name: instance.name ?? null, reason }];
  });
  if (!dryRun && reaped.length > 0) await lambda.instances.terminate(reaped.map((item) => item.id));
  return { reaped, kept: running.length - reaped.length, dryRun };
}

// Registered when the module loads, where Deploy looks for schedules.
if (typeof Deno.cron === "function") {
  Deno.cron("reap Lambda instances", "*/15 * * * *", async () => {
    // deno-lint-ignore no-console -- Deploy's logs are where this should show
    console.log(JSON.stringify(await reap(false)));
  });
}

export default {
  async fetch(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    const dryRun = request.method === "GET" && path === "/";
    if (!dryRun && !(request.method === "POST" && path === "/reap")) {
      return new Response(null, { status: 404 });
    }
    try {
      return await bearerRefusal(request, "REAPER_TOKEN") ?? Response.json(await reap(dryRun));
    } catch (error) {
      // The message names the failed call and Lambda's code; it never holds the key.
      const message = error instanceof LambdaCloudError ? error.message : "internal error";
      return Response.json({ error: message }, { status: 502 });
    }
  },
} satisfies Deno.ServeDefaultExport;
