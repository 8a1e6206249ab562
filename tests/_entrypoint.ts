// The command line as people run it: `deno run` on lib/cli/mod.ts in a child process, with the
// permissions the README documents, against an emulator served on 127.0.0.1.

import { testEmulator } from "./_emulator.ts";
// Loaded here, so that the command line's @std packages are in Deno's cache before a child resolves
// them: a child that downloads them says so on its stderr, among the lines the tests read.
import "../lib/cli/mod.ts";
import type { EmulatorOptions, EmulatorServer, LambdaEmulator } from "../lib/testing/mod.ts";

/** The command line's entrypoint, as a path `deno run` takes. */
export const CLI: string = new URL("../lib/cli/mod.ts", import.meta.url).pathname;

/** The permissions of the documented install. */
export const INSTALL_PERMISSIONS = [
  "--allow-net=cloud.lambda.ai,127.0.0.1",
  "--allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL",
];

/**
 * What a child `deno` needs of this process's environment to load the command line (and its @std
 * packages) the way this one does, without a download: Deno's cache folder (which a child given
 * XDG_CACHE_HOME would otherwise look for there), and JSR_URL when a mirror serves JSR
 * (`../shared/jsr/with-mirror`).
 */
export const DENO_ENV: Record<string, string> = (() => {
  const info = new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stderr: "null" })
    .outputSync();
  const env: Record<string, string> = {
    DENO_DIR: JSON.parse(new TextDecoder().decode(info.stdout)).denoDir,
  };
  const granted = Deno.permissions.querySync({ name: "env", variable: "JSR_URL" }).state;
  const url = granted === "granted" ? Deno.env.get("JSR_URL") : undefined;
  return url === undefined ? env : { ...env, JSR_URL: url };
})();

/**
 * The permission flags of the README's `deno install -g -n lambda …` line, with the cache and
 * configuration folders it names (which the shell would expand) replaced by `folders`.
 */
export function installFlags(folders: { cache: string; config: string }): string[] {
  const readme = Deno.readTextFileSync("README.md");
  const line = readme.split("\n").find((text) => text.startsWith("deno install -g -n lambda "));
  if (line === undefined) throw new Error("README.md has no 'deno install -g -n lambda' line");
  return line.split(/\s+/).slice(5, -1).map((flag) =>
    flag.replace('"${XDG_CACHE_HOME:-$HOME/.cache}/lambda-cloud"', `${folders.cache}/lambda-cloud`)
      .replace('"${XDG_CONFIG_HOME:-$HOME/.config}/lambda-cloud"', `${folders.config}/lambda-cloud`)
  );
}

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
  /** What its standard input holds; none (no terminal, nobody to ask) when left out. */
  stdin?: string;
}

/** Runs `deno run <permissions> lib/cli/mod.ts <args>` and collects its output. */
export async function lambda(args: readonly string[], spawn: Spawn = {}): Promise<ProcessRun> {
  const child = new Deno.Command(spawn.program ?? Deno.execPath(), {
    args: spawn.program === undefined
      ? ["run", ...spawn.permissions ?? INSTALL_PERMISSIONS, CLI, ...args]
      : [...args],
    clearEnv: true,
    env: { NO_COLOR: "1", ...DENO_ENV, ...spawn.env },
    ...(spawn.cwd === undefined ? {} : { cwd: spawn.cwd }),
    stdin: spawn.stdin === undefined ? "null" : "piped", // no terminal: nobody can be asked
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  spawn.started?.(child);
  if (spawn.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(spawn.stdin));
    await writer.close();
  }
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
