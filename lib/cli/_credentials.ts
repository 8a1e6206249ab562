// Which key a run sends, and where: the one order of precedence, in one place. The key is the first
// of: the profile `--profile` names; LAMBDA_API_KEY; the profile LAMBDA_PROFILE names, else the
// profile `default`. The base URL is `--base-url`, else the profile's own when the key is a
// profile's, else LAMBDA_BASE_URL, else Lambda's: a profile's base URL goes only with its own key.

import { type ParsedArgs, UsageError } from "./_args.ts";
import type { CliIo } from "./_command.ts";
import { CredentialsUnavailableError } from "./_credentials_file.ts";
import { EXIT } from "./_exit.ts";
import {
  checkProfileName,
  DEFAULT_PROFILE,
  type Profile,
  type ProfileChooser,
  type Profiles,
} from "./_profiles.ts";
import { CliError } from "./_report.ts";

/** Where a run's key came from. */
export type KeySource =
  | { kind: "env" }
  | { kind: "profile"; profile: string; chosenBy: ProfileChooser }
  /** A dry run without a key: nothing that needs one is sent. */
  | { kind: "none" };

/** The key a run sends, where it came from, and where it is sent. */
export interface Credentials {
  apiKey: string;
  source: KeySource;
  /** The API's base URL; `undefined` for Lambda's. */
  baseUrl: string | undefined;
  baseUrlFrom: "--base-url" | "profile" | "LAMBDA_BASE_URL" | "default";
}

const ENV_HELP = "run it with --allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL";
const CREATE_KEY = "create a key at https://cloud.lambda.ai/api-keys, then:";

/**
 * The key and base URL of a run, by the order of precedence above. `dryRun`: a run that needs no
 * key gets a stand-in when there is none, rather than an error.
 */
export async function resolveCredentials(
  args: ParsedArgs,
  io: CliIo,
  profiles: Profiles,
  dryRun: boolean,
): Promise<Credentials> {
  const named = args.strings.get("profile");
  if (named !== undefined) {
    const name = checkProfileName(named, "option '--profile'");
    return fromProfile(args, io, name, "--profile", await profiles.find(name, "--profile"));
  }
  const envKey = readKeyVariable(io, dryRun);
  if (envKey !== undefined) {
    return {
      apiKey: checkApiKey(envKey, "LAMBDA_API_KEY"),
      source: { kind: "env" },
      ...baseUrlOf(args, io, undefined),
    };
  }
  const none = (why?: string, suggestion?: string): Credentials => {
    if (!dryRun) throw noKey(why, suggestion);
    return { apiKey: "dry-run", source: { kind: "none" }, ...baseUrlOf(args, io, undefined) };
  };
  if (!profiles.kept) return none();
  const chosen = chosenProfile(args, io);
  if (chosen === undefined) {
    return none("and LAMBDA_PROFILE cannot be read (no permission: --allow-env=LAMBDA_PROFILE)");
  }
  if (chosen.chosenBy === "LAMBDA_PROFILE") {
    const { name } = chosen;
    return fromProfile(
      args,
      io,
      name,
      "LAMBDA_PROFILE",
      await profiles.find(name, "LAMBDA_PROFILE"),
    );
  }
  let profile: Profile | undefined;
  try {
    profile = await profiles.get(DEFAULT_PROFILE);
  } catch (error) {
    if (error instanceof CredentialsUnavailableError) return none(`and ${error.why}`);
    throw error;
  }
  if (profile !== undefined) return fromProfile(args, io, DEFAULT_PROFILE, "default", profile);
  const names = await profiles.names();
  if (names.length === 0) return none(`and there is no profile '${DEFAULT_PROFILE}'`);
  return none(
    `and there is no profile '${DEFAULT_PROFILE}' (there are: ${names.join(", ")})`,
    `name one: --profile ${names[0]}, or export LAMBDA_PROFILE=${names[0]}`,
  );
}

function noKey(why: string | undefined, suggestion?: string): CliError {
  if (why === undefined) {
    return new CliError(
      "no API key: LAMBDA_API_KEY is not set",
      EXIT.auth,
      `${CREATE_KEY} export LAMBDA_API_KEY=<key>`,
    );
  }
  return new CliError(
    `no API key: LAMBDA_API_KEY is not set, ${why}`,
    EXIT.auth,
    suggestion ?? `${CREATE_KEY} lambda auth login (or export LAMBDA_API_KEY=<key>)`,
  );
}

function fromProfile(
  args: ParsedArgs,
  io: CliIo,
  name: string,
  chosenBy: ProfileChooser,
  profile: Profile,
): Credentials {
  return {
    apiKey: checkApiKey(profile.apiKey, `the key of profile '${name}'`),
    source: { kind: "profile", profile: name, chosenBy },
    ...baseUrlOf(args, io, profile.baseUrl),
  };
}

