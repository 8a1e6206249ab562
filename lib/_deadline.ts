// A point in time, on the client's clock, after which a piece of work must stop: its signal aborts
// then. Unlike AbortSignal.timeout(), it runs on the injected clock (so tests never wait for real)
// and can be brought forward.

import type { Clock } from "./clock.ts";

/** Why a deadline's signal aborted. */
export class DeadlinePassed extends Error {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "DeadlinePassed";
}

/** A signal that aborts `ms` from now on `clock`. Call `dispose()` when done: it stops the timer. */
export class Deadline {
  readonly #clock: Clock;
  readonly #controller = new AbortController();
  #at: number;
  #timer: AbortController | undefined;

  constructor(clock: Clock, ms: number) {
    this.#clock = clock;
    this.#at = clock.now() + ms;
    this.#arm();
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
    this.#arm();
  }

  /** Stops the timer; the signal no longer aborts. */
  dispose(): void {
    this.#timer?.abort();
    this.#timer = undefined;
  }

  #arm(): void {
    this.dispose();
    const timer = new AbortController();
    this.#timer = timer;
    this.#clock.sleep(Math.max(0, this.#at - this.#clock.now()), timer.signal).then(
      () => this.#controller.abort(new DeadlinePassed("The deadline passed")),
      () => {}, // disposed or re-armed
    );
  }
}
