// The command line as people run it: `deno run` on lib/cli/mod.ts in a child process, with the
// permissions the README documents, against an emulator served on 127.0.0.1.

import { testEmulator } from "./_emulator.ts";
import type { EmulatorOptions, EmulatorServer, LambdaEmulator } from "../lib/testing/mod.ts";

const CLI = new URL("../lib/cli/mod.ts", import.meta.url).pathname;

/** The permissions of the documented install. */
export const INSTALL_PERMISSIONS = [
  "--allow-net=cloud.lambda.ai,127.0.0.1",
  "--allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL",
];

/** What one run of the real command line did. */
export interface ProcessRun {
  code: number;
  out: string;
  err: string;
}

/** How to start one run. */
export interface Spawn {
  /** The environment, and nothing else (LAMBDA_BASE_URL is never inherited by accident). */
  env?: Record<string, string>;
  /** Deno's permission flags, the documented ones by default. */
  permissions?: string[];
  /** Called once the process has started, to signal it. */
  started?: (child: Deno.ChildProcess) => void;
  /** The folder it runs in. */
  cwd?: string;
  /**
   * Another program to start, given `args` as they are (such as a shell that limits the process
   * and then runs `deno`); `deno run <permissions> lib/cli/mod.ts` when left out.
   */
  program?: string;
}

/** Runs `deno run <permissions> lib/cli/mod.ts <args>` and collects its output. */
export async function lambda(args: readonly string[], spawn: Spawn = {}): Promise<ProcessRun> {
  const child = new Deno.Command(spawn.program ?? Deno.execPath(), {
    args: spawn.program === undefined
      ? ["run", ...spawn.permissions ?? INSTALL_PERMISSIONS, CLI, ...args]
      : [...args],
    clearEnv: true,
    env: { NO_COLOR: "1", ...spawn.env },
    ...(spawn.cwd === undefined ? {} : { cwd: spawn.cwd }),
    stdin: "null", // no terminal: nobody can be asked
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  spawn.started?.(child);
  const { code, stdout, stderr } = await child.output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes).trimEnd();
  return { code, out: text(stdout), err: text(stderr) };
}

/** An emulator on 127.0.0.1, and a `lambda` that reaches it through LAMBDA_BASE_URL. */
export interface Served {
  emulator: LambdaEmulator;
  server: EmulatorServer;
  /** The variables a user of the emulator exports. */
  env: Record<string, string>;
  run(args: readonly string[], spawn?: Spawn): Promise<ProcessRun>;
}

/** Serves a test emulator for the length of `scenario`. */
export async function withServedEmulator(
  options: EmulatorOptions,
  scenario: (served: Served) => Promise<void>,
): Promise<void> {
  const emulator = testEmulator({ clock: { now: () => Date.now() }, ...options });
  await using server = await emulator.serve();
  const env = { LAMBDA_API_KEY: emulator.apiKey, LAMBDA_BASE_URL: server.url };
  await scenario({
    emulator,
    server,
    env,
    run: (args, spawn = {}) => lambda(args, { ...spawn, env: { ...env, ...spawn.env } }),
  });
}
