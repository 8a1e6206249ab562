// What a command is, what it is given to run, and what it gives back.

import { type LambdaCloudClient, LAUNCH_TOKEN_KEY } from "../../mod.ts";
import { type FlagSpec, type ParsedArgs, UsageError } from "./_args.ts";
import type { Lookup } from "./_lookup.ts";
import type { LaunchJournal } from "./_journal.ts";
import type { ValueCache, ValueKind } from "./_value_cache.ts";
import type { Credentials } from "./_credentials.ts";
import type { Profiles } from "./_profiles.ts";

/**
 * A file opened for a secret before the secret exists, so that a path that cannot be written is
 * found out before anything is asked of the API.
 */
export interface SecretFile {
  /** Writes `text` as the file's whole content, and closes it; on failure the file is removed. */
  write(text: string): Promise<void>;
  /** Closes and removes the file, when there turned out to be nothing to put in it. */
  discard(): Promise<void>;
}

/**
 * What the command line needs from the world, injected so that it can run without a terminal.
 *
 * @example Capture the output
 * ```ts
 * import type { CliIo } from "@lambda-cloud/client/cli";
 *
 * const out: string[] = [];
 * const io: CliIo = {
 *   stdout: (line) => out.push(line),
 *   stderr: (line) => out.push(line),
 *   progress: () => {},
 *   env: () => undefined,
 *   isTerminal: false,
 *   confirm: () => Promise.resolve(false),
 *   readTextFile: (path) => Deno.readTextFile(path),
 *   createSecretFile: () => Promise.reject(new Error("no files here")),
 * };
 * ```
 */
export interface CliIo {
  /** Writes one line of output. */
  stdout(line: string): void;
  /**
   * Whether stdout can no longer be written, so that lines written to it were lost: its reader
   * has gone (`| head -1`), or a write failed (`> /dev/full`).
   */
  stdoutLost?(): boolean;
  /**
   * Why stdout was lost when a write failed (a full disk), rather than its reader having left:
   * the run then fails, since its output was wanted and did not arrive.
   */
  stdoutError?(): Error | undefined;
  /** Writes one line of diagnostics. */
  stderr(line: string): void;
  /** Rewrites the live progress line (on a terminal), or writes a line. */
  progress(line: string): void;
  /**
   * Reads an environment variable: `undefined` when it is not set. Throws when it cannot be read
   * here (no permission), so that a variable that is set is never taken for one that is not.
   */
  env(name: string): string | undefined;
  /** Whether a person is at the keyboard: confirmations are asked only then. */
  isTerminal: boolean;
  /**
   * Whether stdout is a terminal, where all of it is seen. A pipe's reader may stop early
   * (`| head -1`) without anyone knowing, so a generated private key is printed to one only when
   * asked. Taken as `false` when left out.
   */
  stdoutIsTerminal?: boolean;
  /**
   * Which streams take colour (statuses, the word "error"): those that are terminals, unless
   * NO_COLOR is set. Neither when left out.
   */
  colour?: { stdout: boolean; stderr: boolean };
  /** Asks a yes-or-no question; resolves `true` for yes. */
  confirm(question: string): Promise<boolean>;
  /** Reads a text file (for `--public-key-file`, `--user-data-file`). */
  readTextFile(path: string): Promise<string>;
  /**
   * Creates a new file readable by its owner only (for `--save-private-key`), and fails when it
   * exists already or cannot be created.
   */
  createSecretFile(path: string): Promise<SecretFile>;
  /**
   * Asks for a secret (`lambda auth login`'s key) on the terminal, without echoing what is typed;
   * `undefined` when there is no terminal to ask on. Taken as never possible when left out.
   */
  readSecret?(question: string): Promise<string | undefined>;
  /** All of standard input, as text (`lambda auth login --with-key-stdin`). */
  readStdin?(): Promise<string>;
}

/** What a run may leave billing if it is cut short. */
export interface Unfinished {
  /** The token of a launch that is being sent, or was. */
  launchToken?: string;
  /** Instances launched and not yet seen terminating. */
  instanceIds?: string[];
}

/** What a command runs with. */
export interface CommandContext {
  client: LambdaCloudClient;
  args: ParsedArgs;
  io: CliIo;
  /** Print machine-readable JSON rather than tables. */
  json: boolean;
  /** Print only ids (`--quiet`). */
  quiet: boolean;
  /** Send nothing that changes anything (`--dry-run`): the first such request is printed instead. */
  dryRun: boolean;
  /** The columns the table will show, so that a command can skip work nobody will see. */
  columns: readonly string[];
  /** Aborted when the user presses Ctrl-C. */
  signal: AbortSignal;
  /** The current time, in milliseconds since the epoch. */
  now(): number;
  /** Lists read once per run, and names turned into ids. */
  lookup: Lookup;
  /**
   * What the run may leave billing if it is cut short (a second Ctrl-C leaves at once): a command
   * that launches fills it in as it learns, so that even then the user is told what to look for.
   */
  unfinished: Unfinished;
  /** Where launches are recorded before they are sent, when this run keeps a journal. */
  journal: LaunchJournal | undefined;
  /** Where the names shell completion offers are kept a minute, when this run keeps them. */
  valueCache: ValueCache | undefined;
  /** The key the client sends, where it came from, and where it goes; none for a local command. */
  credentials: Credentials | undefined;
  /** The profiles of `lambda auth`. */
  profiles: Profiles;
}

