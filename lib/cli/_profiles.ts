// The profiles of `lambda auth`: named API keys, each with the base URL it may hold, in one dotenv
// file read and written with @std/dotenv, as `LAMBDA_API_KEY_<profile>=…` and
// `LAMBDA_BASE_URL_<profile>=…` lines. A change to one profile rewrites the file with every other line
// as it was (lines it does not know included, comments excepted); a line that is not NAME=value makes
// the whole file unreadable, rather than half read.

import { parse } from "@std/dotenv/parse";
import { stringify } from "@std/dotenv/stringify";
import { UsageError } from "./_args.ts";
import { type CredentialsFile, CredentialsUnavailableError } from "./_credentials_file.ts";
import { EXIT } from "./_exit.ts";
import { CliError } from "./_report.ts";
import { didYouMean } from "./_suggest.ts";

/** The profile used when none is named (by `--profile` or `LAMBDA_PROFILE`). */
export const DEFAULT_PROFILE = "default";

/** What chose a profile: the option, the variable, or nothing (the default profile). */
export type ProfileChooser = "--profile" | "LAMBDA_PROFILE" | "default";

/** One profile: its key, and the API's base URL when that is not Lambda's. */
export interface Profile {
  apiKey: string;
  baseUrl?: string;
}

const KEY = "LAMBDA_API_KEY_";
const BASE_URL = "LAMBDA_BASE_URL_";
// Short, and never in the form of Lambda's keys (`secret_…`): a key pasted where a name goes is
// refused, never taken for a name that an error would quote.
const NAME = /^(?!secret_)\w{1,32}$/i;
// One NAME=value a line, as @std/dotenv writes them: the value in single quotes, in double quotes
// with escapes, or bare, without what a bare value cannot hold (quotes, white space, `#`, and `$`,
// which @std/dotenv would expand from the environment).
const LINE =
  /^\s*(?:export\s+)?[A-Za-z_]\w*\s*=\s*(?:'[^']*'|"(?:[^"\\]|\\.)*"|[^\s'"#$]*)\s*(?:#.*)?$/;
const HEADER = [
  "# The profiles of `lambda auth`: the API key of each (LAMBDA_API_KEY_<profile>), and the base URL",
  "# it goes to when that is not Lambda's (LAMBDA_BASE_URL_<profile>). Written by `lambda auth login`",
  "# and `logout`, which keep every line but comments. Keep it private to you: mode 600.",
].join("\n");

/** `name`, when it can name a profile: letters, digits and underscores (it names a dotenv line). */
export function checkProfileName(name: string, what: string): string {
  if (!NAME.test(name)) {
    throw new UsageError(
      // Not quoted: a key pasted where a profile name goes must not reach a log.
      `${what} must be a profile name of letters, digits and underscores (at most 32, not starting 'secret_' as API keys do), received ${name.length} characters that are not one`,
    );
  }
  return name;
}

/** The profiles of one run: the file, read once, and replaced whole on each change. */
export class Profiles {
  readonly #file: CredentialsFile | undefined;
  #entries: Promise<Record<string, string>> | undefined;

  /** @param file Where they are kept; none for a run that keeps no profiles (an embedder's). */
  constructor(file: CredentialsFile | undefined) {
    this.#file = file;
  }

  /** Whether this run keeps profiles at all. */
  get kept(): boolean {
    return this.#file !== undefined;
  }

  /** Where they are, for messages. */
  get where(): string {
    return this.#file?.where ?? "(none)";
  }

  /** The names of the profiles, in the file's order. */
  async names(): Promise<string[]> {
    return Object.keys(await this.#read()).filter((key) => key.startsWith(KEY))
      .map((key) => key.slice(KEY.length)).filter((name) => NAME.test(name));
  }

  /** The profile `name`, if there is one. */
  async get(name: string): Promise<Profile | undefined> {
    return profileIn(await this.#read(), name);
  }

  /**
   * The profile `name`, or an error saying which there are (and which was probably meant);
   * `chosenBy` says what named it.
   */
  async find(name: string, chosenBy: ProfileChooser): Promise<Profile> {
    const profile = await this.get(name);
    if (profile !== undefined) return profile;
    const names = await this.names();
    const by = chosenBy === "default" ? "" : ` (${chosenBy})`;
    throw new CliError(
      `no profile '${name}'${by} in ${this.where}${didYouMean(name, names)}`,
      EXIT.usage,
      `${
        names.length > 0 ? `'lambda auth list' shows the ${names.length} there are; ` : ""
      }'lambda auth login --profile ${name}' adds it`,
    );
  }

  /** Stores `profile` as `name`, in place of what was there; resolves with what was there. */
  save(name: string, profile: Profile): Promise<Profile | undefined> {
    return this.#change((entries) => {
      const old = profileIn(entries, name);
      entries[KEY + name] = profile.apiKey;
      if (profile.baseUrl === undefined) delete entries[BASE_URL + name];
      else entries[BASE_URL + name] = profile.baseUrl;
      return old;
    });
  }

  /** Removes the profile `name`. */
  remove(name: string): Promise<void> {
    return this.#change((entries) => {
      delete entries[KEY + name];
      delete entries[BASE_URL + name];
    });
  }

  /**
   * Applies `edit` to the file's entries as they are now, read again under the file's lock (another
   * `lambda` may have changed them since this run read them), and writes them back.
   */
  async #change<T>(edit: (entries: Record<string, string>) => T): Promise<T> {
    const file = this.#file;
    if (file === undefined) throw new CredentialsUnavailableError("this run keeps no profiles");
    return await file.locked(async () => {
      this.#entries = undefined;
      const entries = { ...await this.#read() };
      const result = edit(entries);
      await this.#write(entries);
      return result;
    });
  }

  #read(): Promise<Record<string, string>> {
    return this.#entries ??= this.#load();
  }

  async #load(): Promise<Record<string, string>> {
    const file = this.#file;
    if (file === undefined) throw new CredentialsUnavailableError("this run keeps no profiles");
    let text: string | undefined;
    try {
      text = await file.read();
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(
        `cannot read the profiles in ${file.where}: ${
          error instanceof Error ? error.message : String(error)
        }`,
        EXIT.auth,
      );
    }
    if (text === undefined) return {};
    // Never quoted: a line may hold a key.
    const bad = text.split(/\r?\n/).findIndex((line) =>
      line.trim() !== "" && !line.trimStart().startsWith("#") && !LINE.test(line)
    );
    if (bad >= 0) {
      throw new CliError(
        `cannot read the profiles in ${file.where}: line ${bad + 1} is not NAME=value`,
        EXIT.auth,
        "mend or delete that line (the file is dotenv: one NAME=value a line), then log in again if need be: lambda auth login",
      );
    }
    return { ...parse(text) };
  }

  async #write(entries: Record<string, string>): Promise<void> {
    const text = `${HEADER}\n${stringify(entries)}\n`;
    await this.#file!.write(text);
    this.#entries = Promise.resolve(entries);
  }
}

function profileIn(entries: Record<string, string>, name: string): Profile | undefined {
  const apiKey = Object.hasOwn(entries, KEY + name) ? entries[KEY + name] : undefined;
  if (apiKey === undefined) return undefined;
  const baseUrl = Object.hasOwn(entries, BASE_URL + name) ? entries[BASE_URL + name] : undefined;
  return baseUrl === undefined ? { apiKey } : { apiKey, baseUrl };
}
