// Request bodies as the emulator reads them: capped at a size, ended by a server that closes, and
// parsed as JSON where they are JSON.

/** A request body larger than the emulator accepts. */
export class BodyTooLarge extends Error {}

/**
 * Reads a request body as text, up to `limit` bytes; a larger one is a {@linkcode BodyTooLarge},
 * and `closing` (the server shutting down) ends a body that never finishes.
 */
export async function readBody(
  request: Request,
  limit: number,
  closing: AbortSignal | undefined,
): Promise<string> {
  if (request.body === null) return "";
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > limit) {
    await request.body.cancel().catch(() => {});
    throw new BodyTooLarge();
  }
  const reader = request.body.getReader();
  let onClose = () => {};
  const stop = new Promise<never>((_, reject) => {
    onClose = () => reject(closing?.reason);
    if (closing?.aborted) onClose();
    closing?.addEventListener("abort", onClose, { once: true });
  });
  stop.catch(() => {}); // only read when racing a chunk
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), stop]);
      if (done) break;
      size += value.byteLength;
      if (size > limit) throw new BodyTooLarge();
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  } finally {
    closing?.removeEventListener("abort", onClose);
    reader.releaseLock();
  }
  return await new Blob(chunks as BlobPart[]).text();
}

/** The parsed JSON body, the raw text when it is not JSON, or `undefined` when empty. */
export function parseBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
