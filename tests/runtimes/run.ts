// deno task runtimes
//
// Bundles mod.ts with a smoke scenario to JavaScript in a temporary folder (nothing built is kept),
// starts the emulator on 127.0.0.1, and runs the same smoke scenario on Deno, Node, Bun and
// Cloudflare's workerd, then examples/deploy.ts and examples/reaper.ts under `deno serve`. Bun and
// workerd come from npm into .deno/runtimes when missing. Prints one line per runtime and exits
// non-zero if any failed.
// deno-lint-ignore-file no-console

import { LambdaCloudClient } from "../../mod.ts";
import { LambdaEmulator } from "../../lib/testing/mod.ts";
import { serveWithDeno } from "../tools/_serve.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const HERE = new URL(".", import.meta.url).pathname;
const RUNTIMES_DIR = `${ROOT}.deno/runtimes`;
const PACKAGES = ["bun@1.4.5", "workerd@1.20261117.1"];

async function run(
  command: string,
  args: string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<{ ok: boolean; out: string }> {
  const child = new Deno.Command(command, {
    args,
    cwd: options.cwd ?? ROOT,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(options.timeoutMs ?? 120_000),
  }).spawn();
  const { success, stdout, stderr } = await child.output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes).trim();
  return { ok: success, out: decode(stdout) || decode(stderr) };
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

// Bun and workerd from npm, once.
const bin = (name: string) => `${RUNTIMES_DIR}/node_modules/.bin/${name}`;
if (!(await exists(bin("bun"))) || !(await exists(bin("workerd")))) {
  const install = await run("npm", [
    "install",
    "--prefix",
    RUNTIMES_DIR,
    "--no-audit",
    "--no-fund",
    ...PACKAGES,
  ], { timeoutMs: 300_000 });
  if (!install.ok) throw new Error(`npm install failed: ${install.out}`);
}

const work = await Deno.makeTempDir({ prefix: "lambda-runtimes-" });
try {
  // The scenario and mod.ts, as one plain JavaScript module per kind of runtime.
  for (const name of ["entry", "worker"]) {
    const bundle = await run(Deno.execPath(), [
      "bundle",
      "--quiet",
      `${HERE}${name}.ts`,
      "-o",
      `${work}/${name}.js`,
    ]);
    if (!bundle.ok) throw new Error(`deno bundle failed: ${bundle.out}`);
  }

  // Fast, real-clock instances: the scenario waits for them like any script would.
  const emulator = new LambdaEmulator({
    rateLimit: false,
    timing: { bootMs: 300, restartMs: 300, terminateMs: 200, terminatedVisibleMs: 60_000 },
  });
  await using server = await emulator.serve();
  const args = [server.url, emulator.apiKey];

  const results: [string, { ok: boolean; out: string }][] = [];
  const version = async (command: string, flag = "--version") =>
    (await run(command, [flag])).out.split("\n")[0] ?? "";
  results.push([
    `Deno ${(await version(Deno.execPath())).replace(/^deno (\S+).*/, "$1")}`,
    await run(Deno.execPath(), ["run", "--allow-net=127.0.0.1", `${work}/entry.js`, ...args]),
  ]);
  results.push([
    `Node ${await version("node")}`,
    await run("node", [`${work}/entry.js`, ...args]),
  ]);
  results.push([
    `Bun ${await version(bin("bun"))}`,
    await run(bin("bun"), [`${work}/entry.js`, ...args]),
  ]);
  results.push([
    `workerd ${(await version(bin("workerd"))).replace(/^workerd /, "")}`,
    await runWorkerd(work, args),
  ]);

  results.push(["deno serve examples/deploy.ts", await runDeploy(server.url, emulator)]);
  results.push(["deno serve examples/reaper.ts", await runReaper()]);

  for (const [name, result] of results) {
    console.log(`${result.ok ? "pass" : "FAIL"}  ${name.padEnd(24)} ${result.out.split("\n")[0]}`);
    if (!result.ok) console.log(result.out);
  }
  if (results.some(([, result]) => !result.ok)) Deno.exitCode = 1;
} finally {
  await Deno.remove(work, { recursive: true });
}

/** A free port on 127.0.0.1, for a server started by another process. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Calls `url` until the server behind it answers (it may still be starting). */
async function fetchWhenUp(url: string): Promise<Response | undefined> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      return await fetch(url);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100)); // not listening yet
    }
  }
  return undefined;
}

/**
 * Runs examples/deploy.ts under `deno serve`, without file system permissions, against the
 * emulator, with one instance running; calls it without its token (refused), then twice.
 */
async function runDeploy(
  baseUrl: string,
  emulator: LambdaEmulator,
): Promise<{ ok: boolean; out: string }> {
  const setup = new LambdaCloudClient({ baseUrl, apiKey: emulator.apiKey, rateLimit: false });
  await setup.sshKeys.create({ name: "deploy" });
  const { instance_ids } = await setup.instances.launch({
    region_name: "us-west-1",
    instance_type_name: "gpu_1x_a10",
    ssh_key_names: ["deploy"],
    name: "deployed",
  });
  const token = crypto.randomUUID();
  return await serveWithDeno("examples/deploy.ts", {
    permissions: [
      "--allow-net=127.0.0.1",
      "--allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL,DEPLOY_TOKEN",
    ],
    env: { LAMBDA_API_KEY: emulator.apiKey, LAMBDA_BASE_URL: baseUrl, DEPLOY_TOKEN: token },
    cwd: ROOT,
  }, async (url) => {
    const unasked = await fetch(url);
    await unasked.body?.cancel();
    if (unasked.status !== 401) return { ok: false, out: `without the token: ${unasked.status}` };
    const answers: string[] = [];
    for (let i = 0; i < 2; i++) {
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      answers.push(await response.text());
      if (!response.ok) return { ok: false, out: answers.at(-1)! };
    }
    const ids = answers.map((answer) =>
      (JSON.parse(answer) as { running: { id: string }[] }).running.map((item) => item.id).join()
    );
    const ok = ids[0] === instance_ids[0] && ids[1] === instance_ids[0];
    const running = (JSON.parse(answers[1]!) as { running: { name: string }[] }).running;
    return {
      ok,
      out: `refused without its token; answered twice with the one running instance, '${
        running[0]?.name
      }'`,
    };
  });
}

