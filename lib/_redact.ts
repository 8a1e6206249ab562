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

interface Forms {
  /** Exact strings that carry the secret, longest first. */
  literal: readonly string[];
  /** The secret with any character escaped any way (entities, `\u`, percent), for one pass. */
  escaped: RegExp;
}

let cachedKey: string | undefined;
let cachedForms: Forms | undefined;

/** The ways `secret` can appear in text that echoes it. */
function formsOf(secret: string): Forms {
  if (cachedKey === secret && cachedForms) return cachedForms;
  const percent = encodeURIComponent(secret);
  const html = secret.replace(/[&<>"']/g, (char) => HTML_ENTITIES[char]!);
  const literal = new Set([
    secret,
    percent,
    percent.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
    encodeURI(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    html,
    html.replaceAll("&#39;", "&#x27;"),
    ...base64Cores(secret),
  ]);
  cachedKey = secret;
  cachedForms = {
    literal: [...literal].sort((a, b) => b.length - a.length),
    escaped: new RegExp([...secret].map(escapedChar).join(""), "gi"),
  };
  return cachedForms;
}

const HTML_ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** One character as a pattern: itself, or escaped as an entity, a `\u` escape or a percent. */
function escapedChar(char: string): string {
  const code = char.codePointAt(0)!;
  const hex = code.toString(16);
  const alternatives = [
    char.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&"),
    `&#0*${code};`,
    `&#x0*${hex};`,
    `\\\\u0*${hex}`,
  ];
  if (code < 0x80) alternatives.push(`%${hex.padStart(2, "0")}`);
  const named = HTML_ENTITIES[char];
  if (named) alternatives.push(named);
  return `(?:${alternatives.join("|")})`;
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

/** Whether `text` may hold an escaped form, worth the slower pattern. */
function mayHoldEscapes(text: string): boolean {
  return text.includes("&") || text.includes("\\u") || text.includes("%");
}

/** Whether `text` holds `secret` in any of the forms an echo may carry it. */
export function holdsSecret(text: string, secret: string): boolean {
  const forms = formsOf(secret);
  if (forms.literal.some((form) => text.includes(form))) return true;
  if (!mayHoldEscapes(text)) return false;
  forms.escaped.lastIndex = 0;
  return forms.escaped.test(text);
}

/** `text` with every form of `secret` replaced by `[REDACTED]`. */
export function redactSecret(text: string, secret: string): string {
  const forms = formsOf(secret);
  let redacted = text;
  for (const form of forms.literal) {
    if (redacted.includes(form)) redacted = redacted.replaceAll(form, MARK);
  }
  return mayHoldEscapes(redacted) ? redacted.replace(forms.escaped, MARK) : redacted;
}

/**
 * A copy of `error` that keeps what tells what went wrong (its class, name, message, `code` and
 * causes, the secret redacted from each) and nothing else: an error from a wrapper around `fetch`
 * may carry the request itself, and with it the key.
 */
export function redactError(error: unknown, secret: string, depth = 0): unknown {
  if (!(error instanceof Error)) {
    return typeof error === "string" ? redactSecret(error, secret) : undefined;
  }
  const copy = Object.create(Object.getPrototypeOf(error)) as Error;
  const own = (name: string, value: unknown) =>
    Object.defineProperty(copy, name, { value, writable: true, configurable: true });
  own("message", redactSecret(String(error.message), secret));
  if (Object.hasOwn(error, "name")) own("name", redactSecret(String(error.name), secret));
  if (typeof error.stack === "string") own("stack", redactSecret(error.stack, secret));
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" || typeof code === "number") own("code", code);
  if (error.cause !== undefined && depth < 4) {
    own("cause", redactError(error.cause, secret, depth + 1));
  }
  return copy;
}
