// deno run --lock=dev.lock --allow-net=127.0.0.1 --allow-read --allow-run --allow-env bench/request_path.ts
//
// What the client adds to a request, against raw fetch, over a loopback socket to a server in
// another process: a small GET, a 50-instance list, and 1,000 GETs at once; the same calls by the
// other published JavaScript client for this API (npm lambda-cloud-node-api, development only);
// the floor that any client with a binding timeout pays; and the client's own work with no
// network. Variants take turns in interleaved blocks (bench/_compare.ts). Limiters are off: this measures the request path, not Lambda's rate limit.
// deno-lint-ignore-file no-console

import { LambdaCloudAPI } from "npm:lambda-cloud-node-api@1.0.1";
import { LambdaCloudClient } from "../mod.ts";
import { compare, table, type Variant } from "./_compare.ts";

const KEY = "secret_bench";
const TIMEOUT_MS = 60_000;

const server = new Deno.Command(Deno.execPath(), {
  args: ["run", "--allow-net=127.0.0.1", new URL("_server.ts", import.meta.url).pathname],
  stdout: "piped",
  stderr: "inherit",
}).spawn();
const reader = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
const port = Number((await reader.read()).value?.trim());
reader.releaseLock();
const baseUrl = `http://127.0.0.1:${port}/api/v1`;
const headers = { authorization: `Bearer ${KEY}`, accept: "application/json" };
const client = new LambdaCloudClient({ apiKey: KEY, baseUrl, rateLimit: false });
const peer = new LambdaCloudAPI({ apiKey: KEY, basePath: baseUrl });

function check(ok: boolean): void {
  if (!ok) throw new Error("unexpected answer");
}

const getUrl = `${baseUrl}/instances/instance-0`;
const rawGet = async () => {
  const body = await (await fetch(getUrl, { headers })).json();
  check(body.data.id === "instance-0");
};
const rawGetWithTimeout = async () => {
  const response = await fetch(getUrl, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
  check((await response.json()).data.id === "instance-0");
};
// The floor: only what any client must do to keep a timeout binding and a redirect unfollowed (one
// timer as its abort signal, `redirect: "manual"`, the body read as text, then parsed), with none of
// this client's table, checks, retries, redaction or shape checks, and none of its own code.
const floorHeaders = { ...headers, "user-agent": "lambda-cloud-client/bench" };
const floorGet = async () => {
  const response = await fetch(getUrl, {
    headers: floorHeaders,
    signal: AbortSignal.timeout(TIMEOUT_MS),
    redirect: "manual",
  });
  check(JSON.parse(await response.text()).data.id === "instance-0");
};
const clientGet = async () => check((await client.instances.get("instance-0")).id === "instance-0");

const sections: [
  string,
  Variant[],
  { rounds: number; perBlock: number; references?: number[] },
][] = [
  ["A small GET over loopback (`GET /instances/{id}`)", [
    { name: "raw fetch + .json()", run: rawGet },
    { name: "raw fetch with a timeout signal", run: rawGetWithTimeout },
    { name: "the floor: a timeout signal, no redirect, text", run: floorGet },
    { name: "client.instances.get(id)", run: clientGet },
    {
      name: "lambda-cloud-node-api getRunningInstance(id)",
      run: async () => check((await peer.getRunningInstance("instance-0")).id === "instance-0"),
    },
  ], { rounds: 200, perBlock: 50, references: [0, 1] }],
  ["A 50-instance list over loopback (`GET /instances`)", [
    {
      name: "raw fetch + .json()",
      run: async () => {
        const body = await (await fetch(`${baseUrl}/instances`, { headers })).json();
        check(body.data.length === 50);
      },
    },
    {
      name: "client.instances.list()",
      run: async () => check((await client.instances.list()).length === 50),
    },
    {
      name: "lambda-cloud-node-api listRunningInstances()",
      run: async () => check(Object.keys(await peer.listRunningInstances()).length === 50),
    },
  ], { rounds: 100, perBlock: 25 }],
  ["1,000 GETs at once over loopback", [
    {
      name: "raw fetch + .json(), 1,000 at once",
      run: () => Promise.all(Array.from({ length: 1000 }, rawGet)),
    },
    {
      name: "raw fetch with a timeout signal, 1,000 at once",
      run: () => Promise.all(Array.from({ length: 1000 }, rawGetWithTimeout)),
    },
    {
      name: "the floor, 1,000 at once",
      run: () => Promise.all(Array.from({ length: 1000 }, floorGet)),
    },
    {
      name: "client.instances.get(id), 1,000 at once",
      run: () => Promise.all(Array.from({ length: 1000 }, clientGet)),
    },
  ], { rounds: 20, perBlock: 1, references: [0, 1] }],
];

// With no network: a fetch that answers at once from a prepared body.
const payload = await (await fetch(getUrl, { headers })).text();
const respond = () => Promise.resolve(new Response(payload));
const offline = new LambdaCloudClient({ apiKey: KEY, rateLimit: false, fetch: respond });
sections.push(["The client's own work, with no network (a `fetch` that answers at once)", [
  {
    name: "raw: a prepared Response, .json()",
    run: async () => check((await (await respond()).json()).data.id === "instance-0"),
  },
  {
    name: "raw: a Request with a timeout signal, then that",
    run: async () => {
      const request = new Request(getUrl, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
      check(request.method === "GET");
      check((await (await respond()).json()).data.id === "instance-0");
    },
  },
  {
    name: "client.instances.get(id)",
    run: async () => check((await offline.instances.get("instance-0")).id === "instance-0"),
  },
], { rounds: 40, perBlock: 1000, references: [0, 1] }]);

// Parsing a 10,000-instance list: the client against JSON.parse of the same text.
const bigPayload = JSON.stringify({
  data: Array.from({ length: 10_000 }, (_, i) => ({ ...JSON.parse(payload).data, id: `i-${i}` })),
});
const big = new LambdaCloudClient({
  apiKey: KEY,
  rateLimit: false,
  fetch: () => Promise.resolve(new Response(bigPayload)),
});
sections.push(["Parsing a 10,000-instance list", [
  {
    name: "JSON.parse of the text",
    run: () => Promise.resolve(check(JSON.parse(bigPayload).data.length === 10_000)),
  },
  {
    name: "new Response(text).json()",
    run: async () => check((await new Response(bigPayload).json()).data.length === 10_000),
  },
  {
    name: "client.instances.list()",
    run: async () => check((await big.instances.list()).length === 10_000),
  },
], { rounds: 20, perBlock: 3 }]);

console.log(
  `Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores; medians of per-call times over interleaved blocks`,
);
try {
  for (const [title, variants, options] of sections) {
    console.log(`\n### ${title}\n`);
    console.log(table(await compare(variants, options)));
  }
} finally {
  server.kill();
  await server.status;
}
