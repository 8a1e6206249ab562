/**
 * A rate budget shared through Deno KV: on one machine a local SQLite file that every process opens,
 * on Deno Deploy the platform's replicated KV.
 *
 * @module
 */

import type {
  RateLimitState,
  RateLimitStore,
  VersionedRateLimitState,
} from "./rate_limit_store.ts";

/**
 * The part of `Deno.Kv` the store uses. Typed here rather than as `Deno.Kv`, so that nothing in the
 * package needs `--unstable-kv` or Deno's unstable types unless a KV store is made; any object with
 * the same methods will do (such as `@deno/kv` on Node).
 */
export interface KvLike {
  /** Reads one entry: its value and versionstamp (`null` when absent). */
  get(key: readonly string[]): Promise<{ value: unknown; versionstamp: string | null }>;
  /** Starts an atomic operation. */
  atomic(): KvAtomicLike;
}

/** The part of `Deno.AtomicOperation` the store uses. */
export interface KvAtomicLike {
  /** Fails the commit unless each key is still at its versionstamp (`null`: absent). */
  check(...checks: { key: readonly string[]; versionstamp: string | null }[]): KvAtomicLike;
  /** Sets a key, to expire after `expireIn` milliseconds. */
  set(key: readonly string[], value: unknown, options?: { expireIn?: number }): KvAtomicLike;
  /** Commits: `ok` is `false` when a check failed. */
  commit(): Promise<{ ok: boolean }>;
}

/** Options of {@linkcode kvRateLimitStore}. */
export interface KvRateLimitStoreOptions {
  /**
   * The key prefix under which each API key's turns are kept (one entry per key, named by a
   * digest of the key).
   *
   * @default {["lambda-cloud-client", "rate-limit"]}
   */
  prefix?: readonly string[];
  /**
   * How long to keep trying when a local KV file answers "database is locked" (another process is
   * writing), in milliseconds, before the operation fails and the limiter paces on its own.
   *
   * @default {1000}
   */
  lockedRetryMs?: number;
}

const DEFAULT_PREFIX = ["lambda-cloud-client", "rate-limit"] as const;

/**
 * A {@linkcode RateLimitStore} on Deno KV, for clients in several processes (or Deno Deploy
 * isolates) that share an API key: pass it as `rateLimit: { store }`. Turns are taken with KV's
 * atomic check-and-set, so two processes never take the same one. The KV holds, per API key, one
 * small entry named by a SHA-256 digest of the key: three times and a random id, never the key.
 * Opening the KV is the caller's: `Deno.openKv()` needs `--unstable-kv` outside Deno Deploy, and a
 * KV file needs read and write permission for it. Pass a function that opens it to have it opened
 * when the store is first used: several processes started at once may find the file locked while
 * one of them creates it, so the open is tried again while it is, and a failed open is not kept
 * (the next use tries again).
 *
 * @param kv An open `Deno.Kv` (or an object with the same `get` and `atomic`), or a function that
 * opens one.
 * @param options The key prefix, and patience with a locked KV file.
 * @returns The store.
 * @throws {TypeError} When `kv` lacks `get` or `atomic`, or an option is invalid.
 *
 * @example Share one budget between every process that opens the same KV file
 * ```ts ignore
 * // deno run --unstable-kv --allow-read=rate.kv --allow-write=rate.kv --allow-net=cloud.lambda.ai --allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL script.ts
 * import { kvRateLimitStore, LambdaCloudClient } from "@lambda-cloud/client";
 *
 * const kv = await Deno.openKv("rate.kv");
 * const client = new LambdaCloudClient({ rateLimit: { store: kvRateLimitStore(kv) } });
 * console.log(await client.regions.list());
 * kv.close();
 * ```
 */
export function kvRateLimitStore(
  kv: KvLike | (() => Promise<KvLike>),
  options: KvRateLimitStoreOptions = {},
): RateLimitStore {
  if (
    typeof kv !== "function" &&
    (typeof kv !== "object" || kv === null || typeof kv.get !== "function" ||
      typeof kv.atomic !== "function")
  ) {
    throw new TypeError(
      "Cannot create rate limit store: 'kv' must be an open Deno.Kv, or a function that opens one",
    );
  }
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  if (!Array.isArray(prefix) || !prefix.every((part) => typeof part === "string")) {
    throw new TypeError("Cannot create rate limit store: 'prefix' must be an array of strings");
  }
  const lockedRetryMs = options.lockedRetryMs ?? 1000;
  if (typeof lockedRetryMs !== "number" || !(lockedRetryMs >= 0)) {
    throw new RangeError(
      "Cannot create rate limit store: 'lockedRetryMs' must be a number of zero or more",
    );
  }
  const keyOf = (keyId: string) => [...prefix, keyId];
  let opened: Promise<KvLike> | undefined;
  const open = typeof kv === "function"
    ? () =>
      opened ??= retryWhileLocked(lockedRetryMs, kv).catch((error) => {
        opened = undefined;
        throw error;
      })
    : () => Promise.resolve(kv);
  return {
    get: (keyId) =>
      retryWhileLocked(lockedRetryMs, async (): Promise<VersionedRateLimitState> => {
        const entry = await (await open()).get(keyOf(keyId));
        return { state: readState(entry.value), version: entry.versionstamp };
      }),
    compareAndSet: (keyId, version, state, expireInMs) =>
      retryWhileLocked(lockedRetryMs, async () => {
        const key = keyOf(keyId);
        const result = await (await open()).atomic()
          .check({ key, versionstamp: version })
          .set(key, { ...state }, { expireIn: Math.max(1, Math.ceil(expireInMs)) })
          .commit();
        return result.ok;
      }),
  };
}

/** The state in `value`, or `undefined` if it is not one (another version wrote it, say). */
function readState(value: unknown): RateLimitState | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { requestAt, launchAt, writtenAt, writtenBy } = value as Record<string, unknown>;
  const times = [requestAt, launchAt, writtenAt];
  if (!times.every((time) => typeof time === "number" && Number.isFinite(time))) return undefined;
  if (typeof writtenBy !== "string") return undefined;
  return {
    requestAt: requestAt as number,
    launchAt: launchAt as number,
    writtenAt: writtenAt as number,
    writtenBy,
  };
}

// SQLite, under a local Deno KV file, answers "database is locked" while another process writes
// it: something to wait out briefly, not a failure.

/**
 * Runs `operation`, again after a short random pause while SQLite answers that another process
 * holds the database, for up to `budgetMs`. Any other error, or one past the budget, is thrown.
 */
export async function retryWhileLocked<T>(
  budgetMs: number,
  operation: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  for (;;) {
    try {
      return await operation();
    } catch (error) {
      if (!isLocked(error) || performance.now() - started >= budgetMs) throw error;
    }
    // Random, so that processes that collided do not collide again.
    await new Promise((resolve) => setTimeout(resolve, 1 + Math.random() * 4));
  }
}

function isLocked(error: unknown): boolean {
  return error instanceof Error && /database is (locked|busy)/i.test(error.message);
}
