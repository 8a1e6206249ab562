// One rate budget for every `lambda` on the machine: a Deno KV file in the user's cache folder,
// which each invocation opens (the first time it sends a request) to book its turns, so that a shell
// loop or parallel CI jobs wait their turn rather than being refused. Without `--unstable-kv`, or
// without permission to find or write the folder, each invocation paces itself alone, as before,
// says so once, and its patience with 429s (the client's backoff.patienceMs) still covers the rest.

import { type KvLike, kvRateLimitStore, type RateLimitStore } from "../../mod.ts";
import { CACHE_FOLDER, type FolderDeno, userFile } from "./_user_folders.ts";

/** The parts of the `Deno` namespace the shared budget uses. */
export interface BudgetDeno extends FolderDeno {
  mkdir(path: string, options: { recursive: true }): Promise<void>;
  /** Present only under `--unstable-kv` (or on Deno Deploy). */
  openKv?: (path: string) => Promise<KvLike>;
}

/** The KV file's name inside the cache folder. */
export const BUDGET_FILE = "lambda-cloud/rate-limit.kv";

/**
 * The room each `lambda` leaves after another's turn, in milliseconds: commands started together
 * compete for the CPU as they start, and the first request of one was seen reaching the server
 * 70 ms later than it was sent (ten at once on two cores), which 10 ms of room cannot absorb.
 */
export const SHARED_BUDGET_SKEW_MS = 100;

/** How long to keep trying to open or use the budget's file while another process holds it. */
const LOCKED_RETRY_MS = 2000;

/**
 * Why this `lambda` cannot share the machine-wide budget (no `--unstable-kv`, no cache folder, no
 * permission to read and write it): the store it is given then fails every time with this error,
 * so that the client paces it alone and says so once.
 */
export class BudgetUnavailableError extends Error {
  override name = "BudgetUnavailableError";
}

/**
 * The store of the machine-wide budget, opened when first used. When this `lambda` cannot use one
 * (no `--unstable-kv`, no folder, or no permission to read and write it), a store that fails with
 * a {@linkcode BudgetUnavailableError} saying why: the client then paces this process alone, and
 * the command line says so once. Checked without prompting: only permissions already granted
 * count.
 */
export function sharedBudget(deno: BudgetDeno): RateLimitStore {
  const openKv = deno.openKv;
  if (typeof openKv !== "function") return unavailable("it needs --unstable-kv");
  const file = userFile(deno, CACHE_FOLDER, BUDGET_FILE);
  if (file.why !== undefined) return unavailable(file.why);
  const { path, folder } = file;
  // Opened when first used; several `lambda` started at once may find the file locked while one of
  // them creates it, which the store waits out.
  return kvRateLimitStore(async () => {
    await deno.mkdir(folder, { recursive: true });
    return await openKv(path);
  }, { lockedRetryMs: LOCKED_RETRY_MS });
}

function unavailable(why: string): RateLimitStore {
  const error = new BudgetUnavailableError(why);
  return { get: () => Promise.reject(error), compareAndSet: () => Promise.reject(error) };
}
