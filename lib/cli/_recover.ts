// `instances recover`: the launches the journal holds whose run never said how they went (killed,
// crashed, cut off), each looked for by its launch token; what they left billing is shown, and
// terminated or kept as asked.

import {
  type Instance,
  LaunchOutcomeUnknownError,
  NotFoundError,
  UnidentifiedInstanceError,
} from "../../mod.ts";
import { UsageError } from "./_args.ts";
import { type Command, type CommandContext, perRun } from "./_command.ts";
import { HEARTBEAT_MS, type JournalOutcome, type OpenLaunch } from "./_journal.ts";
import { EXIT } from "./_exit.ts";
import { price } from "./_table.ts";

// A launch can be carried out minutes after it was sent (a gateway that timed out, a queue): one
// not seen this long after it was sent stays open rather than be closed as never launched.
const LATE_LAUNCH_MS = 10 * 60_000;
// A run writes a sign of life every HEARTBEAT_MS while its launch is unsettled: one this recent
// means another `lambda` may still be waiting on what it launched.
const RUNNING_MS = 3 * HEARTBEAT_MS;
const GONE: ReadonlySet<string> = new Set(["terminating", "terminated"]);

/** What looking for one open launch found. */
interface Finding {
  launch: OpenLaunch;
  /**
   * `running`: its run may still be going (left alone without `--force`); `billing`: found, not
   * all terminating; `gone`: found, all terminating or terminated.
   */
  outcome: "running" | "billing" | "gone" | "not-launched" | "not-listed-yet" | "cannot-tell";
  instances: Instance[];
  /** Why it cannot tell. */
  why?: string;
}

/**
 * What `launch` left: the instances its token finds, and those its run learned it made, read by
 * id (a listing may lag behind them).
 */
async function lookFor(context: CommandContext, launch: OpenLaunch): Promise<Instance[]> {
  const { client, signal } = context;
  const found = await client.instances.findByLaunchToken(launch.launch_token, { signal });
  for (const id of launch.instance_ids) {
    if (found.some((instance) => instance.id === id)) continue;
    const read = await client.instances.get(id, { signal }).catch((error) => {
      if (error instanceof NotFoundError) return undefined; // gone, or never readable again
      throw error;
    });
    if (read !== undefined) found.push(read);
  }
  return found;
}

const recovery = perRun(async (context: CommandContext) => {
  const { args } = context;
  if (args.booleans.has("terminate") && args.booleans.has("keep")) {
    throw new UsageError("give '--terminate' or '--keep', not both");
  }
  const journal = context.journal;
  if (journal === undefined) throw new UsageError("this run keeps no launch journal");
  const open = await journal.open();
  const findings: Finding[] = [];
  const now = context.now();
  for (const launch of open.mine) {
    try {
      const instances = await lookFor(context, launch);
      const running = launch.alive_at !== null &&
        now - Date.parse(launch.alive_at) < RUNNING_MS && !args.booleans.has("force");
      const outcome = running
        ? "running"
        : instances.some((instance) => !GONE.has(instance.status))
        ? "billing"
        : instances.length > 0
        ? "gone"
        : now - Date.parse(launch.sent_at) < LATE_LAUNCH_MS
        ? "not-listed-yet"
        : "not-launched";
      findings.push({ launch, outcome, instances });
    } catch (error) {
      // Outcomes the listing cannot settle; any other failure (a 401, no network) ends the run.
      if (
        !(error instanceof LaunchOutcomeUnknownError || error instanceof UnidentifiedInstanceError)
      ) {
        throw error;
      }
      findings.push({ launch, outcome: "cannot-tell", instances: [], why: error.message });
    }
  }
  return { journal, open, findings };
});

/** The instances found billing, as the question names them. */
function billing(findings: readonly Finding[]): Instance[] {
  return findings.filter((finding) => finding.outcome === "billing")
    .flatMap((finding) => finding.instances.filter((instance) => !GONE.has(instance.status)));
}

