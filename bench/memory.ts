// deno run --v8-flags=--expose-gc bench/memory.ts
//
// Heap held per client, and heap left behind by 20000 calls (it should be none: no per-call state
// outlives the call). Run with --expose-gc so the figures are after a full collection.

// deno-lint-ignore-file no-console -- a measurement script reports on the console

import { LambdaCloudClient } from "../mod.ts";
import { sampleInstance } from "../tests/_fakes.ts";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("Run with --v8-flags=--expose-gc");

// A Request made with a signal is tied to it through a WeakRef, which V8 keeps until the current
// job ends: let a few turns of the event loop pass before collecting, or those count as retained.
async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc!();
  }
  return Deno.memoryUsage().heapUsed;
}

const clients: LambdaCloudClient[] = [];
const before = await heapAfterGc();
for (let i = 0; i < 1000; i++) clients.push(new LambdaCloudClient({ apiKey: `secret_${i}` }));
const perClient = (await heapAfterGc() - before) / clients.length;

const payload = JSON.stringify({ data: Array.from({ length: 50 }, () => sampleInstance()) });

/**
 * Heap left per call over 20,000 calls after a warm-up, answered with a Content-Length (read with
 * `text()`) or without one (chunked, read through a stream reader to enforce maxResponseBytes).
 */
async function leftPerCall(withLength: boolean): Promise<number> {
  const headers: Record<string, string> = withLength
    ? { "content-length": String(new TextEncoder().encode(payload).length) }
    : {};
  const client = new LambdaCloudClient({
    apiKey: "secret_memory",
    rateLimit: false,
    fetch: () => Promise.resolve(new Response(payload, { headers })),
  });
  // Warm up first: compiled code and inline caches are not per-call state.
  for (let i = 0; i < 5000; i++) await client.instances.list();
  const before = await heapAfterGc();
  for (let i = 0; i < 20_000; i++) await client.instances.list();
  return (await heapAfterGc() - before) / 20_000;
}

/** The same for the same body read and parsed as the client reads it, without the client. */
async function rawReaderLeftPerCall(): Promise<number> {
  const read = async () => {
    const reader = new Response(payload).body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      text += decoder.decode(chunk.value, { stream: true });
    }
    return JSON.parse(text + decoder.decode());
  };
  for (let i = 0; i < 5000; i++) await read();
  const before = await heapAfterGc();
  for (let i = 0; i < 20_000; i++) await read();
  return (await heapAfterGc() - before) / 20_000;
}

// The first tens of thousands of bodies read through a stream reader grow the runtime's own state
// once, with or without the client, then nothing more: read that many raw first, so that what
// follows is the client's.
const leftRawReader = await rawReaderLeftPerCall();
const leftWithLength = await leftPerCall(true);
const leftChunked = await leftPerCall(false);

// A 10,000-instance list: the heap the client's result holds, beside the same JSON parsed plainly.
const bigText = JSON.stringify({
  data: Array.from({ length: 10_000 }, (_, i) => sampleInstance({ id: `i-${i}` })),
});
const big = new LambdaCloudClient({
  apiKey: "secret_memory",
  rateLimit: false,
  fetch: () => Promise.resolve(new Response(bigText)),
});
const beforeParse = await heapAfterGc();
const parsed = JSON.parse(bigText);
const parsedBytes = await heapAfterGc() - beforeParse;
const beforeList = await heapAfterGc();
const listed = await big.instances.list();
const listedBytes = await heapAfterGc() - beforeList;

console.log(`heap per client: ${Math.round(perClient)} bytes (1000 clients)`);
console.log(
  `heap left per call: ${leftWithLength.toFixed(1)} bytes with Content-Length, ${
    leftChunked.toFixed(1)
  } bytes without (20000 calls after a warm-up, 50 instances each; before them, the first ` +
    `20000 chunked bodies read without the client grew the runtime's state by ${
      leftRawReader.toFixed(1)
    } bytes each, once)`,
);
console.log(
  `10,000-instance list: ${(listedBytes / 2 ** 20).toFixed(1)} MiB held by the client's result, ` +
    `${(parsedBytes / 2 ** 20).toFixed(1)} MiB by JSON.parse (${
      (listedBytes / parsedBytes).toFixed(2)
    }x)`,
);
console.log(
  `kept alive for the measurement: ${clients.length} clients, ${
    parsed.data.length + listed.length
  } instances`,
);
