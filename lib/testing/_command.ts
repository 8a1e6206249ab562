// The emulator as a command: `deno task emulator`, or
// `deno run --allow-net=127.0.0.1 jsr:@lambda-cloud/client/testing`.

import { describeValue } from "../_validate.ts";
import { LambdaEmulator } from "./emulator.ts";
import { DEFAULT_WEBHOOK_TOKEN } from "./_settings.ts";
import type { EmulatorAssumptions } from "./assumptions.ts";
import type { EmulatorOptions } from "./options.ts";
import type { EmulatorServer } from "./server.ts";
import type { RateLimitAnswer, RateLimitOptions } from "./rate_limits.ts";

/** The command's help, as `--help` prints it. */
export const EMULATOR_USAGE =
  `Runs an emulator of the Lambda Cloud API on 127.0.0.1 until stopped (Ctrl-C).

Usage:
  deno task emulator [options]
  deno run --allow-net=127.0.0.1 jsr:@lambda-cloud/client/testing [options]

Options:
  --port N                  the port to listen on (default 0: a free one)
  --seed N                  ids and addresses follow the seed (default 1)
  --api-key KEY             the one API key it accepts (default secret_emulator)
  --boot-seconds N          how long every instance takes to boot (default: by type,
                            from 120 for one GPU to 1320 for 8x H100)
  --no-rate-limit           no rate limits at all
  --request-interval-ms N   the least time between two requests (default 1000)
  --launch-interval-ms N    the least time between two launches (default 12000)
  --request-burst N         requests beyond that pace let through at once (default 0)
  --launch-burst N          launches beyond that pace let through at once (default 0;
                            4 reads "five requests per minute" as five at once)
  --count-refused           a request refused with 429 still uses its turn
  --count-invalid-launches  a launch refused for its body still uses the launch slot
  --rate-limit-body FORM    the body of a 429: text (default), html or json
  --retry-after             send Retry-After with each 429 (default: none)
  --assume NAME=CHOICE,...  the other choice of a guess about production: reterminate=200,
                            sharedKeyName=400, keyInUse=400, publicKey=trimmed, nullName=absent,
                            ticketDevice=affected-device
  --webhook-url URL         post the ticket webhooks to URL (default: none are sent)
  --webhook-token TOKEN     the bearer token they carry (default emulator_webhook_token)
  -h, --help                show this help

An option's value may follow it (--port 8080) or be joined to it (--port=8080).
Then, where your code or the lambda command runs, paste the export line it prints.`;

const VALUE_FLAGS = new Set([
  "--port",
  "--seed",
  "--api-key",
  "--boot-seconds",
  "--request-interval-ms",
  "--launch-interval-ms",
  "--request-burst",
  "--launch-burst",
  "--rate-limit-body",
  "--assume",
  "--webhook-url",
  "--webhook-token",
]);
const SWITCHES = new Set([
  "--no-rate-limit",
  "--count-refused",
  "--count-invalid-launches",
  "--retry-after",
]);
const HELP = new Set(["-h", "--help"]);
const ACTION = "start emulator";

/** Where the command writes: a line for the user, and a line about a failure. */
export interface CommandOutput {
  out(line: string): void;
  err(line: string): void;
}

/**
 * Runs the command: prints the help, or starts the server and prints how to reach it. Resolves to
 * the running server, to `undefined` after the help, or to an exit code after a failure (2 for a
 * bad option, 1 for any other), which it has explained on `err` without a stack trace.
 */
export async function emulatorMain(
  args: readonly string[],
  output: CommandOutput,
): Promise<EmulatorServer | number | undefined> {
  try {
    return await runEmulatorCommand(args, output.out);
  } catch (error) {
    const usage = error instanceof TypeError || error instanceof RangeError;
    output.err(`error: ${error instanceof Error ? error.message : String(error)}`);
    if (usage) output.err("Run with --help to see the options.");
    return usage ? 2 : 1;
  }
}

/**
 * Parses `args`, starts the server, prints its URL and the export line that points a client at
 * it, and returns it; with `--help`, prints the help and returns `undefined`.
 *
 * @throws {TypeError | RangeError} When an option is unknown, incomplete or out of range.
 */
