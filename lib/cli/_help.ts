// Help, in one layout for the overview, a group and a command: a summary, then titled sections
// (Usage, Commands or Options, Global options, Examples), each indented two spaces.

import type { FlagSpec } from "./_args.ts";
import type { CliIo, Command } from "./_command.ts";
import { EXIT_HELP } from "./_exit.ts";
import { globalFlagsFor } from "./_globals.ts";

/** The program's name, as people type it. */
export const PROGRAM = "lambda";

function section(io: CliIo, title: string, lines: readonly string[]): void {
  io.stdout("");
  io.stdout(`${title}:`);
  lines.forEach((line) => io.stdout(`  ${line}`));
}

/** Two aligned columns. */
function columns(pairs: readonly [string, string][]): string[] {
  const width = Math.max(...pairs.map(([left]) => left.length));
  return pairs.map(([left, right]) => `${left.padEnd(width)}  ${right}`);
}

function flagLines(flags: readonly [string, FlagSpec][]): [string, string][] {
  return flags.map(([name, spec]) => [
    `${spec.short ? `-${spec.short}, ` : "    "}--${name}${spec.value ? ` ${spec.value}` : ""}`,
    spec.help,
  ]);
}

/** The commands under `group` (every command for an empty group), with the global options. */
export function printOverview(io: CliIo, commands: readonly Command[], group: string[]): void {
  const shown = commands.filter((command) =>
    group.every((word, index) => command.name[index] === word)
  );
  io.stdout(
    group.length === 0
      ? `${PROGRAM}: every operation of the Lambda Cloud API, from a shell`
      : `${PROGRAM} ${group.join(" ")}: ${shown.length} commands`,
  );
  section(io, "Usage", [
    `${PROGRAM} ${group.length ? group.join(" ") + " " : ""}<command> [options]`,
  ]);
  section(
    io,
    "Commands",
    columns(shown.map((command) => [command.name.join(" "), command.summary])),
  );
  section(io, "Global options", columns(flagLines(globalFlagsFor())));
  if (group.length === 0) {
    section(io, "Environment", [
      "LAMBDA_API_KEY   your API key, from https://cloud.lambda.ai/api-keys",
      "LAMBDA_BASE_URL  another API address, such as an emulator's",
      "LAMBDA_PROFILE   the profile whose key to use when LAMBDA_API_KEY is unset ('lambda auth')",
    ]);
    section(io, "Names", [
      "a unique name works wherever an id goes; 32 hex digits are always an id, never a name",
    ]);
    section(io, "Exit codes", EXIT_HELP);
  }
  io.stdout("");
  io.stdout(`Run '${PROGRAM} <command> --help' for a command's options.`);
}

/** One command's usage, options and examples. */
export function printCommandHelp(io: CliIo, command: Command): void {
  io.stdout(command.summary);
  section(io, "Usage", [
    `${PROGRAM} ${command.name.join(" ")}${command.usage ? ` ${command.usage}` : ""} [options]`,
  ]);
  const own = Object.entries(command.flags ?? {});
  const shared = globalFlagsFor(command);
  const all = columns(flagLines([...own, ...shared]));
  if (own.length > 0) section(io, "Options", all.slice(0, own.length));
  section(io, "Global options", all.slice(own.length));
  if (command.columns) {
    section(io, "Columns", [
      `${command.columns.join(", ")} (default: ${
        (command.defaultColumns ?? command.columns).join(",")
      })`,
    ]);
  }
  if (command.examples) section(io, "Examples", command.examples);
}
