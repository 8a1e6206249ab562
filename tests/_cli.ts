// A terminal for the command line's tests: records what it prints and asks, holds files in memory.

import type { Clock } from "../mod.ts";
import { assertEquals } from "@std/assert";
import { testEmulator } from "./_emulator.ts";
import { FakeClock } from "./_fakes.ts";
import { type CliIo, type CliOptions, EXIT, type JournalFile, runCli } from "../lib/cli/mod.ts";
import type { LambdaEmulator } from "../lib/testing/mod.ts";

/** `instances launch` with its three required options, as the tests write it. */
export function launchArgs(
  type = "gpu_1x_a10",
  region = "us-east-1",
  sshKey = "k",
): string[] {
  return ["instances", "launch", "--type", type, "--region", region, "--ssh-key", sshKey];
}

/** What one run of the command line did. */
export interface CliRun {
  code: number;
  out: string;
  err: string;
  progress: string[];
  questions: string[];
}

/** How the fake terminal behaves. */
export interface TerminalSetup {
  /** Environment variables; LAMBDA_API_KEY defaults to the emulator's key. */
  env?: Record<string, string>;
  /** Variables the program has no permission to read. */
  unreadable?: string[];
  /** Whether a person is at the keyboard. @default false */
  terminal?: boolean;
  /** The answer to every confirmation. @default false */
  answer?: boolean;
  /** What is typed at the prompt for a secret (on a terminal); the prompt goes in `questions`. */
  typed?: string;
  /** What standard input holds (`auth login --with-key-stdin`). */
  stdin?: string;
  /** Files the command line can read, and where it writes. */
  files?: Map<string, string>;
  /** Paths where a new file can be created but writing to it fails (a full disk). */
  failingWrites?: Set<string>;
  /**
   * The client's clock, shared with the emulator when its time matters; one of real time (a
   * `SocketClock`) for runs over a socket, where a `FakeClock` would jump past a request in flight.
   */
  clock?: Clock;
  /** Whether stdout's reader has gone (`| true`): what is written there is lost. */
  stdoutGone?: boolean;
  /** A write to stdout fails with this (`> /dev/full`): what is written there is lost. */
  stdoutError?: Error;
  /**
   * Whether stdout is a terminal, where a generated private key may be printed without asking.
   * @default true
   */
  stdoutTerminal?: boolean;
  /** Whether stdout and stderr take colour (terminals, without NO_COLOR). @default false */
  colour?: boolean;
}

/** A launch journal in memory, as the installed command line keeps one on disk. */
export function memoryJournal(text = ""): JournalFile & { text: string } {
  const file = {
    where: "/state/launches.jsonl",
    text,
    read: () => Promise.resolve(file.text),
    append: (more: string) => Promise.resolve(void (file.text += more)),
  };
  return file;
}

/**
 * A file in memory that the command line reads and replaces whole (its profiles, its cache of
 * values), holding `text` at first (`undefined`: no file yet), and how often it was written.
 */
export function memoryFile<Text extends string | undefined = undefined>(
  where: string,
  text?: Text,
): {
  readonly where: string;
  text: string | Text;
  writes: number;
  read(): Promise<string | Text>;
  write(text: string): Promise<void>;
  locked<T>(change: () => Promise<T>): Promise<T>;
} {
  const file = {
    where,
    text: text as string | Text,
    writes: 0,
    read: () => Promise.resolve(file.text),
    write: (next: string) => {
      file.text = next;
      file.writes++;
      return Promise.resolve();
    },
    // One process: nothing else changes it.
    locked: <T>(change: () => Promise<T>) => change(),
  };
  return file;
}

/**
 * A function that runs the command line against `emulator`, in-process, and records the run; its
 * runs share one launch journal in memory unless `options` say otherwise.
 */
export function cliRunner(
  emulator: LambdaEmulator,
  setup: TerminalSetup = {},
  options: CliOptions = { fetch: emulator.fetch, rateLimit: false, journal: memoryJournal() },
): (argv: string[], env?: Record<string, string>) => Promise<CliRun> {
  const files = setup.files ?? new Map<string, string>();
  const clock = setup.clock ?? new FakeClock();
  return async (argv, env = {}) => {
    const out: string[] = [];
    const err: string[] = [];
    const progress: string[] = [];
    const questions: string[] = [];
    const variables: Record<string, string> = {
      LAMBDA_API_KEY: emulator.apiKey,
      ...setup.env,
      ...env,
    };
    const lost = setup.stdoutGone === true || setup.stdoutError !== undefined;
    const io: CliIo = {
      stdout: (line) => {
        if (!lost) out.push(line);
      },
      stdoutLost: () => lost,
      stdoutError: () => setup.stdoutError,
      stdoutIsTerminal: setup.stdoutTerminal ?? true,
      colour: { stdout: setup.colour ?? false, stderr: setup.colour ?? false },
      stderr: (line) => err.push(line),
      progress: (line) => progress.push(line),
      env: (name) => {
        if (setup.unreadable?.includes(name)) throw new Error(`no permission to read ${name}`);
        return variables[name];
      },
      isTerminal: setup.terminal ?? false,
      confirm: (question) => {
        questions.push(question);
        return Promise.resolve(setup.answer ?? false);
      },
      readSecret: (question) => {
        questions.push(question);
        return Promise.resolve(setup.terminal ? setup.typed : undefined);
      },
      readStdin: () => Promise.resolve(setup.stdin ?? ""),
      readTextFile: (path) =>
        files.has(path)
          ? Promise.resolve(files.get(path)!)
          : Promise.reject(new Error(`no file ${path}`)),
      createSecretFile: (path) => {
        if (files.has(path) || path.startsWith("/nowhere/")) {
          return Promise.reject(new Error(`cannot create ${path}`));
        }
        files.set(path, "");
        return Promise.resolve({
          write: (text) => {
            if (setup.failingWrites?.has(path)) {
              files.delete(path);
              return Promise.reject(new Error("disk full"));
            }
            files.set(path, text);
            return Promise.resolve();
          },
          discard: () => {
            files.delete(path);
            return Promise.resolve();
          },
        });
      },
    };
    const code = await runCli(argv, io, { clock, ...options });
    return { code, out: out.join("\n"), err: err.join("\n"), progress, questions };
  };
}

/** Launches instances named `names` through the command line, and returns their ids. */
export async function launched(
  run: ReturnType<typeof cliRunner>,
  ...names: string[]
): Promise<string[]> {
  const ids: string[] = [];
  for (const name of names) {
    const result = await run([...launchArgs(), "--name", name, "--json"]);
    assertEquals(result.code, EXIT.ok, result.err);
    ids.push(JSON.parse(result.out).instance_ids[0]);
  }
  return ids;
}

/** The first line of a private key Lambda generates, as the command line prints it. */
export const KEY_BEGIN = /^-----BEGIN OPENSSH PRIVATE KEY-----$/;

/** An emulator with the SSH key `k`, and a command line on it set up as `setup` says. */
export async function withKey(
  setup: TerminalSetup = {},
): Promise<{ emulator: LambdaEmulator; run: ReturnType<typeof cliRunner> }> {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock, timing: { bootMs: 1000 } });
  emulator.setCapacity("gpu_1x_a10", "us-east-1", 20);
  await cliRunner(emulator, { clock })([
    "ssh-keys",
    "add",
    "k",
    "--public-key",
    "ssh-ed25519 AAAA k",
  ]);
  emulator.clearRequests();
  return { emulator, run: cliRunner(emulator, { clock, ...setup }) };
}
