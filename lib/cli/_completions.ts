// Shell completion scripts for bash, zsh and fish, written from the command list itself so that
// they never fall behind it. Each completes command words, then the chosen command's options.

import { UsageError } from "./_args.ts";
import { type Command, takes } from "./_command.ts";
import { globalFlagsFor } from "./_globals.ts";
import { PROGRAM } from "./_help.ts";

/** The shells there are scripts for. */
export const SHELLS = ["bash", "zsh", "fish"] as const;

/** What can follow each run of command words: the next words, or the command's options. */
export function completionTable(commands: readonly Command[]): Map<string, string[]> {
  const table = new Map<string, string[]>();
  const add = (prefix: string, word: string) => {
    const next = table.get(prefix) ?? [];
    if (!next.includes(word)) next.push(word);
    table.set(prefix, next);
  };
  for (const command of commands) {
    command.name.forEach((word, index) => add(command.name.slice(0, index).join(" "), word));
    const flags = [...Object.entries(command.flags ?? {}), ...globalFlagsFor(command)];
    for (const [name] of flags) add(command.name.join(" "), `--${name}`);
  }
  return table;
}

/** The completion script for `shell`. */
export function completionScript(shell: string, commands: readonly Command[]): string {
  const table = [...completionTable(commands)];
  switch (shell) {
    case "bash":
      return [
        `# bash completion for ${PROGRAM}. Load it with: source <(${PROGRAM} completions bash)`,
        `_${PROGRAM}() {`,
        '  local cur="${COMP_WORDS[COMP_CWORD]}" prefix="" word i candidates=""',
        "  for ((i = 1; i < COMP_CWORD; i++)); do",
        '    word="${COMP_WORDS[i]}"',
        '    [[ "$word" == -* ]] && break',
        '    prefix="${prefix:+$prefix }$word"',
        "  done",
        '  case "$prefix" in',
        ...table.map(([prefix, next]) => `    "${prefix}") candidates="${next.join(" ")}" ;;`),
        "  esac",
        '  COMPREPLY=($(compgen -W "$candidates" -- "$cur"))',
        "}",
        `complete -F _${PROGRAM} ${PROGRAM}`,
      ].join("\n");
    case "zsh":
      return [
        `#compdef ${PROGRAM}`,
        `# zsh completion for ${PROGRAM}. Load it with: source <(${PROGRAM} completions zsh)`,
        `_${PROGRAM}() {`,
        '  local prefix="" word',
        "  local -a candidates",
        '  for word in "${(@)words[2,CURRENT-1]}"; do',
        '    [[ "$word" == -* ]] && break',
        '    prefix="${prefix:+$prefix }$word"',
        "  done",
        '  case "$prefix" in',
        ...table.map(([prefix, next]) => `    "${prefix}") candidates=(${next.join(" ")}) ;;`),
        "  esac",
        '  compadd -- "${candidates[@]}"',
        "}",
        `compdef _${PROGRAM} ${PROGRAM}`,
      ].join("\n");
    case "fish":
      return [
        `# fish completion for ${PROGRAM}. Load it with: ${PROGRAM} completions fish | source`,
        `function __${PROGRAM}_candidates`,
        "    set -l prefix",
        "    for word in (commandline -opc)[2..-1]",
        "        string match -q -- '-*' $word; and break",
        "        set prefix $prefix $word",
        "    end",
        '    switch "$prefix"',
        ...table.flatMap(([prefix, next]) => [
          `        case '${prefix}'`,
          `            printf '%s\\n' ${next.join(" ")}`,
        ]),
        "    end",
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
