// The launch journal: a line written before each launch is sent, and another once its outcome is
// known, so that a launch whose run was killed (SIGKILL, a lost machine) can be found by its token
// afterwards (`instances recover`). JSON Lines, appended to and never rewritten, so that runs
// launching side by side cannot lose each other's lines; a line cut short by a crash is skipped.

import type { InstanceLaunchRequest } from "../../mod.ts";
import { CACHE_FOLDER, type FolderDeno, userFile } from "./_user_folders.ts";

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
  /**
   * The run's last sign of life, as an ISO 8601 time: a run writes one every
   * {@linkcode HEARTBEAT_MS} while its launch is unsettled, so a recent one means another `lambda`
   * may still be waiting on what it launched; `null` once that run has ended, leaving it open.
   */
  alive_at: string | null;
  /** The body sent, without its user data (which may hold secrets). */
  request: Omit<InstanceLaunchRequest, "user_data">;
  /** The instances the run learned it launched, before it could say how the launch went. */
  instance_ids: string[];
}

/** The open launches of one account, and how many lines were left aside. */
export interface OpenLaunches {
  /** Those sent to this API with this key. */
  mine: OpenLaunch[];
  /** How many were sent to another API or with another key: not this run's to look for. */
  others: number;
  /** Lines that could not be read (one cut short by a crash, or not the journal's). */
  unreadable: number;
}

/** The journal as one run uses it: for the API and key the run talks to. */
export interface LaunchJournal {
  readonly where: string;
  /** Records that the launch carrying `token` is about to be sent. */
  sending(token: string, body: object, now: number): Promise<void>;
  /** Records that the run that sent the launch carrying `token` is still going. */
  alive(token: string, now: number): Promise<void>;
  /** Records that the run that sent the launch carrying `token` ends, leaving its outcome open. */
  ended(token: string, now: number): Promise<void>;
  /** Records the instances the launch carrying `token` made, while its outcome is not yet said. */
  launched(token: string, ids: readonly string[], now: number): Promise<void>;
  /** Records how the launch carrying `token` turned out. */
  resolved(
    token: string,
    outcome: JournalOutcome,
    now: number,
    ids?: readonly string[],
  ): Promise<void>;
  /** The launches sent to this API with this key whose outcome is not recorded. */
  open(): Promise<OpenLaunches>;
  /**
   * When each instance launched through this API with this key was sent, in milliseconds since
   * the epoch, by id: the launch times the API does not give, for as many as the journal holds.
   */
  launchTimes(): Promise<Map<string, number>>;
}

/** How often a run whose launch is unsettled says in the journal that it is still going. */
export const HEARTBEAT_MS = 60_000;

// A journal on a folder that hangs (a stuck network mount) must hold no launch, list or recover
// forever.
const IO_TIMEOUT_MS = 5000;

/**
 * The journal in `file`, for the API at `api` and the key whose fingerprint `key` gives. The
 * journal never holds the key: only a fingerprint that tells one key's launches from another's,
 * and every line goes through `hide`, which takes the key out of what was typed where it does not
 * belong (an image id, a name).
 */
