// Turns kept in a store that several processes share (lib/rate_limit_store.ts), so that together
// they keep to one API key's budget.
//
// A turn is booked ahead: the limiter reads the key's state, picks the first free turn (now, or when
// the last booked one ends), and writes the state back only if nobody wrote in between (the store's
// compare-and-set); if somebody did, it reads again. Booked turns follow each other at exactly the
// interval, so waiting for the store's answer costs no throughput, and no lock is ever held: a
// process killed with a turn booked only lets that turn pass unused.
//
// Times in the store are on the clock of the process that wrote them. A limiter trusts its own,
// and adds `clockSkewMs` to times another limiter wrote, so that a clock a little behind (or a
// timer a little late) in one process never makes two turns closer than the interval; a clock
// that is ahead only makes others wait a little longer: a turn further off than MAX_LEAD_MS is
// asked about again MAX_LEAD_MS later, and taken as come if it has not moved by then.
//
// A booked turn is used at most `clockSkewMs` late (MIN_LATE_MS at least): a process that comes to
// it later (an event loop blocked, a process stopped, a machine short of CPU) would send closer to
// the next process's turn than the interval, so it lets the turn pass and books another, a few
// times in a row at most.
//
// A store that throws, or does not answer within STORE_TIMEOUT_MS, never fails a call: the limiter
// paces on its own from the last state it saw, reports each turn it paced so (the transport tells
// the caller through a hook), and tries the store again after FALLBACK_MS.

import type { Clock } from "./clock.ts";
import type { RateLimitState, RateLimitStore } from "./rate_limit_store.ts";
import { type LimitKind, LocalLedger, type Turn, type TurnLedger } from "./_turn_ledger.ts";

/** The longest wait for one store operation. */
export const STORE_TIMEOUT_MS = 2000;
/** How long to pace alone after the store failed, before trying it again. */
export const FALLBACK_MS = 10_000;
/** How long a key's state outlives its last booked turn in the store. */
const EXPIRE_AFTER_MS = 60_000;
/**
 * How many writes in a row may find another writer first before the store counts as failed. Each
 * such write means another process booked a turn, so real contention moves on long before this; a
 * store whose compare-and-set never succeeds would otherwise be asked forever (and one that
 * answers without I/O would starve every timer of the process).
 */
export const MAX_WRITE_TRIES = 100;
/**
 * The furthest ahead of this process's clock that another process's time is believed at once: a
 * 429's hold (60 s at most by default) and a launch's turn with some turns queued before it. A time
 * further ahead may come from a clock that is wrong, and waiting for it would stall this process
 * for as long as that clock is ahead: it is asked about again this much later instead, believed
 * then if it is near, and taken as come if it has not moved.
 */
export const MAX_LEAD_MS = 75_000;
/**
 * How late a booked turn may still be used, at least: timers in a busy process are often a few
 * milliseconds late, and a `clockSkewMs` smaller than that would let every turn pass.
 */
export const MIN_LATE_MS = 4;

/** What a shared ledger needs. */
export interface SharedLedgerSettings {
  store: RateLimitStore;
  /** The digest of the API key. */
  keyId: string;
  clock: Clock;
  requestIntervalMs: number;
  launchIntervalMs: number;
  clockSkewMs: number;
}

/** A {@linkcode TurnLedger} kept in a {@linkcode RateLimitStore}; see the top of this file. */
export class SharedLedger implements TurnLedger {
  readonly #settings: SharedLedgerSettings;
  readonly #id: string = crypto.randomUUID();
  // The latest state seen, on this process's clock; it paces alone while the store is down.
  readonly #seen: LocalLedger;
  // The time each far-off turn read from the store was taken as (by writer and time), so that it
  // stays put as this clock moves on; the last few only.
  readonly #farOff = new Map<string, number>();
  // The latest pinned far-off turn met while reading the store, still to come: wait for it rather
  // than book, since the real end of the queue is not known.
  #pinnedUntil = Number.NEGATIVE_INFINITY;
  #storeDownUntil = Number.NEGATIVE_INFINITY;
  // How long the last write to the store took.
  #writeMs = 0;
  #storeError: Error | undefined;

  constructor(settings: SharedLedgerSettings) {
    this.#settings = settings;
    this.#seen = new LocalLedger(settings.requestIntervalMs, settings.launchIntervalMs);
  }

  get requestAt(): number {
    return this.#seen.requestAt;
  }

  get launchAt(): number {
    return this.#seen.launchAt;
  }