/** What a command that brings its own key (`auth login`) has to find it with. */
export interface CredentialsSetup {
  args: ParsedArgs;
  io: CliIo;
  profiles: Profiles;
}

/** What a command prints: `data` for `--json`, `rows` or `lines` for people. */
export interface CommandOutput {
  /** What `--json` prints; when `undefined`, the output is text only (help), `--json` or not. */
  data: unknown;
  /** The rows of the command's table, keyed by column name; see {@linkcode Command.columns}. */
  rows?: readonly Record<string, string>[];
  /** Lines printed before the table, or instead of it. */
  lines?: readonly string[];
  /** Lines after the table, such as a total; only in the default view. */
  footer?: readonly string[];
  /** What `--quiet` prints; the table's first column by default. */
  ids?: readonly string[];
  /** Remarks for people (such as "the list was cut"), on stderr, and not with `--quiet`. */
  notes?: readonly string[];
  /** Warnings, on stderr, always. */
  warnings?: readonly string[];
  /** The exit code when not 0, such as 5 for "nothing has capacity". */
  exitCode?: number;
  /**
   * Lines of a secret of the user's own (a generated private key), printed after `lines` exactly
   * as they are: escaping would corrupt them, and they are not text to show but material to keep.
   */
  secretLines?: readonly string[];
  /**
   * What exists nowhere else (a generated private key, the ids of instances just launched): if
   * stdout cannot take it, it is written to stderr instead, and the run fails.
   */
  mustReach?: MustReach;
}

/** What a run must get to the user, whatever becomes of stdout. */
export interface MustReach {
  /** For people: one a line. */
  lines: readonly string[];
  /** Under `--json`: the fields of the error object that carries it to stderr. */
  fields: Readonly<Record<string, unknown>>;
  /** It is the user's own secret (a private key): written exactly as it is, never escaped. */
  secret?: boolean;
  /** Stdout's output leaves it out (under `-q`): it goes to stderr whatever becomes of stdout. */
  offStdout?: boolean;
}

/** How a command that launches or destroys something is confirmed. */
export interface Confirmation {
  /**
   * It destroys something: where nobody can be asked (no terminal), it refuses unless `--yes`.
   * A command that is not destructive (a launch) goes ahead when nobody can be asked.
   */
  destructive: boolean;
  /** Whether there is anything to confirm (such as rules that would be removed); always if left out. */
  needed?(context: CommandContext): Promise<boolean>;
  /** The question, such as "Terminate train-1 (0920…)?". */
  question(context: CommandContext): Promise<string>;
  /** What the change takes away, for a dry run to list: see {@linkcode removing}. */
  removes?(context: CommandContext): Promise<Removal>;
}

/** What a change would take away: `items` (in words, such as `tcp 22 from 0.0.0.0/0`) from `from`. */
export interface Removal {
  /** What is taken away, in the singular, such as `rule`. */
  noun: string;
  /** What they are taken from, such as `the legacy rules`. */
  from: string;
  items: readonly string[];
}

/**
 * The confirmation of a change that may take things away (a replace of rules or tags, a rule
 * removed): asked, and refused off a terminal without `--yes`, only when it would remove
 * something; a dry run lists what.
 */
export function removing(removal: (context: CommandContext) => Promise<Removal>): Confirmation {
  return {
    destructive: true,
    removes: removal,
    needed: async (context) => (await removal(context)).items.length > 0,
    question: async (context) => `${removalText(await removal(context))} Go ahead?`,
  };
}

/** `This removes 1 rule(s) from the ruleset: tcp 22 from 0.0.0.0/0.` */
export function removalText({ noun, from, items }: Removal): string {
  return `This removes ${items.length} ${noun}(s) from ${from}: ${items.join(", ")}.`;
}

/** One command of the command line. */
export interface Command {
  /** The words that name it, such as `["instances", "list"]`. */
  name: readonly string[];
  summary: string;
  /** The positional arguments, in help's words, such as `<id|name>...`. */
  usage?: string;
  /** How many positional arguments it takes. */
  positionals?: { min: number; max: number };
  flags?: Record<string, FlagSpec>;
  /** Changes something: accepts `--dry-run`. */
  mutating?: boolean;
  /**
   * Checks what can be checked before anything is asked or sent (options, files, names), so that
   * a mistake is found before the question, not after a yes. Run before the confirmation and the
   * dry run; `run` may do the same work again, or share it.
   */
  check?(context: CommandContext): Promise<void>;
  /** Whether `--quiet` applies; it does unless `false` (a command with no ids to print). */
  quiet?: false;
  /** Asked before it runs, on a terminal, unless `--yes`. */
  confirm?: Confirmation;
  /** The columns of its table, for `--format`; `--quiet` prints the first. */
  columns?: readonly string[];
  /** The columns shown without `--format`; all of them when left out. */
  defaultColumns?: readonly string[];
  /** Runs without the API: no key, no client (such as `completions`). */
  local?: boolean;
  /**
   * Where its key and base URL come from, when not from the usual order of precedence
   * (`auth login`: the key typed or piped in). Run after the arguments are checked.
   */
  ownCredentials?(setup: CredentialsSetup): Promise<Credentials>;
  /** Command lines shown under "Examples" in its help. */
  examples?: readonly string[];
  /** What shell completion offers for its arguments: names of this kind. */
  completes?: ValueKind;
  run(context: CommandContext): Promise<CommandOutput>;
}