/** `instances recover`. */
export const RECOVER_COMMAND: Command = {
  name: ["instances", "recover"],
  summary: "Find what launches cut short (a killed or crashed run) left billing",
  flags: {
    terminate: { kind: "boolean", help: "terminate what they left billing" },
    keep: { kind: "boolean", help: "keep what they left billing, and close their entries" },
    force: {
      kind: "boolean",
      help: "also launches whose run gave a sign of life in the last 3 minutes (it may go on)",
    },
  },
  check: async (context) => void await recovery(context),
  confirm: {
    destructive: true,
    needed: async (context) =>
      context.args.booleans.has("terminate") &&
      billing((await recovery(context)).findings).length > 0,
    question: async (context) =>
      `Terminate ${
        billing((await recovery(context)).findings).map((instance) =>
          `${
            instance.name ? `'${instance.name}' ` : ""
          }${instance.id} (${instance.instance_type.name}, ${
            price(instance.instance_type.price_cents_per_hour)
          })`
        ).join(", ")
      }, launched by runs that never finished? Their local disks are lost for good.`,
  },
  columns: ["LAUNCH_TOKEN", "SENT", "TYPE", "OUTCOME", "INSTANCES"],
  examples: ["lambda instances recover", "lambda instances recover --terminate --yes"],
  async run(context) {
    const { client, args, signal } = context;
    const { journal, open, findings } = await recovery(context);
    const billed = billing(findings).map((instance) => instance.id);
    const terminate = args.booleans.has("terminate") && billed.length > 0;
    if (terminate) await client.instances.terminate(billed, { signal });
    const closing: Partial<Record<Finding["outcome"], JournalOutcome>> = {
      "gone": "terminated",
      "not-launched": "not-launched",
      ...(terminate
        ? { billing: "terminated" }
        : args.booleans.has("keep")
        ? { billing: "kept" }
        : {}),
    };
    const rows = [];
    for (const finding of findings) {
      const { launch, instances } = finding;
      const closed = closing[finding.outcome];
      const ids = instances.map((instance) => instance.id);
      if (closed !== undefined) {
        await journal.resolved(launch.launch_token, closed, context.now(), ids);
      }
      rows.push({
        LAUNCH_TOKEN: launch.launch_token,
        SENT: launch.sent_at,
        TYPE: launch.request.instance_type_name,
        OUTCOME: closed === "terminated" && finding.outcome === "billing"
          ? "terminated now"
          : finding.outcome.replaceAll("-", " "),
        INSTANCES: instances.map((instance) => `${instance.id} (${instance.status})`).join(", "),
      });
    }
    const notes = [
      ...(findings.length === 0 ? [`No launch in the journal (${journal.where}) is open.`] : []),

      ...(open.others > 0
        ? [
          `${open.others} other open launches were sent with another key or to another API: run this with that key to look for them`,
        ]
        : []),
      ...(open.unreadable > 0
        ? [`${open.unreadable} unreadable lines of ${journal.where} were skipped`]
        : []),
    ];
    // What may still bill, and is left so: said on stderr whatever the output, and exit 1.
    const running = findings.filter((finding) => finding.outcome === "running").length;
    const left = terminate || args.booleans.has("keep") ? 0 : billed.length;
    const warnings = [
      ...(left > 0
        ? [
          `warning: ${left} found billing: '--terminate' terminates them, '--keep' closes their entries`,
        ]
        : []),
      ...(running > 0
        ? [
          `warning: ${running} launch(es) left alone as running: their run gave a sign of life under 3 minutes ago and may still wait on them; if it is gone (killed), '--force' includes them`,
        ]
        : []),
    ];
    return {
      ...(warnings.length > 0 ? { warnings, exitCode: EXIT.failed } : {}),
      data: findings.map(({ launch, outcome, instances, why }) => ({
        ...launch,
        outcome,
        closed: closing[outcome] !== undefined,
        instance_ids: instances.map((instance) => instance.id),
        ...(why === undefined ? {} : { why }),
      })),
      rows,
      ids: billed,
      notes,
    };
  },
};
