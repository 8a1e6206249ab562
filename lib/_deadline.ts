// A point in time, on the client's clock, after which a piece of work must stop: its signal aborts
// then. Every time limit of the client is one (an attempt's timeout, a lookup's window, a
// cleanup's minute), so each runs on the injected clock and tests never wait for real.

import type { Clock } from "./clock.ts";

/** Why a deadline built on a clock's `sleep()` aborted. */
export class DeadlinePassed extends Error {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "DeadlinePassed";
}

/**
 * A signal that aborts `ms` from now on `clock`. Call `dispose()` when done, so that nothing is
 * left to fire later.
 */
export class Deadline {
  /** Aborts when the deadline passes. */
  readonly signal: AbortSignal;
  readonly #clock: Clock;
  readonly #at: number;
  readonly #cancel: () => void;

  constructor(clock: Clock, ms: number) {
    this.#clock = clock;
    this.#at = clock.now() + ms;
    // The clock's own time limit when it has one (the system clock's is an AbortSignal.timeout,
    // which costs a request no listener and no timer of its own), else a sleep that is cancelled.
    const limit = clock.timeLimit?.(Math.max(0, ms)) ?? sleepLimit(clock, Math.max(0, ms));
    this.signal = limit.signal;
    this.#cancel = limit.cancel;
  }

  /** Milliseconds left; 0 or less once it has passed. */
  get remainingMs(): number {
    return this.#at - this.#clock.now();
  }

  /** Stops the timer: the signal will not abort. */
  dispose(): void {
    this.#cancel();
  }
}

function sleepLimit(clock: Clock, ms: number): { signal: AbortSignal; cancel: () => void } {
  const controller = new AbortController();
  const cancel = new AbortController();
  clock.sleep(ms, cancel.signal).then(
    () => controller.abort(new DeadlinePassed("The deadline passed")),
    () => {}, // cancelled
  );
  return { signal: controller.signal, cancel: () => cancel.abort() };
}

/**
 * Settles as `promise` does, or rejects with `signal`'s reason as soon as it aborts: for work that
 * may not heed a signal (a custom fetch, a key from a secret store), so that a time limit binds it
 * all the same. Without a signal, `promise` itself.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    promise.then((value) => {
      signal.removeEventListener("abort", onAbort);
      resolve(value);
    }, (error) => {
      signal.removeEventListener("abort", onAbort);
      reject(error);
    });
  });
}