export async function runEmulatorCommand(
  args: readonly string[],
  print: (line: string) => void,
): Promise<EmulatorServer | undefined> {
  if (args.some((arg) => HELP.has(arg))) {
    print(EMULATOR_USAGE);
    return undefined;
  }
  const values = new Map<string, string>();
  const switches = new Set<string>();
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (SWITCHES.has(arg)) {
      switches.add(arg);
      continue;
    }
    // `--port=8080` as well as `--port 8080`.
    const equals = arg.indexOf("=");
    const name = arg.startsWith("--") && equals > 0 ? arg.slice(0, equals) : arg;
    if (!VALUE_FLAGS.has(name)) {
      throw new TypeError(`Cannot ${ACTION}: unknown option ${describeValue(arg)}`);
    }
    const value = name === arg ? args[++index] : arg.slice(equals + 1);
    if (value === undefined) throw new TypeError(`Cannot ${ACTION}: '${arg}' needs a value`);
    if (values.has(name)) throw new TypeError(`Cannot ${ACTION}: '${name}' is given twice`);
    values.set(name, value);
  }
  const emulator = new LambdaEmulator(emulatorOptions(values, switches));
  const port = wholeNumber(values, "--port", 0, 65_535);
  let server: EmulatorServer;
  try {
    server = await emulator.serve({ port });
  } catch (error) {
    // Such as a port already taken: said in a line, not as a stack trace.
    const taken = error instanceof Error && error.name === "AddrInUse" && port !== 0
      ? ": leave out --port for a free one"
      : "";
    throw new Error(
      `Cannot ${ACTION} on port ${port}: ${error instanceof Error ? error.message : error}${taken}`,
      { cause: error },
    );
  }
  print(`Lambda Cloud emulator on ${server.url} (API key: ${emulator.apiKey})`);
  print("Point a client or the lambda command at it:");
  print("");
  print(`  export LAMBDA_BASE_URL=${server.url} LAMBDA_API_KEY=${shellWord(emulator.apiKey)}`);
  const webhooks = values.get("--webhook-url");
  if (webhooks !== undefined) {
    print("");
    print(
      `Ticket webhooks go to ${webhooks}; give a receiver (lambda webhooks listen) their token:`,
    );
    print(
      `  export LAMBDA_WEBHOOK_TOKEN=${
        shellWord(values.get("--webhook-token") ?? DEFAULT_WEBHOOK_TOKEN)
      }`,
    );
  }
  return server;
}

function emulatorOptions(values: Map<string, string>, switches: Set<string>): EmulatorOptions {
  const options: EmulatorOptions = { seed: wholeNumber(values, "--seed", 1) };
  if (values.has("--boot-seconds")) {
    options.timing = { bootMs: wholeNumber(values, "--boot-seconds", 0) * 1000 };
  }
  const apiKey = values.get("--api-key");
  if (apiKey !== undefined) options.apiKey = apiKey;
  const limits: RateLimitOptions = {
    requestIntervalMs: wholeNumber(values, "--request-interval-ms", 1000),
    launchIntervalMs: wholeNumber(values, "--launch-interval-ms", 12_000),
    requestBurst: wholeNumber(values, "--request-burst", 0),
    launchBurst: wholeNumber(values, "--launch-burst", 0),
    countRefused: switches.has("--count-refused"),
    countInvalidLaunches: switches.has("--count-invalid-launches"),
  };
  options.rateLimit = switches.has("--no-rate-limit") ? false : limits;
  const body = values.get("--rate-limit-body") ?? "text";
  if (body !== "text" && body !== "html" && body !== "json") {
    throw new RangeError(
      `Cannot ${ACTION}: '--rate-limit-body' must be text, html or json, received '${body}'`,
    );
  }
  const answer: RateLimitAnswer = { body, retryAfter: switches.has("--retry-after") };
  options.rateLimitAnswer = answer;
  const assume = values.get("--assume");
  if (assume !== undefined) options.assumptions = assumptions(assume);
  const url = values.get("--webhook-url");
  const token = values.get("--webhook-token");
  if (token !== undefined && url === undefined) {
    throw new TypeError(`Cannot ${ACTION}: '--webhook-token' needs '--webhook-url'`);
  }
  if (url !== undefined) options.webhooks = { url, ...(token === undefined ? {} : { token }) };
  return options;
}

/** `--assume reterminate=200,keyInUse=400`, as the `assumptions` option (which checks it). */
function assumptions(list: string): EmulatorAssumptions {
  const pairs = list.split(",").map((pair) => {
    const [name, choice, ...more] = pair.split("=");
    if (!name || choice === undefined || more.length > 0) {
      throw new TypeError(
        `Cannot ${ACTION}: '--assume' takes NAME=CHOICE pairs separated by commas, received '${list}'`,
      );
    }
    return [name, choice];
  });
  return Object.fromEntries(pairs) as EmulatorAssumptions;
}

function wholeNumber(
  values: Map<string, string>,
  flag: string,
  fallback: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const text = values.get(flag);
  if (text === undefined) return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value <= max)) {
    throw new RangeError(
      `Cannot ${ACTION}: '${flag}' must be a whole number${
        max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ""
      }, received '${text}'`,
    );
  }
  return value;
}

/** `word` as the shell reads it back: quoted when it holds anything a shell would interpret. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
