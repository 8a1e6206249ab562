// deno task example <examples/file.ts> [arguments]
//
// Runs one example against an emulator served on 127.0.0.1: no key, no money, no network. The
// example runs with exactly the command on its first line (its Deno subcommand and permissions),
// with LAMBDA_API_KEY and LAMBDA_BASE_URL pointing at the emulator. The emulator starts with an
// SSH key 'laptop' and one instance 'demo' tagged team=ml, and boots instances in 2 seconds. A
// `deno serve` example (deploy.ts, reaper.ts) is served, called once with a GET to / (with the
// bearer token it is given as REAPER_TOKEN or DEPLOY_TOKEN), and stopped.
// deno-lint-ignore-file no-console -- a command that reports on the console

import { LambdaCloudClient } from "../../mod.ts";
import { type EmulatorServer, LambdaEmulator } from "../../lib/testing/mod.ts";
import { denoCommand } from "./_jsr.ts";
import { serveWithDeno } from "./_serve.ts";

/** What one run of an example did. */
export interface ExampleRun {
  code: number;
  out: string;
  err: string;
}

/** The documented command on an example's first line: `deno run|serve <flags> <file> …`. */
export async function documentedCommand(
  file: string,
): Promise<{ subcommand: "run" | "serve"; flags: string[] }> {
  const first = (await Deno.readTextFile(file)).split("\n", 1)[0]!;
  const words = first.replace(/^\/\/\s*/, "").split(/\s+/);
  const at = words.indexOf(file);
  const subcommand = words[1];
  if (words[0] !== "deno" || (subcommand !== "run" && subcommand !== "serve") || at === -1) {
    throw new Error(`${file} must start with its command, '// deno run|serve <flags> ${file}'`);
  }
  return { subcommand, flags: words.slice(2, at) };
}

/** A served emulator with an SSH key 'laptop' and an instance 'demo' tagged team=ml. */
export async function seededEmulator(): Promise<
  { emulator: LambdaEmulator; server: EmulatorServer }
> {
  const emulator = new LambdaEmulator({
    rateLimit: false,
    timing: { bootMs: 2000, restartMs: 1000, terminateMs: 1000 },
  });
  const server = await emulator.serve();
  const client = new LambdaCloudClient({
    apiKey: emulator.apiKey,
    fetch: emulator.fetch,
    rateLimit: false,
  });
  await client.sshKeys.create({ name: "laptop" });
  await client.instances.launch({
    region_name: "us-west-1",
    instance_type_name: "gpu_1x_a10",
    ssh_key_names: ["laptop"],
    name: "demo",
    tags: [{ key: "team", value: "ml" }],
  });
  return { emulator, server };
}

/** Runs `file` with `args` and its documented command against the emulator at `server`. */
export async function runExample(
  file: string,
  args: readonly string[],
  server: EmulatorServer,
  apiKey: string,
): Promise<ExampleRun> {
  const { subcommand, flags } = await documentedCommand(file);
  const env = { LAMBDA_API_KEY: apiKey, LAMBDA_BASE_URL: server.url, NO_COLOR: "1" };
  if (subcommand === "serve") {
    const token = crypto.randomUUID();
    // The bearer token each served example asks for, under the name it reads it by.
    const served = {
      permissions: flags,
      env: { ...env, REAPER_TOKEN: token, DEPLOY_TOKEN: token },
    };
    return await serveWithDeno(file, served, async (url) => {
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      return { code: response.ok ? 0 : 1, out: await response.text(), err: "" };
    });
  }
  const { code, stdout, stderr } = await denoCommand(["run", ...flags, file, ...args], {
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes).trimEnd();
  return { code, out: text(stdout), err: text(stderr) };
}

if (import.meta.main) {
  const [file, ...args] = Deno.args;
  if (file === undefined) {
    console.error("Usage: deno task example examples/<file>.ts [arguments]");
    Deno.exit(2);
  }
  const { emulator, server } = await seededEmulator();
  let result: ExampleRun;
  try {
    console.error(
      `(on the emulator at ${server.url}, with an SSH key 'laptop' and an instance 'demo')`,
    );
    result = await runExample(file, args, server, emulator.apiKey);
  } finally {
    await server.close();
  }
  if (result.out) console.log(result.out);
  if (result.err) console.error(result.err);
  Deno.exit(result.code);
}
