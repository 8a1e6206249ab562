// The API's rate limit as the emulator enforces it: a generic cell rate algorithm per key. A
// request may go when it arrives no earlier than one interval after the last one admitted, less
// a small tolerance for jitter and the room a burst leaves.

/** One limit (such as one request per second), kept per API key. */
export class RateGate {
  readonly #intervalMs: number;
  // How far ahead of the steady pace a request may come: jitter, plus the burst's extra turns.
  readonly #slackMs: number;
  readonly #nextAt = new Map<string, number>();

  constructor(intervalMs: number, toleranceMs: number, burst = 0) {
    this.#intervalMs = intervalMs;
    this.#slackMs = toleranceMs + burst * intervalMs;
  }

  /** How long a request for `key` at `now` must still wait; 0 when it may go. */
  wait(key: string, now: number): number {
    const nextAt = this.#nextAt.get(key);
    return nextAt === undefined ? 0 : Math.max(0, nextAt - this.#slackMs - now);
  }

  /** Counts a request for `key` at `now`. */
  take(key: string, now: number): void {
    this.#nextAt.set(key, Math.max(this.#nextAt.get(key) ?? now, now) + this.#intervalMs);
  }
}
