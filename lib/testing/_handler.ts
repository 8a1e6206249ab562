// What every operation handler receives and returns.

import type { EmulatorState } from "./_state.ts";
import { invalidParameters } from "./_errors.ts";

/** What a handler works with. */
export interface HandlerContext {
  state: EmulatorState;
  request: Request;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body; `undefined` when there was none. */
  body: unknown;
}

/** A status and the JSON body to send. */
export interface Answer {
  status: number;
  body: unknown;
}

/** Handles one operation; throws an EmulatedError to answer with an error. */
export type Handler = (context: HandlerContext) => Answer;

/** A success in Lambda's `{data}` envelope. */
export function ok(data: unknown, status = 200): Answer {
  return { status, body: { data } };
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
