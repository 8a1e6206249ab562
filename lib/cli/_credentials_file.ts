// The file of `lambda auth`'s profiles on disk: in the user's configuration folder, created with mode
// 600 in a folder of 700, refused unread (as ssh refuses a private key) when other users may read or
// change it, and replaced whole by a rename, so that a crash leaves the old file or the new one,
// never half of either.

import { EXIT } from "./_exit.ts";
import { CliError } from "./_report.ts";
import { CONFIG_FOLDER, type FolderDeno, userFile } from "./_user_folders.ts";

/** The file's name inside the configuration folder. */
export const CREDENTIALS_FILE = "lambda-cloud/credentials";

/**
 * Where `lambda auth` keeps its profiles (a dotenv file), as the command line reads and replaces
 * it.
 *
 * @example A credentials file kept in memory
 * ```ts
 * import type { CredentialsFile } from "@lambda-cloud/client/cli";
 *
 * let text: string | undefined;
 * const file: CredentialsFile = {
 *   where: "(memory)",
 *   read: () => Promise.resolve(text),
 *   write: (next) => Promise.resolve(void (text = next)),
 *   locked: (change) => change(), // one process: nothing else changes it
 * };
 * ```
 */
export interface CredentialsFile {
  /** Where it is, for messages. */
  readonly where: string;
  /**
   * Its whole text; `undefined` when it does not exist yet. Rejects, having read nothing, when
   * users other than its owner may read or change it.
   */
  read(): Promise<string | undefined>;
  /**
   * Replaces its whole text at once (a new file renamed over the old one), readable by its owner
   * only, creating its folder if need be.
   */
  write(text: string): Promise<void>;
  /**
   * Runs `change` (a read, then a write) while no other `lambda` changes the file, so that two
   * logins at once both land: an exclusive lock on a file beside it, which the system drops when
   * the process ends, however it ends.
   */
  locked<T>(change: () => Promise<T>): Promise<T>;
}

/**
 * The credentials file cannot be used by this `lambda` at all (no folder to find, no permission to
 * read and write it, or none given to an embedded run), as opposed to a file that is there and
 * wrong.
 */
export class CredentialsUnavailableError extends CliError {
  override name = "CredentialsUnavailableError";

  /** @param why Why, naming the fix, such as the permission flag to add. */
  constructor(readonly why: string) {
    super(`the profiles of 'lambda auth' cannot be used: ${why}`, EXIT.auth);
  }
}

/** An open file, as far as the credentials file uses one. */
export interface CredentialsHandle {
  stat(): Promise<{ isFile: boolean; mode: number | null }>;
  readonly readable: ReadableStream<Uint8Array>;
  write(bytes: Uint8Array): Promise<number>;
  syncData(): Promise<void>;
  lock(exclusive: boolean): Promise<void>;
  close(): void;
}

/** The parts of the `Deno` namespace the credentials file needs. */
export interface CredentialsDeno extends FolderDeno {
  mkdir(path: string, options: { recursive: true; mode: number }): Promise<void>;
  open(
    path: string,
    options:
      | { read: true }
      | { write: true; createNew: true; mode: number }
      | { write: true; create: true; mode: number },
  ): Promise<CredentialsHandle>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
}

/**
 * The credentials file in the user's configuration folder (`$XDG_CONFIG_HOME`, else `~/.config`;
 * `%APPDATA%` on Windows), followed by {@linkcode CREDENTIALS_FILE}; one that fails with a
 * {@linkcode CredentialsUnavailableError} saying why, when that folder cannot be found or this
 * process may not read and write it (checked without prompting).
 */
export function credentialsFile(deno: CredentialsDeno): CredentialsFile {
  const found = userFile(deno, CONFIG_FOLDER, CREDENTIALS_FILE);
  if (found.why !== undefined) return unavailable(found.path ?? "(none)", found.why);
  const { path, folder } = found;
  return {
    where: path,
    read: async () => {
      let file: CredentialsHandle;
      try {
        file = await deno.open(path, { read: true });
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return undefined;
        throw error;
      }
      const { isFile, mode } = await file.stat().catch((error) => {
        file.close();
        throw error;
      });
      // Windows has no mode bits to check (mode is null there).
      const loose = mode === null ? 0 : mode & 0o077;
      if (!isFile || loose !== 0) {
        file.close();
        if (!isFile) throw new Error(`${path} is not a file`);
        throw new CliError(
          `${path} may be read or changed by other users (mode ${
            (mode! & 0o777).toString(8)
          }): it is refused, and nothing was read from it`,
          EXIT.auth,
          `make it private to you: chmod 600 ${path}`,
        );
      }
      return await new Response(file.readable).text();
    },
    write: async (text) => {
      await deno.mkdir(folder, { recursive: true, mode: 0o700 });
      const temporary = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
      const file = await deno.open(temporary, { write: true, createNew: true, mode: 0o600 });
      try {
        try {
          const bytes = new TextEncoder().encode(text);
          for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
          await file.syncData();
        } finally {
          file.close();
        }
        await deno.rename(temporary, path);
      } catch (error) {
        await deno.remove(temporary).catch(() => {});
        throw error;
      }
    },
    locked: async (change) => {
      await deno.mkdir(folder, { recursive: true, mode: 0o700 });
      const lock = await deno.open(`${path}.lock`, { write: true, create: true, mode: 0o600 });
      try {
        await lock.lock(true);
        return await change();
      } finally {
        lock.close(); // and with it the lock
      }
    },
  };
}

function unavailable(where: string, why: string): CredentialsFile {
  const error = new CredentialsUnavailableError(why);
  const fail = () => Promise.reject(error);
  return { where, read: fail, write: fail, locked: fail };
}
