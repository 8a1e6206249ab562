// How commands are named: their words, the short forms gh and doctl users type (`ls`, `rm`), and,
// for words that name no command, what was likely meant, word by word, so that a command's
// arguments never pass for part of its name.

import { UsageError } from "./_args.ts";
import type { Command } from "./_command.ts";
import { closest } from "./_suggest.ts";

/** The short form of a command's last word, as gh and doctl take it. */
const ALIASES: Readonly<Record<string, string>> = { list: "ls", delete: "rm", terminate: "rm" };

/** Words people type for a verb, from other tools' habits, and the verbs they may mean. */
const SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  remove: ["delete", "terminate"],
  destroy: ["delete", "terminate"],
  kill: ["terminate"],
  stop: ["terminate"],
  delete: ["terminate"],
  create: ["launch", "add"],
  new: ["launch", "add", "create"],
  run: ["launch"],
  start: ["launch"],
  add: ["create", "add-rule"],
  show: ["get"],
  view: ["get"],
  describe: ["get"],
  info: ["get"],
  reboot: ["restart"],
  edit: ["update"],
  mv: ["rename"],
};

/** The short form of `command`'s name (`instances ls`), if it has one. */
export function aliasOf(command: Command): string | undefined {
  const alias = ALIASES[command.name.at(-1)!];
  return alias && [...command.name.slice(0, -1), alias].join(" ");
}

/** Whether `command`'s name, or its short form, is how `words` start. */
function named(command: Command, words: readonly string[]): boolean {
  const last = command.name.length - 1;
  return command.name.every((word, index) =>
    words[index] === word || (index === last && words[index] === (ALIASES[word] ?? word))
  );
}

/** The command named by the longest run of leading `words`, if any. */
export function findIn(
  commands: readonly Command[],
  words: readonly string[],
): Command | undefined {
  return commands.filter((command) => named(command, words))
    .sort((a, b) => b.name.length - a.name.length)[0];
}

/** Whether `words` name a group of commands (`firewall rules`; every command, for none). */
export function isGroup(commands: readonly Command[], words: readonly string[]): boolean {
  return commands.some((command) =>
    words.length < command.name.length && words.every((word, index) => command.name[index] === word)
  );
}

/** The words that can follow `group` in a command's name, in the order help lists them. */
export function nextWords(commands: readonly Command[], group: readonly string[]): string[] {
  return [
    ...new Set(
      commands.filter((command) => isGroup([command], group)).map((command) =>
        command.name[group.length]!
      ),
    ),
  ];
}

/**
 * The error for `words`, which name no command: it quotes the words taken for a command's name
 * (never its arguments), and says what was likely meant, word by word, by a synonym (`delete` for
 * `terminate`) or a likely typo; else which commands the group has.
 */
export function unknownCommand(commands: readonly Command[], words: readonly string[]): UsageError {
  const group: string[] = [];
  let fixed = false;
  for (const word of words) {
    if (findIn(commands, group)?.name.length === group.length && group.length > 0) break;
    const next = nextWords(commands, group);
    if (next.includes(word)) {
      group.push(word);
      continue;
    }
    const meant = SYNONYMS[word]?.find((verb) => next.includes(verb)) ?? closest(word, next);
    if (meant === undefined) {
      const typed = words.slice(0, group.length + 1).join(" ");
      if (group.length === 0) return verbAlone(commands, typed, next);
      return new UsageError(
        `unknown command '${typed}'; the commands of '${group.join(" ")}' are ${next.join(", ")}`,
      );
    }
    group.push(meant);
    fixed = true;
  }
  const typed = words.slice(0, group.length).join(" ");
  return new UsageError(
    `unknown command '${typed}'${fixed ? `; did you mean '${group.join(" ")}'?` : ""}`,
  );
}

// A verb typed without its group (`lambda launch`) is suggested with it when it ends so few
// commands that a guess is worth making.
const MAX_GROUPS_SUGGESTED = 3;

/**
 * The error for a first word that begins no command: the commands it is likely the verb of
 * (`launch`, or a typo or a synonym of it), else the first words there are.
 */
function verbAlone(commands: readonly Command[], typed: string, first: string[]): UsageError {
  const verbs = [...new Set(commands.map((command) => command.name.at(-1)!))];
  const verb = verbs.includes(typed)
    ? typed
    : SYNONYMS[typed]?.find((synonym) => verbs.includes(synonym)) ?? closest(typed, verbs);
  const meant = commands.filter((command) =>
    command.name.length > 1 && command.name.at(-1) === verb
  )
    .map((command) => `'${command.name.join(" ")}'`);
  return new UsageError(
    meant.length > 0 && meant.length <= MAX_GROUPS_SUGGESTED
      ? `unknown command '${typed}'; did you mean ${meant.join(" or ")}?`
      : `unknown command '${typed}'; the commands are ${first.join(", ")}`,
  );
}
