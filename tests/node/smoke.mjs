// node tests/node/smoke.mjs <bundle.js>
//
// Runs the library, bundled by `deno bundle mod.ts`, on Node.js: no Deno global, key from
// process.env, web APIs only. .ci/run makes the bundle and runs this after the Deno gates.

import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";

const bundle = process.argv[2];
if (!bundle) throw new Error("Usage: node tests/node/smoke.mjs <bundle.js>");
const { LambdaCloudClient, NotFoundError, LambdaCloudError } = await import(
  pathToFileURL(bundle).href
);

assert.equal(typeof globalThis.Deno, "undefined");

const sent = [];
const replies = [
  new Response("", { status: 429, headers: { "retry-after": "0" } }),
  Response.json({ data: [{ name: "us-east-1", description: "Virginia, USA" }] }),
  Response.json({ error: { code: "global/object-does-not-exist", message: "Gone." } }, {
    status: 404,
  }),
];
const fetch = (request) => {
  sent.push(request);
  return Promise.resolve(replies.shift());
};

delete process.env.LAMBDA_API_KEY;
const keyless = new LambdaCloudClient({ fetch, rateLimit: false });
await assert.rejects(keyless.regions.list(), LambdaCloudError);
assert.equal(sent.length, 0);

process.env.LAMBDA_API_KEY = "secret_from_process_env";
const client = new LambdaCloudClient({ fetch, rateLimit: false });
const regions = await client.regions.list();
assert.deepEqual(regions, [{ name: "us-east-1", description: "Virginia, USA" }]);
assert.equal(sent.length, 2, "the 429 was retried");
assert.equal(sent[1].headers.get("authorization"), "Bearer secret_from_process_env");
assert.match(sent[1].headers.get("user-agent"), /^lambda-cloud-client\//);

const error = await client.instances.get("abc").catch((e) => e);
assert.ok(error instanceof NotFoundError);
assert.equal(
  error.message,
  "Cannot get instance: not found (code 'global/object-does-not-exist'): Gone",
);
assert.ok(!JSON.stringify(client).includes("secret_from_process_env"));

// deno-lint-ignore no-console -- the closing line CI reads
console.log("node smoke: 1 passed, 0 failed");
