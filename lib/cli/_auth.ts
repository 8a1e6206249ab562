// `lambda auth`: API keys kept as named profiles, as `gh auth` and `doctl auth init --context` keep
// theirs. `login` takes a key typed without echo or piped in (never as an argument, which shell
// history keeps), checks it with one read, and stores it; `status` says which key a run would send,
// from where, and whether the API accepts it. Which key wins is _credentials.ts's to say.

import { type LambdaCloudClient, NotFoundError } from "../../mod.ts";
import { type FlagSpec, UsageError } from "./_args.ts";
import { type Command, type CommandContext, type CommandOutput, perRun } from "./_command.ts";
import {
  baseUrlOf,
  checkApiKey,
  type Credentials,
  masked,
  requiredProfile,
} from "./_credentials.ts";
import { CliError, exitCodeOf } from "./_report.ts";

const KEYS_PAGE = "https://cloud.lambda.ai/api-keys";

const PROFILE_FLAG = (what: string): FlagSpec => ({
  kind: "string",
  value: "NAME",
  help: `the profile to ${what} (default: LAMBDA_PROFILE, else 'default')`,
});

/** The key typed at the terminal, or piped in with `--with-key-stdin`, checked. */
async function newKey(context: Pick<CommandContext, "args" | "io">): Promise<string> {
  const { args, io } = context;
  if (args.booleans.has("with-key-stdin")) {
    if (io.readStdin === undefined) throw new UsageError("standard input cannot be read here");
    return checkApiKey(await io.readStdin(), "the key read from standard input");
  }
  const typed = io.isTerminal
    ? await io.readSecret?.("Paste your Lambda API key (it does not show as you type):")
    : undefined;
  if (typed === undefined) {
    throw new UsageError(
      "cannot ask for the key here (no terminal, or the output is redirected): pipe it in with '--with-key-stdin' (never give it as an argument, which shell history keeps)",
    );
  }
  return checkApiKey(typed, "the key typed");
}

/** One cheap read with the key: the list of regions, the API's shortest answer that needs a key. */
async function check(client: LambdaCloudClient, signal: AbortSignal): Promise<void> {
  await client.regions.list({ signal });
}

const login: Command = {
  name: ["auth", "login"],
  summary: "Store an API key as a profile, once the API has accepted it",
  flags: {
    profile: PROFILE_FLAG("store the key in"),
    "with-key-stdin": {
      kind: "boolean",
      help: "read the key from standard input rather than ask for it on the terminal",
    },
    "base-url": {
      kind: "string",
      value: "URL",
      help:
        "an API address to store with the profile, such as an emulator's (the key is checked there)",
    },
  },
  quiet: false,
  // Any number, so that a key given as one is refused here, without being repeated.
  positionals: { min: 0, max: Infinity },
  // The file is read (and checked) before the key is asked for, so a file that cannot be used
  // costs nobody a paste.
  async ownCredentials({ args, io, profiles }): Promise<Credentials> {
    if (args.positionals.length > 0) {
      throw new UsageError(
        "'auth login' takes no arguments: a key given as one stays in shell history (it is not repeated here). Type it when asked, or pipe it in with '--with-key-stdin'",
      );
    }
    const { name, chosenBy } = requiredProfile(args, io);
    const existing = await profiles.get(name);
    const apiKey = await newKey({ args, io });
    return {
      apiKey,
      source: { kind: "profile", profile: name, chosenBy },
      ...baseUrlOf(args, io, existing?.baseUrl),
    };
  },
  async run(context) {
    const { client, profiles } = context;
    const { apiKey, source, baseUrl, baseUrlFrom } = context.credentials!;
    const name = source.kind === "profile" ? source.profile : "";
    try {
      await check(client, context.signal);
    } catch (error) {
      // A 404 for the regions, which every account has, says the address is not an API's.
      const notAnApi = error instanceof NotFoundError &&
        !new URL(client.baseUrl).pathname.endsWith("/api/v1");
      throw new CliError(
        `the key was not stored: ${error instanceof Error ? error.message : String(error)}`,
        exitCodeOf(error, false),
        notAnApi
          ? `Lambda's API, and the emulator's, ends in /api/v1: --base-url ${
            client.baseUrl.replace(/\/+$/, "")
          }/api/v1?`
          : undefined,
      );
    }
    // Kept with the key: a base URL given now, or the one the profile held.
    const kept = baseUrlFrom === "--base-url" || baseUrlFrom === "profile" ? baseUrl : undefined;
    const old = await profiles.save(
      name,
      kept === undefined ? { apiKey } : { apiKey, baseUrl: kept },
    );
    const replaced = old !== undefined && old.apiKey !== apiKey;
    return {
      data: {
        profile: name,
        key: masked(apiKey),
        base_url: kept ?? null,
        file: profiles.where,
        replaced: replaced ? masked(old.apiKey) : null,
      },
      lines: [
        replaced
          ? `Replaced the key of profile '${name}' (${masked(old.apiKey)}) with ${
            masked(apiKey)
          }, in ${profiles.where}: the old key is no longer kept`
          : `Stored the key ${masked(apiKey)} as profile '${name}', in ${profiles.where}`,
        `The API at ${client.baseUrl} accepted it.`,
      ],
      notes: [
        ...(replaced ? [`Delete the old key at ${KEYS_PAGE} once nothing else uses it.`] : []),
        // Else the next command sends LAMBDA_API_KEY, and the user wonders why.
        ...(isSet(context, "LAMBDA_API_KEY")
          ? [
            `LAMBDA_API_KEY is set, and comes before this profile unless a command names it with --profile ${name}.`,
          ]
          : []),
      ],
    };
  },
  examples: [
    "lambda auth login                                  # asks for the key, without echo",
    "lambda auth login --profile work --with-key-stdin < key.txt",
    "lambda auth login --profile emulator --base-url http://127.0.0.1:8787/api/v1 --with-key-stdin <<< secret_emulator",
  ],
};

