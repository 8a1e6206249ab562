// The command line's terminal, files and environment, through Deno. It never prompts for a
// permission: what it may not read or write is an error that names the flag to add.

import type { CliIo, SecretFile } from "./_command.ts";

/** The parts of the `Deno` namespace the command line uses. */
export interface DenoLike {
  stdout: { writeSync(bytes: Uint8Array): number };
  stderr: { writeSync(bytes: Uint8Array): number; isTerminal(): boolean };
  stdin: { isTerminal(): boolean };
  permissions: {
    querySync(
      descriptor:
        | { name: "env"; variable: string }
        | { name: "read"; path: string }
        | { name: "write"; path: string },
    ): { state: string };
  };
  env: { get(name: string): string | undefined };
  readTextFile(path: string): Promise<string>;
  open(
    path: string,
    options: { write: true; createNew: true; mode: number },
  ): Promise<{ write(bytes: Uint8Array): Promise<number>; close(): void }>;
  remove(path: string): Promise<void>;
}

/** A CliIo on `deno`; `ask` is the yes-or-no prompt (the global `confirm` in Deno). */
export function denoIo(deno: DenoLike, ask: (question: string) => boolean): CliIo {
  const encoder = new TextEncoder();
  const live = deno.stderr.isTerminal();
  let progressShown = false;
  let stdoutClosed = false;
  const write = (stream: { writeSync(bytes: Uint8Array): number }, text: string) => {
    const bytes = encoder.encode(text);
    for (let written = 0; written < bytes.length;) {
      written += stream.writeSync(bytes.subarray(written));
    }
  };
  const endProgress = () => {
    if (progressShown) write(deno.stderr, "\n");
    progressShown = false;
  };
  return {
    stdout: (line) => {
      endProgress();
      if (stdoutClosed) return;
      try {
        write(deno.stdout, line + "\n");
      } catch (error) {
        // `lambda instances list | head -1`: the reader has gone, and nobody is left to tell.
        if (!(error instanceof Error && error.name === "BrokenPipe")) throw error;
        stdoutClosed = true;
      }
    },
    stderr: (line) => {
      endProgress();
      write(deno.stderr, line + "\n");
    },
    progress: (line) => {
      if (!live) {
        write(deno.stderr, line + "\n");
        return;
      }
      // One line, rewritten in place: carriage return, then clear to the end of the line.
      write(deno.stderr, `\r\x1b[K${line}`);
      progressShown = true;
    },
    env: (name) => {
      // "prompt" can also mean "denied" under --no-prompt: only "granted" is safe to read.
      if (deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
        throw new Error(`no permission to read ${name}`);
      }
      return deno.env.get(name);
    },
    isTerminal: deno.stdin.isTerminal() && live,
    confirm: (question) => {
      endProgress();
      return Promise.resolve(ask(question));
    },
    readTextFile: (path) => {
      if (deno.permissions.querySync({ name: "read", path }).state !== "granted") {
        return Promise.reject(
          new Error("no permission to read it: run lambda with --allow-read"),
        );
      }
      return deno.readTextFile(path);
    },
    createSecretFile: async (path): Promise<SecretFile> => {
      if (deno.permissions.querySync({ name: "write", path }).state !== "granted") {
        throw new Error("no permission to write it: run lambda with --allow-write");
      }
      // createNew: never overwrite a key file that is already there.
      const file = await deno.open(path, { write: true, createNew: true, mode: 0o600 });
      return {
        // Through write() itself: a stream from file.writable was seen to report success on a
        // full disk (EFBIG), which would have lost the key.
        // A file that could not be written in full is removed: half a key is no key.
        write: async (text) => {
          const bytes = encoder.encode(text);
          try {
            for (let done = 0; done < bytes.length;) {
              done += await file.write(bytes.subarray(done));
            }
          } catch (error) {
            file.close();
            await deno.remove(path).catch(() => {});
            throw error;
          }
          file.close();
        },
        discard: async () => {
          file.close();
          await deno.remove(path);
        },
      };
    },
  };
}
