// One rate budget for every `lambda` on the machine: a Deno KV file in the user's cache folder,
// which each invocation opens (the first time it sends a request) to book its turns, so that a shell
// loop or parallel CI jobs wait their turn rather than being refused. Without `--unstable-kv`, or
// without permission to find or write the folder, each invocation paces itself alone, as before,
// and its patience with 429s (_patience.ts) still covers the rest.

import { type KvLike, kvRateLimitStore, type RateLimitStore } from "../../mod.ts";

/** The parts of the `Deno` namespace the shared budget uses. */
export interface BudgetDeno {
  build: { os: string };
  env: { get(name: string): string | undefined };
  permissions: {
    querySync(
      descriptor:
        | { name: "env"; variable: string }
        | { name: "read"; path: string }
        | { name: "write"; path: string },
    ): { state: string };
  };
  mkdir(path: string, options: { recursive: true }): Promise<void>;
  /** Present only under `--unstable-kv` (or on Deno Deploy). */
  openKv?: (path: string) => Promise<KvLike>;
}

/** The KV file's name inside the cache folder. */
export const BUDGET_FILE = "lambda-cloud/rate-limit.kv";

/**
 * Where the shared budget is kept: `$XDG_CACHE_HOME`, else `~/.cache` (Linux, macOS),
 * `%LOCALAPPDATA%` (Windows), followed by {@linkcode BUDGET_FILE}. `undefined` when the variables
 * cannot be read (no `--allow-env` for them) or are unset.
 */
export function budgetPath(deno: BudgetDeno): string | undefined {
  const read = (name: string) => {
    try {
      if (deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
        return undefined;
      }
      return deno.env.get(name) || undefined;
    } catch {
      return undefined;
    }
  };
  if (deno.build.os === "windows") {
    const local = read("LOCALAPPDATA");
    return local && `${local}\\${BUDGET_FILE.replace("/", "\\")}`;
  }
  const cache = read("XDG_CACHE_HOME") ?? (read("HOME") && `${read("HOME")}/.cache`);
  return cache && `${cache}/${BUDGET_FILE}`;
}

/**
 * The room each `lambda` leaves after another's turn, in milliseconds: commands started together
 * compete for the CPU as they start, and the first request of one was seen reaching the server
 * 70 ms later than it was sent (ten at once on two cores), which 10 ms of room cannot absorb.
 */
export const SHARED_BUDGET_SKEW_MS = 100;

/**
 * The store of the machine-wide budget, opened when first used; `undefined` when this `lambda`
 * cannot use one (no `--unstable-kv`, no folder, or no permission to read and write it), and then it paces
 * itself alone. Checked without prompting: only permissions already granted count.
 */
export function sharedBudget(deno: BudgetDeno): RateLimitStore | undefined {
  const openKv = deno.openKv;
  const path = budgetPath(deno);
  if (typeof openKv !== "function" || path === undefined) return undefined;
  try {
    for (const name of ["read", "write"] as const) {
      if (deno.permissions.querySync({ name, path }).state !== "granted") return undefined;
    }
  } catch {
    return undefined;
  }
  let store: Promise<RateLimitStore> | undefined;
  const open = () =>
    store ??= (async () => {
      await deno.mkdir(path.slice(0, Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"))), {
        recursive: true,
      });
      return kvRateLimitStore(await openKv(path));
    })();
  return {
    get: async (keyId) => await (await open()).get(keyId),
    compareAndSet: async (keyId, version, state, expireInMs) =>
      await (await open()).compareAndSet(keyId, version, state, expireInMs),
  };
}
