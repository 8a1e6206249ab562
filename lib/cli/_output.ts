// What reaches the terminal. Names and other strings come from the API, and anyone who can name an
// instance can put terminal escapes in them (an OSC 52 sequence writes the clipboard, a line feed
// fakes a table row), so text output shows control characters as visible escapes. JSON output stays
// exact, and under `--json` everything on stderr is JSON too, one object a line, so that a script
// can read both streams.

import type { CliIo } from "./_command.ts";

// C0 controls, DEL, C1 controls, and the bidirectional overrides and isolates that reorder text.
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** `text` with every control character shown as an escape, such as `\x1b`, `\n` or `\u202e`. */
export function visible(text: string): string {
  return text.replace(CONTROL, (char) => {
    const code = char.charCodeAt(0);
    return NAMED[char] ??
      (code <= 0xff
        ? `\\x${code.toString(16).padStart(2, "0")}`
        : `\\u${code.toString(16).padStart(4, "0")}`);
  });
}

/**
 * A line of JSON text with every control character that JSON.stringify leaves as it is (DEL, C1
 * controls, bidirectional overrides) written as a JSON escape such as `\u007f`: still valid JSON
 * that reads back to the same value, and nothing left for a terminal to obey.
 */
export function jsonVisible(json: string): string {
  return json.replace(CONTROL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * `io` as the commands should write to it: in text, every line, progress line and question with
 * its control characters made visible (a line never holds a line feed of its own: a command that
 * prints several lines writes them one by one); under `--json`, progress as `{"progress": …}` lines
 * on stderr rather than a line rewritten in place.
 */
export function presentIo(io: CliIo, json: boolean): CliIo {
  const shown = json ? (line: string) => line : visible;
  return {
    stdout: (line) => io.stdout(shown(line)),
    stdoutLost: () => io.stdoutLost?.() ?? false,
    stdoutError: () => io.stdoutError?.(),
    stderr: (line) => io.stderr(shown(line)),
    progress: json
      ? (line) => io.stderr(JSON.stringify({ progress: line }))
      : (line) => io.progress(visible(line)),
    env: (name) => io.env(name),
    isTerminal: io.isTerminal,
    ...(io.stdoutIsTerminal === undefined ? {} : { stdoutIsTerminal: io.stdoutIsTerminal }),
    confirm: (question) => io.confirm(visible(question)),
    readTextFile: (path) => io.readTextFile(path),
    createSecretFile: (path) => io.createSecretFile(path),
  };
}

/** A remark on stderr: as it is in text, as `{"warning": …}` or `{"note": …}` under `--json`. */
export function remark(io: CliIo, json: boolean, kind: "warning" | "note", line: string): void {
  io.stderr(json ? JSON.stringify({ [kind]: line }) : line);
}
