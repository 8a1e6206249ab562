// deno task runtimes
//
// Bundles mod.ts with a smoke scenario to JavaScript in a temporary folder (nothing built is kept),
// starts the emulator on 127.0.0.1, and runs the same smoke scenario on Deno, Node, Bun and
// Cloudflare's workerd, then examples/deploy.ts under `deno serve`. Bun and workerd come from npm into .deno/runtimes when missing. Prints
// one line per runtime and exits non-zero if any failed.
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
 * emulator, with one instance running; calls it twice.
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
  return await serveWithDeno("examples/deploy.ts", {
    permissions: ["--allow-net=127.0.0.1", "--allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL"],
    env: { LAMBDA_API_KEY: emulator.apiKey, LAMBDA_BASE_URL: baseUrl },
    cwd: ROOT,
  }, async (url) => {
    const answers: string[] = [];
    for (let i = 0; i < 2; i++) {
      const response = await fetch(url);
      answers.push(await response.text());
      if (!response.ok) return { ok: false, out: answers.at(-1)! };
    }
    const ids = answers.map((answer) =>
      (JSON.parse(answer) as { running: { id: string }[] }).running.map((item) => item.id).join()
    );
    const ok = ids[0] === instance_ids[0] && ids[1] === instance_ids[0];
    const running = (JSON.parse(answers[1]!) as { running: { name: string }[] }).running;
    return { ok, out: `answered twice with the one running instance, '${running[0]?.name}'` };
  });
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
