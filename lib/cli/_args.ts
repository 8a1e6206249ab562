// Command-line arguments: positionals, `--flag value`, `--flag=value`, short forms such as `-q`,
// repeatable and boolean flags, all checked against what the command declares. Anything doubtful
// (a missing value, a single-value option given twice, an unknown option) is a usage error, so that
// nothing is sent on a guess.

import { didYouMean } from "./_suggest.ts";
import type { ValueKind } from "./_value_cache.ts";

/** How a flag takes its value. */
export type FlagKind = "string" | "boolean" | "list";

/** A flag a command accepts. */
export interface FlagSpec {
  kind: FlagKind;
  /** The value's name in help, such as `NAME`. */
  value?: string;
  help: string;
  /** A one-letter form, such as `q` for `-q`. */
  short?: string;
  /** What shell completion offers for its value: names of this kind. */
  complete?: ValueKind;
}

/** Parsed arguments. */
export interface ParsedArgs {
  positionals: string[];
  strings: Map<string, string>;
  lists: Map<string, string[]>;
  /** The boolean flags that are on (`--json`, `--json=true`); `--json=false` leaves it out. */
  booleans: Set<string>;
}

/** A usage mistake: exit code 2, with a pointer to the command's help. */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * Parses `args` against `flags`; throws a UsageError for anything unknown, incomplete or given
 * twice. A value that starts with `-` must be attached with `=` (`--comment=-1`), so that a
 * forgotten value never swallows the next option.
 */
export function parseArgs(args: readonly string[], flags: Record<string, FlagSpec>): ParsedArgs {
  const parsed: ParsedArgs = {
    positionals: [],
    strings: new Map(),
    lists: new Map(),
    booleans: new Set(),
  };
  const shorts = new Map(
    Object.entries(flags).flatMap(([name, spec]) => spec.short ? [[spec.short, name]] : []),
  );
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === "--") {
      parsed.positionals.push(...args.slice(index + 1).map(checkPositional));
      break;
    }
    if (!isOption(arg)) {
      parsed.positionals.push(checkPositional(arg));
      continue;
    }
    const equals = arg.indexOf("=");
    const written = equals === -1 ? arg : arg.slice(0, equals);
    const name = written.startsWith("--") ? written.slice(2) : shorts.get(written.slice(1));
    const spec = name === undefined ? undefined : flags[name];
    if (name === undefined || spec === undefined) {
      const known = [
        ...Object.keys(flags).map((flag) => `--${flag}`),
        ...[...shorts.keys()].map((short) => `-${short}`),
      ];
      throw new UsageError(`unknown option '${written}'${didYouMean(written, known)}`);
    }
    const label = `--${name}`;
    if (spec.kind === "boolean") {
      const value = equals === -1 ? "true" : arg.slice(equals + 1);
      if (value !== "true" && value !== "false") {
        throw new UsageError(`option '${label}' takes true or false, received '${value}'`);
      }
      if (value === "true") parsed.booleans.add(name);
      else parsed.booleans.delete(name);
      continue;
    }
    let value: string | undefined;
    if (equals !== -1) value = arg.slice(equals + 1);
    else {
      value = args[index + 1];
      if (value !== undefined && isOption(value)) {
        throw new UsageError(
          `option '${label}' needs a value, received the option '${value}' (write ${label}=VALUE for a value that starts with '-')`,
        );
      }
      index++;
    }
    // Blank, it names nothing either (an unset variable), as for arguments.
    if (value === undefined || value.trim() === "") {
      throw new UsageError(
        `option '${label}' needs a value${
          value === undefined ? "" : `, received ${value === "" ? "an empty string" : `'${value}'`}`
        }`,
      );
    }
    if (spec.kind === "list") {
      parsed.lists.set(name, [...parsed.lists.get(name) ?? [], value]);
      continue;
    }
    const earlier = parsed.strings.get(name);
    if (earlier !== undefined) {
      throw new UsageError(
        `option '${label}' takes one value, received '${earlier}' and '${value}'`,
      );
    }
    parsed.strings.set(name, value);
  }
  return parsed;
}

/**
 * An argument that is empty or blank names nothing: it is most often a variable that is not set
 * (`lambda instances terminate "$NAME"`), and the API would take it as a name like any other.
 */
function checkPositional(arg: string): string {
  if (arg.trim() === "") {
    throw new UsageError(
      `an argument must not be empty or blank, received '${arg}' (is a variable unset?)`,
    );
  }
  return arg;
}

/** Whether `arg` is written as an option: `--name`, or `-x` (but not `-` alone, or `-5`). */
export function isOption(arg: string): boolean {
  return arg.startsWith("--") ? arg.length > 2 : /^-[a-zA-Z]/.test(arg);
}
