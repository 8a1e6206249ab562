/**
 * Where the rate limiter keeps an API key's turns when several processes share one budget: see
 * `rateLimit.store` in `LambdaCloudClientOptions`, and `kvRateLimitStore()` for
 * the Deno KV store that ships with the package.
 *
 * @module
 */

/**
 * The turns an API key has given out, as a store keeps them: written whole by one limiter, on its
 * own clock. Times are in milliseconds since the Unix epoch on that clock.
 */
export interface RateLimitState {
  /** The earliest time the next request may be sent. */
  requestAt: number;
  /** The earliest time the next launch may be sent. */
  launchAt: number;
  /**
   * When the state was written. A reader believes the writer's clock only when this falls between
   * its own last look at the store and the read that returned the state.
   */
  writtenAt: number;
  /** A random id of the limiter that wrote it: a limiter trusts its own clock. */
  writtenBy: string;
}

/** A key's state as read from a store, with the version a write must find to succeed. */
export interface VersionedRateLimitState {
  /** The state; `undefined` when the store holds none (or none it can read) for the key. */
  state: RateLimitState | undefined;
  /** The version read: an opaque string, or `null` when nothing is stored. */
  version: string | null;
}

/**
 * A store that several processes share, holding each API key's turns so that together they keep
 * to one budget. All it needs is an atomic compare-and-set: a limiter reads a key's state, decides
 * on its turn, and writes the new state only if nobody wrote in between, so two processes never
 * take the same turn. Keys are SHA-256 digests of API keys, never the keys. A store that throws or
 * stalls never fails a call: the limiter paces on its own meanwhile, and says so through the
 * `onRateLimitFallback` hook.
 */
export interface RateLimitStore {
  /** Reads the state kept for `keyId`. */
  get(keyId: string): Promise<VersionedRateLimitState>;
  /**
   * Writes `state` for `keyId` if the stored version is still `version` (`null`: nothing stored),
   * to be forgotten after `expireInMs`; resolves with whether it did. `false` means another
   * writer came first, and the limiter reads again.
   */
  compareAndSet(
    keyId: string,
    version: string | null,
    state: RateLimitState,
    expireInMs: number,
  ): Promise<boolean>;
}
