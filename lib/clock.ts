/**
 * Time as the client sees it: what time it is, and how to wait. Every wait in the client (retry
 * backoff, the rate limiter, the deadlines of waits and launch lookups) goes through one of these,
 * so tests can swap in a fake and never sleep for real.
 *
 * Several waits run at once (a deadline beside the requests it bounds), so a fake must keep them
 * in order: `FakeClock` from `@lambda-cloud/client/testing` moves time only when nothing else can
 * run. A fake whose `sleep()` moves time forward at once makes every deadline pass before the work
 * it bounds has begun: a launch lookup then makes no listing, and a cleanup sends no terminate.
 *
 * @example A clock five seconds ahead of this machine's, to see how pacing copes with skew
 * ```ts
 * import { type Clock, systemClock } from "@lambda-cloud/client";
 *
 * const ahead: Clock = {
 *   now: () => systemClock.now() + 5000,
 *   sleep: (ms, signal) => systemClock.sleep(ms, signal),
 * };
 * console.log(ahead.now() - systemClock.now() >= 4999); // true
 * ```
 */
export interface Clock {
  /**
   * The current time in milliseconds, on any fixed origin (such as the Unix epoch). Pacing and
   * waits measure intervals with it, so it should never go backwards.
   */
  now(): number;
  /**
   * Resolves after `ms` milliseconds. If `signal` aborts first, it must reject with
   * `signal.reason` and leave no timer behind.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Optional: a signal that aborts once `ms` milliseconds have passed, unless `cancel()` is
   * called first. Time limits (an attempt's timeout, a lookup's window) use it when the clock has
   * one, and `sleep()` otherwise. The system clock's is an `AbortSignal.timeout` (which `cancel`
   * leaves to fire unheard: it keeps nothing alive), the cheapest limit a request can have;
   * `FakeClock`'s does not count among the waits its `sleeps` records.
   */
  timeLimit?(ms: number): { signal: AbortSignal; cancel(): void };
}

// setTimeout fires at once for delays past 2^31 - 1 ms; clamp rather than spin.
const MAX_TIMER_MS = 2_147_483_647;

// Anchored to the wall clock once, then driven by the monotonic performance.now(), so that a wall
// clock stepped back (NTP, a laptop waking up) never stalls pacing or stretches a wait.
let origin: number | undefined;

/**
 * The real clock: milliseconds since the Unix epoch that never go backwards (`performance.now()`
 * from a start read off `Date.now()`), `setTimeout`, with waits that stop on abort and clear
 * their timer, and `AbortSignal.timeout` for time limits.
 *
 * @example Wait 10 ms, or less if aborted
 * ```ts
 * import { systemClock } from "@lambda-cloud/client";
 *
 * const controller = new AbortController();
 * const started = systemClock.now();
 * await systemClock.sleep(10, controller.signal);
 * console.log(systemClock.now() - started >= 9);
 * ```
 */
export const systemClock: Clock = {
  now: () => {
    origin ??= Date.now() - performance.now();
    return origin + performance.now();
  },
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, Math.min(Math.max(0, ms), MAX_TIMER_MS));
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
  timeLimit: (ms) => ({
    signal: AbortSignal.timeout(Math.min(Math.max(0, ms), MAX_TIMER_MS)),
    cancel: unheard,
  }),
};

/** Cancels a system time limit: its signal fires later unheard, and keeps nothing alive. */
function unheard(): void {}
