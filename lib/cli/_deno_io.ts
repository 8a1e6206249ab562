// The command line's terminal, files and environment, through Deno.

import type { CliIo } from "./_command.ts";

/** The parts of the `Deno` namespace the command line uses. */
export interface DenoLike {
  stdout: { writeSync(bytes: Uint8Array): number };
  stderr: { writeSync(bytes: Uint8Array): number; isTerminal(): boolean };
  stdin: { isTerminal(): boolean };
  permissions: { querySync(descriptor: { name: "env"; variable: string }): { state: string } };
  env: { get(name: string): string | undefined };
  readTextFile(path: string): Promise<string>;
  writeTextFile(
    path: string,
    text: string,
    options: { mode: number; createNew: boolean },
  ): Promise<void>;
}

/** A CliIo on `deno`; `ask` is the yes-or-no prompt (the global `confirm` in Deno). */
export function denoIo(deno: DenoLike, ask: (question: string) => boolean): CliIo {
  const encoder = new TextEncoder();
  const live = deno.stderr.isTerminal();
  let progressShown = false;
  const endProgress = () => {
    if (progressShown) deno.stderr.writeSync(encoder.encode("\n"));
    progressShown = false;
  };
  return {
    stdout: (line) => {
      endProgress();
      deno.stdout.writeSync(encoder.encode(line + "\n"));
    },
    stderr: (line) => {
      endProgress();
      deno.stderr.writeSync(encoder.encode(line + "\n"));
    },
    progress: (line) => {
      if (!live) {
        deno.stderr.writeSync(encoder.encode(line + "\n"));
        return;
      }
      // One line, rewritten in place: carriage return, then clear to the end of the line.
      deno.stderr.writeSync(encoder.encode(`\r\x1b[K${line}`));
      progressShown = true;
    },
    // Only when granted: the command line never prompts for a permission.
    env: (name) =>
      deno.permissions.querySync({ name: "env", variable: name }).state === "granted"
        ? deno.env.get(name)
        : undefined,
    isTerminal: deno.stdin.isTerminal() && live,
    confirm: (question) => {
      endProgress();
      return Promise.resolve(ask(question));
    },
    readTextFile: (path) => deno.readTextFile(path),
    // createNew: never overwrite a key file that is already there.
    writeSecretFile: (path, text) =>
      deno.writeTextFile(path, text, { mode: 0o600, createNew: true }),
  };
}
