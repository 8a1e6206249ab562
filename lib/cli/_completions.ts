// Shell completion scripts for bash, zsh and fish, written from the command list itself so that
// they never fall behind it. Each completes command words, then the chosen command's options and,
// where a command says what they name, its arguments and option values: instance types, regions,
// instance and SSH key names, which the script asks `lambda completions values` for (cached a
// minute). After an option that takes a value, it offers values or nothing, never options.

import { UsageError } from "./_args.ts";
import { type Command, type CommandContext, takes } from "./_command.ts";
import { globalFlagsFor } from "./_globals.ts";
import { PROGRAM } from "./_help.ts";
import { aliasOf } from "./_names.ts";
import { VALUE_KINDS, type ValueKind } from "./_value_cache.ts";

/** The shells there are scripts for. */
export const SHELLS = ["bash", "zsh", "fish"] as const;

/** What completes after one run of command words. */
export interface Completion {
  /** The words written so far (a group's, or a command's name and its short form). */
  patterns: string[];
  /** Whether they name a command, so that its arguments may follow before the cursor. */
  command: boolean;
  /** The next words of a group, or the command's options. */
  words: string[];
  /** The command's options that take a value, with what completes it ("" for nothing). */
  values: [string, ValueKind | ""][];
  /** What completes the command's arguments, if anything. */
  arguments?: ValueKind;
}

/**
 * What completes after each run of command words, groups first. A group that is a command too
 * (`completions`, and `completions values`) offers its next words beside the command's options.
 */
export function completionTable(commands: readonly Command[]): Completion[] {
  const next = new Map<string, string[]>();
  for (const command of commands) {
    command.name.forEach((word, index) => {
      const prefix = command.name.slice(0, index).join(" ");
      if (!next.get(prefix)?.includes(word)) next.set(prefix, [...next.get(prefix) ?? [], word]);
    });
  }
  const named = new Set(commands.map((command) => command.name.join(" ")));
  const groups: Completion[] = [...next].filter(([prefix]) => !named.has(prefix))
    .map(([prefix, words]) => ({ patterns: [prefix], command: false, words, values: [] }));
  return [
    ...groups,
    ...commands.map((command): Completion => {
      const flags = [...Object.entries(command.flags ?? {}), ...globalFlagsFor(command)];
      const name = command.name.join(" ");
      const alias = aliasOf(command);
      return {
        patterns: [name, ...alias === undefined ? [] : [alias]],
        command: true,
        words: [...next.get(name) ?? [], ...flags.map(([flag]) => `--${flag}`)],
        values: flags.filter(([, spec]) => spec.kind !== "boolean").flatMap(([flag, spec]) =>
          [`--${flag}`, ...spec.short ? [`-${spec.short}`] : []].map((
            option,
          ): [string, ValueKind | ""] => [option, spec.complete ?? ""])
        ),
        ...command.completes === undefined ? {} : { arguments: command.completes },
      };
    }),
  ];
}

/** The case patterns of `entry`: its words alone, or, for a command, followed by arguments. */
function patterns(entry: Completion, quote: (text: string) => string): string[] {
  return entry.patterns.flatMap((words) =>
    entry.command ? [quote(words), `${quote(`${words} `)}*`] : [quote(words)]
  );
}

/**
 * The `case "$prefix" in … esac` of bash and zsh, which sets `candidates` (as `list` writes them)
 * and, where names complete, `values`; after an option whose value nothing completes, it returns.
 */
function shCases(table: readonly Completion[], list: (words: string[]) => string): string[] {
  const previous = (entry: Completion) => {
    const cases = optionsByKind(entry).map(([kind, options]) =>
      `  ${options.join("|")}) ${kind ? `values=${kind}` : "return"} ;;`
    );
    return cases.length === 0 ? [] : ['case "$prev" in', ...cases, "esac"];
  };
  return [
    '  case "$prefix" in',
    ...table.flatMap((entry) => [
      `    ${patterns(entry, (text) => `"${text}"`).join("|")})`,
      ...previous(entry).map((line) => `      ${line}`),
      ...entry.arguments ? [`      [[ "$cur" == -* ]] || values=${entry.arguments}`] : [],
      `      candidates=${list(entry.words)} ;;`,
    ]),
    "  esac",
  ];
}

/** The `switch "$prefix" … end` of fish, which does what {@linkcode shCases} does. */
function fishCases(table: readonly Completion[]): string[] {
  return [
    '    switch "$prefix"',
    ...table.flatMap((entry) => {
      const cases = optionsByKind(entry).flatMap(([kind, options]) => [
        `                case ${options.join(" ")}`,
        `                    ${kind ? `set values ${kind}` : "return"}`,
      ]);
      return [
        `        case ${patterns(entry, (text) => `'${text}'`).join(" ")}`,
        ...cases.length === 0 ? [] : ["            switch $prev", ...cases, "            end"],
        ...entry.arguments
          ? [`            string match -q -- '-*' $cur; or set values ${entry.arguments}`]
          : [],
        `            set candidates ${entry.words.join(" ")}`,
      ];
    }),
    "    end",
  ];
}

/** The options of `entry` that take a value, by what completes it ("" for nothing). */
function optionsByKind(entry: Completion): [ValueKind | "", string[]][] {
  const byKind = new Map<ValueKind | "", string[]>();
  for (const [option, kind] of entry.values) byKind.set(kind, [...byKind.get(kind) ?? [], option]);
  return [...byKind];
}

