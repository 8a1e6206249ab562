// The API key must never reach an error, a hook or a log, even when a server or proxy echoes it
// back: as sent, escaped the way a redirect (percent-encoding), an HTML page (entities, named or
// numeric, for some characters or all) or a JSON string (`\u` escapes) would carry it, or inside
// Base64 (a `Basic` credential built from it, a token that wraps it).

const MARK = "[REDACTED]";

/**
 * Keys shorter than this are not searched for in answers: real Lambda keys are far longer, and a
 * short test key ("test", "data") would match ordinary words and corrupt the answer.
 */
export const MIN_REDACTED_LENGTH = 12;

/**
 * `text` without the API key, in any form {@linkcode redactSecret} knows, unless the key is too
 * short to search for without harm (see {@linkcode MIN_REDACTED_LENGTH}).
 */
export function redactKey(text: string, apiKey: string): string {
  return apiKey.length < MIN_REDACTED_LENGTH ? text : redactSecret(text, apiKey);
}

interface Forms {
  /** The secret itself, in any case: an echo that upper-cases it still gives it away. */
  folded: RegExp;
  /** Exact strings that carry the secret in Base64, longest first. */
  literal: readonly string[];
  /**
   * The secret with any character escaped any way (entities, `\u`, percent) and line breaks
   * anywhere, for one pass.
   */
  escaped: RegExp;
  /** The Base64 forms, with line breaks anywhere. */
  wrapped: RegExp;
}

let cachedKey: string | undefined;
let cachedForms: Forms | undefined;

/** The ways `secret` can appear in text that echoes it. */
function formsOf(secret: string): Forms {
  if (cachedKey === secret && cachedForms) return cachedForms;
  // Percent-encoded and HTML-escaped forms, whole or in part, are the `escaped` pattern's.
  const cores = base64Cores(secret).filter((core) => core !== "");
  cachedKey = secret;
  cachedForms = {
    folded: new RegExp(escapeRegExp(secret), "gi"),
    literal: [...new Set(cores)].sort((a, b) => b.length - a.length),
    escaped: new RegExp([...secret].map(escapedChar).join(BREAK), "gi"),
    wrapped: new RegExp(
      cores.map((core) => [...core].map(escapeRegExp).join(BREAK)).join("|"),
      "g",
    ),
  };
  return cachedForms;
}

// HTML's named character references for ASCII punctuation (matched without regard to case).
const NAMED_ENTITIES: Record<string, readonly string[]> = {
  "!": ["excl"],
  '"': ["quot"],
  "#": ["num"],
  "$": ["dollar"],
  "%": ["percnt"],
  "&": ["amp"],
  "'": ["apos"],
  "(": ["lpar"],
  ")": ["rpar"],
  "*": ["ast", "midast"],
  "+": ["plus"],
  ",": ["comma"],
  ".": ["period"],
  "/": ["sol"],
  ":": ["colon"],
  ";": ["semi"],
  "<": ["lt"],
  "=": ["equals"],
  ">": ["gt"],
  "?": ["quest"],
  "@": ["commat"],
  "[": ["lsqb", "lbrack"],
  "\\": ["bsol"],
  "]": ["rsqb", "rbrack"],
  "^": ["hat"],
  "_": ["lowbar", "underbar"],
  "`": ["grave", "diacriticalgrave"],
  "{": ["lcub", "lbrace"],
  "|": ["verbar", "vert", "verticalline"],
  "}": ["rcub", "rbrace"],
};

// A break between two characters, as a wrapped page, a MIME body (Base64 at 64 or 76 columns, or
// quoted-printable's soft break `=`) or HTML's optional breaks may put anywhere.
const BREAK = "(?:=?(?:\\r\\n|\\r|\\n|\\u2028|\\u2029)[ \\t]*|<wbr\\s*/?>|&shy;|\\u00ad)?";
// What any escaped, encoded or broken form holds somewhere: text without it needs no pattern.
const MAY_HOLD_ESCAPES = /[&%\\\r\n\u2028\u2029\u00ad<]/;
const MAY_HOLD_BREAKS = /[\r\n\u2028\u2029\u00ad<&]/;

/** One character as a pattern: itself, or escaped as an entity, a `\u` escape or a percent. */
function escapedChar(char: string): string {
  const code = char.codePointAt(0)!;
  const hex = code.toString(16);
  const alternatives = [
    escapeRegExp(char),
    // The `;` may be left out where the next character ends the reference anyway.
    `&#0*${code};?`,
    `&#x0*${hex};?`,
    `\\\\u0*${hex}`,
  ];
  if (code < 0x80) alternatives.push(`%${hex.padStart(2, "0")}`);
  for (const name of NAMED_ENTITIES[char] ?? []) alternatives.push(`&${name};`);
  return `(?:${alternatives.join("|")})`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
}

