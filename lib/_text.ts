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