/** The completion script for `shell`. */
export function completionScript(shell: string, commands: readonly Command[]): string {
  const table = completionTable(commands);
  const values = `${PROGRAM} completions values`;
  switch (shell) {
    case "bash":
      return [
        `# bash completion for ${PROGRAM}. Load it with: source <(${PROGRAM} completions bash)`,
        `_${PROGRAM}() {`,
        '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" prefix=""',
        '  local word i candidates="" values="" name',
        "  COMPREPLY=()",
        "  for ((i = 1; i < COMP_CWORD; i++)); do",
        '    word="${COMP_WORDS[i]}"',
        '    [[ "$word" == -* ]] && break',
        '    prefix="${prefix:+$prefix }$word"',
        "  done",
        ...shCases(table, (words) => `"${words.join(" ")}"`),
        '  if [[ -n "$values" ]]; then',
        // Names from the API are added as they are, never expanded as compgen -W would.
        "    while IFS= read -r name; do",
        '      [[ "$name" == "$cur"* ]] && COMPREPLY+=("$name")',
        `    done < <(${values} "$values" --fail-fast 2>/dev/null)`,
        "    return",
        "  fi",
        '  COMPREPLY=($(compgen -W "$candidates" -- "$cur"))',
        "}",
        `complete -F _${PROGRAM} ${PROGRAM}`,
      ].join("\n");
    case "zsh":
      return [
        `#compdef ${PROGRAM}`,
        `# zsh completion for ${PROGRAM}. Load it with: source <(${PROGRAM} completions zsh)`,
        `_${PROGRAM}() {`,
        '  local prefix="" word prev="${words[CURRENT-1]}" cur="${words[CURRENT]}" values=""',
        "  local -a candidates",
        '  for word in "${(@)words[2,CURRENT-1]}"; do',
        '    [[ "$word" == -* ]] && break',
        '    prefix="${prefix:+$prefix }$word"',
        "  done",
        ...shCases(table, (words) => `(${words.join(" ")})`),
        '  if [[ -n "$values" ]]; then',
        `    compadd -- \${(f)"$(${values} "$values" --fail-fast 2>/dev/null)"}`,
        "    return",
        "  fi",
        '  compadd -- "${candidates[@]}"',
        "}",
        `compdef _${PROGRAM} ${PROGRAM}`,
      ].join("\n");
    case "fish":
      return [
        `# fish completion for ${PROGRAM}. Load it with: ${PROGRAM} completions fish | source`,
        `function __${PROGRAM}_candidates`,
        "    set -l tokens (commandline -opc)",
        "    set -l prev $tokens[-1]",
        "    set -l cur (commandline -ct)",
        "    set -l prefix",
        "    set -l values",
        "    set -l candidates",
        "    for word in $tokens[2..-1]",
        "        string match -q -- '-*' $word; and break",
        "        set prefix $prefix $word",
        "    end",
        ...fishCases(table),
        '    if test -n "$values"',
        `        ${values} $values --fail-fast 2>/dev/null`,
        "        return",
        "    end",
        "    printf '%s\\n' $candidates",
        "end",
        `complete -c ${PROGRAM} -f -a '(__${PROGRAM}_candidates)'`,
      ].join("\n");
    default:
      throw new UsageError(`'completions' takes bash, zsh or fish, received '${shell}'`);
  }
}

/** `lambda completions <shell>`, given the whole command list (itself included). */
export function completionsCommand(commands: () => readonly Command[]): Command {
  return {
    name: ["completions"],
    summary: "Print a shell completion script: bash, zsh or fish",
    ...takes("<bash|zsh|fish>"),
    local: true,
    quiet: false,
    examples: [
      `source <(${PROGRAM} completions bash)     # in ~/.bashrc`,
      `source <(${PROGRAM} completions zsh)      # in ~/.zshrc, after compinit`,
      `${PROGRAM} completions fish | source      # in ~/.config/fish/config.fish`,
    ],
    run({ args }) {
      const script = completionScript(args.positionals[0]!, commands());
      return Promise.resolve({ data: { script }, lines: script.split("\n") });
    },
  };
}

// A name is offered only when a shell can take it as it is: a completion is typed into the command
// line as it stands, where `$(…)`, a quote or a space in a teammate's instance name would be run or
// split when Enter is pressed.
const SAFE_NAME = /^[\w.@%+,:=/-]+$/;

/** How to read the names of each kind. */
const READERS: Record<ValueKind, (context: CommandContext) => Promise<(string | undefined)[]>> = {
  types: async ({ lookup }) =>
    (await lookup.instanceTypes()).map((item) => item.instance_type.name),
  regions: async ({ client, signal }) =>
    (await client.regions.list({ signal })).map((region) => region.name),
  instances: async ({ lookup }) =>
    (await lookup.instances()).filter((instance) => instance.status !== "terminated")
      .map((instance) => instance.name),
  "ssh-keys": async ({ client, signal }) =>
    (await client.sshKeys.list({ signal })).map((key) => key.name),
};

/** `lambda completions values <kind>`: what the completion scripts offer, one a line. */
export const VALUES_COMMAND: Command = {
  name: ["completions", "values"],
  summary: `Print the names completion offers: ${VALUE_KINDS.join(", ")} (kept a minute)`,
  ...takes(`<${VALUE_KINDS.join("|")}>`),
  quiet: false,
  examples: [`${PROGRAM} completions values instances`],
  async run(context) {
    const kind = context.args.positionals[0] as ValueKind;
    if (!VALUE_KINDS.includes(kind)) {
      throw new UsageError(
        `'completions values' takes ${VALUE_KINDS.join(", ")}, received '${kind}'`,
      );
    }
    const read = async () =>
      [...new Set(await READERS[kind](context))].filter((name): name is string =>
        name !== undefined && SAFE_NAME.test(name)
      ).sort();
    const names = context.valueCache === undefined
      ? await read()
      : await context.valueCache.names(kind, read, context.now());
    return { data: names, lines: names };
  },
};
