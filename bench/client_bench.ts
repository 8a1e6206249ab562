// deno task bench
//
// What the client costs, measured side by side in one run so that each figure is a ratio that
// survives a noisy machine: the same requests against one loopback server by raw fetch, by this
// client and by the other published JavaScript client for this API (npm lambda-cloud-node-api, a
// development-only import); the client's own cost with no network; parsing a 10,000-instance
// list; and what `deno run` pays to import the package. Limiters are off: this measures the
// client, not Lambda's rate limit (bench/throughput.ts measures that).

import { LambdaCloudAPI } from "npm:lambda-cloud-node-api@1.0.1";
import { LambdaCloudClient } from "../mod.ts";
import { LambdaEmulator } from "../lib/testing/mod.ts";
import { sampleInstance } from "../tests/_fakes.ts";

const KEY = "secret_bench";
const instances = Array.from(
  { length: 50 },
  (_, i) => sampleInstance({ id: `instance-${i}`, name: `node-${i}` }),
);
const listPayload = JSON.stringify({ data: instances });
const getPayload = JSON.stringify({ data: instances[0] });
const bigPayload = JSON.stringify({
  data: Array.from({ length: 10_000 }, (_, i) => sampleInstance({ id: `i-${i}`, name: `n-${i}` })),
});

const server = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen: () => {} },
  (request) =>
    new Response(new URL(request.url).pathname.endsWith("/instances") ? listPayload : getPayload, {
      headers: { "content-type": "application/json" },
    }),
);
const baseUrl = `http://127.0.0.1:${server.addr.port}/api/v1`;
const headers = { authorization: `Bearer ${KEY}`, accept: "application/json" };
const client = new LambdaCloudClient({ apiKey: KEY, baseUrl, rateLimit: false });
const peer = new LambdaCloudAPI({ apiKey: KEY, basePath: baseUrl });

function check(ok: boolean): void {
  if (!ok) throw new Error("unexpected answer");
}

// --- Over a loopback socket ---------------------------------------------------------------

Deno.bench("raw fetch: GET /instances", { group: "list (socket)", baseline: true }, async () => {
  const body = await (await fetch(`${baseUrl}/instances`, { headers })).json();
  check(body.data.length === 50);
});
Deno.bench("client.instances.list()", { group: "list (socket)" }, async () => {
  check((await client.instances.list()).length === 50);
});
Deno.bench("lambda-cloud-node-api listRunningInstances()", { group: "list (socket)" }, async () => {
  check(Object.keys(await peer.listRunningInstances()).length === 50);
});

Deno.bench(
  "raw fetch: GET /instances/{id}",
  { group: "get (socket)", baseline: true },
  async () => {
    const body = await (await fetch(`${baseUrl}/instances/instance-0`, { headers })).json();
    check(body.data.id === "instance-0");
  },
);
Deno.bench("raw fetch with a 60 s timeout signal", { group: "get (socket)" }, async () => {
  const response = await fetch(`${baseUrl}/instances/instance-0`, {
    headers,
    signal: AbortSignal.timeout(60_000),
  });
  check((await response.json()).data.id === "instance-0");
});
Deno.bench("client.instances.get(id)", { group: "get (socket)" }, async () => {
  check((await client.instances.get("instance-0")).id === "instance-0");
});
Deno.bench("lambda-cloud-node-api getRunningInstance(id)", { group: "get (socket)" }, async () => {
  check((await peer.getRunningInstance("instance-0")).id === "instance-0");
});

// --- No network: the client's own cost per call -----------------------------------------

const respond = () => Promise.resolve(new Response(getPayload));
const offline = new LambdaCloudClient({ apiKey: KEY, rateLimit: false, fetch: respond });
const emulator = new LambdaEmulator({ rateLimit: false });
const viaEmulator = new LambdaCloudClient({
  apiKey: emulator.apiKey,
  rateLimit: false,
  fetch: emulator.fetch,
});
Deno.bench(
  "raw: a prepared Response, .json()",
  { group: "get (no network)", baseline: true },
  async () => {
    check((await (await respond()).json()).data.id === "instance-0");
  },
);
Deno.bench(
  "raw: a Request with a timeout signal, a prepared Response, .json()",
  { group: "get (no network)" },
  async () => {
    const request = new Request(`${baseUrl}/instances/instance-0`, {
      headers,
      signal: AbortSignal.timeout(60_000),
    });
    check(request.method === "GET");
    check((await (await respond()).json()).data.id === "instance-0");
  },
);
Deno.bench(
  "client.instances.get(id), fetch answering at once",
  { group: "get (no network)" },
  async () => {
    check((await offline.instances.get("instance-0")).id === "instance-0");
  },
);
Deno.bench(
  "client.regions.list() via the in-process emulator",
  { group: "get (no network)" },
  async () => {
    check((await viaEmulator.regions.list()).length === 12);
  },
);

// --- Parsing a 10,000-instance list -------------------------------------------------------

const big = new LambdaCloudClient({
  apiKey: KEY,
  rateLimit: false,
  fetch: () => Promise.resolve(new Response(bigPayload)),
});
Deno.bench("JSON.parse of the text", { group: "10,000 instances", baseline: true }, () => {
  check(JSON.parse(bigPayload).data.length === 10_000);
});
Deno.bench("new Response(text).json()", { group: "10,000 instances" }, async () => {
  check((await new Response(bigPayload).json()).data.length === 10_000);
});
Deno.bench("client.instances.list()", { group: "10,000 instances" }, async () => {
  check((await big.instances.list()).length === 10_000);
});

// --- Import cost --------------------------------------------------------------------------

async function denoRun(script: string): Promise<void> {
  const { success } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--no-config", new URL(script, import.meta.url).pathname],
    stdout: "null",
    stderr: "null",
  }).output();
  check(success);
}
Deno.bench("deno run: an empty script", { group: "import", baseline: true, n: 30 }, async () => {
  await denoRun("fixtures/empty.ts");
});
Deno.bench("deno run: import mod.ts", { group: "import", n: 30 }, async () => {
  await denoRun("fixtures/import_mod.ts");
});

globalThis.addEventListener("unload", () => void server.shutdown());
