// What every operation handler receives and returns, and the envelopes the answers come in.

import type { EmulatorState } from "./_state.ts";
import { type EmulatedError, invalidParameters } from "./_errors.ts";

/** What a handler works with. */
export interface HandlerContext {
  state: EmulatorState;
  request: Request;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body; `undefined` when there was none. */
  body: unknown;
}

/** A status and the JSON body to send (a string is sent as it is, as HTML or text). */
export interface Answer {
  status: number;
  body: unknown;
  /** Headers beside the content type; a handler's answers have none. */
  headers?: Record<string, string>;
}

/** Handles one operation; throws an EmulatedError to answer with an error. */
export type Handler = (context: HandlerContext) => Answer;

/** A success in Lambda's `{data}` envelope. */
export function ok(data: unknown, status = 200): Answer {
  return { status, body: { data } };
}

/** An error in Lambda's `{error}` envelope. */
export function errorAnswer(error: EmulatedError, requestId: string): Answer {
  const envelope: Record<string, string> = { code: error.code, message: error.message };
  if (error.suggestion !== undefined) envelope.suggestion = error.suggestion;
  envelope.request_id = requestId;
  return { status: error.status, body: { error: envelope } };
}

/**
 * A request id, random rather than seeded: two emulators with one seed (parallel test workers,
 * two processes) must still give ids that tell their requests apart in shared logs.
 */
export function newRequestId(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

/** Cuts `items` into a page at the opaque `token`, and returns the token of the next page. */
export function paginate<T>(
  items: readonly T[],
  token: string | null,
  pageSize: number,
): { page: T[]; next: string | null } {
  let offset = 0;
  if (token !== null) {
    const decoded = /^o(\d+)$/.exec(decodeToken(token));
    if (!decoded) {
      throw invalidParameters(
        "Invalid page token.",
        "Use the page_token returned by the previous page.",
      );
    }
    offset = Number(decoded[1]);
  }
  const end = offset + pageSize;
  return { page: items.slice(offset, end), next: end < items.length ? btoa(`o${end}`) : null };
}

function decodeToken(token: string): string {
  try {
    return atob(token);
  } catch {
    return "";
  }
}
