// deno bundle tests/node/smoke.ts -o .deno/node-smoke.js && node .deno/node-smoke.js
//
// Runs the library on Node.js, bundled with this test by `deno bundle`: no Deno global, key from
// process.env, web APIs only. .ci/run bundles and runs it after the Deno gates.

import { assert, assertEquals, assertInstanceOf, assertMatch, assertRejects } from "@std/assert";
import { LambdaCloudClient, LambdaCloudError, NotFoundError } from "../../mod.ts";

assertEquals(typeof (globalThis as { Deno?: unknown }).Deno, "undefined");

const sent: Request[] = [];
const replies = [
  new Response("", { status: 429, headers: { "retry-after": "0" } }),
  Response.json({ data: [{ name: "us-east-1", description: "Virginia, USA" }] }),
  Response.json({ error: { code: "global/object-does-not-exist", message: "Gone." } }, {
    status: 404,
  }),
];
const fetch = (request: Request) => {
  sent.push(request);
  return Promise.resolve(replies.shift()!);
};

delete process.env.LAMBDA_API_KEY;
const keyless = new LambdaCloudClient({ fetch, rateLimit: false });
await assertRejects(() => keyless.regions.list(), LambdaCloudError);
assertEquals(sent.length, 0);

process.env.LAMBDA_API_KEY = "secret_from_process_env";
const client = new LambdaCloudClient({ fetch, rateLimit: false });
const regions = await client.regions.list();
assertEquals(regions, [{ name: "us-east-1", description: "Virginia, USA" }]);
assertEquals(sent.length, 2, "the 429 was retried");
assertEquals(sent[1]!.headers.get("authorization"), "Bearer secret_from_process_env");
assertMatch(sent[1]!.headers.get("user-agent") ?? "", /^lambda-cloud-client\//);

const error = await client.instances.get("abc").catch((e) => e);
assertInstanceOf(error, NotFoundError);
assertEquals(
  error.message,
  "Cannot get instance: not found (code 'global/object-does-not-exist'): Gone",
);
assert(!JSON.stringify(client).includes("secret_from_process_env"));

// deno-lint-ignore no-console -- the closing line CI reads
console.log("node smoke: 1 passed, 0 failed");
