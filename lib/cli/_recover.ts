// `instances recover`: the launches the journal holds whose run never said how they went (killed,
// crashed, cut off), each looked for by its launch token; what they left billing is shown, and
// terminated or kept as asked.

import { type Instance, LaunchOutcomeUnknownError, UnidentifiedInstanceError } from "../../mod.ts";
import { UsageError } from "./_args.ts";
import { type Command, type CommandContext, perRun } from "./_command.ts";
import type { JournalOutcome, OpenLaunch } from "./_journal.ts";
import { price } from "./_table.ts";

// A launch sent this recently may be running yet not listed: not found, it stays open.
const LISTING_LAG_MS = 120_000;
const GONE: ReadonlySet<string> = new Set(["terminating", "terminated"]);

/** What looking for one open launch found. */
interface Finding {
  launch: OpenLaunch;
  /** `billing`: found, not all terminating; `gone`: found, all terminating or terminated. */
  outcome: "billing" | "gone" | "not-launched" | "not-listed-yet" | "cannot-tell";
  instances: Instance[];
  /** Why it cannot tell. */
  why?: string;
}

const recovery = perRun(async (context: CommandContext) => {
  const { client, args, signal } = context;
  if (args.booleans.has("terminate") && args.booleans.has("keep")) {
    throw new UsageError("give '--terminate' or '--keep', not both");
  }
  const journal = context.journal;
  if (journal === undefined) throw new UsageError("this run keeps no launch journal");
  const open = await journal.open();
  const findings: Finding[] = [];
  for (const launch of open.mine) {
    const token = launch.launch_token;
    try {
      const instances = await client.instances.findByLaunchToken(token, { signal });
      const recent = context.now() - Date.parse(launch.sent_at) < LISTING_LAG_MS;
      const outcome = instances.some((instance) => !GONE.has(instance.status))
        ? "billing"
        : instances.length > 0
        ? "gone"
        : recent
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
      ...(billed.length > 0 && !terminate && !args.booleans.has("keep")
        ? [
          `${billed.length} found billing: '--terminate' terminates them, '--keep' closes their entries`,
        ]
        : []),
      ...(open.others > 0
        ? [
          `${open.others} other open launches were sent with another key or to another API: run this with that key to look for them`,
        ]
        : []),
      ...(open.unreadable > 0
        ? [`${open.unreadable} unreadable lines of ${journal.where} were skipped`]
        : []),
    ];
    return {
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
