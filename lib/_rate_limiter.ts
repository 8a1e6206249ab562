// Client-side pacing that keeps to Lambda's documented limits before the server has to refuse.

import type { Clock } from "./clock.ts";
import { RateLimitWaitError } from "./no_answer_errors.ts";
import type { RateLimitStore } from "./rate_limit_store.ts";
import { SharedLedger } from "./_shared_ledger.ts";
import { type LimitKind, LocalLedger, type Turn, type TurnLedger } from "./_turn_ledger.ts";

export type { LimitKind };

/**
 * How many booked turns in a row may be let pass because this process came to them too late. A
 * process that is late every time (its event loop always busy) then uses the next turn anyway, and
 * at worst meets a 429, which holds it back: it is never starved.
 */
const MAX_LATE_TURNS = 3;

/** How long a call may wait at the front of the line, and its action, for the error. */
export interface WaitBound {
  action: string;
  maxWaitMs: number;
}

interface Waiter {
  kind: LimitKind;
  bound: WaitBound | undefined;
  /** When it first waited at the front of the line. */
  frontSince?: number;
  grant(fallback: Error | undefined): void;
  fail(error: Error): void;
}

/**
 * Lambda's two limits as one line of callers: every call at most once per `requestIntervalMs`
 * (1 s by default), and launches at most once per `launchIntervalMs` (12 s by default), both
 * counted from when a call is let through, which is when it goes out. Callers go in the order they
 * came, except that a launch whose launch turn has not come yet lets the requests behind it pass;
 * it keeps its place, and goes at the first request turn after its launch turn. A waiting caller
 * can abort; one at the front of the line whose turn would come later than its bound allows fails
 * at once with a {@linkcode RateLimitWaitError}. When nobody waits, no timer runs. The turns
 * themselves are kept by a ledger: in this process's memory, or in a store shared with other
 * processes.
 */
export class RateLimiter {
  readonly #clock: Clock;
  readonly #ledger: TurnLedger;
  readonly #waiters: Waiter[] = [];
  // A turn booked ahead in a shared ledger, for the first waiter it suits when it comes.
  #booked:
    | { kind: LimitKind; at: number; useBy: number; fallback: Error | undefined }
    | undefined;
  // Booked turns let pass in a row because they came too late; see MAX_LATE_TURNS.
  #lateTurns = 0;
  #running = false;
  #users = 0;
  #wake: AbortController | undefined;

  constructor(clock: Clock, ledger: TurnLedger) {
    this.#clock = clock;
    this.#ledger = ledger;
  }

  /**
   * Resolves when a call of this kind may be sent: with the error of a shared store when this turn
   * was paced without it, else `undefined`. Rejects with `signal.reason` on abort, and with a
   * {@linkcode RateLimitWaitError} when its turn would come more than `bound.maxWaitMs` after it
   * was first at the front of the line (calls of this process ahead of it do not count).
   */
  acquire(kind: LimitKind, signal?: AbortSignal, bound?: WaitBound): Promise<Error | undefined> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Error | undefined>((resolve, reject) => {
      const onAbort = () => waiter.fail(signal?.reason);
      const leave = () => {
        signal?.removeEventListener("abort", onAbort);
        const index = this.#waiters.indexOf(waiter);
        if (index !== -1) this.#waiters.splice(index, 1);
      };
      const waiter: Waiter = {
        kind,
        bound,
        grant: (fallback) => {
          leave();
          resolve(fallback);
        },
        fail: (error) => {
          leave();
          // Look again: the head may have left, or nobody is left to serve (then no timer stays).
          this.#wake?.abort();
          reject(error);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(waiter);
      void this.#run();
    });
  }

  /** Holds every call back until `time` (a {@linkcode Clock.now} value), as after a 429. */
  holdUntil(time: number): void | Promise<void> {
    return this.#ledger.hold(time);
  }

  /** Marks a call under way (backoff included), so the limiter is not forgotten meanwhile. */
  retain(): void {
    this.#users++;
  }

  /** Ends what {@linkcode RateLimiter.retain} began. */
  release(): void {
    this.#users--;
  }

  /**
   * Whether no call is under way and every turn has come: a fresh limiter would behave the same.
   */
  isIdle(): boolean {
    return this.#users === 0 && this.#waiters.length === 0 && !this.#running &&
      this.#ledger.isIdle(this.#clock.now());
  }

  async #run(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      while (this.#waiters.length > 0) {
        const now = this.#clock.now();
        const booked = this.#booked;
        if (booked !== undefined) {
          if (booked.at > now) {
            await this.#waitFor(this.#servedBy(booked.kind), booked.at, now);
            continue;
          }
          this.#booked = undefined;
          if (now > booked.useBy && this.#lateTurns < MAX_LATE_TURNS) {
            this.#lateTurns++;
            continue;
          }
          this.#lateTurns = 0;
          this.#servedBy(booked.kind)?.grant(booked.fallback);
          continue;
        }
        const launchReady = this.#launchReady(now);
        const next = this.#waiters.findIndex((waiter) => waiter.kind === "request" || launchReady);
        if (next === -1) {
          // Only launches wait, and their turn is further off than the next request's.
          await this.#waitFor(this.#waiters[0], this.#ledger.launchAt, now);
          continue;
        }
        const waiter = this.#waiters[next]!;
        const kind = waiter.kind;
        const pending = this.#ledger.take(kind, now, this.#latest(waiter, now));
        const turn: Turn = pending instanceof Promise ? await pending : pending;
        if ("at" in turn) {
          this.#booked = {
            kind,
            at: turn.at,
            useBy: turn.useBy ?? Number.POSITIVE_INFINITY,
            fallback: turn.fallback,
          };
          continue;
        }
        // A shared ledger may only now have learnt that another process launched: then the
        // requests behind this launch go first.
        const later = this.#clock.now();
        if (kind === "launch" && !this.#launchReady(later)) continue;
        await this.#waitFor(waiter, turn.retryAt, later);
      }
    } finally {
      this.#booked = undefined;
      this.#running = false;
    }
  }

  /** The first waiter a turn of `kind` serves: a launch's, any call; a request's, a request. */
  #servedBy(kind: LimitKind): Waiter | undefined {
    return this.#waiters.find((waiter) => kind === "launch" || waiter.kind === "request");
  }

  /** The latest time `waiter`, at the front of the line since `now` or before, waits until. */
  #latest(waiter: Waiter, now: number): number {
    if (waiter.bound === undefined) return Number.POSITIVE_INFINITY;
    return (waiter.frontSince ??= now) + waiter.bound.maxWaitMs;
  }

  /**
   * Waits until `until` for `waiter`, at the front of the line (for nobody when `undefined`), or
   * fails it at once when that is later than it waits.
   */
  async #waitFor(waiter: Waiter | undefined, until: number, now: number): Promise<void> {
    if (waiter?.bound && this.#waiters.includes(waiter) && until > this.#latest(waiter, now)) {
      waiter.fail(new RateLimitWaitError(waiter.bound.action, until - now, waiter.bound.maxWaitMs));
      return;
    }
    await this.#pause(until - now);
  }

  /** Whether a launch may take the next request turn, as far as the ledger knows. */
  #launchReady(now: number): boolean {
    return this.#ledger.launchAt <= Math.max(now, this.#ledger.requestAt);
  }

  /** Sleeps `ms`, or less when a waiter leaves (an abort here only means "look again"). */
  async #pause(ms: number): Promise<void> {
    if (ms <= 0) return;
    this.#wake = new AbortController();
    await this.#clock.sleep(ms, this.#wake.signal).catch(() => {});
    this.#wake = undefined;
  }
}

