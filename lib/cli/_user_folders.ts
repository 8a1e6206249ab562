// The user's folders where the command line keeps its files: the cache (the shared rate budget, the
// launch journal) and the configuration (the profiles of `lambda auth`), as each platform names them.

import type { DenoPermissions } from "./_deno_io.ts";

/** Where a platform keeps one kind of file: a variable on Windows, else XDG's, else one in HOME. */
export interface UserFolder {
  /** What it is called in messages, such as `cache`. */
  noun: string;
  /** The variable that names it on Windows, such as `LOCALAPPDATA`. */
  windows: string;
  /** The XDG variable that names it elsewhere, such as `XDG_CACHE_HOME`. */
  xdg: string;
  /** The folder in HOME when the XDG variable is unset, such as `.cache`. */
  home: string;
}

/** The cache folder: `$XDG_CACHE_HOME`, else `~/.cache`; `%LOCALAPPDATA%` on Windows. */
export const CACHE_FOLDER: UserFolder = {
  noun: "cache",
  windows: "LOCALAPPDATA",
  xdg: "XDG_CACHE_HOME",
  home: ".cache",
};

/** The configuration folder: `$XDG_CONFIG_HOME`, else `~/.config`; `%APPDATA%` on Windows. */
export const CONFIG_FOLDER: UserFolder = {
  noun: "configuration",
  windows: "APPDATA",
  xdg: "XDG_CONFIG_HOME",
  home: ".config",
};

/** The parts of the `Deno` namespace that finding a user's folder needs. */
export interface FolderDeno {
  build: { os: string };
  env: { get(name: string): string | undefined };
  permissions: DenoPermissions;
}

/**
 * The path of `file` (such as `lambda-cloud/launches.jsonl`) in the user's `folder`; `undefined`
 * when the variables that name it cannot be read (no `--allow-env` for them; never a prompt) or are
 * unset.
 */
export function userPath(deno: FolderDeno, folder: UserFolder, file: string): string | undefined {
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
    const base = read(folder.windows);
    return base && `${base}\\${file.replaceAll("/", "\\")}`;
  }
  const home = read("HOME");
  const base = read(folder.xdg) ?? (home && `${home}/${folder.home}`);
  return base && `${base}/${file}`;
}

/** The folder that holds `path`. */
export function folderOf(path: string): string {
  return path.slice(0, Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")));
}

/** Whether this process may read and write `path` without being asked (no prompt). */
export function granted(deno: Pick<FolderDeno, "permissions">, path: string): boolean {
  try {
    return (["read", "write"] as const).every((name) =>
      deno.permissions.querySync({ name, path }).state === "granted"
    );
  } catch {
    return false;
  }
}

/**
 * A file in a user's folder that this process may read and write (its `path` and the `folder` that
 * holds it), or `why` it may not, naming the flags that fix it, with its `path` when it was found.
 */
export type UserFile =
  | { path: string; folder: string; why?: undefined }
  | { path: string | undefined; why: string };

/**
 * `file` in the user's `folder`, where this process may read and write it. Checked without
 * prompting: only permissions already granted count.
 */
export function userFile(deno: FolderDeno, folder: UserFolder, file: string): UserFile {
  const path = userPath(deno, folder, file);
  if (path === undefined) {
    const variables = deno.build.os === "windows" ? folder.windows : `${folder.xdg},HOME`;
    // Unset, or not to be read: one message for both, naming the fix of each.
    return {
      path,
      why: `no ${folder.noun} folder: ${
        variables.replace(",", " and ")
      } unset, or not readable without --allow-env=${variables}`,
    };
  }
  const parent = folderOf(path);
  if (!granted(deno, path)) {
    return {
      path,
      why: `no permission to read and write ${parent}: --allow-read --allow-write=${parent}`,
    };
  }
  return { path, folder: parent };
}
