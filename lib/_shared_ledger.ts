// Turns kept in a store that several processes share (lib/rate_limit_store.ts), so that together
// they keep to one API key's budget.
//
// A turn is booked ahead: the limiter reads the key's state, picks the first free turn (now, or when
// the last booked one ends), and writes the state back only if nobody wrote in between (the store's
// compare-and-set); if somebody did, it reads again. Booked turns follow each other at exactly the
// interval, so waiting for the store's answer costs no throughput, and no lock is ever held: a
// process killed with a turn booked only lets that turn pass unused.
//
// Clocks. Each state is written whole by one process, on its own clock, with the time it was
// written; a process trusts its own. Of another's, nothing is believed further than the store can
// prove: a state was written before the read that returned it answered, and after this process's
// last look at the store (a read, or a write of its own) that found something else. A writtenAt in
// that window is believed, and the state's times with it, plus `clockSkewMs` (a clock a little
// behind, a request a little slower to reach Lambda). One outside it proves that the clocks
// disagree: each look bounds the writer's offset, the bounds of every look at one writer are kept
// and narrowed, and its times are moved by the largest offset they allow, which is never too early.
// One offset per writer, not a reading of a reading: the error never grows with the exchanges. So
// no clock, however far ahead, stalls another process; and a process whose own clock is ahead, once
// it has looked at the store, does not read the turns of the others as past. A disagreement smaller
// than the window (or met on a process's first look) goes unnoticed. A state read again keeps the
// reading first made of it.
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
 * How late a booked turn may still be used, at least: timers in a busy process are often a few
 * milliseconds late, and a `clockSkewMs` smaller than that would let every turn pass.
 */
export const MIN_LATE_MS = 4;
/** How many other writers' clocks a process keeps what it learned of. */
const MAX_WRITERS = 64;

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
  // The version last read, and how far its times were moved to be on this process's clock.
  #read: { version: string | null; shift: number } | undefined;
  // When this process last looked at the store: any other state it reads was written after then.
  #lookedAt = Number.NEGATIVE_INFINITY;
  // What the looks so far bound each other writer's clock offset to.
  readonly #offsets = new Map<string, { lo: number; hi: number }>();
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

  async take(kind: LimitKind, now: number, latest: number): Promise<Turn> {
    if (now < this.#storeDownUntil) return this.#alone(kind, now, this.#storeError!);
    try {
      return await this.#bounded((stopped) => this.#takeShared(kind, latest, stopped));
    } catch (error) {
      return this.#alone(kind, this.#settings.clock.now(), this.#failed(error));
    }
  }

  async hold(time: number): Promise<void> {
    this.#seen.hold(time);
    if (this.#settings.clock.now() < this.#storeDownUntil) return;
    try {
      await this.#bounded(async (stopped) => {
        for (let tries = 0;; tries++) {
          checkTries(tries, stopped);
          const { state, version } = await this.#readState();
          if (state && this.#believed(state, state.requestAt) >= time) return;
          if (await this.#write(version, this.#state(time, state?.launchAt ?? 0))) return;
        }
      });
    } catch (error) {
      this.#failed(error); // the hold stands in this process; the next turn reports the store
    }
  }

  isIdle(now: number): boolean {
    return this.#seen.isIdle(now);
  }

  async #takeShared(kind: LimitKind, latest: number, stopped: AbortSignal): Promise<Turn> {
    const { clock, requestIntervalMs, launchIntervalMs } = this.#settings;
    for (let tries = 0;; tries++) {
      checkTries(tries, stopped);
      const asked = clock.now();
      const { state, version } = await this.#readState();
      if (state) this.#see(state);
      const now = clock.now();
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
      // A turn the caller would not wait for is not booked: it would only hold the others back.
      if (at > latest) return { retryAt: at };
      const next = this.#state(
        at + requestIntervalMs,
        kind === "launch" ? at + launchIntervalMs : state?.launchAt ?? 0,
      );
      const written = await this.#write(version, next);
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

  /** Reads the key's state, its times moved onto this process's clock (see the file's top). */
  async #readState(): Promise<{ state?: RateLimitState; version: string | null }> {
    const { store, keyId, clock } = this.#settings;
    // Only a look made before this read was asked proves anything about what it returns.
    const since = this.#lookedAt;
    const asked = clock.now();
    const { state, version } = await store.get(keyId);
    const answered = clock.now();
    this.#lookedAt = Math.max(this.#lookedAt, asked);
    if (!state) return { version };
    if (this.#read?.version !== version) {
      this.#read = { version, shift: this.#offsetOf(state, since, answered) };
    }
    const { shift } = this.#read;
    return {
      state: { ...state, requestAt: state.requestAt + shift, launchAt: state.launchAt + shift },
      version,
    };
  }

  /**
   * How far to move the times of `state`, read in a look that started after `since` and answered
   * at `answered`, onto this process's clock. Each look bounds the writer's offset (this clock's
   * time minus the writer's): the state was written after `since` and before `answered`. The
   * bounds of every look at one writer's states are kept and narrowed, so that what is believed
   * of a writer's clock is one offset, never a reading of a reading: 0 while the clocks may agree,
   * else the largest offset the looks allow, which is never too early.
   */
  #offsetOf(state: RateLimitState, since: number, answered: number): number {
    const { writtenAt, writtenBy } = state;
    if (writtenBy === this.#id) return 0;
    const known = this.#offsets.get(writtenBy);
    let lo = Math.max(known?.lo ?? -Infinity, since - writtenAt);
    let hi = Math.min(known?.hi ?? Infinity, answered - writtenAt);
    // Bounds that no longer meet: the writer's clock was stepped. This look alone says what it is.
    if (lo > hi) [lo, hi] = [since - writtenAt, answered - writtenAt];
    this.#offsets.delete(writtenBy); // kept in order of use, so the oldest goes first
    this.#offsets.set(writtenBy, { lo, hi });
    if (this.#offsets.size > MAX_WRITERS) this.#offsets.delete(this.#offsets.keys().next().value!);
    return lo <= 0 && hi >= 0 ? 0 : hi;
  }

  /** Writes `state` over `version`: whether it did. */
  async #write(version: string | null, state: RateLimitState): Promise<boolean> {
    const { store, keyId, clock } = this.#settings;
    const issued = clock.now();
    const written = await store.compareAndSet(keyId, version, state, this.#expireIn(state));
    // Another state read from now on was written after this one.
    if (written) this.#lookedAt = Math.max(this.#lookedAt, issued);
    return written;
  }

  /** A state of this process's, written now. */
  #state(requestAt: number, launchAt: number): RateLimitState {
    return { requestAt, launchAt, writtenAt: this.#settings.clock.now(), writtenBy: this.#id };
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

  /** Takes what `state` (read by {@linkcode SharedLedger.#readState}) says into the state seen. */
  #see(state: RateLimitState): void {
    const seen = this.#seen;
    seen.requestAt = Math.max(seen.requestAt, this.#believed(state, state.requestAt));
    seen.launchAt = Math.max(seen.launchAt, this.#believed(state, state.launchAt));
  }

  /** `time` of `state`, with the room left after another process's turns. */
  #believed(state: RateLimitState, time: number): number {
    return state.writtenBy === this.#id ? time : time + this.#settings.clockSkewMs;
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
