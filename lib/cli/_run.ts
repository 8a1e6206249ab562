// The command line's driver: finds the command, builds the client, asks before billing, and turns
// every outcome into output and an exit code that scripts can rely on.

import { LambdaCloudClient } from "../client.ts";
import type { Clock } from "../clock.ts";
import {
  ApiError,
  AuthenticationError,
  ConnectionError,
  InsufficientCapacityError,
  InvalidResponseError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from "../errors.ts";
import { CapacityWaitError, NoCapacityError } from "../workflows/capacity.ts";
import { LaunchWaitError } from "../workflows/launch_and_wait.ts";
import { InstanceWaitError } from "../workflows/wait.ts";
import { type FlagSpec, parseArgs, UsageError } from "./_args.ts";
import { ACCOUNT_COMMANDS } from "./_account.ts";
import type { CliIo, Command } from "./_command.ts";
import { FIREWALL_COMMANDS } from "./_firewall.ts";
import { INSTANCE_COMMANDS } from "./_instances.ts";
import { SUPPORT_COMMANDS } from "./_support.ts";

/** Every command, in the order help lists them. */
export const COMMANDS: readonly Command[] = [
  ...INSTANCE_COMMANDS,
  ...ACCOUNT_COMMANDS,
  ...FIREWALL_COMMANDS,
  ...SUPPORT_COMMANDS,
];

/**
 * The exit codes of the command line, as its help and the README list them.
 *
 * @example Branch on the outcome in a script runner
 * ```ts
 * import { EXIT } from "@lambda-cloud/client/cli";
 *
 * const retryLater = (code: number) => code === EXIT.noCapacity || code === EXIT.unavailable;
 * ```
 */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  auth: 3,
  notFound: 4,
  noCapacity: 5,
  rateLimited: 6,
  unavailable: 7,
  waitFailed: 8,
  cancelled: 9,
} as const;

const PROGRAM = "lambda";
const GLOBAL_BOOLEANS = new Set(["--json", "--yes", "--dry-run", "--help", "-h"]);
const GLOBAL_HELP = [
  "  --json            print JSON for scripts rather than tables",
  "  --base-url URL    the API's base URL, such as an emulator's (or LAMBDA_BASE_URL)",
  "  --dry-run         on commands that change something: print the request, send nothing",
  "  --yes             do not ask before launching or terminating",
  "  --help            help for any command or group",
];
const EXIT_HELP = [
  "Exit codes: 0 done, 1 refused by the API or failed, 2 bad usage or arguments,",
  "3 authentication or permission, 4 not found, 5 no capacity, 6 rate limited,",
  "7 API unreachable, timed out or failing (5xx), 8 a wait failed, 9 cancelled at the prompt.",
];

/**
 * What an embedder (or a test) can replace when running the command line in-process.
 *
 * @example Run the command line against the emulator, in-process
 * ```ts
 * import type { CliOptions } from "@lambda-cloud/client/cli";
 * import { LambdaEmulator } from "@lambda-cloud/client/testing";
 *
 * const emulator = new LambdaEmulator({ rateLimit: false });
 * const options: CliOptions = { fetch: emulator.fetch, rateLimit: false };
 * ```
 */
export interface CliOptions {
  /** The `fetch` the client uses, such as an emulator's. */
  fetch?: (request: Request) => Promise<Response>;
  /** The clock behind backoff, pacing and waits. */
  clock?: Clock;
  /** The client's rate limiter; the API's limits by default. */
  rateLimit?: false | { requestIntervalMs?: number; launchIntervalMs?: number };
}

