// Every file in examples/ runs against an emulator served on 127.0.0.1, with the command its
// header documents ("On the emulator: deno task example …") and the permissions on its first
// line, and reports errors as one line, without a stack trace.

import { assert, assertEquals, assertMatch } from "@std/assert";
import { documentedCommand, runExample, seededEmulator } from "./tools/example.ts";
import { serveWithDeno } from "./tools/_serve.ts";

/** The arguments each example's header gives for the emulator. */
async function documentedArgs(file: string): Promise<string[]> {
  const text = await Deno.readTextFile(file);
  const line = /^\/\/ On the emulator: deno task example (\S+)([^(\n]*)/m.exec(text);
  if (line?.[1] !== file) throw new Error(`${file} does not say how to run it on the emulator`);
  return line[2]!.trim().split(/\s+/).filter((arg) => arg !== "");
}

/** What each example prints on the seeded emulator. */
const EXPECTED: Record<string, RegExp> = {
  "examples/available_types.ts": /^gpu_1x_a10\t\$0\.75\/h\tus-west-1, us-south-1, us-east-1\n/,
  "examples/deploy.ts": /^\{"running":\[\{"id":"[0-9a-f]{32}","name":"demo","status":"booting"/,
  "examples/launch_instance.ts": /^Launched example-[0-9a-f]{8}: [0-9a-f]{32}$/,
  "examples/list_instances.ts":
    /^[0-9a-f]{32}\tdemo\tbooting\tgpu_1x_a10\tus-west-1\t\(no IP yet\)$/,
  "examples/quickstart.ts":
    /^Lambda Cloud quickstart, on http:\/\/127\.0\.0\.1:\d+\/api\/v1, read-only\n[\s\S]*You have 1 instance\(s\) and 1 SSH key\(s\)/,
  "examples/reaper.ts": /^\{"reaped":\[\],"kept":1,"dryRun":true\}$/,
  "examples/terminate_by_tag.ts":
    /^Terminating [0-9a-f]{32} \(demo\)\n1 instance\(s\) now terminating\.$/,
  "examples/ticket_webhooks.ts": /^POST Lambda's ticket webhooks here\n$/,
};

Deno.test("examples: each runs on the emulator with its documented command", async () => {
  const files = [];
  for await (const entry of Deno.readDir("examples")) {
    // A module the examples share (`_bearer.ts`) is not one to run.
    if (!entry.name.startsWith("_")) files.push(`examples/${entry.name}`);
  }
  assertEquals(files.sort(), Object.keys(EXPECTED)); // a new example needs its expectation here
  await Promise.all(files.map(async (file) => {
    const { emulator, server } = await seededEmulator();
    try {
      const result = await runExample(file, await documentedArgs(file), server, emulator.apiKey);
      assertEquals(result.code, 0, `${file}: ${result.err}`);
      assertMatch(result.out, EXPECTED[file]!, file);
    } finally {
      await server.close();
    }
  }));
});

Deno.test("examples: errors are one line, without a stack trace", async () => {
  const { emulator, server } = await seededEmulator();
  try {
    const wrongKey = await runExample("examples/list_instances.ts", [], server, "secret_wrong");
    assertEquals(wrongKey.code, 1);
    assertMatch(
      wrongKey.err,
      /^Cannot list instances: invalid API key \(code 'global\/invalid-api-key'\)[^\n]*$/,
    );
    const noKey = await runExample(
      "examples/launch_instance.ts",
      ["gpu_1x_a10", "us-east-1", "x"],
      server,
      emulator.apiKey,
    );
    assertEquals(noKey.code, 1);
    assertMatch(
      noKey.err,
      /^Cannot launch instance: not found \(code 'global\/object-does-not-exist'\)[^\n]*$/,
    );
    const usage = await runExample("examples/terminate_by_tag.ts", [], server, emulator.apiKey);
    assertEquals([usage.code, usage.err], [2, "Usage: terminate_by_tag.ts <tag-key> <tag-value>"]);
    for (const run of [wrongKey, noKey, usage]) assert(!/\n\s+at /.test(run.err), run.err);
  } finally {
    await server.close();
  }
});

/**
 * Serves `file` with `$variable` set to `token` (unset when `undefined`) and sends it `asks` (a
 * method, a path and an Authorization header), then one GET / with the token: their answers, as
 * "status body". The emulator must see no request from any ask.
 */
async function askServed(
  file: string,
  variable: string,
  token: string | undefined,
  asks: [method: string, path: string, authorization?: string][],
): Promise<string[]> {
  const { emulator, server } = await seededEmulator();
  try {
    const { flags } = await documentedCommand(file);
    const env = { LAMBDA_API_KEY: emulator.apiKey, LAMBDA_BASE_URL: server.url };
    return await serveWithDeno(file, {
      permissions: flags,
      env: token === undefined ? env : { ...env, [variable]: token },
    }, async (url) => {
      const ask = async (method: string, path: string, authorization?: string) => {
        const response = await fetch(`${url}${path}`, {
          method,
          ...(authorization === undefined ? {} : { headers: { authorization } }),
        });
        return `${response.status} ${await response.text()}`;
      };
      emulator.clearRequests();
      const refused = [];
      for (const [method, path, authorization] of asks) {
        refused.push(await ask(method, path, authorization));
      }
      // Nothing was even listed for a request without the right token.
      assertEquals(emulator.requests.length, 0);
      return [...refused, await ask("GET", "/", `Bearer ${token}`)];
    });
  } finally {
    await server.close();
  }
}

Deno.test("examples: a served example shows (and the reaper reaps) nothing without its token, and says a wrong one is wrong", async () => {
  const reaper = (token: string | undefined) =>
    askServed("examples/reaper.ts", "REAPER_TOKEN", token, [
      ["GET", "/"],
      ["GET", "/", "Bearer wrong"],
      ["POST", "/reap", "Bearer wrong"],
    ]);
  const [none, wrong, wrongReap, right] = await reaper("t0ken");
  assertEquals(none, '401 {"error":"send the token: Authorization: Bearer $REAPER_TOKEN"}');
  assertEquals([wrong, wrongReap], Array(2).fill('403 {"error":"wrong token"}'));
  assertMatch(right!, /^200 \{"reaped":\[\],"kept":1,"dryRun":true\}$/);
  const unset = await reaper(undefined);
  assertEquals(
    unset.slice(0, 3),
    Array(3).fill(
      '403 {"error":"REAPER_TOKEN is not set: set it, then send it as a bearer token"}',
    ),
  );
  const deploy = await askServed("examples/deploy.ts", "DEPLOY_TOKEN", "t0ken", [
    ["GET", "/"],
    ["GET", "/", "Bearer wrong"],
  ]);
  assertEquals(deploy.slice(0, 2), [
    '401 {"error":"send the token: Authorization: Bearer $DEPLOY_TOKEN"}',
    '403 {"error":"wrong token"}',
  ]);
  assertMatch(deploy[2]!, /^200 \{"running":\[\{"id":"[0-9a-f]{32}","name":"demo"/);
});