export function launchJournal(
  file: JournalFile,
  api: string,
  key: () => Promise<string>,
  hide: (text: string) => string,
): LaunchJournal {
  const append = async (line: Record<string, unknown>) => {
    // Each line starts on a line of its own, even after one a crash cut short.
    const text = `\n${hide(JSON.stringify({ v: 1, api, key: await key(), ...line }))}\n`;
    await bounded(file.append(text), `writing ${file.where}`);
  };
  const at = (now: number) => new Date(now).toISOString();
  return {
    where: file.where,
    sending: (token, body, now) => {
      const { user_data: _secret, ...request } = body as { user_data?: unknown };
      return append({ event: "sending", launch_token: token, sent_at: at(now), request });
    },
    alive: (token, now) => append({ event: "alive", launch_token: token, at: at(now) }),
    ended: (token, now) => append({ event: "ended", launch_token: token, at: at(now) }),
    launched: (token, ids, now) =>
      append({ event: "launched", launch_token: token, at: at(now), instance_ids: ids }),
    resolved: (token, outcome, now, ids) =>
      append({
        event: "resolved",
        launch_token: token,
        resolved_at: at(now),
        outcome,
        ...(ids === undefined ? {} : { instance_ids: ids }),
      }),
    async open() {
      const { lines, unreadable, ours } = await read();
      // Each open launch with whom it was sent by: a later line acts on it only from the same.
      const open = new Map<string, { launch: OpenLaunch; by: string }>();
      // Closed before their first line landed (a write slower than its bound lands late).
      const closedEarly = new Set<string>();
      for (const { entry, by } of lines) {
        const known = open.get(entry.launch_token);
        const mine = JSON.stringify([by, entry.launch_token]);
        if (entry.event === "sending") {
          if (closedEarly.has(mine)) continue;
          const { launch_token, sent_at, request } = entry;
          const launch = { launch_token, sent_at, alive_at: sent_at, request, instance_ids: [] };
          open.set(launch_token, { launch, by });
        } else if (known?.by !== by) {
          if (entry.event === "resolved") closedEarly.add(mine);
        } else if (entry.event === "resolved") open.delete(entry.launch_token);
        else if (entry.event === "ended") known.launch.alive_at = null;
        else {
          known.launch.alive_at = entry.at;
          if (entry.event === "launched") known.launch.instance_ids.push(...entry.instance_ids);
        }
      }
      const all = [...open.values()];
      return {
        mine: all.filter((entry) => entry.by === ours).map((entry) => entry.launch),
        others: all.filter((entry) => entry.by !== ours).length,
        unreadable,
      };
    },
    async launchTimes() {
      const { lines, ours } = await read();
      const sentAt = new Map<string, number>();
      const times = new Map<string, number>();
      for (const { entry, by } of lines) {
        if (by !== ours) continue;
        if (entry.event === "sending") sentAt.set(entry.launch_token, Date.parse(entry.sent_at));
        const at = sentAt.get(entry.launch_token);
        if (at === undefined || (entry.event !== "launched" && entry.event !== "resolved")) {
          continue;
        }
        const ids: unknown = entry.instance_ids;
        if (Array.isArray(ids)) {
          ids.filter((id) => typeof id === "string").forEach((id) => times.set(id, at));
        }
      }
      return times;
    },
  };

  /** The journal's lines as the journal wrote them, each with whom it was written by. */
  async function read() {
    const lines: { entry: Line; by: string }[] = [];
    let unreadable = 0;
    for (const line of (await bounded(file.read(), `reading ${file.where}`)).split("\n")) {
      if (line.trim() === "") continue;
      const entry = parse(line);
      if (entry === undefined) unreadable++;
      else lines.push({ entry, by: JSON.stringify([entry.api, entry.key]) });
    }
    return { lines, unreadable, ours: JSON.stringify([api, await key()]) };
  }
}

/** `operation`, or an error once it has taken {@linkcode IO_TIMEOUT_MS}. */
async function bounded<T>(operation: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      operation,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${what} took over ${IO_TIMEOUT_MS / 1000} s`)),
          IO_TIMEOUT_MS,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

type Line =
  & { api: unknown; key: unknown; launch_token: string }
  & (
    | { event: "sending"; sent_at: string; request: OpenLaunch["request"] }
    | { event: "alive" | "ended"; at: string }
    | { event: "launched"; at: string; instance_ids: string[] }
    | { event: "resolved"; instance_ids?: unknown }
  );

const TOKEN = /^[\x21-\x7e]{1,128}$/;
const ID = /^[\x21-\x7e]{1,128}$/;

/** One line of the journal, or `undefined` for one that is not wholly as the journal writes it. */
function parse(line: string): Line | undefined {
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (entry?.v !== 1 || typeof entry.launch_token !== "string" || !TOKEN.test(entry.launch_token)) {
    return undefined;
  }
  const time = (value: unknown) => typeof value === "string" && !Number.isNaN(Date.parse(value));
  const request = entry.request;
  const known = entry.event === "resolved" ||
    ((entry.event === "alive" || entry.event === "ended") && time(entry.at)) ||
    (entry.event === "launched" && time(entry.at) && Array.isArray(entry.instance_ids) &&
      entry.instance_ids.every((id: unknown) => typeof id === "string" && ID.test(id))) ||
    (entry.event === "sending" && time(entry.sent_at) &&
      typeof request?.instance_type_name === "string" &&
      typeof request?.region_name === "string");
  return known ? entry : undefined;
}

/** A short fingerprint of `apiKey` (SHA-256, 64 bits), which tells keys apart without holding one. */
export async function keyFingerprint(apiKey: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(apiKey));
  return [...new Uint8Array(digest).slice(0, 8)].map((byte) => byte.toString(16).padStart(2, "0"))
    .join("");
}

/** The parts of the `Deno` namespace the journal's file needs. */
export interface JournalDeno extends FolderDeno {
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
  const file = userFile(deno, CACHE_FOLDER, JOURNAL_FILE);
  if (file.why !== undefined) {
    const why = new Error(file.why);
    // With no folder there is no journal to read; one that may not be read is not an empty one.
    const read = file.path === undefined ? () => Promise.resolve("") : () => Promise.reject(why);
    return { where: file.path ?? "(none)", read, append: () => Promise.reject(why) };
  }
  const { path, folder } = file;
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
