// The command line on a pseudo-terminal (util-linux `script`), as someone at a keyboard runs it:
// where it asks before it acts, colours what it prints, and hides what is typed at a prompt.

import { CLI, DENO_ENV, INSTALL_PERMISSIONS } from "./_entrypoint.ts";

/** Whether util-linux `script` is here to give a child a pseudo-terminal. */
export const hasScript: boolean = Deno.build.os === "linux" &&
  (await new Deno.Command("script", { args: ["--version"], stdout: "null", stderr: "null" })
    .output().then((result) => result.success, () => false));

/** How to start the command line on a pseudo-terminal. */
export interface TerminalSpawn {
  /** The environment, and nothing else but Deno's cache. */
  env: Record<string, string>;
  /** Deno's permission flags, the documented ones by default. */
  permissions?: string[];
}

/**
 * Starts `deno run <permissions> lib/cli/mod.ts <args>` on a pseudo-terminal: what is written to
 * its stdin is typed there, and its stdout is all the terminal shows.
 */
export function startOnTerminal(args: readonly string[], spawn: TerminalSpawn): Deno.ChildProcess {
  const command = [
    Deno.execPath(),
    "run",
    ...spawn.permissions ?? INSTALL_PERMISSIONS,
    CLI,
    ...args,
  ]
    .map((word) => `'${word.replaceAll("'", `'\\''`)}'`).join(" "); // for script's sh -c
  return new Deno.Command("script", {
    args: ["-qefc", command, "/dev/null"],
    clearEnv: true,
    env: { ...DENO_ENV, ...spawn.env },
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
}

/**
 * Runs the command line on a pseudo-terminal with `env` as it is, typing the line `typed` when
 * given; returns its exit code and all the terminal showed.
 */
export async function onTerminal(
  args: readonly string[],
  env: Record<string, string>,
  typed?: string,
): Promise<{ code: number; shown: string }> {
  const child = startOnTerminal(args, { env });
  const writer = child.stdin.getWriter();
  if (typed !== undefined) await writer.write(new TextEncoder().encode(`${typed}\n`));
  await writer.close();
  const { code, stdout } = await child.output();
  return { code, shown: new TextDecoder().decode(stdout) };
}
