// The options every command takes, and which of them a given command shows in its help.

import type { FlagSpec } from "./_args.ts";
import type { Command } from "./_command.ts";

/** The options every command takes. */
export const GLOBAL_FLAGS: Record<string, FlagSpec> = {
  json: { kind: "boolean", help: "print JSON for scripts; errors go to stderr as JSON too" },
  quiet: {
    kind: "boolean",
    short: "q",
    help: "print only ids (a table's first column), one a line",
  },
  format: { kind: "string", value: "COLUMNS", help: "the table's columns, such as ID,NAME,STATUS" },
  "no-header": { kind: "boolean", help: "print a table without its header row" },
  yes: {
    kind: "boolean",
    short: "y",
    help: "do not ask before launching, deleting or terminating",
  },
  "dry-run": {
    kind: "boolean",
    help: "print the request that would change something, and send nothing that does",
  },
  profile: {
    kind: "string",
    value: "NAME",
    help:
      "send this profile's key ('lambda auth'), which comes before LAMBDA_API_KEY; without it, LAMBDA_API_KEY, else LAMBDA_PROFILE's profile, else 'default'",
  },
  "base-url": {
    kind: "string",
    value: "URL",
    help:
      "the API's address, such as an emulator's (default: the profile's, else LAMBDA_BASE_URL, else Lambda's)",
  },
  "fail-fast": {
    kind: "boolean",
    help: "on a rate limit or a failing API, exit at once rather than wait and retry",
  },
  help: { kind: "boolean", short: "h", help: "show help" },
  version: { kind: "boolean", help: "print the version" },
};

/**
 * The global options that mean something for `command` (all of them for the overview), but those
 * it declares itself, with its own help.
 */
export function globalFlagsFor(command?: Command): [string, FlagSpec][] {
  return Object.entries(GLOBAL_FLAGS).filter(([name]) => {
    if (command === undefined) return true;
    if (command.flags?.[name] !== undefined) return false;
    switch (name) {
      case "format":
      case "no-header":
        return command.columns !== undefined;
      case "yes":
        return command.confirm !== undefined;
      case "quiet":
        return command.quiet !== false;
      case "dry-run":
        return command.mutating === true;
      case "version":
        return false;
      case "profile":
      case "base-url":
      case "fail-fast":
        return command.local !== true;
      default:
        return true;
    }
  });
}
