// Client-side pacing that keeps to Lambda's documented limits before the server has to refuse.

import type { Clock } from "./clock.ts";

/** The pacing applied to one kind of call. */
export type LimitKind = "request" | "launch";

interface Waiter {
  kind: LimitKind;
  grant(): void;
}

/**
 * Lambda's two limits as one line of callers: every call at most once per `requestIntervalMs`
 * (1 s by default), and launches at most once per `launchIntervalMs` (12 s by default), both
 * counted from when a call is let through, which is when it goes out. Callers go in the order they
 * came, except that a launch whose launch turn has not come yet lets the requests behind it pass;
 * it keeps its place, and goes at the first request turn after its launch turn. A waiting caller
 * can abort; when nobody waits, no timer runs.
 */
export class RateLimiter {
  readonly #clock: Clock;
  readonly #requestIntervalMs: number;
  readonly #launchIntervalMs: number;
  readonly #waiters: Waiter[] = [];
  #requestAt = Number.NEGATIVE_INFINITY;
  #launchAt = Number.NEGATIVE_INFINITY;
  #running = false;
  #users = 0;
  #wake: AbortController | undefined;

  constructor(clock: Clock, requestIntervalMs: number, launchIntervalMs: number) {
    this.#clock = clock;
    this.#requestIntervalMs = requestIntervalMs;
    this.#launchIntervalMs = launchIntervalMs;
  }

  /** Resolves when a call of this kind may be sent; rejects with `signal.reason` on abort. */
  acquire(kind: LimitKind, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index !== -1) this.#waiters.splice(index, 1);
        // Look again: the head may have left, or nobody is left to serve (then no timer stays).
        this.#wake?.abort();
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        kind,
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

  /** Holds every call back until `time` (a {@linkcode Clock.now} value), as after a 429. */
  holdUntil(time: number): void {
    this.#requestAt = Math.max(this.#requestAt, time);
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
    const now = this.#clock.now();
    return this.#users === 0 && this.#waiters.length === 0 && now >= this.#requestAt &&
      now >= this.#launchAt;
  }

  async #run(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      while (this.#waiters.length > 0) {
        const now = this.#clock.now();
        const launchReady = now >= this.#launchAt;
        const next = this.#waiters.findIndex((waiter) => waiter.kind === "request" || launchReady);
        // Wait for the next request turn, or, when only launches wait, for the next launch turn.
        const readyAt = next === -1 ? Math.max(this.#requestAt, this.#launchAt) : this.#requestAt;
        if (readyAt > now) {
          this.#wake = new AbortController();
          // An abort here only means "look again".
          await this.#clock.sleep(readyAt - now, this.#wake.signal).catch(() => {});
          this.#wake = undefined;
          continue;
        }
        const [waiter] = this.#waiters.splice(next, 1);
        this.#requestAt = now + this.#requestIntervalMs;
        if (waiter!.kind === "launch") this.#launchAt = now + this.#launchIntervalMs;
        waiter!.grant();
      }
    } finally {
      this.#running = false;
    }
  }
}

/** Settings that decide which limiter a client shares. */
export interface LimiterSettings {
  clock: Clock;
  requestIntervalMs: number;
  launchIntervalMs: number;
}

// Clients that share a key in one process share a budget, since Lambda counts per key. Keyed by clock
// first so that tests with fake clocks never share a limiter with real ones; then by the settings and
// a hash of the key, so the registry never holds a key in plain text.
const sharedLimiters = new WeakMap<Clock, Map<string, RateLimiter>>();

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
  const id = `${settings.requestIntervalMs}:${settings.launchIntervalMs}:${keyHash}`;
  let limiter = byKey.get(id);
  if (!limiter) {
    for (const [other, idle] of byKey) if (idle.isIdle()) byKey.delete(other);
    limiter = new RateLimiter(
      settings.clock,
      settings.requestIntervalMs,
      settings.launchIntervalMs,
    );
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
