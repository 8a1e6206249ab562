// Reading every page of an endpoint that pages with an opaque token, one page at a time.

/** One page: its items, and the token of the next page (`null` on the last). */
export interface Page<T> {
  items: T[];
  next: string | null;
}

/** Yields every item of every page, fetching the next page only when the loop asks for it. */
export async function* everyPage<T>(
  fetchPage: (pageToken: string | undefined) => Promise<Page<T>>,
): AsyncGenerator<T> {
  let pageToken: string | undefined;
  do {
    const page = await fetchPage(pageToken);
    yield* page.items;
    pageToken = page.next ?? undefined;
  } while (pageToken !== undefined);
}
