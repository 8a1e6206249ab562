// The command line's driver: finds the command, checks every argument before anything is sent,
// builds the client, asks before launching or destroying, and turns every outcome into output and
// an exit code that scripts can rely on.

import {
  type Clock,
  type Hooks,
  LambdaCloudClient,
  RateLimitError,
  type RateLimitOptions,
  VERSION,
} from "../../mod.ts";

const PACKAGE = "@lambda-cloud/client";
import { isOption, parseArgs, type ParsedArgs, UsageError } from "./_args.ts";
import type { CliIo, Command, CommandContext, CommandOutput } from "./_command.ts";
import { EXIT } from "./_exit.ts";
import { GLOBAL_FLAGS } from "./_globals.ts";
import { printCommandHelp, printOverview, PROGRAM } from "./_help.ts";
import { Lookup } from "./_lookup.ts";
import { COMMANDS, findCommand } from "./_registry.ts";
import { CliError, LostOutputError, reportError } from "./_report.ts";
import { closest, didYouMean } from "./_suggest.ts";
import { table } from "./_table.ts";
import { presentIo, remark, visible } from "./_output.ts";
import { sayUnfinished } from "./_interrupts.ts";
import { BudgetUnavailableError } from "./_shared_budget.ts";

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
  /** The clock behind backoff, pacing, waits, uptime and the patience with rate limits. */
  clock?: Clock;
  /**
   * The client's rate limiter; the API's limits by default. A `store` shares the budget with
   * other processes (the installed `lambda` uses a KV file in the user's cache folder).
   */
  rateLimit?: false | RateLimitOptions;
  /**
   * Starts listening for Ctrl-C and returns the signal it aborts. Called once every question has
   * been asked, so that Ctrl-C at a prompt still ends the program at once. Once aborted, waits
   * stop, and `instances launch --wait` terminates what it launched. `leaving` is for a second
   * interrupt, which leaves at once: called first, it says what the run may leave billing (a
   * launch token, instance ids) and how to find it.
   */
  interrupts?: (leaving: (exitCode: number) => void) => AbortSignal;
}

/**
 * Runs the command line with `argv` (the arguments after the program's name) and resolves with
 * its exit code. Nothing is printed or read except through `io`.
 *
 * @param argv The arguments, such as `["instances", "list", "--json"]`.
 * @param io Output, environment, terminal and files.
 * @param options Replacements for the client's `fetch`, clock and rate limiter, and Ctrl-C.
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
 *   createSecretFile: () => Promise.reject(new Error("no files here")),
 * }, { fetch: emulator.fetch, rateLimit: false });
 * console.log(code, lines[0]); // 0 REGION            DESCRIPTION
 * ```
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  options: CliOptions = {},
): Promise<number> {
  const { command, rest } = splitCommand(argv);
  let interrupted = (): unknown => false;
  const changes: Changes = { sent: false };
  try {
    const args = parseArgs(rest, { ...GLOBAL_FLAGS, ...command?.flags });
    if (args.booleans.has("version")) {
      io.stdout(
        args.booleans.has("json")
          ? JSON.stringify({ program: PROGRAM, version: VERSION, package: PACKAGE })
          : `${PROGRAM} ${VERSION} (${PACKAGE})`,
      );
      return EXIT.ok;
    }
    if (command === undefined) {
      // `--base-url $UNSET instances list` takes `instances` for the URL: say that, not "no command".
      const baseUrl = args.strings.get("base-url");
      if (baseUrl !== undefined) checkBaseUrl(baseUrl, true);
      return overview(io, args);
    }
    if (args.booleans.has("help")) {
      printCommandHelp(io, command);
      return EXIT.ok;
    }
    const shown = view(command, args);
    const out = presentIo(io, shown.json);
    const { context, stopped } = prepare(command, args, out, options, shown, changes);
    await command.check?.(context);
    if (command.confirm && !context.dryRun && !args.booleans.has("yes")) {
      await confirm(command, context);
    }
    const signal = options.interrupts?.((code) => sayUnfinished(context, code)) ?? context.signal;
    context.signal = signal;
    interrupted = () => signal.aborted && (signal.reason ?? true);
    if (stopped) return await dryRun(out, context, command, stopped);
    const output = await command.run(context);
    render(io, out, command, output, shown);
    checkDelivered(io, output, changes.sent);
    return output.exitCode ?? EXIT.ok;
  } catch (error) {
    return reportError(io, error, {
      json: wantsJson(argv),
      interrupted: interrupted(),
      changed: changes.sent,
      ...(command === undefined ? {} : { commandName: command.name.join(" ") }),
    });
  }
}

/** The command that `argv` names, and the arguments left once its name is taken out. */
function splitCommand(argv: readonly string[]): { command?: Command; rest: string[] } {
  const words: number[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === "--") break;
    if (!isOption(arg)) {
      words.push(index);
      continue;
    }
    // Options of every command may come first; any other option ends the command's name.
    const [name] = arg.split("=", 1) as [string];
    const spec = name.startsWith("--")
      ? GLOBAL_FLAGS[name.slice(2)]
      : Object.values(GLOBAL_FLAGS).find((flag) => `-${flag.short}` === name);
    if (spec === undefined) break;
    if (spec.kind !== "boolean" && !arg.includes("=")) index++;
  }
  const command = findCommand(words.map((index) => argv[index]!));
  if (command === undefined) return { rest: [...argv] };
  const taken = new Set(words.slice(0, command.name.length));
  return { command, rest: argv.filter((_, index) => !taken.has(index)) };
}

