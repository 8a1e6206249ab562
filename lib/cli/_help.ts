// Help, in one layout for the overview, a group and a command: a summary, then titled sections
// (Usage, Commands or Options, Global options, Examples), each indented two spaces. `lambda help …`
// and `lambda version` are commands like any other, and say what `--help` and `--version` say.

import { VERSION } from "../../mod.ts";
import type { FlagSpec } from "./_args.ts";
import { type Command, takes } from "./_command.ts";
import { EXIT_HELP } from "./_exit.ts";
import { globalFlagsFor } from "./_globals.ts";
import { aliasOf, findIn, isGroup, unknownCommand } from "./_names.ts";

/** The program's name, as people type it. */
export const PROGRAM = "lambda";

const PACKAGE = "@lambda-cloud/client";

function section(title: string, lines: readonly string[]): string[] {
  return ["", `${title}:`, ...lines.map((line) => `  ${line}`)];
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
export function overviewHelp(commands: readonly Command[], group: readonly string[]): string[] {
  const shown = commands.filter((command) =>
    group.every((word, index) => command.name[index] === word)
  );
  return [
    group.length === 0
      ? `${PROGRAM}: every operation of the Lambda Cloud API, from a shell`
      : `${PROGRAM} ${group.join(" ")}: ${shown.length} commands`,
    ...section("Usage", [
      `${PROGRAM} ${group.length ? group.join(" ") + " " : ""}<command> [options]`,
    ]),
    ...section(
      "Commands",
      columns(shown.map((command) => [command.name.join(" "), command.summary])),
    ),
    ...section("Global options", columns(flagLines(globalFlagsFor()))),
    ...group.length > 0 ? [] : [
      ...section("Environment", [
        "LAMBDA_API_KEY   your API key, from https://cloud.lambda.ai/api-keys",
        "LAMBDA_BASE_URL  another API address, such as an emulator's",
        "LAMBDA_PROFILE   the profile whose key to use when LAMBDA_API_KEY is unset ('lambda auth')",
        "NO_COLOR         set: no colour, even on a terminal",
      ]),
      ...section("Names", [
        "a unique name works wherever an id goes; 32 hex digits are always an id, never a name",
      ]),
      ...section("Exit codes", EXIT_HELP),
    ],
    "",
    `Run '${PROGRAM} help <command>' (or '${PROGRAM} <command> --help') for a command's options.`,
  ];
}

/** One command's usage, options and examples. */
export function commandHelp(command: Command): string[] {
  const own = Object.entries(command.flags ?? {});
  const shared = globalFlagsFor(command);
  const all = columns(flagLines([...own, ...shared]));
  const alias = aliasOf(command);
  return [
    command.summary,
    ...section("Usage", [
      `${PROGRAM} ${command.name.join(" ")}${command.usage ? ` ${command.usage}` : ""} [options]`,
      ...alias === undefined ? [] : [`(or ${PROGRAM} ${alias})`],
    ]),
    ...own.length > 0 ? section("Options", all.slice(0, own.length)) : [],
    ...section("Global options", all.slice(own.length)),
    ...command.columns
      ? section("Columns", [
        `${command.columns.join(", ")} (default: ${
          (command.defaultColumns ?? command.columns).join(",")
        })`,
      ])
      : [],
    ...section("Examples", command.examples ?? []),
  ];
}

/**
 * Help for the command or group that `words` name (everything, for none): text, `--json` or not.
 * Words that name neither are an error that says what was likely meant.
 */
export function helpFor(commands: readonly Command[], words: readonly string[]): string[] {
  const command = findIn(commands, words);
  if (command !== undefined) return commandHelp(command);
  if (isGroup(commands, words)) return overviewHelp(commands, words);
  throw unknownCommand(commands, words);
}

/** `lambda help [command...]`, given the whole command list (itself included). */
export function helpCommand(commands: () => readonly Command[]): Command {
  return {
    name: ["help"],
    summary: "Show help for a command or a group of commands",
    ...takes("[command...]", 0, Infinity),
    local: true,
    quiet: false,
    examples: [`${PROGRAM} help instances`, `${PROGRAM} help instances launch`],
    // No data: text, as --help prints it, --json or not.
    run: ({ args }) =>
      Promise.resolve({ data: undefined, lines: helpFor(commands(), args.positionals) }),
  };
}

/** What `lambda version` and `--version` print: text, or this under `--json`. */
export const VERSION_INFO = { program: PROGRAM, version: VERSION, package: PACKAGE } as const;

/** `lambda version`. */
export const VERSION_COMMAND: Command = {
  name: ["version"],
  summary: "Print the version",
  local: true,
  quiet: false,
  examples: [`${PROGRAM} version`, `${PROGRAM} version --json`],
  run: () =>
    Promise.resolve({
      data: VERSION_INFO,
      lines: [`${PROGRAM} ${VERSION_INFO.version} (${VERSION_INFO.package})`],
    }),
};