/**
 * The parts of the Base64 (and Base64url) encodings of any text holding `secret` that depend on
 * the secret alone: one per alignment of the secret within its 3-byte groups.
 */
function base64Cores(secret: string): string[] {
  const bytes = new TextEncoder().encode(secret);
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const padded = new Uint8Array(offset + bytes.length);
    padded.set(bytes, offset);
    const encoded = btoa(String.fromCharCode(...padded));
    // A character carries 6 bits: keep those whose bits all come from the secret.
    const core = encoded.slice(Math.ceil(offset * 8 / 6), Math.floor(padded.length * 8 / 6));
    cores.push(core, core.replaceAll("+", "-").replaceAll("/", "_"));
  }
  return cores;
}

/** Whether `text` may hold an escaped or wrapped form, worth the slower patterns. */
function mayHoldEscapes(text: string): boolean {
  return MAY_HOLD_ESCAPES.test(text);
}

/** Whether `text` holds `secret` in any of the forms an echo may carry it. */
export function holdsSecret(text: string, secret: string): boolean {
  const forms = formsOf(secret);
  forms.folded.lastIndex = 0;
  if (forms.folded.test(text) || forms.literal.some((form) => text.includes(form))) return true;
  if (!mayHoldEscapes(text)) return false;
  forms.escaped.lastIndex = 0;
  forms.wrapped.lastIndex = 0;
  return forms.escaped.test(text) || (MAY_HOLD_BREAKS.test(text) && forms.wrapped.test(text));
}

/** `text` with every form of `secret` replaced by `mark` (`[REDACTED]` unless told otherwise). */
export function redactSecret(text: string, secret: string, mark: string = MARK): string {
  const forms = formsOf(secret);
  let redacted = text.replace(forms.folded, mark);
  for (const form of forms.literal) {
    if (redacted.includes(form)) redacted = redacted.replaceAll(form, mark);
  }
  if (!mayHoldEscapes(redacted)) return redacted;
  redacted = redacted.replace(forms.escaped, mark);
  return MAY_HOLD_BREAKS.test(redacted) ? redacted.replace(forms.wrapped, mark) : redacted;
}

/**
 * A copy of `error` that keeps what tells what went wrong (its class, name, message, `code` and
 * causes, the secret redacted from each) and nothing else: an error from a wrapper around `fetch`
 * may carry the request itself, and with it the key. It never throws: an error whose properties
 * cannot be read (a getter that throws, a hostile proxy) becomes a plain `Error` saying so.
 */
export function redactError(error: unknown, secret: string, depth = 0): unknown {
  try {
    return copyError(error, secret, depth);
  } catch {
    return new Error("an error that could not be read");
  }
}

function copyError(error: unknown, secret: string, depth: number): unknown {
  if (!(error instanceof Error)) {
    return typeof error === "string" ? redactSecret(error, secret) : undefined;
  }
  const read = (name: string): unknown => {
    try {
      return (error as unknown as Record<string, unknown>)[name];
    } catch {
      return undefined;
    }
  };
  const text = (value: unknown) => typeof value === "string" ? redactSecret(value, secret) : "";
  const message = text(read("message"));
  const name = text(read("name")) || "Error";
  // A DOMException keeps its name and message in internal slots that a copy of its prototype lacks.
  const copy: Error = error instanceof DOMException
    ? new DOMException(message, name)
    : Object.create(Object.getPrototypeOf(error));
  const define = (key: string, value: unknown) =>
    Object.defineProperty(copy, key, { value, writable: true, configurable: true });
  if (!(copy instanceof DOMException)) {
    define("message", message);
    define("name", name);
  }
  const stack = read("stack");
  if (typeof stack === "string") define("stack", redactSecret(stack, secret));
  const code = read("code");
  if (typeof code === "string") define("code", redactSecret(code, secret));
  else if (typeof code === "number") define("code", code);
  const cause = read("cause");
  if (cause !== undefined && depth < 4) define("cause", redactError(cause, secret, depth + 1));
  // A prototype whose own getters cannot serve this copy (a host object) gives way to a plain one.
  try {
    String(copy);
  } catch {
    const plain = new Error(message);
    plain.name = name;
    return plain;
  }
  return copy;
}
