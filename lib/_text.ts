// Text from a server, made fit for a one-line message: every step linear in its length, since the
// server controls it (up to maxResponseBytes) and a pattern that backtracks could stall the process.

/** The longest part of a server's text (a message, a suggestion, a code) quoted in a message. */
export const MAX_QUOTED_LENGTH = 1000;

/** `text` trimmed, without the periods that end it. Not `/\.+$/`: that backtracks on many dots. */
export function trimPeriods(text: string): string {
  const trimmed = text.trim();
  let end = trimmed.length;
  while (end > 0 && trimmed[end - 1] === ".") end--;
  return trimmed.slice(0, end);
}

/** `text`, cut to `max` characters and marked with an ellipsis when it was longer. */
export function clip(text: string, max: number = MAX_QUOTED_LENGTH): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

// How much of a body that is not Lambda's envelope a message quotes.
const EXCERPT_LENGTH = 200;

/**
 * A short, one-line account of a body that is not Lambda's envelope. The server controls the body
 * (up to maxResponseBytes), so every step is linear in its length: no pattern here backtracks.
 */
export function describeBody(body: string): string {
  const text = body.trim();
  if (text === "") return "empty response body";
  const title = htmlTitle(text);
  if (title) return `HTML page '${excerpt(title)}'`;
  return `body '${excerpt(text)}'`;
}

/** The text of the first `<title>` element, when it holds no markup. */
function htmlTitle(text: string): string | undefined {
  const start = text.search(/<title[\s>]/i);
  const open = start < 0 ? -1 : text.indexOf(">", start);
  if (open < 0) return undefined;
  const closing = /<\/title>/gi;
  closing.lastIndex = open + 1;
  const close = closing.exec(text)?.index;
  const title = close === undefined ? "" : text.slice(open + 1, close);
  return title.includes("<") ? undefined : title.trim();
}

/** `text` on one line, cut to EXCERPT_LENGTH characters (marked by an ellipsis). */
function excerpt(text: string): string {
  // Collapsing a bounded head is enough: runs of white space shrink, never grow.
  const head = text.slice(0, EXCERPT_LENGTH * 8).replace(/\s+/g, " ");
  return head.length > EXCERPT_LENGTH || text.length > EXCERPT_LENGTH * 8
    ? `${head.slice(0, EXCERPT_LENGTH)}…`
    : head;
}

/**
 * `thrown` and its causes, `depth` at most: each cause read only as an error's own data property,
 * so that a getter (a hostile class's) never runs, and the chain ends where it cannot be read.
 */
export function causeChain(thrown: unknown, depth: number = 4): unknown[] {
  const chain: unknown[] = [];
  try {
    for (let item = thrown; item !== undefined && chain.length < depth;) {
      chain.push(item);
      item = item instanceof Error
        ? Object.getOwnPropertyDescriptor(item, "cause")?.value
        : undefined;
    }
  } catch {
    // A proxy that refuses to be read: what came before it stands.
  }
  return chain;
}

/** What `thrown` says: an error's message, or anything else as text. */
export function messageOf(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}

/** `message`, with `hint` after it when there is one. */
export function withHint(message: string, hint: string | undefined): string {
  return hint ? `${message}; ${hint}` : message;
}
