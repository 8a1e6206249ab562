// Reading every page of an endpoint that pages with an opaque token, one page at a time.

import { InvalidResponseError } from "./errors.ts";

/** One page: its items, and the token of the next page (`null` on the last). */
export interface Page<T> {
  items: T[];
  next: string | null;
}

/**
 * Yields every item of every page, fetching the next page only when the loop asks for it. A server
 * that hands back a token it already gave, or an empty one, would page forever: that is an
 * {@linkcode InvalidResponseError} for `action`.
 */
export async function* everyPage<T>(
  action: string,
  fetchPage: (pageToken: string | undefined) => Promise<Page<T>>,
): AsyncGenerator<T> {
  const seen = new Set<string>();
  let pageToken: string | undefined;
  do {
    const page = await fetchPage(pageToken);
    yield* page.items;
    const next = page.next ?? undefined;
    if (next !== undefined && (next === "" || seen.has(next))) {
      throw new InvalidResponseError(
        action,
        200,
        JSON.stringify({ page_token: next }),
        new Headers(),
        next === "" ? "the server sent an empty page token" : "the server repeated a page token",
      );
    }
    if (next !== undefined) seen.add(next);
    pageToken = next;
  } while (pageToken !== undefined);
}
