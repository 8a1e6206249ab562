// The command line's driver: finds the command, checks every argument before anything is sent,
// builds the client, asks before launching or destroying, and turns every outcome into output and
// an exit code that scripts can rely on.

import { LambdaCloudClient } from "../../mod.ts";
import { isOption, parseArgs, type ParsedArgs, UsageError } from "./_args.ts";
import type { CliIo, Command, CommandContext, CommandOutput } from "./_command.ts";
import { EXIT } from "./_exit.ts";
import { GLOBAL_FLAGS } from "./_globals.ts";
import { commandHelp, overviewHelp, PROGRAM } from "./_help.ts";
import { launchJournal } from "./_journal.ts";
import { redactKey } from "../_redact.ts";
import { valueCache } from "./_value_cache.ts";
import { Lookup } from "./_lookup.ts";
import { COMMANDS, findCommand } from "./_registry.ts";
import { CliError, LostOutputError, reportError } from "./_report.ts";
import { didYouMean } from "./_suggest.ts";
import { isGroup, unknownCommand } from "./_names.ts";
import { table } from "./_table.ts";
import { presentIo, remark, type ShownIo } from "./_output.ts";
import { sayUnfinished } from "./_interrupts.ts";
import { type Changes, type CliOptions, makeClient } from "./_client.ts";
import { checkBaseUrl, type Credentials, resolveCredentials } from "./_credentials.ts";
import { dryRun } from "./_dry_run.ts";
import { Profiles } from "./_profiles.ts";

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
  const { command, rest, words } = splitCommand(argv);
  let interrupted = (): unknown => false;
  let apiKey: string | undefined;
  const changes: Changes = { sent: false };
  try {
    const args = parse(command, rest, words);
    // Whatever else is typed: `lambda version`.
    if (args.booleans.has("version")) {
      return await runCli(["version", ...wantsJson(argv) ? ["--json"] : []], io, options);
    }
    if (command === undefined) {
      // `--base-url $UNSET instances list` takes `instances` for the URL: say that, not "no command".
      const baseUrl = args.strings.get("base-url");
      if (baseUrl !== undefined) checkBaseUrl(baseUrl, "option '--base-url'");
      return overview(io, args);
    }
    if (args.booleans.has("help")) {
      commandHelp(command).forEach((line) => io.stdout(line));
      return EXIT.ok;
    }
    const shown = view(command, args);
    const { context, out, stopped } = await prepare(command, args, io, options, shown, changes);
    apiKey = context.credentials?.apiKey;
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
    checkDelivered(io, out, output, changes.sent);
    return output.exitCode ?? EXIT.ok;
  } catch (error) {
    return reportError(io, error, {
      json: wantsJson(argv),
      interrupted: interrupted(),
      changed: changes.sent,
      ...(command === undefined ? {} : { commandName: command.name.join(" ") }),
      ...(apiKey === undefined ? {} : { apiKey }),
    });
  }
}

/**
 * The command that `argv` names, the arguments left once its name is taken out, and the words that
 * may name it (those before any option but the global ones).
 */
function splitCommand(
  argv: readonly string[],
): { command?: Command; rest: string[]; words: string[] } {
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
  const named = words.map((index) => argv[index]!);
  const command = findCommand(named);
  if (command === undefined) return { rest: [...argv], words: named };
  const taken = new Set(words.slice(0, command.name.length));
  return { command, rest: argv.filter((_, index) => !taken.has(index)), words: named };
}

/**
 * `rest` parsed for `command`; when no command is named, an option that does not parse is no news
 * beside words that name nothing (`instances create --type …`): they are the error.
 */
function parse(command: Command | undefined, rest: string[], words: string[]): ParsedArgs {
  try {
    return parseArgs(rest, { ...GLOBAL_FLAGS, ...command?.flags });
  } catch (error) {
    if (command === undefined && !isGroup(COMMANDS, words)) throw unknownCommand(COMMANDS, words);
    throw error;
  }
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
  if (!isGroup(COMMANDS, words)) throw unknownCommand(COMMANDS, words);
  const asked = words.length === 0 || args.booleans.has("help");
  // Under --json a group named alone is a mistake like any other: one JSON error on stderr.
  if (!asked && args.booleans.has("json")) {
    const names = COMMANDS.filter((command) =>
      words.every((word, index) => command.name[index] === word)
    ).map((command) => command.name.slice(words.length).join(" "));
    throw new UsageError(`'${PROGRAM} ${words.join(" ")}' needs a command: ${names.join(", ")}`);
  }
  overviewHelp(COMMANDS, words).forEach((line) => io.stdout(line));
  return asked ? EXIT.ok : EXIT.usage;
}

/**
 * Checks everything that can be checked before a request, finds the key, and builds the client
 * and context (whose `io` is made safe to print to, the key hidden); for a dry run, with what
 * tells the request its client stopped.
 */
async function prepare(
  command: Command,
  args: ParsedArgs,
  raw: CliIo,
  options: CliOptions,
  shown: View,
  changes: Changes,
): Promise<{ context: CommandContext; out: ShownIo; stopped?: () => Request | undefined }> {
  const name = command.name.join(" ");
  const dryRun = args.booleans.has("dry-run");
  if (dryRun && !command.mutating) {
    throw new UsageError(
      `'${name}' has no dry run: '--dry-run' is for the commands that send one change to the API`,
    );
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
  const profiles = new Profiles(options.credentials);
  const credentials: Credentials | undefined = command.local
    ? undefined
    : command.ownCredentials
    ? await command.ownCredentials({ args, io: raw, profiles })
    : await resolveCredentials(args, raw, profiles, dryRun);
  const io = presentIo(raw, shown.json, credentials?.apiKey);
  const made: ReturnType<typeof makeClient> = credentials === undefined
    ? { client: new LambdaCloudClient(), keyId: () => Promise.resolve("") }
    : makeClient(args, io, options, credentials, dryRun, shown, changes);
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
    // A dry run sends no launch, so it records none; a local command sends nothing at all.
    journal: options.journal && !dryRun && !command.local
      ? launchJournal(
        options.journal,
        client.baseUrl,
        made.keyId,
        (text) => redactKey(text, credentials?.apiKey ?? ""),
      )
      : undefined,
    valueCache: options.valueCache && valueCache(options.valueCache, client.baseUrl, made.keyId),
    credentials,
    profiles,
  };
  return made.stopped ? { context, out: io, stopped: made.stopped } : { context, out: io };
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
function checkDelivered(raw: CliIo, io: CliIo, output: CommandOutput, changed: boolean): void {
  const { mustReach } = output;
  if (mustReach?.offStdout) {
    // A secret exactly as it is, like render's secretLines.
    mustReach.lines.forEach((line) => (mustReach.secret ? raw : io).stderr(line));
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
  io: ShownIo,
  command: Command,
  output: CommandOutput,
  shown: View,
): void {
  // Output without data (help) is text, --json or not.
  if (shown.json && output.data !== undefined) io.stdout(JSON.stringify(output.data, null, 2));
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
        table(shown.columns, output.rows, shown.header).forEach((line) => io.parts("stdout", line));
      }
      if (shown.plain) output.footer?.forEach((line) => io.stdout(line));
    }
  }
  output.warnings?.forEach((line) => remark(io, shown.json, "warning", line));
  if (!shown.quiet) output.notes?.forEach((line) => remark(io, shown.json, "note", line));
}
