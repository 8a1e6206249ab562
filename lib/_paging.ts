// Reading every page of an endpoint that pages with an opaque token, one page at a time.

import type { InvalidResponseError } from "./no_answer_errors.ts";
import { unusableAnswer } from "./transport/_answer.ts";

/** One page: its items, and the token of the next page (`null` on the last). */
interface Page<T> {
  items: T[];
  next: string | null;
}

/** The token of the next page, as an answer that pages carries it. */
type Next = { page_token: string | null };

/**
 * Yields every item of a listing that pages by `page_token`, fetching each page only when the loop
 * asks for it, by `listPage` with the filters `params` and that page's token: its items are the
 * field `key`. A page that is not a list with a text token (or none), a token the server already
 * gave or an empty one (which would page forever), and a run of empty pages are an
 * {@linkcode InvalidResponseError} for `action`.
 */
export async function* everyPage<P, K extends string, T>(
  action: string,
  key: K,
  params: P,
  listPage: (query: P & { page_token: string | undefined }) => Promise<Record<K, T[]> & Next>,
): AsyncGenerator<T> {
  const seen = new Set<string>();
  let pageToken: string | undefined;
  let emptyPages = 0;
  do {
    const answer = await listPage({ ...params, page_token: pageToken });
    const page: Page<T> = { items: answer[key], next: answer.page_token };
    if (!Array.isArray(page.items)) throw malformed(action, page, "the page holds no list");
    // The items come first: they are good data even when the token that follows is not.
    yield* page.items;
    const next = page.next ?? undefined;
    emptyPages = page.items.length === 0 ? emptyPages + 1 : 0;
    const fault = next === undefined
      ? undefined
      : typeof next !== "string"
      ? "the page token is not text"
      : next === ""
      ? "the server sent an empty page token"
      : seen.has(next)
      ? "the server repeated a page token"
      : emptyPages >= MAX_EMPTY_PAGES
      ? `the server sent ${MAX_EMPTY_PAGES} empty pages in a row`
      : undefined;
    if (fault !== undefined) throw malformed(action, page, fault);
    if (next !== undefined) seen.add(next);
    pageToken = next;
  } while (pageToken !== undefined);
}

function malformed<T>(action: string, page: Page<T>, fault: string): InvalidResponseError {
  return unusableAnswer(action, { data: page.items, page_token: page.next }, fault);
}

// More empty pages in a row than any real listing sends, fewer than a loop that never yields.
const MAX_EMPTY_PAGES = 5;