/** `--json` was asked for, as far as can be told even from arguments that do not parse. */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  const flags = (end === -1 ? argv : argv.slice(0, end)).filter((arg) => arg.startsWith("--json"));
  return flags.at(-1) === "--json" || flags.at(-1) === "--json=true";
}

/** Help for everything or for a group, or a mistyped command with what was probably meant. */
function overview(io: CliIo, args: ParsedArgs): number {
  const words = args.positionals;
  const isGroup = COMMANDS.some((command) =>
    words.length < command.name.length && words.every((word, index) => command.name[index] === word)
  );
  if (words.length === 0 || isGroup) {
    const asked = words.length === 0 || args.booleans.has("help");
    // Under --json a group named alone is a mistake like any other: one JSON error on stderr.
    if (!asked && args.booleans.has("json")) {
      const names = COMMANDS.filter((command) =>
        words.every((word, index) => command.name[index] === word)
      ).map((command) => command.name.slice(words.length).join(" "));
      throw new UsageError(`'${PROGRAM} ${words.join(" ")}' needs a command: ${names.join(", ")}`);
    }
    printOverview(io, COMMANDS, words);
    return asked ? EXIT.ok : EXIT.usage;
  }
  // The longest run of leading words that looks like a command, mistyped.
  for (let count = Math.min(words.length, 3); count > 0; count--) {
    const names = new Set(
      COMMANDS.filter((command) => command.name.length >= count)
        .map((command) => command.name.slice(0, count).join(" ")),
    );
    const typed = words.slice(0, count).join(" ");
    const match = closest(typed, names);
    if (match === typed) break; // right so far: what follows is unknown
    if (match !== undefined) {
      throw new UsageError(`unknown command '${words.join(" ")}'${didYouMean(typed, names)}`);
    }
  }
  throw new UsageError(`unknown command '${words.join(" ")}'`);
}

/** Whether a run has sent a request that may have changed something (one other than a read). */
interface Changes {
  sent: boolean;
}

/**
 * Checks everything that can be checked before a request, and builds the client and context; for
 * a dry run, with what tells the request its client stopped.
 */
function prepare(
  command: Command,
  args: ParsedArgs,
  io: CliIo,
  options: CliOptions,
  shown: View,
  changes: Changes,
): { context: CommandContext; stopped?: () => Request | undefined } {
  const name = command.name.join(" ");
  const dryRun = args.booleans.has("dry-run");
  if (dryRun && !command.mutating) {
    throw new UsageError(`'${name}' changes nothing: '--dry-run' does not apply`);
  }
  const { min, max } = command.positionals ?? { min: 0, max: 0 };
  if (args.positionals.length < min || args.positionals.length > max) {
    throw new UsageError(
      `'${name}' takes ${command.usage ?? "no arguments"}, received ${
        args.positionals.length === 0 ? "none" : `'${args.positionals.join(" ")}'`
      }`,
    );
  }
  const clock = options.clock;
  const never = new AbortController().signal;
  const made = command.local
    ? { client: new LambdaCloudClient() }
    : makeClient(args, io, options, dryRun, shown, changes);
  const client = made.client;
  const context: CommandContext = {
    client,
    args,
    io,
    json: shown.json,
    quiet: shown.quiet,
    dryRun,
    columns: shown.columns,
    signal: never,
    now: () => clock?.now() ?? Date.now(),
    lookup: new Lookup(client, () => context.signal),
    unfinished: {},
  };
  return made.stopped ? { context, stopped: made.stopped } : { context };
}

