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
const client = new LambdaCloudClient({
  apiKey: "secret_memory",
  rateLimit: false,
  fetch: () => Promise.resolve(new Response(payload)),
});
// Warm up first: compiled code and inline caches are not per-call state.
for (let i = 0; i < 5000; i++) await client.instances.list();
const beforeCalls = await heapAfterGc();
for (let i = 0; i < 20_000; i++) await client.instances.list();
const leftPerCall = (await heapAfterGc() - beforeCalls) / 20_000;

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
  `heap left per call: ${
    leftPerCall.toFixed(1)
  } bytes (20000 calls after a warm-up, 50 instances each)`,
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
