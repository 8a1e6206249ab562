// Client-side pacing that keeps to Lambda's documented limits before the server has to refuse.

import type { Clock } from "./clock.ts";

interface Waiter {
  grant(): void;
}

/**
 * A first-in, first-out queue that lets one caller through per `intervalMs`. A waiting caller can
 * abort; when nobody waits, no timer runs.
 */
export class IntervalQueue {
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #waiters: Waiter[] = [];
  #nextAt = Number.NEGATIVE_INFINITY;
  #running = false;
  #wake: AbortController | undefined;

  constructor(clock: Clock, intervalMs: number) {
    this.#clock = clock;
    this.#intervalMs = intervalMs;
  }

  /** Resolves when it is the caller's turn; rejects with `signal.reason` if it aborts first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index !== -1) this.#waiters.splice(index, 1);
        // Nobody left to serve: stop the pending sleep so no timer outlives the queue.
        if (this.#waiters.length === 0) this.#wake?.abort();
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(waiter);
      void this.#run();
    });
  }

  /** Lets no one through before `time` (a {@linkcode Clock.now} value), say after a 429. */
  holdUntil(time: number): void {
    this.#nextAt = Math.max(this.#nextAt, time);
  }

  /** Lets no one through for the next full interval, counted from now. */
  restart(): void {
    this.holdUntil(this.#clock.now() + this.#intervalMs);
  }

  async #run(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      while (this.#waiters.length > 0) {
        const waitMs = this.#nextAt - this.#clock.now();
        if (waitMs > 0) {
          this.#wake = new AbortController();
          // An abort here only means "look again": the head may have left, or the queue emptied.
          await this.#clock.sleep(waitMs, this.#wake.signal).catch(() => {});
          this.#wake = undefined;
          continue;
        }
        const head = this.#waiters.shift();
        this.#nextAt = this.#clock.now() + this.#intervalMs;
        head?.grant();
      }
    } finally {
      this.#running = false;
    }
  }
}

/** The pacing applied to one kind of call. */
export type LimitKind = "request" | "launch";

/**
 * Two queues: one for every request (1 per second by default), one for launches (1 per 12 seconds by
 * default). A launch waits its turn in the launch queue, then in the request queue.
 */
export class RateLimiter {
  readonly #requests: IntervalQueue;
  readonly #launches: IntervalQueue;

  constructor(clock: Clock, requestIntervalMs: number, launchIntervalMs: number) {
    this.#requests = new IntervalQueue(clock, requestIntervalMs);
    this.#launches = new IntervalQueue(clock, launchIntervalMs);
  }

  /** Resolves when a call of this kind may be sent. */
  async acquire(kind: LimitKind, signal?: AbortSignal): Promise<void> {
    if (kind === "launch") await this.#launches.acquire(signal);
    await this.#requests.acquire(signal);
    // Count the launch interval from when the launch really goes out, not from its first turn.
    if (kind === "launch") this.#launches.restart();
  }

  /** Holds every call back until `time`, as a server's `Retry-After` asks. */
  holdUntil(time: number): void {
    this.#requests.holdUntil(time);
  }
}

/** Settings that decide which limiter a client shares. */
export interface LimiterSettings {
  clock: Clock;
  requestIntervalMs: number;
  launchIntervalMs: number;
}

// Clients that share a key in one process share a budget, since Lambda counts per key. Keyed by clock
// first so that tests with fake clocks never share a limiter with real ones.
const sharedLimiters = new WeakMap<Clock, Map<string, RateLimiter>>();

/** The limiter every client with these settings and this API key shares in this process. */
export function sharedRateLimiter(settings: LimiterSettings, apiKey: string): RateLimiter {
  let byKey = sharedLimiters.get(settings.clock);
  if (!byKey) {
    byKey = new Map();
    sharedLimiters.set(settings.clock, byKey);
  }
  const id = `${settings.requestIntervalMs}:${settings.launchIntervalMs}:${apiKey}`;
  let limiter = byKey.get(id);
  if (!limiter) {
    limiter = new RateLimiter(
      settings.clock,
      settings.requestIntervalMs,
      settings.launchIntervalMs,
    );
    byKey.set(id, limiter);
  }
  return limiter;
}
