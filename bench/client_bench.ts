// deno bench --allow-net=127.0.0.1 --allow-read --allow-env bench/
//
// What the client costs over a bare fetch and beside another fetch-based Lambda client (the npm
// package lambda-cloud-node-api, a development-only import): the same GET against one local
// server, measured side by side in one run, and the client's own overhead with the network out.

import { LambdaCloudAPI } from "npm:lambda-cloud-node-api@1.0.1";
import { LambdaCloudClient } from "../mod.ts";
import { sampleInstance } from "../tests/_fakes.ts";

const instances = Array.from(
  { length: 50 },
  (_, i) => sampleInstance({ id: `instance-${i}`, name: `node-${i}` }),
);
const payload = JSON.stringify({ data: instances });

const server = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen: () => {} },
  () => new Response(payload, { headers: { "content-type": "application/json" } }),
);
const baseUrl = `http://127.0.0.1:${server.addr.port}/api/v1`;

const client = new LambdaCloudClient({ apiKey: "secret_bench", baseUrl, rateLimit: false });
const offline = new LambdaCloudClient({
  apiKey: "secret_bench",
  rateLimit: false,
  fetch: () => Promise.resolve(new Response(payload)),
});

Deno.bench("raw fetch + JSON.parse (socket)", { group: "socket", baseline: true }, async () => {
  const response = await fetch(`${baseUrl}/instances`, {
    headers: { authorization: "Bearer secret_bench", accept: "application/json" },
  });
  const body = await response.json();
  if (body.data.length !== 50) throw new Error("unexpected");
});

Deno.bench("client.instances.list() (socket)", { group: "socket" }, async () => {
  const list = await client.instances.list();
  if (list.length !== 50) throw new Error("unexpected");
});

const peer = new LambdaCloudAPI({ apiKey: "secret_bench", basePath: baseUrl });

Deno.bench(
  "lambda-cloud-node-api listRunningInstances() (socket)",
  { group: "socket" },
  async () => {
    const list = await peer.listRunningInstances();
    if (Object.keys(list).length !== 50) throw new Error("unexpected");
  },
);

Deno.bench(
  "new Response + JSON.parse (no network)",
  { group: "offline", baseline: true },
  async () => {
    const body = await new Response(payload).json();
    if (body.data.length !== 50) throw new Error("unexpected");
  },
);

Deno.bench("client.instances.list() (no network)", { group: "offline" }, async () => {
  const list = await offline.instances.list();
  if (list.length !== 50) throw new Error("unexpected");
});

Deno.bench("new LambdaCloudClient()", { group: "construct" }, () => {
  new LambdaCloudClient({ apiKey: "secret_bench" });
});

globalThis.addEventListener("unload", () => void server.shutdown());