/**
 * Runs the command line with `argv` (the arguments after the program's name) and resolves with
 * its exit code. Nothing is printed or read except through `io`.
 *
 * @param argv The arguments, such as `["instances", "list", "--json"]`.
 * @param io Output, environment, terminal and files.
 * @param options Replacements for the client's `fetch`, clock and rate limiter.
 * @returns The exit code: see {@linkcode EXIT}.
 *
 * @example List regions from the emulator, in-process
 * ```ts
 * import { runCli } from "@lambda-cloud/client/cli";
 * import { LambdaEmulator } from "@lambda-cloud/client/testing";
 *
 * const emulator = new LambdaEmulator({ rateLimit: false });
 * const lines: string[] = [];
 * const code = await runCli(["regions"], {
 *   stdout: (line) => lines.push(line),
 *   stderr: (line) => lines.push(line),
 *   progress: () => {},
 *   env: (name) => name === "LAMBDA_API_KEY" ? emulator.apiKey : undefined,
 *   isTerminal: false,
 *   confirm: () => Promise.resolve(false),
 *   readTextFile: () => Promise.reject(new Error("no files here")),
 *   writeSecretFile: () => Promise.reject(new Error("no files here")),
 * }, { fetch: emulator.fetch, rateLimit: false });
 * console.log(code, lines[0]); // 0 REGION            DESCRIPTION
 * ```
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  options: CliOptions = {},
): Promise<number> {
  const words: string[] = [];
  const globals = new Set<string>();
  let baseUrl = io.env("LAMBDA_BASE_URL");
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (GLOBAL_BOOLEANS.has(arg)) globals.add(arg === "-h" ? "--help" : arg);
    else if (arg === "--base-url") baseUrl = argv[++index];
    else if (arg.startsWith("--base-url=")) baseUrl = arg.slice("--base-url=".length);
    else words.push(arg);
  }
  const command = findCommand(words);
  const help = globals.has("--help");
  if (!command) {
    const group = words.filter((word) => !word.startsWith("-"));
    const known = COMMANDS.some((c) => group.every((word, index) => c.name[index] === word));
    if (help || words.length === 0 || (known && group.length === words.length)) {
      printOverview(io, group);
      return words.length === 0 || help ? EXIT.ok : EXIT.usage;
    }
    io.stderr(`error: unknown command '${words.join(" ")}'. Run '${PROGRAM} --help' for the list.`);
    return EXIT.usage;
  }
  if (help) {
    printCommandHelp(io, command);
    return EXIT.ok;
  }
  const json = globals.has("--json");
  const dryRun = globals.has("--dry-run");
  try {
    if (dryRun && !command.mutating) {
      throw new UsageError(
        `'${command.name.join(" ")}' changes nothing: '--dry-run' does not apply`,
      );
    }
    if (baseUrl === "") throw new UsageError("option '--base-url' needs a value");
    const args = parseArgs(words.slice(command.name.length), command.flags ?? {});
    const { min, max } = command.positionals ?? { min: 0, max: 0 };
    if (args.positionals.length < min || args.positionals.length > max) {
      throw new UsageError(
        `'${command.name.join(" ")}' takes ${command.usage ?? "no arguments"}, received ${
          args.positionals.length === 0 ? "none" : `'${args.positionals.join(" ")}'`
        }`,
      );
    }
    const apiKey = io.env("LAMBDA_API_KEY")?.trim() || (dryRun ? "dry-run" : undefined);
    if (apiKey === undefined) {
      io.stderr(
        "error: no API key: set LAMBDA_API_KEY, and run with --allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL",
      );
      return EXIT.auth;
    }
    const captured: Request[] = [];
    const client = new LambdaCloudClient({
      apiKey,
      userAgent: "lambda-cli",
      ...(baseUrl === undefined ? {} : { baseUrl }),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(dryRun
        ? {
          maxRetries: 0,
          rateLimit: false,
          // Nothing leaves: the first request is kept to be printed, and refused.
          fetch: (request: Request) => {
            captured.push(request);
            return Promise.reject(new Error("dry run: not sent"));
          },
        }
        : {
          ...(options.fetch ? { fetch: options.fetch } : {}),
          ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
        }),
    });
    const context = { client, args, io, json };
    if (command.confirm && !dryRun && !globals.has("--yes") && io.isTerminal) {
      if (!await io.confirm(command.confirm(context))) {
        io.stderr("Cancelled: nothing was sent.");
        return EXIT.cancelled;
      }
    }
    if (dryRun) return await printDryRun(io, json, captured, () => command.run(context));
    const output = await command.run(context);
    if (json) io.stdout(JSON.stringify(output.data, null, 2));
    else output.lines.forEach((line) => io.stdout(line));
    return output.exitCode ?? EXIT.ok;
  } catch (error) {
    return reportError(io, command, error);
  }
}

function findCommand(words: readonly string[]): Command | undefined {
  return COMMANDS.find((command) => command.name.every((word, index) => words[index] === word));
}

async function printDryRun(
  io: CliIo,
  json: boolean,
  captured: Request[],
  run: () => Promise<unknown>,
): Promise<number> {
  try {
    await run();
  } catch (error) {
    if (captured.length === 0) throw error;
  }
  const request = captured[0]!;
  const headers = Object.fromEntries(
    [...request.headers].map(([name, value]) => [
      name,
      name === "authorization" ? "Bearer [REDACTED]" : value,
    ]),
  );
  const text = await request.text();
  const body = text === "" ? undefined : JSON.parse(text);
  if (json) {
    io.stdout(
      JSON.stringify(
        { dry_run: true, method: request.method, url: request.url, headers, body },
        null,
        2,
      ),
    );
  } else {
    io.stdout(`Dry run: nothing was sent. The request would be:`);
    io.stdout(`${request.method} ${request.url}`);
    for (const [name, value] of Object.entries(headers)) io.stdout(`${name}: ${value}`);
    if (body !== undefined) io.stdout(`\n${JSON.stringify(body, null, 2)}`);
  }
  return EXIT.ok;
}

function reportError(io: CliIo, command: Command, error: unknown): number {
  if (error instanceof UsageError) {
    io.stderr(`error: ${error.message}`);
    io.stderr(`Run '${PROGRAM} ${command.name.join(" ")} --help' for usage.`);
    return EXIT.usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`error: ${message}`);
  if (error instanceof ApiError) {
    if (error.code !== undefined) io.stderr(`  code: ${error.code}`);
    if (error.suggestion !== undefined) io.stderr(`  suggestion: ${error.suggestion}`);
    if (error.requestId !== undefined) io.stderr(`  request id: ${error.requestId}`);
  }
  if (error instanceof TypeError || error instanceof RangeError) return EXIT.usage;
  if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) {
    return EXIT.auth;
  }
  if (error instanceof NotFoundError) return EXIT.notFound;
  if (
    error instanceof InsufficientCapacityError || error instanceof NoCapacityError ||
    error instanceof CapacityWaitError
  ) return EXIT.noCapacity;
  if (error instanceof RateLimitError) return EXIT.rateLimited;
  if (
    error instanceof ConnectionError || error instanceof TimeoutError ||
    error instanceof ServerError || error instanceof InvalidResponseError
  ) return EXIT.unavailable;
  if (error instanceof InstanceWaitError || error instanceof LaunchWaitError) {
    return EXIT.waitFailed;
  }
  return EXIT.failed;
}

function printOverview(io: CliIo, group: readonly string[]): void {
  const shown = COMMANDS.filter((command) =>
    group.every((word, index) => command.name[index] === word)
  );
  const width = Math.max(...shown.map((command) => command.name.join(" ").length));
  io.stdout(`Usage: ${PROGRAM} ${group.length ? group.join(" ") + " " : ""}<command> [options]`);
  io.stdout("");
  io.stdout("Commands:");
  for (const command of shown) {
    io.stdout(`  ${command.name.join(" ").padEnd(width)}  ${command.summary}`);
  }
  io.stdout("");
  io.stdout("Options for every command:");
  GLOBAL_HELP.forEach((line) => io.stdout(line));
  io.stdout("");
  EXIT_HELP.forEach((line) => io.stdout(line));
  io.stdout(
    `The API key comes from LAMBDA_API_KEY. Run '${PROGRAM} <command> --help' for its options.`,
  );
}

function printCommandHelp(io: CliIo, command: Command): void {
  io.stdout(
    `Usage: ${PROGRAM} ${command.name.join(" ")}${
      command.usage ? ` ${command.usage}` : ""
    } [options]`,
  );
  io.stdout("");
  io.stdout(command.summary);
  const flags = Object.entries(command.flags ?? {}) as [string, FlagSpec][];
  const global = GLOBAL_HELP.filter((line) => command.mutating || !line.includes("--dry-run"))
    .filter((line) => command.confirm || !line.includes("--yes"));
  io.stdout("");
  io.stdout("Options:");
  const labels = flags.map(([name, spec]) => `--${name}${spec.value ? ` ${spec.value}` : ""}`);
  const width = Math.max(16, ...labels.map((label) => label.length));
  flags.forEach(([, spec], index) => io.stdout(`  ${labels[index]!.padEnd(width)}  ${spec.help}`));
  global.forEach((line) => io.stdout(line));
}
