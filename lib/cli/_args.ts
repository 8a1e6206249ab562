// Command-line arguments: positionals, `--flag value`, `--flag=value`, repeatable and boolean
// flags, checked against what the command declares.

/** How a flag takes its value. */
export type FlagKind = "string" | "boolean" | "list";

/** A flag a command accepts. */
export interface FlagSpec {
  kind: FlagKind;
  /** The value's name in help, such as `NAME`. */
  value?: string;
  help: string;
}

/** Parsed arguments. */
export interface ParsedArgs {
  positionals: string[];
  strings: Map<string, string>;
  lists: Map<string, string[]>;
  booleans: Set<string>;
}

/** A usage mistake: exit code 2, with the command's help. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Parses `args` against `flags`; throws a UsageError for anything unknown or incomplete. */
export function parseArgs(args: readonly string[], flags: Record<string, FlagSpec>): ParsedArgs {
  const parsed: ParsedArgs = {
    positionals: [],
    strings: new Map(),
    lists: new Map(),
    booleans: new Set(),
  };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === "--") {
      parsed.positionals.push(...args.slice(index + 1));
      break;
    }
    if (!arg.startsWith("--") || arg === "-") {
      parsed.positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf("=");
    const name = arg.slice(2, equals === -1 ? undefined : equals);
    const spec = flags[name];
    if (!spec) throw new UsageError(`unknown option '--${name}'`);
    if (spec.kind === "boolean") {
      if (equals !== -1) throw new UsageError(`option '--${name}' takes no value`);
      parsed.booleans.add(name);
      continue;
    }
    let value: string | undefined;
    if (equals !== -1) value = arg.slice(equals + 1);
    else {
      value = args[index + 1];
      index++;
    }
    if (value === undefined) throw new UsageError(`option '--${name}' needs a value`);
    if (spec.kind === "list") parsed.lists.set(name, [...parsed.lists.get(name) ?? [], value]);
    else parsed.strings.set(name, value);
  }
  return parsed;
}
