// The calls that `late` and `gateway-timeout` faults carry out after their answer was lost: each
// waits for its time on the emulator's clock, and lands at the first request or look that comes
// once that time has passed. No timer runs.

interface LateCall {
  at: number;
  run: () => void;
}

/** The late calls of one emulator. */
export class LateCalls {
  readonly #now: () => number;
  #calls: LateCall[] = [];

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Carries `run` out `delayMs` from now, on the emulator's clock. */
  add(delayMs: number, run: () => void): void {
    this.#calls.push({ at: this.#now() + delayMs, run });
  }

  /** Carries out the calls whose time has come, oldest first. */
  settle(): void {
    const now = this.#now();
    if (!this.#calls.some((call) => call.at <= now)) return;
    const due = this.#calls.filter((call) => call.at <= now).sort((a, b) => a.at - b.at);
    this.#calls = this.#calls.filter((call) => call.at > now);
    for (const call of due) call.run();
  }

  /** How many are still to be carried out, once those due are. */
  get pending(): number {
    this.settle();
    return this.#calls.length;
  }
}