// How long one request may spend waiting out 429s from other processes that share the key. Kept
// below the client's timeout per attempt (60 s).
const PATIENCE_MS = 45_000;

function makeClient(
  args: ParsedArgs,
  io: CliIo,
  options: CliOptions,
  dryRun: boolean,
  shown: View,
  changes: Changes,
): { client: LambdaCloudClient; stopped?: () => Request | undefined } {
  const baseUrl = args.strings.get("base-url") ?? readBaseUrl(io);
  if (baseUrl !== undefined) checkBaseUrl(baseUrl, args.strings.has("base-url"));
  const apiKey = readApiKey(io, dryRun);
  const failFast = args.booleans.has("fail-fast");
  const shared = options.rateLimit !== false && options.rateLimit?.store !== undefined;
  let toldAlone = false;
  const hooks: Hooks = {
    // Exit code 2 promises "nothing was changed": once a request that may change something has
    // gone, an error raised after it (an answer the command cannot read) must not claim it.
    onRequest: ({ method }) => {
      if (method !== "GET" && method !== "HEAD") changes.sent = true;
    },
    // A second or two is the usual price of sharing a key with other processes: said only when
    // it goes on.
    onRetry: ({ error, attempt, delayMs }) => {
      if (!(error instanceof RateLimitError) || (attempt < 3 && delayMs < 3000)) return;
      io.progress(
        `Rate limited by the API: trying again in ${
          (delayMs / 1000).toFixed(1)
        } s (--fail-fast exits instead)`,
      );
    },
    // Once per run: the budget shared with other `lambda` processes could not be used (a note,
    // when it was never set up) or failed (a warning), and this one went on by itself.
    onRateLimitFallback: ({ error }) => {
      const unset = error instanceof BudgetUnavailableError;
      if (!shared || toldAlone || (unset && shown.quiet)) return;
      toldAlone = true;
      const why = `the rate budget shared with other lambda processes is unavailable ` +
        `(${error.message}): pacing this one alone`;
      if (unset) remark(io, shown.json, "note", `Note: ${why}`);
      else remark(io, shown.json, "warning", `warning: ${why}`);
    },
  };
  const common = {
    apiKey,
    userAgent: "lambda-cli",
    ...(baseUrl === undefined ? {} : { baseUrl }),
    ...(options.clock ? { clock: options.clock } : {}),
  };
  if (dryRun) {
    // A dry run's own stop proves nothing was sent; what it reads is the fetch's, as ever.
    const stops = dryRunFetch(options.fetch ?? ((request) => fetch(request)));
    const client = new LambdaCloudClient({
      ...common,
      maxRetries: 0,
      rateLimit: false,
      fetch: stops.fetch,
    });
    return { client, stopped: stops.stopped };
  }
  const client = new LambdaCloudClient({
    ...common,
    hooks,
    ...(failFast ? { maxRetries: 0 } : { backoff: { patienceMs: PATIENCE_MS } }),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
  });
  return { client };
}

const ENV_HELP = "run it with --allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL";

/**
 * LAMBDA_BASE_URL; when it cannot be read, or is set but empty (`LAMBDA_BASE_URL=$UNSET`), an
 * error rather than a silent fall back to Lambda.
 */
function readBaseUrl(io: CliIo): string | undefined {
  try {
    return io.env("LAMBDA_BASE_URL");
  } catch {
    throw new CliError(
      "cannot read LAMBDA_BASE_URL (no permission), so where to send requests is unknown",
      EXIT.usage,
      `${ENV_HELP}, or pass --base-url`,
    );
  }
}

function checkBaseUrl(value: string, fromFlag: boolean): void {
  if (!fromFlag && value.trim() === "") {
    throw new UsageError(
      `LAMBDA_BASE_URL is set but empty, received '${value}': unset it to use Lambda's API (unset LAMBDA_BASE_URL), or set it to a URL`,
    );
  }
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new UsageError(
      `${
        fromFlag ? "option '--base-url'" : "LAMBDA_BASE_URL"
      } must be an http or https URL, such as http://127.0.0.1:8787/api/v1, received '${value}'`,
    );
  }
}

