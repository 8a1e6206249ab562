// The launch journal: a line written before each launch is sent, and another once its outcome is
// known, so that a launch whose run was killed (SIGKILL, a lost machine) can be found by its token
// afterwards (`instances recover`). JSON Lines, appended to and never rewritten, so that runs
// launching side by side cannot lose each other's lines; a line cut short by a crash is skipped.

import type { InstanceLaunchRequest } from "../../mod.ts";
import type { DenoPermissions } from "./_deno_io.ts";
import { budgetPath, granted } from "./_shared_budget.ts";
import { folderOf } from "./_user_folders.ts";

/** The journal's file, in the command line's cache folder. */
export const JOURNAL_FILE = "lambda-cloud/launches.jsonl";

/**
 * Where the journal is kept, as the command line reads and appends to it.
 *
 * @example A journal kept in memory
 * ```ts
 * import type { JournalFile } from "@lambda-cloud/client/cli";
 *
 * let text = "";
 * const file: JournalFile = {
 *   where: "(memory)",
 *   read: () => Promise.resolve(text),
 *   append: (line) => Promise.resolve(void (text += line)),
 * };
 * ```
 */
export interface JournalFile {
  /** Where it is, for messages. */
  readonly where: string;
  /** Its whole text; `""` when it does not exist yet. */
  read(): Promise<string>;
  /** Appends `text` (whole lines), creating the file, readable by its owner only, if need be. */
  append(text: string): Promise<void>;
}

/** How a launch the journal holds turned out. */
export type JournalOutcome = "launched" | "not-launched" | "terminated" | "kept";

/** A launch the journal holds whose outcome it has not recorded. */
export interface OpenLaunch {
  launch_token: string;
  /** When it was about to be sent, as an ISO 8601 time. */
  sent_at: string;
  /** The body sent, without its user data (which may hold secrets). */
  request: Omit<InstanceLaunchRequest, "user_data">;
}

/** The open launches of one account, and how many lines were left aside. */
export interface OpenLaunches {
  /** Those sent to this API with this key. */
  mine: OpenLaunch[];
  /** How many were sent to another API or with another key: not this run's to look for. */
  others: number;
  /** Lines that could not be read (one cut short by a crash). */
  unreadable: number;
}

/** The journal as one run uses it: for the API and key the run talks to. */
export interface LaunchJournal {
  readonly where: string;
  /** Records that the launch carrying `token` is about to be sent. */
  sending(token: string, body: InstanceLaunchRequest, now: number): Promise<void>;
  /** Records how the launch carrying `token` turned out. */
  resolved(
    token: string,
    outcome: JournalOutcome,
    now: number,
    ids?: readonly string[],
  ): Promise<void>;
  /** The launches sent to this API with this key whose outcome is not recorded. */
  open(): Promise<OpenLaunches>;
}

/**
 * The journal in `file`, for the API at `api` and the key whose fingerprint `key` gives. The
 * journal never holds the key: only a fingerprint that tells one key's launches from another's.
 */
export function launchJournal(
  file: JournalFile,
  api: string,
  key: () => Promise<string>,
): LaunchJournal {
  const append = async (line: Record<string, unknown>) =>
    await file.append(`${JSON.stringify({ v: 1, api, key: await key(), ...line })}\n`);
  return {
    where: file.where,
    sending: (token, body, now) => {
      const { user_data: _secret, ...request } = body;
      return append({
        event: "sending",
        launch_token: token,
        sent_at: new Date(now).toISOString(),
        request,
      });
    },
    resolved: (token, outcome, now, ids) =>
      append({
        event: "resolved",
        launch_token: token,
        resolved_at: new Date(now).toISOString(),
        outcome,
        ...(ids === undefined ? {} : { instance_ids: ids }),
      }),
    async open() {
      const mine = await key();
      const sent = new Map<string, OpenLaunch & { ours: boolean }>();
      let unreadable = 0;
      for (const line of (await file.read()).split("\n")) {
        if (line.trim() === "") continue;
        const entry = parse(line);
        if (entry === undefined) {
          unreadable++;
        } else if (entry.event === "sending") {
          const { launch_token, sent_at, request } = entry;
          sent.set(launch_token, {
            launch_token,
            sent_at,
            request,
            ours: entry.api === api && entry.key === mine,
          });
        } else sent.delete(entry.launch_token);
      }
      const all = [...sent.values()];
      return {
        mine: all.filter((entry) => entry.ours).map(({ ours: _, ...entry }) => entry),
        others: all.filter((entry) => !entry.ours).length,
        unreadable,
      };
    },
  };
}

type Line =
  & { api: unknown; key: unknown; launch_token: string }
  & ({ event: "sending"; sent_at: string; request: OpenLaunch["request"] } | { event: "resolved" });

function parse(line: string): Line | undefined {
  try {
    const entry = JSON.parse(line);
    const known = entry?.v === 1 && typeof entry.launch_token === "string" &&
      (entry.event === "resolved" ||
        (entry.event === "sending" && typeof entry.sent_at === "string" &&
          typeof entry.request === "object" && entry.request !== null));
    return known ? entry : undefined;
  } catch {
    return undefined;
  }
}

/** A short fingerprint of `apiKey` (SHA-256, 64 bits), which tells keys apart without holding one. */
export async function keyFingerprint(apiKey: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(apiKey));
  return [...new Uint8Array(digest).slice(0, 8)].map((byte) => byte.toString(16).padStart(2, "0"))
    .join("");
}

/** The parts of the `Deno` namespace the journal's file needs. */
export interface JournalDeno {
  build: { os: string };
  env: { get(name: string): string | undefined };
  permissions: DenoPermissions;
  mkdir(path: string, options: { recursive: true }): Promise<void>;
  readTextFile(path: string): Promise<string>;
  writeTextFile(
    path: string,
    text: string,
    options: { append: true; create: true; mode: number },
  ): Promise<void>;
}

/**
 * The journal's file in the command line's cache folder, beside the shared rate budget; one that
 * fails every write, saying why, when that folder cannot be found or written.
 */
export function journalFile(deno: JournalDeno): JournalFile {
  const path = budgetPath(deno, JOURNAL_FILE);
  if (path === undefined) {
    const why = new Error(
      "no cache folder: --allow-env=XDG_CACHE_HOME,HOME (LOCALAPPDATA on Windows)",
    );
    return { where: "(none)", read: () => Promise.resolve(""), append: () => Promise.reject(why) };
  }
  const folder = folderOf(path);
  // Checked without prompting: only permissions already granted count.
  if (!granted(deno, path)) {
    const why = new Error(
      `no permission to read and write ${folder}: --allow-read --allow-write=${folder}`,
    );
    return { where: path, read: () => Promise.reject(why), append: () => Promise.reject(why) };
  }
  return {
    where: path,
    read: () =>
      deno.readTextFile(path).catch((error) => {
        if (error instanceof Deno.errors.NotFound) return "";
        throw error;
      }),
    append: async (text) => {
      await deno.mkdir(folder, { recursive: true });
      await deno.writeTextFile(path, text, { append: true, create: true, mode: 0o600 });
    },
  };
}
