// A launch as the command line sends it, whatever the command: its token said before it is sent,
// recorded in the launch journal with signs of life while it is unsettled, and closed there once
// the run knows and says what it left (one that may bill unseen stays open for `instances recover`).

import {
  LaunchAbortedError,
  LaunchOutcomeUnknownError,
  LaunchWaitError,
  UnidentifiedInstanceError,
} from "../../mod.ts";
import type { CommandContext } from "./_command.ts";
import { PROGRAM } from "./_help.ts";
import { findLaunchCommand } from "./_interrupts.ts";
import { HEARTBEAT_MS, type JournalOutcome } from "./_journal.ts";
import { remark } from "./_output.ts";

/** What a command hands the client for one launch, and tells when it is over. */
export interface RecordedLaunch {
  /** The client's `onLaunchToken`: says and records the token before the launch is sent. */
  onLaunchToken(token: string): Promise<void>;
  /** Records the instances the launch made, while its outcome is not yet said. */
  launched(ids: readonly string[]): void;
  /** Closes the entry: the launch made `ids`, which the run is about to say. */
  succeeded(ids: readonly string[]): Promise<void>;
  /** Closes the entry when `error` says nothing bills unseen (`kept`: a wait's failure, as asked). */
  failed(error: unknown, kept?: boolean): Promise<void>;
  /** Stops the signs of life. */
  [Symbol.dispose](): void;
}

/** One launch of `body` in the run of `context`. */
export function recordedLaunch(context: CommandContext, body: object): RecordedLaunch {
  const { io, journal, unfinished } = context;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  // The entry's first line, which every later one follows, even one written while it is slow.
  let opened: Promise<unknown> = Promise.resolve();
  const later = async (write: (token: string) => Promise<void> | undefined) => {
    const token = unfinished.launchToken;
    if (token === undefined) return;
    await opened.catch(() => {});
    await write(token)?.catch(() => {});
  };
  const close = (outcome: JournalOutcome, ids?: readonly string[]) =>
    later((token) => journal?.resolved(token, outcome, context.now(), ids));
  return {
    async onLaunchToken(token) {
      // Known before anything is sent, and said then, so that even a run killed at once (SIGKILL)
      // leaves what to look for: on stderr, and in the journal.
      unfinished.launchToken = token;
      if (!context.dryRun) sayLaunching(context, token);
      if (journal === undefined) return; // a dry run, or an embedder's run without one
      opened = journal.sending(token, body, context.now());
      // Started at once, so that the run's end stops it however long the first line takes; and
      // kept after a failed write, which may land yet (a write that timed out).
      heartbeat = setInterval(
        () => journal.alive(token, context.now()).catch(() => {}),
        HEARTBEAT_MS,
      );
      try {
        await opened;
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        remark(
          io,
          context.json,
          "note",
          `Note: no launch journal (${why}): the line above is all that names this launch if the run is cut short`,
        );
      }
    },
    launched(ids) {
      unfinished.instanceIds = [...ids];
      void later((token) => journal?.launched(token, ids, context.now()));
    },
    succeeded: async (ids) => await close("launched", ids),
    async failed(error, kept = false) {
      if (error instanceof LaunchWaitError && (error.terminated || kept)) {
        await close(error.terminated ? "terminated" : "kept", error.instanceIds);
      } else if (!mayBill(error)) await close("not-launched");
      // Left open for recover, which need not wait for this run: it is about to end.
      else await later((token) => journal?.ended(token, context.now()));
    },
    [Symbol.dispose]() {
      clearInterval(heartbeat);
      context.unfinished = {};
    },
  };
}

/** Whether a failed launch may have left an instance billing. */
function mayBill(error: unknown): boolean {
  return error instanceof LaunchOutcomeUnknownError || error instanceof LaunchAbortedError ||
    error instanceof UnidentifiedInstanceError || error instanceof LaunchWaitError;
}

/**
 * Says, before the launch is sent, its token and the command that finds what it launched: a
 * progress line (stderr), as a JSON line with the token in a field under `--json`.
 */
function sayLaunching({ io, json }: CommandContext, token: string): void {
  const find = findLaunchCommand(token);
  const line = `Launching with launch token '${token}': if this run is cut short, find it with ` +
    `'${PROGRAM} instances recover' or '${find}'`;
  if (json) io.stderr(JSON.stringify({ progress: line, launch_token: token, find }));
  else io.progress(line);
}