/** Settings that decide which limiter a client shares. */
export interface LimiterSettings {
  clock: Clock;
  requestIntervalMs: number;
  launchIntervalMs: number;
  /** A store shared with other processes; in this process's memory when absent. */
  store?: RateLimitStore | undefined;
  /** How far apart the clocks of processes sharing the store may be, in milliseconds. */
  clockSkewMs: number;
}

// Clients that share a key in one process share a budget, since Lambda counts per key. Keyed by clock
// first so that tests with fake clocks never share a limiter with real ones; then by the settings,
// the store and a hash of the key, so the registry never holds a key in plain text.
const sharedLimiters = new WeakMap<Clock, Map<string, RateLimiter>>();
const storeIds = new WeakMap<RateLimitStore, number>();
let storeCount = 0;

/**
 * The limiter every client with these settings and this API key shares in this process.
 * `keyHash` is a digest of the key ({@linkcode hashApiKey}). Limiters that have nothing left to
 * remember are forgotten when a new one is made, so a server that handles many customers' keys
 * keeps only the busy ones.
 */
export function sharedRateLimiter(settings: LimiterSettings, keyHash: string): RateLimiter {
  let byKey = sharedLimiters.get(settings.clock);
  if (!byKey) {
    byKey = new Map();
    sharedLimiters.set(settings.clock, byKey);
  }
  const { store, requestIntervalMs, launchIntervalMs, clockSkewMs } = settings;
  let storeId = "";
  if (store) {
    if (!storeIds.has(store)) storeIds.set(store, ++storeCount);
    storeId = `store${storeIds.get(store)}:${clockSkewMs}:`;
  }
  const id = `${requestIntervalMs}:${launchIntervalMs}:${storeId}${keyHash}`;
  let limiter = byKey.get(id);
  if (!limiter) {
    for (const [other, idle] of byKey) if (idle.isIdle()) byKey.delete(other);
    const ledger = store
      ? new SharedLedger({ ...settings, store, keyId: keyHash })
      : new LocalLedger(requestIntervalMs, launchIntervalMs);
    limiter = new RateLimiter(settings.clock, ledger);
    byKey.set(id, limiter);
  }
  return limiter;
}

/** The ids of the limiters kept for `clock`: for tests of the registry. */
export function sharedLimiterIds(clock: Clock): string[] {
  return [...sharedLimiters.get(clock)?.keys() ?? []];
}

/** A SHA-256 digest of `apiKey`, in hex: a name for the key that does not reveal it. */
export async function hashApiKey(apiKey: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(apiKey));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}
