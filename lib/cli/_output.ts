// What reaches the terminal, made safe in one place. Names and other strings come from the API, and
// anyone who can name an instance can put in them what a terminal obeys (an OSC 52 sequence writes
// the clipboard, U+009B alone starts an escape sequence, a line feed fakes a table row) or what
// hides (a bidirectional override reorders the text after it, a zero-width space makes two names
// look the same). Every line is written through presentIo: in text, such characters show as
// escapes; under `--json`, as JSON `\u` escapes, still valid JSON that reads back to the same value,
// and everything on stderr is JSON too, one object a line, so that a script can read both streams.
// The API key, typed where an id goes, shows as `[REDACTED]`, as the library's hook events show it.

import { redactKey } from "../_redact.ts";
import type { CliIo } from "./_command.ts";

// Controls (C0, DEL, C1), format characters (bidirectional overrides and isolates, zero-width
// spaces and joiners, the byte-order mark, the soft hyphen), lone surrogates, every separator but
// the plain space (line and paragraph separators, no-break and other wide or narrow spaces), and
// whatever else Unicode says shows nothing (fillers, variation selectors, the grapheme joiner).
const UNSAFE = /[[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Zs}\p{Default_Ignorable_Code_Point}]--[ ]]/gv;

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * `text` with every character that a terminal obeys or that does not show written as an escape,
 * such as `\x1b`, `\n`, `\u202e` or `\u{e0041}`.
 */
export function visible(text: string): string {
  return text.replace(UNSAFE, (char) => {
    const code = char.codePointAt(0)!;
    const hex = code.toString(16);
    return NAMED[char] ??
      (code <= 0xff
        ? `\\x${hex.padStart(2, "0")}`
        : code <= 0xffff
        ? `\\u${hex.padStart(4, "0")}`
        : `\\u{${hex}}`);
  });
}

/**
 * JSON text (JSON.stringify's, pretty or not) with every such character that it leaves as it is
 * (DEL, C1 controls, format characters, separators) written as a JSON escape such as `\u009b`:
 * still valid JSON that reads back to the same value. Its own line breaks stay: JSON.stringify
 * escapes every one inside a string.
 */
export function jsonVisible(json: string): string {
  return json.replace(UNSAFE, (char) => {
    if (char === "\n") return char;
    let escaped = "";
    for (let unit = 0; unit < char.length; unit++) {
      escaped += `\\u${char.charCodeAt(unit).toString(16).padStart(4, "0")}`;
    }
    return escaped;
  });
}

/** What a part of a line says, for its colour: a status that is fine, busy, bad or gone; an error. */
export type Style = "good" | "busy" | "bad" | "gone" | "error";

/** A part of a line: text, or text that the command line's own code colours by what it says. */
export type Part = string | { text: string; style: Style };

// Select Graphic Rendition: green, yellow, red, faint, bold red.
const SGR: Readonly<Record<Style, string>> = {
  good: "32",
  busy: "33",
  bad: "31",
  gone: "2",
  error: "1;31",
};

/** A {@linkcode CliIo} that also writes lines of parts, coloured where the stream takes it. */
export interface ShownIo extends CliIo {
  /**
   * Writes one line of `parts` to `stream`, each shown as a line is (escaped, the key hidden); a
   * styled part is then coloured, where that stream takes colour and the output is not JSON, so
   * that the only escape sequences written are the command line's own, never from the text.
   */
  parts(stream: "stdout" | "stderr", parts: readonly Part[]): void;
}

/**
 * `io` as the commands should write to it: every line, progress line and question without the
 * API key and, in text, with the characters {@linkcode visible} escapes shown as escapes (a line
 * never holds a line feed of its own: a command that prints several lines writes them one by one);
 * under `--json`, lines are JSON, escaped by {@linkcode jsonVisible}, and progress goes to stderr
 * as `{"progress": …}` lines rather than a line rewritten in place. `key` is the key the run sends
 * (LAMBDA_API_KEY's unless given).
 */
export function presentIo(io: CliIo, json: boolean, key: string = apiKeyOf(io)): ShownIo {
  const text = (line: string) => visible(redactKey(line, key));
  const shown = json ? (line: string) => jsonVisible(redactKey(line, key)) : text;
  const said = (line: string) => text(unkeyed(line));
  const told = (line: string) => shown(unkeyed(line));
  const stderr = (line: string) => io.stderr(told(line));
  return {
    parts: (stream, parts) => {
      const colour = !json && (io.colour?.[stream] ?? false);
      const show = stream === "stderr" ? told : shown;
      io[stream](
        parts.map((part) =>
          typeof part === "string"
            ? show(part)
            : colour
            ? `\x1b[${SGR[part.style]}m${show(part.text)}\x1b[0m`
            : show(part.text)
        ).join(""),
      );
    },
    stdout: (line) => io.stdout(shown(line)),
    stdoutLost: () => io.stdoutLost?.() ?? false,
    stdoutError: () => io.stdoutError?.(),
    stderr,
    progress: json
      ? (line) => stderr(JSON.stringify({ progress: line }))
      : (line) => io.progress(said(line)),
    env: (name) => io.env(name),
    isTerminal: io.isTerminal,
    ...(io.stdoutIsTerminal === undefined ? {} : { stdoutIsTerminal: io.stdoutIsTerminal }),
    ...(io.colour === undefined ? {} : { colour: io.colour }),
    confirm: (question) => io.confirm(said(question)),
    readTextFile: (path) => io.readTextFile(path),
    createSecretFile: (path) => io.createSecretFile(path),
    ...(io.readSecret ? { readSecret: (question: string) => io.readSecret!(said(question)) } : {}),
    ...(io.readStdin ? { readStdin: () => io.readStdin!() } : {}),
  };
}

// What a Lambda key looks like: `secret_`, in any case, then a tail with a random run of 16 or more
// letters and digits, which a name such as `secret_deploy_key_for_prod` lacks (a key cut short in
// a preview keeps such a run too). One that is not the run's own, pasted where a name or an id
// goes, is hidden from what the run says on stderr and asks, as its own is; data on stdout is left
// as the API gave it. Words are found first and tested one by one: linear in the line's length.
const SECRET_WORD = /secret_[\w.-]+/gi;
const RANDOM_RUN = /[a-z0-9]{16}/i;

function unkeyed(line: string): string {
  return line.replace(SECRET_WORD, (word) => RANDOM_RUN.test(word) ? "[REDACTED]" : word);
}

/** LAMBDA_API_KEY, as the client reads it; empty, so hiding nothing, when it cannot be read. */
function apiKeyOf(io: CliIo): string {
  try {
    return io.env("LAMBDA_API_KEY")?.trim() ?? "";
  } catch {
    return "";
  }
}

/** A remark on stderr: as it is in text, as `{"warning": …}` or `{"note": …}` under `--json`. */
export function remark(io: CliIo, json: boolean, kind: "warning" | "note", line: string): void {
  io.stderr(json ? JSON.stringify({ [kind]: line }) : line);
}
