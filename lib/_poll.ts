// Polling until something is true, for waits built on reads and for the search for a launch:
// spaced polls, a deadline that bounds the whole wait (a poll that hangs included), transient
// failures waited out, and an abort that ends it at once, or soon after.

import type { Clock } from "./clock.ts";
import { Deadline } from "./_deadline.ts";
import { isRetryable, RETRY_IDEMPOTENT } from "./transport/_retry.ts";

/** When to poll and when to stop. */
export interface PollSettings {
  timeoutMs: number;
  intervalMs: number;
  signal: AbortSignal | undefined;
  /**
   * When set, the caller's abort does not end the poll at once but within this many milliseconds,
   * and then as time running out does: for a search whose answer matters most after an abort.
   */
  afterAbortMs?: number;
}

/**
 * Calls `step` until it returns `{ value }`, waiting `intervalMs` between calls. A step that fails
 * the way a retried read may (no answer, 429, 5xx) counts as "not yet"; any other failure ends the
 * poll. `step` gets a signal that aborts when the poll must end, so even a poll that hangs cannot
 * outlast the wait. When time runs out, throws what `timedOut` makes of the time spent and the
 * last transient failure; when the caller aborts, throws the caller's reason (unless
 * `afterAbortMs` is set).
 */
export async function pollUntil<T>(
  clock: Clock,
  settings: PollSettings,
  step: (
    polls: number,
    elapsedMs: () => number,
    signal: AbortSignal,
  ) => Promise<{ value: T } | undefined>,
  timedOut: (elapsedMs: number, lastFailure: unknown) => Error,
): Promise<T> {
  const { intervalMs, signal: callerSignal, afterAbortMs } = settings;
  const patient = afterAbortMs !== undefined;
  if (!patient) callerSignal?.throwIfAborted();
  const started = clock.now();
  const elapsedMs = () => clock.now() - started;
  const deadline = new Deadline(clock, settings.timeoutMs);
  // Aborts when the poll must end: at the deadline, or at the caller's abort (or, when patient,
  // once the grace after it is up).
  const stop = new AbortController();
  const end = () => stop.abort(deadline.signal.reason);
  let grace: Deadline | undefined;
  const onAbort = () => {
    if (!patient) return stop.abort(callerSignal?.reason);
    grace = new Deadline(clock, Math.min(afterAbortMs, deadline.remainingMs));
    grace.signal.addEventListener("abort", end, { once: true });
  };
  deadline.signal.addEventListener("abort", end, { once: true });
  if (callerSignal?.aborted) onAbort();
  else callerSignal?.addEventListener("abort", onAbort, { once: true });
  const { signal } = stop;
  let lastFailure: unknown;
  // Both ways out of a wait that was cut short: the caller's reason, or the timeout.
  const cutShort = (): Error | unknown =>
    callerSignal?.aborted && !patient ? callerSignal.reason : timedOut(elapsedMs(), lastFailure);
  try {
    for (let polls = 1;; polls++) {
      try {
        const done = await step(polls, elapsedMs, signal);
        if (done) return done.value;
        lastFailure = undefined;
      } catch (error) {
        if (signal.aborted) throw cutShort();
        if (!isRetryable(RETRY_IDEMPOTENT, error)) throw error;
        lastFailure = error;
      }
      const remaining = Math.min(deadline.remainingMs, grace?.remainingMs ?? Infinity);
      if (remaining <= 0) throw timedOut(elapsedMs(), lastFailure);
      try {
        await clock.sleep(Math.min(intervalMs, remaining), signal);
      } catch {
        throw cutShort();
      }
    }
  } finally {
    deadline.dispose();
    grace?.dispose();
    grace?.signal.removeEventListener("abort", end);
    deadline.signal.removeEventListener("abort", end);
    callerSignal?.removeEventListener("abort", onAbort);
  }
}
