// Where a rate limiter records the turns it gives out: in memory for one process (here), or in a
// store that several processes share (_shared_ledger.ts). The limiter (_rate_limiter.ts) keeps the
// line of callers; a ledger only says when a turn of each kind may go, and takes it.

/** The pacing applied to one kind of call. */
export type LimitKind = "request" | "launch";

/**
 * A turn, or when to ask again. `at`: the turn is the limiter's, to be used at `at` (never before
 * the time asked at) and no later than `useBy` when given, since the turns booked after it follow
 * at the interval; `fallback` says the shared store failed and the turn was paced locally.
 * `retryAt`: no turn was taken, because a launch's turn is further off than the next request's, or
 * the turn would come after the latest time the caller accepts.
 */
export type Turn = { at: number; useBy?: number; fallback?: Error } | { retryAt: number };

/** Records turns; see {@linkcode LocalLedger} and `SharedLedger`. */
export interface TurnLedger {
  /** When the next request may go, as last known. */
  readonly requestAt: number;
  /** When the next launch may go, as last known. */
  readonly launchAt: number;
  /** Takes a turn of `kind` at `now` or later, but none after `latest`. */
  take(kind: LimitKind, now: number, latest: number): Turn | Promise<Turn>;
  /** Holds every call back until `time`, as after a 429. */
  hold(time: number): void | Promise<void>;
  /** Whether nothing it holds would be lost if it were forgotten at `now`. */
  isIdle(now: number): boolean;
}

/**
 * Turns in this process's memory. A turn is taken only when it has come: a caller that gives up
 * while waiting for it leaves nothing taken.
 */
export class LocalLedger implements TurnLedger {
  requestAt = Number.NEGATIVE_INFINITY;
  launchAt = Number.NEGATIVE_INFINITY;
  readonly #requestIntervalMs: number;
  readonly #launchIntervalMs: number;

  constructor(requestIntervalMs: number, launchIntervalMs: number) {
    this.#requestIntervalMs = requestIntervalMs;
    this.#launchIntervalMs = launchIntervalMs;
  }

  take(kind: LimitKind, now: number): Turn {
    const readyAt = kind === "launch" ? Math.max(this.requestAt, this.launchAt) : this.requestAt;
    if (readyAt > now) return { retryAt: readyAt };
    this.requestAt = now + this.#requestIntervalMs;
    if (kind === "launch") this.launchAt = now + this.#launchIntervalMs;
    return { at: now };
  }

  /**
   * Takes the next turn of `kind` ahead of time: when it comes, not before `now`. For pacing
   * without a store when turns are booked in advance (a shared ledger's fallback).
   */
  book(kind: LimitKind, now: number): number {
    const at = Math.max(now, this.requestAt, kind === "launch" ? this.launchAt : now);
    this.requestAt = at + this.#requestIntervalMs;
    if (kind === "launch") this.launchAt = at + this.#launchIntervalMs;
    return at;
  }

  hold(time: number): void {
    this.requestAt = Math.max(this.requestAt, time);
  }

  isIdle(now: number): boolean {
    return now >= this.requestAt && now >= this.launchAt;
  }
}
