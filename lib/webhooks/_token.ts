// The bearer token of a webhook, compared in constant time: both tokens are hashed with SHA-256
// (so that what is compared always has one length, whatever the tokens'), and the digests compared
// byte by byte to the last, whatever the first byte that differs.

const encoder = new TextEncoder();

/** The SHA-256 digest of `token`, to compare with {@linkcode sameBytes}. */
export async function tokenDigest(token: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(token)));
}

/**
 * The token of an `Authorization: Bearer <token>` header (the scheme in any case), or `undefined`
 * when there is no such header.
 */
export function bearerToken(authorization: string | null): string | undefined {
  const match = /^bearer +(\S+) *$/i.exec(authorization ?? "");
  return match?.[1];
}

/**
 * Whether `a` and `b` hold the same bytes. Every byte of both is read, and the loop runs to the
 * end, wherever they differ: no early return leaks how much of a guess was right. Lengths are
 * compared, not hidden: give it digests, which all have one length.
 */
export function sameBytes(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= a[index]! ^ b[index]!;
  return difference === 0;
}