function readApiKey(io: CliIo, dryRun: boolean): string {
  let key: string | undefined;
  try {
    key = io.env("LAMBDA_API_KEY")?.trim() || undefined;
  } catch {
    if (!dryRun) {
      throw new CliError("cannot read LAMBDA_API_KEY (no permission)", EXIT.auth, ENV_HELP);
    }
  }
  if (key !== undefined) return checkApiKey(key);
  if (dryRun) return "dry-run"; // nothing that needs a key is sent
  throw new CliError(
    "no API key: LAMBDA_API_KEY is not set",
    EXIT.auth,
    "create a key at https://cloud.lambda.ai/api-keys, then: export LAMBDA_API_KEY=<key>",
  );
}

/**
 * A key as an Authorization header can carry it: visible ASCII. A key with a line break, a space
 * or an accent in it was pasted wrong; it is refused as a bad key (exit 3), never echoed.
 */
function checkApiKey(key: string): string {
  if (!/^[\x21-\x7e]+$/.test(key)) {
    throw new CliError(
      "LAMBDA_API_KEY is not a valid API key: it holds a space, a line break, a control character or a character outside ASCII",
      EXIT.auth,
      "copy the key again from https://cloud.lambda.ai/api-keys, then: export LAMBDA_API_KEY=<key>",
    );
  }
  return key;
}

/**
 * Asks before a command launches or destroys something. Off a terminal a destructive command is
 * refused unless `--yes`; a launch goes ahead, as scripts expect.
 */
async function confirm(command: Command, context: CommandContext): Promise<void> {
  const confirmation = command.confirm!;
  const refuse = () => {
    throw new CliError(
      `'${PROGRAM} ${
        command.name.join(" ")
      }' asks before it changes this, and there is no terminal to ask on: nothing was changed`,
      EXIT.usage,
      "add --yes to go ahead without asking",
    );
  };
  if (!context.io.isTerminal && confirmation.destructive && !confirmation.needed) refuse();
  if (confirmation.needed && !(await confirmation.needed(context))) return;
  if (!context.io.isTerminal) {
    if (confirmation.destructive) refuse();
    return;
  }
  if (!(await context.io.confirm(await confirmation.question(context)))) {
    throw new CliError("cancelled at the prompt: nothing was changed", EXIT.cancelled);
  }
}

/** How the output is shown: JSON, ids only, or a table with chosen columns. */
interface View {
  json: boolean;
  quiet: boolean;
  columns: readonly string[];
  header: boolean;
  /** No option changed the table: a total under it is welcome. */
  plain: boolean;
}

function view(command: Command, args: ParsedArgs): View {
  const json = args.booleans.has("json");
  const quiet = args.booleans.has("quiet");
  const format = args.strings.get("format");
  const noHeader = args.booleans.has("no-header");
  const name = command.name.join(" ");
  if (json && quiet) throw new UsageError("give '--json' or '--quiet', not both");
  if (quiet && command.quiet === false) {
    throw new UsageError(`'${name}' prints no ids: '--quiet' does not apply`);
  }
  if ((format !== undefined || noHeader) && command.columns === undefined) {
    throw new UsageError(`'${name}' prints no table: '--format' and '--no-header' do not apply`);
  }
  if (format !== undefined && (json || quiet)) {
    throw new UsageError(
      "'--format' chooses a table's columns: give it without '--json' or '--quiet'",
    );
  }
  const all = command.columns ?? [];
  const columns = format === undefined
    ? command.defaultColumns ?? all
    : format.split(",").map((column) => column.trim().toUpperCase().replaceAll(/[- ]/g, "_"))
      .map((column) => {
        if (!all.includes(column)) {
          throw new UsageError(
            `'${name}' has no column '${column}'${didYouMean(column, all)} (it has ${
              all.join(", ")
            })`,
          );
        }
        return column;
      });
  return { json, quiet, columns, header: !noHeader, plain: format === undefined && !noHeader };
}

/**
 * Makes sure that what must reach the user did. What stdout's output leaves out (a key under
 * `-q`) goes to stderr. When stdout could not take the output (its reader has gone, `| true`; a
 * write failed, `> /dev/full`), the run fails with an error that carries what exists nowhere
 * else (a private key, the ids of instances launched), or the ids of what it changed, unless
 * nothing was lost that mattered: a reader that left a listing early (`| head -1`) had what it
 * wanted.
 */
