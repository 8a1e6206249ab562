// The webhook token's comparison, structurally: it reads every byte of both digests, the same
// reads in the same order wherever the first difference is, and the digests all have one length,
// so that neither the position of a wrong byte nor the expected token's length shows.

import { bearerToken, sameBytes, tokenDigest } from "../lib/webhooks/_token.ts";
import { assert, assertEquals } from "@std/assert";

/** `bytes` behind a proxy that records, in order, which index was read. */
function recorded(bytes: Uint8Array, reads: string[], name: string): ArrayLike<number> {
  return new Proxy(bytes, {
    get(target, property) {
      if (typeof property === "string" && /^\d+$/.test(property)) reads.push(`${name}${property}`);
      return Reflect.get(target, property);
    },
  });
}

Deno.test("token comparison: every byte is read, in the same order, wherever the first difference is", async () => {
  const expected = await tokenDigest("whk_the_right_token");
  assertEquals(expected.length, 32);
  const traces = new Set<string>();
  for (let differsAt = -1; differsAt < expected.length; differsAt++) {
    const given = expected.slice();
    if (differsAt >= 0) given[differsAt]! ^= 0x01;
    const reads: string[] = [];
    const same = sameBytes(recorded(given, reads, "a"), recorded(expected, reads, "b"));
    assertEquals(same, differsAt === -1);
    traces.add(reads.join());
  }
  // One trace for all 33 cases: both arrays read at every index, a0 b0 a1 b1 … a31 b31.
  assertEquals(traces.size, 1);
  const trace = [...traces][0]!.split(",");
  assertEquals(trace.length, 64);
  assertEquals(trace.slice(0, 4), ["a0", "b0", "a1", "b1"]);
  assertEquals(trace.slice(-2), ["a31", "b31"]);
});

Deno.test("token comparison: what is compared has one length whatever the tokens' lengths", async () => {
  const lengths = new Set<number>();
  for (const token of ["a", "whk_the_right_token", "x".repeat(10_000)]) {
    lengths.add((await tokenDigest(token)).length);
  }
  assertEquals([...lengths], [32]);
  assert(sameBytes(await tokenDigest("abc"), await tokenDigest("abc")));
  assert(!sameBytes(await tokenDigest("abc"), await tokenDigest("abcd")));
});

Deno.test("token comparison: the bearer token is read from the Authorization header alone", () => {
  assertEquals(bearerToken("Bearer abc"), "abc");
  assertEquals(bearerToken("bearer  abc "), "abc");
  assertEquals(bearerToken(null), undefined);
  assertEquals(bearerToken("Basic YWJjOg=="), undefined);
  assertEquals(bearerToken("Bearer a b"), undefined);
  assertEquals(bearerToken("Bearer "), undefined);
});