/**
 * A command's positional arguments: `usage`, what help calls them, and how many it takes, from
 * `min` to `max` (`Infinity`: as many as given).
 */
export function takes(usage: string, min = 1, max = min): Pick<Command, "usage" | "positionals"> {
  return { usage, positionals: { min, max } };
}

/** A command that prints the list `read` gives, one row of its table per item, by `row`. */
export function listCommand<T>(
  command: Omit<Command, "run">,
  read: (context: CommandContext) => Promise<readonly T[]>,
  row: (item: T) => Record<string, string>,
): Command {
  return {
    ...command,
    async run(context) {
      const items = await read(context);
      return { data: items, rows: items.map((item) => row(item)) };
    },
  };
}

/**
 * `make`, worked out once per run and shared by the checks, the question and the run, so that
 * what was checked and asked about is what is sent.
 */
export function perRun<T>(
  make: (context: CommandContext) => Promise<T>,
): (context: CommandContext) => Promise<T> {
  const made = new WeakMap<CommandContext, Promise<T>>();
  return (context) => {
    if (!made.has(context)) made.set(context, make(context));
    return made.get(context)!;
  };
}

/** The value of a string flag, if given. */
export function flag(args: ParsedArgs, name: string): string | undefined {
  return args.strings.get(name);
}

/** The value of a required string flag. */
export function requiredFlag(args: ParsedArgs, name: string): string {
  const value = args.strings.get(name);
  if (value === undefined) throw new UsageError(`option '--${name}' is required`);
  return value;
}

// The longest time a timer can hold (2^31 - 1 ms), in whole seconds: about 24 days.
const MAX_SECONDS = Math.floor(2_147_483_647 / 1000);

/**
 * A flag given in seconds, as milliseconds; checked here, before anything is sent, against what
 * the client accepts, so that a command never fails on it after it has changed something.
 */
export function seconds(args: ParsedArgs, name: string): number | undefined {
  const value = args.strings.get(name);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0 || number > MAX_SECONDS) {
    throw new UsageError(
      `option '--${name}' must be a number of seconds above 0 and at most ${MAX_SECONDS} (about 24 days), received '${value}'`,
    );
  }
  return number * 1000;
}

/** A flag that holds a whole number. */
export function integer(args: ParsedArgs, name: string): number | undefined {
  const value = args.strings.get(name);
  if (value === undefined) return undefined;
  // Digits only: Number() also reads "0x10", "1e3" and " 80", which nobody means here.
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number)) {
    throw new UsageError(`option '--${name}' must be a whole number, received '${value}'`);
  }
  return number;
}

/** A repeatable flag's values, each of which may also be a comma-separated list. */
export function listFlag(args: ParsedArgs, name: string): string[] | undefined {
  return args.lists.get(name)?.flatMap((value) => value.split(",")).filter((value) => value);
}

/** The text of the file a flag names; a file that cannot be read is a usage error, before sending. */
export async function flagFile(
  io: CliIo,
  args: ParsedArgs,
  name: string,
): Promise<string | undefined> {
  const path = args.strings.get(name);
  if (path === undefined) return undefined;
  try {
    return await io.readTextFile(path);
  } catch (error) {
    throw new UsageError(
      `option '--${name}': cannot read '${path}': ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  }
}

/** `key=value` pairs, as tags. */
export function tags(values: readonly string[] | undefined): { key: string; value: string }[] {
  return (values ?? []).map((pair) => {
    const equals = pair.indexOf("=");
    if (equals <= 0) throw new UsageError(`a tag must look like key=value, received '${pair}'`);
    return { key: pair.slice(0, equals), value: pair.slice(equals + 1) };
  });
}

/**
 * Refuses tags that carry a launch token of the user's: one copied from an earlier launch (or put
 * on another instance) would make that launch's instance pass for this one's, to be waited for,
 * cleaned up or recovered.
 */
export function refuseLaunchTokenTag(given: unknown): void {
  if (Array.isArray(given) && given.some((tag) => tag?.key === LAUNCH_TOKEN_KEY)) {
    throw new UsageError(
      `the tag '${LAUNCH_TOKEN_KEY}' is the launch token, which the command line chooses for each launch`,
    );
  }
}
