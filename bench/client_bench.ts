// deno bench --allow-net=127.0.0.1 bench/
//
// What the client costs over a bare fetch: the same GET against one local server, measured side by
// side in one run, and the client's own overhead with the network taken out.

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