/**
 * The profile a run names: `--profile`, else LAMBDA_PROFILE, else `default`; `undefined` when
 * LAMBDA_PROFILE cannot be read (no permission), so that which profile is meant is unknown.
 */
export function chosenProfile(
  args: ParsedArgs,
  io: CliIo,
): { name: string; chosenBy: ProfileChooser } | undefined {
  const named = args.strings.get("profile");
  if (named !== undefined) {
    return { name: checkProfileName(named, "option '--profile'"), chosenBy: "--profile" };
  }
  let variable: string | undefined;
  try {
    variable = io.env("LAMBDA_PROFILE");
  } catch {
    return undefined;
  }
  if (variable === undefined) return { name: DEFAULT_PROFILE, chosenBy: "default" };
  return { name: checkProfileName(variable, "LAMBDA_PROFILE"), chosenBy: "LAMBDA_PROFILE" };
}

/** {@linkcode chosenProfile}, for a command that stores or removes one: it must be known. */
export function requiredProfile(
  args: ParsedArgs,
  io: CliIo,
): { name: string; chosenBy: ProfileChooser } {
  const chosen = chosenProfile(args, io);
  if (chosen !== undefined) return chosen;
  throw new CliError(
    "cannot read LAMBDA_PROFILE (no permission), so which profile is meant is unknown",
    EXIT.auth,
    "run it with --allow-env=LAMBDA_PROFILE (the README's install line has it), or pass --profile",
  );
}

/** The base URL of a run whose key is a profile's that holds `profileUrl`, or is not a profile's. */
export function baseUrlOf(
  args: ParsedArgs,
  io: CliIo,
  profileUrl: string | undefined,
): Pick<Credentials, "baseUrl" | "baseUrlFrom"> {
  const flagged = args.strings.get("base-url");
  if (flagged !== undefined) {
    checkBaseUrl(flagged, "option '--base-url'");
    return { baseUrl: flagged, baseUrlFrom: "--base-url" };
  }
  if (profileUrl !== undefined) {
    checkBaseUrl(profileUrl, "the profile's base URL");
    return { baseUrl: profileUrl, baseUrlFrom: "profile" };
  }
  const variable = readBaseUrl(io);
  if (variable === undefined) return { baseUrl: undefined, baseUrlFrom: "default" };
  checkBaseUrl(variable, "LAMBDA_BASE_URL");
  return { baseUrl: variable, baseUrlFrom: "LAMBDA_BASE_URL" };
}

/** LAMBDA_API_KEY, trimmed; set but empty counts as unset. Unreadable, it is an error (not in a dry run). */
function readKeyVariable(io: CliIo, dryRun: boolean): string | undefined {
  try {
    return io.env("LAMBDA_API_KEY")?.trim() || undefined;
  } catch {
    if (dryRun) return undefined;
    throw new CliError("cannot read LAMBDA_API_KEY (no permission)", EXIT.auth, ENV_HELP);
  }
}

/**
 * LAMBDA_BASE_URL; when it cannot be read, an error rather than a silent fall back to Lambda.
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

/**
 * Requires an http or https URL; `what` names where it came from, such as `option '--base-url'`.
 * Set but empty, LAMBDA_BASE_URL is a mistake, not Lambda.
 */
export function checkBaseUrl(value: string, what: string): void {
  if (what === "LAMBDA_BASE_URL" && value.trim() === "") {
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
      `${what} must be an http or https URL, such as http://127.0.0.1:8787/api/v1, received '${value}'`,
    );
  }
}

/**
 * A key as an Authorization header can carry it: white space around it (a line feed at the end of
 * a file or of what was piped in) is dropped; empty, or with a space, a line break, a control
 * character or a character outside ASCII inside it, it is refused as a bad key (exit 3), never
 * echoed. `what` names it, such as `LAMBDA_API_KEY`.
 */
export function checkApiKey(raw: string, what: string): string {
  const key = raw.trim();
  if (key === "") {
    throw new CliError(`${what} is empty`, EXIT.auth, `${CREATE_KEY} lambda auth login`);
  }
  if (!/^[\x21-\x7e]+$/.test(key)) {
    throw new CliError(
      `${what} is not a valid API key: it holds a space, a line break, a control character or a character outside ASCII`,
      EXIT.auth,
      `copy the key again from https://cloud.lambda.ai/api-keys, then: ${
        what === "LAMBDA_API_KEY" ? "export LAMBDA_API_KEY=<key>" : "lambda auth login"
      }`,
    );
  }
  return key;
}

/** `key` as it may be shown: its last 4 characters at most, and never more than a quarter of it. */
export function masked(key: string): string {
  return `…${key.slice(key.length - Math.min(4, Math.floor(key.length / 4)))}`;
}
