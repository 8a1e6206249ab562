// Polling until something is true, for waits built on reads: spaced polls, a deadline, transient
// failures waited out, and an abort that ends it at once.

import type { Clock } from "./clock.ts";
import { isRetryable, RETRY_IDEMPOTENT } from "./_retry.ts";

/** When to poll and when to stop. */
export interface PollSettings {
  timeoutMs: number;
  intervalMs: number;
  signal: AbortSignal | undefined;
}

/**
 * Calls `step` until it returns `{ value }`, waiting `intervalMs` between calls. A step that fails
 * the way a retried read may (no answer, 429, 5xx) counts as "not yet"; any other failure ends the
 * poll. When `timeoutMs` has passed, throws what `timedOut` makes of the time spent and the last
 * transient failure.
 */
export async function pollUntil<T>(
  clock: Clock,
  settings: PollSettings,
  step: (polls: number, elapsedMs: () => number) => Promise<{ value: T } | undefined>,
  timedOut: (elapsedMs: number, lastFailure: unknown) => Error,
): Promise<T> {
  const { timeoutMs, intervalMs, signal } = settings;
  const started = clock.now();
  const elapsedMs = () => clock.now() - started;
  let lastFailure: unknown;
  for (let polls = 1;; polls++) {
    signal?.throwIfAborted();
    try {
      const done = await step(polls, elapsedMs);
      if (done) return done.value;
      lastFailure = undefined;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (!isRetryable(RETRY_IDEMPOTENT, error)) throw error;
      lastFailure = error;
    }
    const remaining = timeoutMs - elapsedMs();
    if (remaining <= 0) throw timedOut(elapsedMs(), lastFailure);
    await clock.sleep(Math.min(intervalMs, remaining), signal);
  }
}