const SOURCE_WORDS = {
  "--base-url": "--base-url",
  profile: "the profile's",
  LAMBDA_BASE_URL: "LAMBDA_BASE_URL",
  default: "Lambda's",
} as const;

/** Whether the variable `name` is set, and not empty (one that cannot be read is not). */
function isSet(context: CommandContext, name: string): boolean {
  try {
    return (context.io.env(name)?.trim() ?? "") !== "";
  } catch {
    return false;
  }
}

/** The variables that are set but lost to one that comes first, for `status` to say. */
function unused(context: CommandContext, credentials: Credentials): string[] {
  const { source } = credentials;
  const shadowed = source.kind === "env"
    ? ["LAMBDA_PROFILE"]
    : source.kind === "profile" && source.chosenBy === "--profile"
    ? ["LAMBDA_API_KEY", "LAMBDA_PROFILE"]
    : [];
  return shadowed.filter((name) => isSet(context, name));
}

const status: Command = {
  name: ["auth", "status"],
  summary: "Say which key is in use, where it came from, and whether the API accepts it",
  quiet: false,
  async run(context): Promise<CommandOutput> {
    const { client, profiles } = context;
    const credentials = context.credentials!;
    const { apiKey, source, baseUrlFrom } = credentials;
    let failure: unknown;
    try {
      await check(client, context.signal);
    } catch (error) {
      if (context.signal.aborted) throw error;
      failure = error;
    }
    const from = source.kind === "profile"
      ? `profile '${source.profile}'${
        source.chosenBy === "default" ? "" : ` (${source.chosenBy})`
      } in ${profiles.where}`
      : "LAMBDA_API_KEY";
    const message = failure instanceof Error ? failure.message : String(failure);
    const ignored = unused(context, credentials);
    return {
      data: {
        key: masked(apiKey),
        source: source.kind === "profile" ? "profile" : "LAMBDA_API_KEY",
        profile: source.kind === "profile" ? source.profile : null,
        chosen_by: source.kind === "profile" ? source.chosenBy : null,
        file: source.kind === "profile" ? profiles.where : null,
        base_url: client.baseUrl,
        base_url_from: baseUrlFrom,
        works: failure === undefined,
        error: failure === undefined ? null : message,
        unused: ignored,
      },
      lines: [
        `Key:   ${masked(apiKey)}, from ${from}`,
        `API:   ${client.baseUrl} (${SOURCE_WORDS[baseUrlFrom]})`,
        failure === undefined ? "Works: yes, the API accepted it" : `Works: no: ${message}`,
      ],
      notes: ignored.length === 0 ? [] : [
        `Set, and not used: ${
          ignored.join(", ")
        } (the order is --profile, LAMBDA_API_KEY, then LAMBDA_PROFILE's profile or 'default')`,
      ],
      ...(failure === undefined ? {} : { exitCode: exitCodeOf(failure, false) }),
    };
  },
  examples: ["lambda auth status", "lambda auth status --profile work --json"],
};

const list: Command = {
  name: ["auth", "list"],
  summary: "List the profiles, their keys masked",
  local: true,
  columns: ["PROFILE", "KEY", "BASE_URL"],
  examples: ["lambda auth list", "lambda auth list -q"],
  async run({ profiles }) {
    const rows = [];
    for (const name of await profiles.names()) {
      const profile = (await profiles.get(name))!;
      rows.push({ PROFILE: name, KEY: masked(profile.apiKey), BASE_URL: profile.baseUrl ?? "" });
    }
    return {
      data: rows.map((row) => ({
        profile: row.PROFILE,
        key: row.KEY,
        base_url: row.BASE_URL || null,
      })),
      rows,
      notes: rows.length === 0
        ? [`No profiles in ${profiles.where}: 'lambda auth login' adds one.`]
        : [],
    };
  },
};

/** The profile `logout` removes, read once for its check, its question and its run. */
const leaving = perRun(async ({ args, io, profiles }: CommandContext) => {
  const { name, chosenBy } = requiredProfile(args, io);
  return { name, profile: await profiles.find(name, chosenBy) };
});

const logout: Command = {
  name: ["auth", "logout"],
  summary: "Remove a profile and its key from this machine (the key stays valid at Lambda)",
  flags: { profile: PROFILE_FLAG("remove") },
  local: true,
  quiet: false,
  examples: ["lambda auth logout --profile staging --yes"],
  check: async (context) => void await leaving(context),
  confirm: {
    destructive: true,
    question: async (context) => {
      const { name, profile } = await leaving(context);
      return `Remove profile '${name}' (key ${
        masked(profile.apiKey)
      }) from ${context.profiles.where}? This machine keeps no other copy.`;
    },
  },
  async run(context) {
    const { name, profile } = await leaving(context);
    await context.profiles.remove(name);
    return {
      data: { profile: name, key: masked(profile.apiKey), file: context.profiles.where },
      lines: [
        `Removed profile '${name}' (key ${masked(profile.apiKey)}) from ${context.profiles.where}`,
      ],
      notes: [`The key itself works until you delete it at ${KEYS_PAGE}.`],
    };
  },
};

/** The commands of `lambda auth`. */
export const AUTH_COMMANDS: readonly Command[] = [login, status, logout, list];
