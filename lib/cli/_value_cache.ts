// The names shell completion offers (instance types, regions, instance and SSH key names), kept a
// minute in the command line's cache folder, so that pressing Tab again asks the API nothing. The
// cache is keyed by API address and key fingerprint, like the launch journal, and never holds the
// key.

import { CACHE_FOLDER, type FolderDeno, userFile } from "./_user_folders.ts";

/** What a completion can offer the names of. */
export type ValueKind = "types" | "regions" | "instances" | "ssh-keys";

/** Every kind, in the order help lists them. */
export const VALUE_KINDS: readonly ValueKind[] = ["types", "regions", "instances", "ssh-keys"];

/** The cache's file, in the command line's cache folder. */
export const CACHE_FILE = "lambda-cloud/completions.json";

/** How long names stay cached: long enough for the Tabs of one command line, and no longer. */
export const VALUE_TTL_MS = 60_000;

/**
 * Where the command line keeps the names it offers shell completion.
 *
 * @example A cache kept in memory
 * ```ts
 * import type { CacheFile } from "@lambda-cloud/client/cli";
 *
 * let text = "";
 * const file: CacheFile = {
 *   where: "(memory)",
 *   read: () => Promise.resolve(text),
 *   write: (next) => Promise.resolve(void (text = next)),
 * };
 * ```
 */
export interface CacheFile {
  /** Where it is, for messages. */
  readonly where: string;
  /** Its whole text; `""` when it does not exist yet. */
  read(): Promise<string>;
  /** Replaces its whole text, creating the file, readable by its owner only, if need be. */
  write(text: string): Promise<void>;
}

/** The cache as one run uses it: for the API and key the run talks to. */
export interface ValueCache {
  /**
   * The names of `kind`: cached ones under {@linkcode VALUE_TTL_MS} old at `now`, else those
   * `read` gives, which are cached. A cache that cannot be read or written is only slower.
   */
  names(kind: ValueKind, read: () => Promise<string[]>, now: number): Promise<string[]>;
}

interface Entry {
  at: number;
  names: string[];
}

/** The cache in `file`, for the API at `api` and the key whose fingerprint `key` gives. */
export function valueCache(
  file: CacheFile,
  api: string,
  key: () => Promise<string>,
): ValueCache {
  return {
    async names(kind, read, now) {
      const slot = `${api} ${await key()} ${kind}`;
      const entries = await readEntries(file);
      const cached = entries[slot];
      if (
        cached !== undefined && Array.isArray(cached.names) && cached.at <= now &&
        now - cached.at < VALUE_TTL_MS
      ) return cached.names;
      const names = await read();
      // Only what is still fresh is kept, so the file never grows.
      const kept = Object.entries(entries).filter(([, entry]) => now - entry.at < VALUE_TTL_MS);
      const text = JSON.stringify(Object.fromEntries([...kept, [slot, { at: now, names }]]));
      await file.write(text).catch(() => {});
      return names;
    },
  };
}

/** The entries of the cache in `file`; none when it cannot be read or is not what it should be. */
async function readEntries(file: CacheFile): Promise<Record<string, Entry>> {
  try {
    const parsed = JSON.parse(await file.read());
    return typeof parsed === "object" && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

/** The parts of the `Deno` namespace the cache's file needs. */
export interface CacheDeno extends FolderDeno {
  mkdir(path: string, options: { recursive: true }): Promise<void>;
  readTextFile(path: string): Promise<string>;
  writeTextFile(path: string, text: string, options: { mode: number }): Promise<void>;
}

/**
 * The cache's file in the command line's cache folder, beside the shared rate budget; one that
 * holds nothing when that folder cannot be found or written.
 */
export function cacheFile(deno: CacheDeno): CacheFile {
  const file = userFile(deno, CACHE_FOLDER, CACHE_FILE);
  if (file.why !== undefined) {
    return { where: "(none)", read: () => Promise.resolve(""), write: () => Promise.resolve() };
  }
  const { path, folder } = file;
  return {
    where: path,
    read: () => deno.readTextFile(path).catch(() => ""),
    write: async (text) => {
      await deno.mkdir(folder, { recursive: true });
      await deno.writeTextFile(path, text, { mode: 0o600 });
    },
  };
}
