// A point in time, on the client's clock, after which a piece of work must stop: its signal aborts
// then. Every time limit of the client is one (an attempt's timeout, a lookup's window, a
// cleanup's minute), so each runs on the injected clock and tests never wait for real.

import type { Clock } from "./clock.ts";

/** Why a deadline's signal aborted. */
export class DeadlinePassed extends Error {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "DeadlinePassed";
}

/**
 * A signal that aborts `ms` from now on `clock`, which can be brought forward. Call `dispose()`
 * when done: it stops listening to the timer, so that nothing is kept alive or fires later.
 */
export class Deadline {
  readonly #clock: Clock;
  readonly #controller = new AbortController();
  #at: number;
  #disarm: (() => void) | undefined;

  constructor(clock: Clock, ms: number) {
    this.#clock = clock;
    this.#at = clock.now() + ms;
    this.#arm(ms);
  }

  /** Aborts, with a {@linkcode DeadlinePassed}, when the deadline passes. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Milliseconds left; 0 or less once it has passed. */
  get remainingMs(): number {
    return this.#at - this.#clock.now();
  }

  /** Brings the deadline forward to at most `ms` from now; never pushes it back. */
  shorten(ms: number): void {
    const at = this.#clock.now() + ms;
    if (at >= this.#at || this.signal.aborted) return;
    this.#at = at;
    this.#arm(ms);
  }

  /** Stops the timer; the signal no longer aborts. */
  dispose(): void {
    this.#disarm?.();
    this.#disarm = undefined;
  }

  // On the clock's own timer when it has one (the system clock's costs no timer object of its
  // own), else on a sleep that dispose() cancels.
  #arm(ms: number): void {
    this.dispose();
    const fire = () => this.#controller.abort(new DeadlinePassed("The deadline passed"));
    if (this.#clock.timer !== undefined) {
      this.#disarm = this.#clock.timer(Math.max(0, ms), fire);
      return;
    }
    const cancel = new AbortController();
    this.#clock.sleep(Math.max(0, ms), cancel.signal).then(fire, () => {}); // disposed or re-armed
    this.#disarm = () => cancel.abort();
  }
}

/**
 * Settles as `promise` does, or rejects with `signal`'s reason as soon as it aborts: for work that
 * may not heed a signal (a custom fetch, a key from a secret store), so that a time limit binds it
 * all the same.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
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
