// What a command is, and what it is given to run.

import type { LambdaCloudClient } from "../client.ts";
import { type FlagSpec, type ParsedArgs, UsageError } from "./_args.ts";

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
 *   writeSecretFile: (path, text) => Deno.writeTextFile(path, text, { mode: 0o600 }),
 * };
 * ```
 */
export interface CliIo {
  /** Writes one line of output. */
  stdout(line: string): void;
  /** Writes one line of diagnostics. */
  stderr(line: string): void;
  /** Rewrites the live progress line (on a terminal), or writes a line. */
  progress(line: string): void;
  /** Reads an environment variable, if allowed; `undefined` otherwise. */
  env(name: string): string | undefined;
  /** Whether a person is at the keyboard: confirmations are asked only then. */
  isTerminal: boolean;
  /** Asks a yes-or-no question; resolves `true` for yes. */
  confirm(question: string): Promise<boolean>;
  /** Reads a text file (for `--public-key-file`, `--user-data-file`). */
  readTextFile(path: string): Promise<string>;
  /** Writes a text file readable by its owner only (for `--save-private-key`). */
  writeSecretFile(path: string, text: string): Promise<void>;
}

/** What a command runs with. */
export interface CommandContext {
  client: LambdaCloudClient;
  args: ParsedArgs;
  io: CliIo;
  /** Print machine-readable JSON rather than tables. */
  json: boolean;
}

/** What a command prints: `data` for `--json`, `lines` for people. */
export interface CommandOutput {
  data: unknown;
  lines: string[];
  /** The exit code when not 0, such as 5 for "nothing has capacity". */
  exitCode?: number;
}

/** One command of the command line. */
export interface Command {
  /** The words that name it, such as `["instances", "list"]`. */
  name: readonly string[];
  summary: string;
  /** The positional arguments, in help's words, such as `<id>...`. */
  usage?: string;
  /** How many positional arguments it takes. */
  positionals?: { min: number; max: number };
  flags?: Record<string, FlagSpec>;
  /** Changes something: accepts `--dry-run`. */
  mutating?: boolean;
  /** A question to confirm on a terminal first, unless `--yes`. */
  confirm?: (context: CommandContext) => string;
  run(context: CommandContext): Promise<CommandOutput>;
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

/** A flag given in seconds, as milliseconds. */
export function seconds(args: ParsedArgs, name: string): number | undefined {
  const value = args.strings.get(name);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) {
    throw new UsageError(`option '--${name}' must be a number of seconds, received '${value}'`);
  }
  return number * 1000;
}

/** A flag that holds a whole number. */
export function integer(args: ParsedArgs, name: string): number | undefined {
  const value = args.strings.get(name);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) {
    throw new UsageError(`option '--${name}' must be a whole number, received '${value}'`);
  }
  return number;
}

/** `key=value` pairs, as tags. */
export function tags(values: readonly string[] | undefined): { key: string; value: string }[] {
  return (values ?? []).map((pair) => {
    const equals = pair.indexOf("=");
    if (equals <= 0) throw new UsageError(`a tag must look like key=value, received '${pair}'`);
    return { key: pair.slice(0, equals), value: pair.slice(equals + 1) };
  });
}