function checkDelivered(io: CliIo, output: CommandOutput, changed: boolean): void {
  const { mustReach } = output;
  if (mustReach?.offStdout) {
    mustReach.lines.forEach((line) => io.stderr(mustReach.secret ? line : visible(line)));
  }
  if (!io.stdoutLost?.()) return;
  const failure = io.stdoutError?.();
  if (failure === undefined && mustReach === undefined && !changed) return;
  const lost = failure === undefined
    ? "the output's reader has gone"
    : `cannot write the output (${failure.message})`;
  if (mustReach !== undefined && !mustReach.offStdout) {
    throw new LostOutputError(
      `${lost}, and it held what exists nowhere else; here it is`,
      mustReach,
    );
  }
  if (!changed) throw new LostOutputError(lost);
  const ids = output.ids ?? [];
  throw new LostOutputError(
    `${lost}, after a change was sent${ids.length > 0 ? "; the ids it held follow" : ""}`,
    ids.length > 0 ? { lines: ids, fields: { ids } } : undefined,
  );
}

function render(
  raw: CliIo,
  io: CliIo,
  command: Command,
  output: CommandOutput,
  shown: View,
): void {
  if (shown.json) io.stdout(JSON.stringify(output.data, null, 2));
  else if (shown.quiet) {
    const first = command.columns?.[0];
    const ids = output.ids ?? output.rows?.map((row) => row[first!] ?? "") ?? [];
    ids.forEach((id) => io.stdout(id));
  } else {
    output.lines?.forEach((line) => io.stdout(line));
    // Exactly as they are: the user's own secret, not text to show.
    output.secretLines?.forEach((line) => raw.stdout(line));
    if (output.rows !== undefined) {
      if (output.rows.length === 0 && shown.plain) io.stdout("(none)");
      else if (output.rows.length > 0) {
        table(shown.columns, output.rows, shown.header).forEach((line) => io.stdout(line));
      }
      if (shown.plain) output.footer?.forEach((line) => io.stdout(line));
    }
  }
  output.warnings?.forEach((line) => remark(io, shown.json, "warning", line));
  if (!shown.quiet) output.notes?.forEach((line) => remark(io, shown.json, "note", line));
}

/**
 * The answer a dry run gives in Lambda's place to the first request that would change something,
 * and everything after it: a refusal (a 4xx with a code of the command line's), which tells the
 * client that nothing was done, as is true: so nothing is retried, and a launch is not looked for
 * (for two minutes) as one whose answer was lost.
 */
function dryRunStop(): Response {
  return Response.json(
    { error: { code: "cli/dry-run", message: "dry run: not sent" } },
    { status: 400 },
  );
}

/**
 * Reads go through (names become ids) until the first request that would change something, which
 * is kept and refused, and so is everything after it.
 */
function dryRunFetch(read: (request: Request) => Promise<Response>): {
  fetch: (request: Request) => Promise<Response>;
  stopped: () => Request | undefined;
} {
  let stopped: Request | undefined;
  return {
    fetch: (request) => {
      if (stopped === undefined && request.method === "GET") return read(request);
      stopped ??= request;
      return Promise.resolve(dryRunStop());
    },
    stopped: () => stopped,
  };
}

/**
 * Runs `command` with a client that stops the first request that would change something, and
 * prints that request. `stops` says which it stopped: kept beside the client rather than read off
 * the error, since the client hands a copy of what its fetch threw on, without anything that could
 * hold the key.
 */
async function dryRun(
  io: CliIo,
  context: CommandContext,
  command: Command,
  stops: () => Request | undefined,
): Promise<number> {
  let stopped: Request | undefined;
  try {
    await command.run(context);
  } catch (error) {
    stopped = stops();
    if (stopped === undefined) throw error;
  }
  if (stopped === undefined) {
    io.stdout("Dry run: nothing would be changed.");
    return EXIT.ok;
  }
  const headers = Object.fromEntries(
    [...stopped.headers].map(([name, value]) => [
      name,
      name === "authorization" ? "Bearer [REDACTED]" : value,
    ]),
  );
  const text = await stopped.text();
  const body = text === "" ? undefined : JSON.parse(text);
  if (context.json) {
    io.stdout(JSON.stringify(
      { dry_run: true, method: stopped.method, url: stopped.url, headers, body },
      null,
      2,
    ));
  } else {
    io.stdout(`Dry run: nothing was changed. The request would be:`);
    io.stdout(`${stopped.method} ${stopped.url}`);
    for (const [name, value] of Object.entries(headers)) io.stdout(`${name}: ${value}`);
    if (body !== undefined) {
      ["", ...JSON.stringify(body, null, 2).split("\n")].forEach((line) => io.stdout(line));
    }
  }
  return EXIT.ok;
}
