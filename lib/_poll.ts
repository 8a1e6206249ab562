// Polling until something is true, for waits built on reads: spaced polls, a deadline that bounds
// the whole wait (a poll that hangs included), transient failures waited out, and an abort that
// ends it at once.

import type { Clock } from "./clock.ts";
import { Deadline } from "./_deadline.ts";
import { isRetryable, RETRY_IDEMPOTENT } from "./transport/_retry.ts";

/** When to poll and when to stop. */
export interface PollSettings {
  timeoutMs: number;
  intervalMs: number;
  signal: AbortSignal | undefined;
}

/**
 * Calls `step` until it returns `{ value }`, waiting `intervalMs` between calls. A step that fails
 * the way a retried read may (no answer, 429, 5xx) counts as "not yet"; any other failure ends the
 * poll. `step` gets a signal that aborts when the caller aborts or `timeoutMs` runs out, so even a
 * poll that hangs cannot outlast the wait. When time runs out, throws what `timedOut` makes of the
 * time spent and the last transient failure; when the caller aborts, throws the caller's reason.
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
  const { timeoutMs, intervalMs, signal: callerSignal } = settings;
  callerSignal?.throwIfAborted();
  const started = clock.now();
  const elapsedMs = () => clock.now() - started;
  const deadline = new Deadline(clock, timeoutMs);
  const signal = callerSignal ? AbortSignal.any([callerSignal, deadline.signal]) : deadline.signal;
  let lastFailure: unknown;
  // Both ways out of a wait that was cut short: the caller's reason, or the timeout.
  const cutShort = (): Error | unknown =>
    callerSignal?.aborted ? callerSignal.reason : timedOut(elapsedMs(), lastFailure);
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
      const remaining = timeoutMs - elapsedMs();
      if (remaining <= 0) throw timedOut(elapsedMs(), lastFailure);
      try {
        await clock.sleep(Math.min(intervalMs, remaining), signal);
      } catch {
        throw cutShort();
      }
    }
  } finally {
    deadline.dispose();
  }
}
