// The API key must never reach an error, a hook or a log, even when a server or proxy echoes it
// back: as sent, or escaped the way a redirect (percent-encoding) or an HTML page (entities)
// would carry it.

const MARK = "[REDACTED]";

let cachedKey: string | undefined;
let cachedForms: readonly string[] = [];

/** The ways `secret` can appear in text that echoes it, longest first. */
function formsOf(secret: string): readonly string[] {
  if (cachedKey === secret) return cachedForms;
  const percent = encodeURIComponent(secret);
  const html = secret.replace(/[&<>"']/g, (char) => HTML_ENTITIES[char]!);
  const forms = new Set([
    secret,
    percent,
    percent.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
    encodeURI(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    html,
    html.replaceAll("&#39;", "&#x27;"),
  ]);
  cachedKey = secret;
  cachedForms = [...forms].sort((a, b) => b.length - a.length);
  return cachedForms;
}

const HTML_ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Whether `text` holds `secret` in any of the forms an echo may carry it. */
export function holdsSecret(text: string, secret: string): boolean {
  return formsOf(secret).some((form) => text.includes(form));
}

/** `text` with every form of `secret` replaced by `[REDACTED]`. */
export function redactSecret(text: string, secret: string): string {
  let redacted = text;
  for (const form of formsOf(secret)) {
    if (redacted.includes(form)) redacted = redacted.replaceAll(form, MARK);
  }
  return redacted;
}
