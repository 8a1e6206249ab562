// The command line's terminal, files and environment, through Deno. It never prompts for a
// permission: what it may not read or write is an error that names the flag to add.

import { promptSecret } from "@std/cli/prompt-secret";
import type { CliIo, SecretFile } from "./_command.ts";

/** The permission checks the command line makes, without prompting. */
export interface DenoPermissions {
  querySync(
    descriptor:
      | { name: "env"; variable: string }
      | { name: "read"; path: string }
      | { name: "write"; path: string },
  ): { state: string };
}

/** The parts of the `Deno` namespace the command line uses. */
export interface DenoLike {
  stdout: { writeSync(bytes: Uint8Array): number; isTerminal(): boolean };
  stderr: { writeSync(bytes: Uint8Array): number; isTerminal(): boolean };
  stdin: {
    isTerminal(): boolean;
    readSync(buffer: Uint8Array): number | null;
    setRaw?(mode: boolean): void;
  };
  permissions: DenoPermissions;
  env: { get(name: string): string | undefined };
  readTextFile(path: string): Promise<string>;
  open(
    path: string,
    options: { write: true; createNew: true; mode: number },
  ): Promise<{
    write(bytes: Uint8Array): Promise<number>;
    seek(offset: number, whence: 0): Promise<number>;
    truncate(length: number): Promise<void>;
    close(): void;
  }>;
  remove(path: string): Promise<void>;
  /** Whether NO_COLOR is set, which Deno reads without a permission. */
  noColor: boolean;
}

// What a generated private key is given on disk before Lambda makes it: several times the size of
// the largest (an RSA key of 4096 bits takes about 3.3 kB), so that a full disk or a file size limit
// (which kills the process with SIGXFSZ) strikes before the key exists, not after.
const KEY_RESERVE_BYTES = 16_384;

/** A CliIo on `deno`. Questions go to stderr, like every prompt, so that stdout stays the output. */
export function denoIo(deno: DenoLike): CliIo {
  const encoder = new TextEncoder();
  const live = deno.stderr.isTerminal();
  let progressShown = false;
  let stdoutClosed = false;
  let stdoutError: Error | undefined;
  const write = (stream: { writeSync(bytes: Uint8Array): number }, text: string) => {
    const bytes = encoder.encode(text);
    for (let written = 0; written < bytes.length;) {
      written += stream.writeSync(bytes.subarray(written));
    }
  };
  // Stderr that cannot be written (`2>/dev/full`, a terminal that hung up) leaves nobody to tell:
  // the run goes on, and its exit code still says how it went. False when the text was lost.
  const toStderr = (text: string): boolean => {
    try {
      write(deno.stderr, text);
      return true;
    } catch {
      return false;
    }
  };
  const endProgress = () => {
    if (progressShown) toStderr("\n");
    progressShown = false;
  };
  return {
    stdout: (line) => {
      endProgress();
      if (stdoutClosed) return;
      try {
        write(deno.stdout, line + "\n");
      } catch (error) {
        // Whatever the failure (`| head -1`: the reader has gone; `> /dev/full`: no space; a
        // closed descriptor), nothing more can be written there, and the run must know, so that
        // what exists nowhere else (a private key, an instance id) goes to stderr instead.
        stdoutClosed = true;
        if (!(error instanceof Error && error.name === "BrokenPipe")) {
          stdoutError = error instanceof Error ? error : new Error(String(error));
        }
      }
    },
    stdoutLost: () => stdoutClosed,
    stdoutError: () => stdoutError,
    stderr: (line) => {
      endProgress();
      toStderr(line + "\n");
    },
    progress: (line) => {
      if (!live) {
        toStderr(line + "\n");
        return;
      }
      // One line, rewritten in place: carriage return, then clear to the end of the line.
      progressShown = toStderr(`\r\x1b[K${line}`);
    },
    env: (name) => {
      // "prompt" can also mean "denied" under --no-prompt: only "granted" is safe to read.
      if (deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
        throw new Error(`no permission to read ${name}`);
      }
      return deno.env.get(name);
    },
    isTerminal: deno.stdin.isTerminal() && live,
    stdoutIsTerminal: deno.stdout.isTerminal(),
    colour: { stdout: !deno.noColor && deno.stdout.isTerminal(), stderr: !deno.noColor && live },
    confirm: (question) => {
      endProgress();
      // A question nobody could see is not answered yes.
      if (!toStderr(`${question} [y/N] `)) return Promise.resolve(false);
      return Promise.resolve(/^y(es)?$/i.test(readText(deno.stdin, true).trim()));
    },
    readSecret: (question) => {
      endProgress();
      // @std/cli's promptSecret asks on stdout, and hides what is typed by turning the terminal's
      // echo off: only when stdin and stdout are both the terminal. It turns echo off after it
      // asks; turned off first, nothing typed (or pasted) as soon as the question shows is echoed.
      if (!deno.stdin.isTerminal() || !deno.stdout.isTerminal()) return Promise.resolve(undefined);
      deno.stdin.setRaw?.(true);
      return Promise.resolve(promptSecret(question, { mask: "" }) ?? undefined);
    },
    readStdin: () => Promise.resolve(readText(deno.stdin, false)),
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
      const writeAll = async (bytes: Uint8Array) => {
        for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
      };
      try {
        await writeAll(new Uint8Array(KEY_RESERVE_BYTES).fill(0x0a));
      } catch (error) {
        file.close();
        await deno.remove(path).catch(() => {});
        throw new Error(
          `cannot reserve room for the key (${error instanceof Error ? error.message : error})`,
        );
      }
      return {
        // Through write() itself: a stream from file.writable was seen to report success on a
        // full disk (EFBIG), which would have lost the key.
        // A file that could not be written in full is removed: half a key is no key.
        // Over the room reserved, then cut to the key's length.
        write: async (text) => {
          const bytes = encoder.encode(text);
          try {
            await file.seek(0, 0);
            await writeAll(bytes);
            await file.truncate(bytes.length);
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

/** What `stdin` gives up to its end, or up to a line feed (then one line, without it). */
function readText(
  stdin: { readSync(buffer: Uint8Array): number | null },
  oneLine: boolean,
): string {
  const bytes: number[] = [];
  const buffer = new Uint8Array(1);
  for (;;) {
    const read = stdin.readSync(buffer);
    if (read === null || read === 0 || (oneLine && buffer[0] === 0x0a)) break;
    bytes.push(buffer[0]!);
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}
