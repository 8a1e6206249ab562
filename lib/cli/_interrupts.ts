// Ctrl-C, SIGTERM and SIGHUP. The first stops what is running (a launch --wait then terminates
// what it launched, and says so); a second leaves at once, but first says what may be left
// billing, since a launch in flight may have gone through: its launch token (known before it is
// sent) and any instance id, with the commands that find and terminate them.

import { LAUNCH_TOKEN_KEY } from "../../mod.ts";
import type { CommandContext, MustReach } from "./_command.ts";
import { EXIT } from "./_exit.ts";
import { PROGRAM } from "./_help.ts";

/** The signals that interrupt a run. */
export type InterruptSignal = "SIGINT" | "SIGTERM" | "SIGHUP";

const INTERRUPTIONS: Record<InterruptSignal, { message: string; exitCode: number }> = {
  SIGINT: { message: "interrupted (Ctrl-C)", exitCode: EXIT.interrupted },
  SIGTERM: { message: "stopped (SIGTERM)", exitCode: EXIT.stopped },
  // The terminal went away: a closed SSH session or terminal window.
  SIGHUP: { message: "hung up (SIGHUP)", exitCode: EXIT.hungUp },
};

/** Why a run was interrupted: the abort reason of the run's signal. */
export class Interruption extends Error {
  override name = "Interruption";
  /**
   * The exit code: 130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP, as a shell reports a process
   * they killed.
   */
  readonly exitCode: number;

  /** @param signal The signal that interrupted the run. */
  constructor(readonly signal: InterruptSignal) {
    super(INTERRUPTIONS[signal].message);
    this.exitCode = INTERRUPTIONS[signal].exitCode;
  }
}

/** The exit code for a run interrupted for `reason`. */
export function interruptedExitCode(reason: unknown): number {
  return reason instanceof Interruption ? reason.exitCode : EXIT.interrupted;
}

/** The parts of the `Deno` namespace that signals need. */
export interface SignalHost {
  addSignalListener(signal: InterruptSignal, handler: () => void): void;
  exit(code: number): never;
}

/**
 * The `interrupts` option of the real command line: listens for Ctrl-C, SIGTERM (what `timeout`,
 * a cancelled CI job and `docker stop` send) and SIGHUP (a closed terminal or SSH session) once it
 * is called. The first aborts the signal it
 * returns; a second calls `leaving` and exits at once.
 */
export function listenForInterrupts(
  deno: SignalHost,
): (leaving: (exitCode: number) => void) => AbortSignal {
  return (leaving) => {
    const controller = new AbortController();
    const on = (signal: InterruptSignal) => () => {
      if (!controller.signal.aborted) {
        controller.abort(new Interruption(signal));
        return;
      }
      const code = new Interruption(signal).exitCode;
      try {
        leaving(code);
      } finally {
        deno.exit(code);
      }
    };
    deno.addSignalListener("SIGINT", on("SIGINT"));
    for (const signal of ["SIGTERM", "SIGHUP"] as const) {
      try {
        deno.addSignalListener(signal, on(signal));
      } catch {
        // Windows has neither to listen for: there, the process ends as it always did.
      }
    }
    return controller.signal;
  };
}

/**
 * The ids of instances just launched, which must reach the user whatever becomes of stdout: they
 * bill until terminated, and nothing else says which they are.
 */
export function launchedIds(ids: readonly string[]): MustReach {
  return { lines: ids, fields: { instance_ids: ids } };
}

/** The line that finds the instances a launch token launched. */
export function findLaunchCommand(token: string): string {
  return `${PROGRAM} instances list --tag ${LAUNCH_TOKEN_KEY}=${token}`;
}

/**
 * Says, as the run leaves at once on a second interrupt, what it may leave billing and how to find
 * it; as one JSON error object under `--json`.
 */
export function sayUnfinished(context: CommandContext, exitCode: number): void {
  const { launchToken, instanceIds = [] } = context.unfinished;
  let message = "interrupted again, so it left at once";
  let suggestion: string | undefined;
  if (instanceIds.length > 0) {
    message += `: ${
      instanceIds.join(", ")
    } may still be running, and bills until terminated (it was not seen terminating)`;
    suggestion = `${PROGRAM} instances terminate ${instanceIds.join(" ")}`;
  } else if (launchToken !== undefined) {
    message +=
      ` while launching: the launch may have gone through, and bills if it did (launch token '${launchToken}')`;
    suggestion = `Before launching again, look for it: ${
      findLaunchCommand(launchToken)
    } (then terminate what it lists)`;
  }
  const { io } = context;
  if (context.json) {
    io.stderr(JSON.stringify({
      error: {
        code: "cli/interrupted",
        message,
        suggestion: suggestion ?? null,
        request_id: null,
        exit_code: exitCode,
        ...(launchToken === undefined ? {} : { launch_token: launchToken }),
        ...(instanceIds.length === 0 ? {} : { instance_ids: instanceIds }),
      },
    }));
    return;
  }
  io.stderr(`error: ${message}`);
  if (suggestion !== undefined) io.stderr(`  suggestion: ${suggestion}`);
}