  async take(kind: LimitKind, now: number): Promise<Turn> {
    if (now < this.#storeDownUntil) return this.#alone(kind, now, this.#storeError!);
    try {
      return await this.#bounded((stopped) => this.#takeShared(kind, stopped));
    } catch (error) {
      return this.#alone(kind, this.#settings.clock.now(), this.#failed(error));
    }
  }

  async hold(time: number): Promise<void> {
    this.#seen.hold(time);
    if (this.#settings.clock.now() < this.#storeDownUntil) return;
    const { store, keyId } = this.#settings;
    try {
      await this.#bounded(async (stopped) => {
        for (let tries = 0;; tries++) {
          checkTries(tries, stopped);
          const { state, version } = await store.get(keyId);
          if (state && this.#onOurClock(state.requestAt, state.requestBy) >= time) return;
          const next: RateLimitState = {
            ...(state ?? this.#blank()),
            requestAt: time,
            requestBy: this.#id,
          };
          if (await store.compareAndSet(keyId, version, next, this.#expireIn(next))) return;
        }
      });
    } catch (error) {
      this.#failed(error); // the hold stands in this process; the next turn reports the store
    }
  }

  isIdle(now: number): boolean {
    return this.#seen.isIdle(now);
  }

  async #takeShared(kind: LimitKind, stopped: AbortSignal): Promise<Turn> {
    const { store, keyId, clock, requestIntervalMs, launchIntervalMs } = this.#settings;
    for (let tries = 0;; tries++) {
      checkTries(tries, stopped);
      const asked = clock.now();
      const { state, version } = await store.get(keyId);
      this.#pinnedUntil = Number.NEGATIVE_INFINITY;
      if (state) this.#see(state);
      const now = clock.now();
      // A turn too far off to believe: book nothing now (a booking from the pinned time would land
      // before the queue's real end, beside every other process that pinned it alike); ask again
      // then, when the same turn is believed as come, or a fresher state is read.
      if (this.#pinnedUntil > now) return { retryAt: this.#pinnedUntil };
      // The turn must still be ahead when the write lands, or this process would send late and
      // the turn booked after it would follow too closely: book at least the store's latency ahead.
      const lead = Math.max(now - asked, this.#writeMs);
      const seen = this.#seen;
      // A launch whose turn is further off than the next request's books nothing yet: requests
      // behind it go first, and it asks again when its turn is near.
      if (kind === "launch" && seen.launchAt > Math.max(now, seen.requestAt)) {
        return { retryAt: seen.launchAt };
      }
      const at = Math.max(now + lead, seen.requestAt, kind === "launch" ? seen.launchAt : now);
      const base = state ?? this.#blank();
      const next: RateLimitState = kind === "launch"
        ? {
          requestAt: at + requestIntervalMs,
          requestBy: this.#id,
          launchAt: at + launchIntervalMs,
          launchBy: this.#id,
        }
        : { ...base, requestAt: at + requestIntervalMs, requestBy: this.#id };
      const written = await store.compareAndSet(keyId, version, next, this.#expireIn(next));
      const landed = clock.now();
      this.#writeMs = landed - now;
      if (written) this.#see(next);
      // Sent later than booked by more than the room other processes leave, it would come too
      // close to the turn booked after it: a write that took that long (a locked file) burns the
      // turn, and books another.
      const useBy = at + Math.max(this.#settings.clockSkewMs, MIN_LATE_MS);
      if (written && landed <= useBy) return { at, useBy };
      // Or another process booked a turn in between: read its state and book after it.
    }
  }

  /** Books a turn from the last state seen, as the store could not be used. */
  #alone(kind: LimitKind, now: number, error: Error): Turn {
    const seen = this.#seen;
    if (kind === "launch" && seen.launchAt > Math.max(now, seen.requestAt)) {
      return { retryAt: seen.launchAt };
    }
    return { at: seen.book(kind, now), fallback: error };
  }

  #failed(error: unknown): Error {
    this.#storeDownUntil = this.#settings.clock.now() + FALLBACK_MS;
    this.#storeError = error instanceof Error ? error : new Error(String(error));
    return this.#storeError;
  }

  /** Takes what `state` says into the state seen, on this process's clock. */
  #see(state: RateLimitState): void {
    const seen = this.#seen;
    seen.requestAt = Math.max(seen.requestAt, this.#onOurClock(state.requestAt, state.requestBy));
    seen.launchAt = Math.max(seen.launchAt, this.#onOurClock(state.launchAt, state.launchBy));
  }

  #onOurClock(time: number, writer: string): number {
    if (writer === this.#id) return time;
    const believed = time + this.#settings.clockSkewMs;
    const limit = this.#settings.clock.now() + MAX_LEAD_MS;
    if (believed <= limit) return believed;
    // A turn further off than MAX_LEAD_MS is taken as MAX_LEAD_MS away from when it was first
    // read, and stays there: read again, it must not recede as this clock moves on. Only that
    // turn: the writer's next ones are read afresh (a long hold is no proof of a wrong clock).
    const key = `${writer}@${time}`;
    const taken = this.#farOff.get(key) ?? limit;
    if (!this.#farOff.has(key)) {
      if (this.#farOff.size >= 16) this.#farOff.delete(this.#farOff.keys().next().value!);
      this.#farOff.set(key, taken);
    }
    this.#pinnedUntil = Math.max(this.#pinnedUntil, taken);
    return taken;
  }

  #blank(): RateLimitState {
    return { requestAt: 0, requestBy: this.#id, launchAt: 0, launchBy: this.#id };
  }

  #expireIn(state: RateLimitState): number {
    return Math.max(state.requestAt, state.launchAt) - this.#settings.clock.now() +
      EXPIRE_AFTER_MS;
  }

  /**
   * Runs `operation`, rejecting if it takes longer than {@linkcode STORE_TIMEOUT_MS}; `stopped`
   * tells the operation to give up once its result no longer matters.
   */
  async #bounded<T>(operation: (stopped: AbortSignal) => Promise<T>): Promise<T> {
    const stop = new AbortController();
    const timeout = this.#settings.clock.sleep(STORE_TIMEOUT_MS, stop.signal).then(() => {
      throw new Error(`the rate limit store did not answer within ${STORE_TIMEOUT_MS} ms`);
    }, () => new Promise<never>(() => {}));
    try {
      return await Promise.race([operation(stop.signal), timeout]);
    } finally {
      stop.abort();
    }
  }
}

/** Ends a loop of writes that was given up on, or that the store refused too often. */
function checkTries(tries: number, stopped: AbortSignal): void {
  if (stopped.aborted) throw new Error("the rate limit store was given up on");
  if (tries >= MAX_WRITE_TRIES) {
    throw new Error(`the rate limit store refused ${MAX_WRITE_TRIES} writes in a row`);
  }
}