/**
 * Serves examples/reaper.ts twice at once, as two Deploy isolates, against an emulator that
 * enforces the API's rate limit (one request a second), with four instances: launched 30 hours
 * ago, and the same tagged keep=true; launched now, and the same tagged with a `reap-after` that
 * has passed. Both show the same two to reap without a 429 between them (they share one KV); a
 * reap without the token is refused (401), and one with it terminates those two.
 */
async function runReaper(): Promise<{ ok: boolean; out: string }> {
  const emulator = new LambdaEmulator({ clock: { now: () => Date.now() - 30 * 3_600_000 } });
  emulator.setCapacity("gpu_1x_a10", "us-west-1", 10);
  await using server = await emulator.serve();
  const setup = new LambdaCloudClient({
    baseUrl: server.url,
    apiKey: emulator.apiKey,
    rateLimit: false,
  });
  // Each launch waits out the emulator's limits by moving its time on, not ours.
  const launch = async (name: string, tags: { key: string; value: string }[] = []) => {
    emulator.advance(12_000);
    const { instance_ids } = await setup.instances.launch({
      region_name: "us-west-1",
      instance_type_name: "gpu_1x_a10",
      ssh_key_names: ["reaper"],
      name,
      tags,
    }, { launchToken: false });
    return instance_ids[0]!;
  };
  await setup.sshKeys.create({ name: "reaper" });
  const old = await launch("old");
  await launch("old-kept", [{ key: "keep", value: "true" }]);
  emulator.advance(30 * 3_600_000); // now
  await launch("fresh");
  const due = await launch("due", [{ key: "reap-after", value: "2026-01-01T00:00:00Z" }]);
  emulator.advance(1000);
  emulator.clearRequests();
  const serve = (use: (url: string) => Promise<{ ok: boolean; out: string }>) =>
    serveWithDeno("examples/reaper.ts", {
      permissions: [
        "--unstable-kv",
        "--allow-net=127.0.0.1",
        "--allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL,REAP_MAX_AGE_HOURS,REAPER_TOKEN",
      ],
      env: { LAMBDA_API_KEY: emulator.apiKey, LAMBDA_BASE_URL: server.url, REAPER_TOKEN: "t0ken" },
      cwd: ROOT,
    }, use);
  type Report = { reaped: { id: string }[]; kept: number };
  const ids = (report: Report) => report.reaped.map((item) => item.id).sort().join();
  const expected = [old, due].sort().join();
  return await serve((first) =>
    serve(async (second) => {
      const shown = await Promise.all(
        [first, second].map(async (url) =>
          (await (await fetch(url, { headers: { authorization: "Bearer t0ken" } }))
            .json()) as Report
        ),
      );
      const refused = emulator.requests.filter((request) => request.status === 429).length;
      const forbidden = await fetch(`${first}/reap`, { method: "POST" });
      await forbidden.body?.cancel();
      const reaped = (await (await fetch(`${first}/reap`, {
        method: "POST",
        headers: { authorization: "Bearer t0ken" },
      })).json()) as Report;
      const terminating = emulator.instances()
        .filter((instance) => instance.status === "terminating").map((instance) => instance.id);
      const ok = shown.every((report) => ids(report) === expected && report.kept === 2) &&
        refused === 0 && forbidden.status === 401 && ids(reaped) === expected &&
        terminating.sort().join() === expected;
      return {
        ok,
        out: `two isolates at once each showed ${
          shown.map((report) => report.reaped.length).join(" and ")
        } to reap, ${refused} answered 429; the reap terminated ${terminating.length}`,
      };
    })
  );
}

/** Serves worker.js with workerd on a free port, calls it once, and stops it. */
async function runWorkerd(
  work: string,
  [baseUrl, apiKey]: string[],
): Promise<{ ok: boolean; out: string }> {
  const port = freePort();
  await Deno.writeTextFile(
    `${work}/config.capnp`,
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
  ],
  compatibilityDate = "2025-09-01",
  globalOutbound = "internet",
);
`,
  );
  const child = new Deno.Command(bin("workerd"), {
    args: ["serve", `${work}/config.capnp`],
    cwd: work,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  try {
    const query = new URLSearchParams({ base: baseUrl!, key: apiKey! });
    const response = await fetchWhenUp(`http://127.0.0.1:${port}/?${query}`);
    if (!response) return { ok: false, out: "workerd did not start" };
    return { ok: response.ok, out: await response.text() };
  } finally {
    child.kill();
    const stderr = await new Response(child.stderr).text();
    await child.status;
    if (stderr.includes("error")) console.error(stderr.trim());
  }
}
