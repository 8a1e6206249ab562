// Every failure as an exit code scripts can rely on, and as a message people can act on: text on
// stderr, or under `--json` one JSON object on stderr.

import {
  ApiError,
  AuthenticationError,
  CapacityWaitError,
  ConnectionError,
  InstanceWaitError,
  InsufficientCapacityError,
  InvalidResponseError,
  LAUNCH_TOKEN_KEY,
  LaunchAbortedError,
  LaunchOutcomeUnknownError,
  LaunchWaitError,
  NoCapacityError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RateLimitWaitError,
  ServerError,
  TimeoutError,
  UnidentifiedInstanceError,
} from "../../mod.ts";
import { UsageError } from "./_args.ts";
import type { CliIo, MustReach } from "./_command.ts";
import { EXIT } from "./_exit.ts";
import { PROGRAM } from "./_help.ts";
import { findLaunchCommand, interruptedExitCode } from "./_interrupts.ts";
import { presentIo } from "./_output.ts";
import { NoSuchResourceError } from "./_lookup.ts";

/** A failure of the command line itself, with its exit code and what to do about it. */
export class CliError extends Error {
  override name = "CliError";
  /** The exit code. */
  readonly exitCode: number;
  /** What to do about it. */
  readonly suggestion: string | undefined;

  /**
   * @param message What went wrong, in the std style.
   * @param exitCode The exit code, from {@linkcode EXIT}.
   * @param suggestion What to do about it.
   */
  constructor(message: string, exitCode: number, suggestion?: string) {
    super(message);
    this.exitCode = exitCode;
    this.suggestion = suggestion;
  }
}

/**
 * Stdout could not take the output (its reader has gone, or a write failed) once it mattered:
 * what the run must get to the user comes with it, to be written to stderr.
 */
export class LostOutputError extends CliError {
  override name = "LostOutputError";

  /**
   * @param message What was lost, and why.
   * @param mustReach What exists nowhere else, if anything: shown with the error.
   */
  constructor(message: string, readonly mustReach?: MustReach) {
    super(message, EXIT.failed);
  }
}

/**
 * The exit code for `error`; `interrupted` is false, or why the run was interrupted (Ctrl-C or
 * SIGTERM); `changed`, whether a request that may have changed something was sent.
 */
export function exitCodeOf(error: unknown, interrupted: unknown, changed = false): number {
  const code = plainExitCode(error, interrupted);
  // 2 promises "nothing was changed": once something that changes things was sent (an argument
  // the client checks only later, an answer the command cannot read), it would be a lie.
  return code === EXIT.usage && changed ? EXIT.failed : code;
}

function plainExitCode(error: unknown, interrupted: unknown): number {
  if (interrupted) return interruptedExitCode(interrupted);
  if (error instanceof CliError) return error.exitCode;
  // The client checks arguments with these, before it sends anything.
  if (
    error instanceof UsageError || error instanceof TypeError || error instanceof RangeError
  ) return EXIT.usage;
  if (
    error instanceof AuthenticationError || error instanceof PermissionDeniedError ||
    isNetDenied(error)
  ) return EXIT.auth;
  if (error instanceof NotFoundError || error instanceof NoSuchResourceError) return EXIT.notFound;
  if (
    error instanceof InsufficientCapacityError || error instanceof NoCapacityError ||
    error instanceof CapacityWaitError
  ) return EXIT.noCapacity;
  if (error instanceof RateLimitError || error instanceof RateLimitWaitError) {
    return EXIT.rateLimited;
  }
  if (
    error instanceof ConnectionError || error instanceof TimeoutError ||
    error instanceof ServerError || error instanceof InvalidResponseError ||
    // The API failed mid-launch: unavailable, with the launch's fate still to find out, or an
    // instance it made that the API cannot name.
    error instanceof LaunchOutcomeUnknownError || error instanceof UnidentifiedInstanceError
  ) return EXIT.unavailable;
  if (error instanceof InstanceWaitError || error instanceof LaunchWaitError) {
    return EXIT.waitFailed;
  }
  return EXIT.failed;
}

/** Whether Deno refused the connection for want of `--allow-net`: nothing was sent. */
function isNetDenied(error: unknown): boolean {
  return error instanceof ConnectionError && error.permissionDenied;
}

/** `cli/not-found` for 4, and so on: the code of a failure that is not one of Lambda's. */
function cliCode(exitCode: number, error: unknown): string {
  if (error instanceof LostOutputError) return "cli/output-lost";
  const name = Object.entries(EXIT).find(([, code]) => code === exitCode)?.[0] ?? "failed";
  return `cli/${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

function suggestionOf(error: unknown, commandName: string | undefined): string | undefined {
  if (error instanceof UsageError) {
    return `Run '${PROGRAM}${commandName ? ` ${commandName}` : ""} --help' for usage`;
  }
  if (error instanceof CliError || error instanceof ApiError) return error.suggestion;
  if (isNetDenied(error)) {
    return `Nothing was sent. Deno allows this ${PROGRAM} to reach only the hosts of its --allow-net: install it again with the API's host there (see the README's 'Command line')`;
  }
  if (error instanceof LaunchWaitError && !error.terminated) {
    return `Terminate it when you are done: ${PROGRAM} instances terminate ${error.instanceId}`;
  }
  if (error instanceof LaunchAbortedError) {
    return `It bills until terminated: ${PROGRAM} instances terminate ${
      error.instanceIds.join(" ")
    }`;
  }
  if (error instanceof LaunchOutcomeUnknownError) return lookForLaunch(error);
  if (error instanceof UnidentifiedInstanceError) {
    return `It launched, and bills until terminated, but Lambda listed it without a usable id: find it in Lambda's console by its tag ${LAUNCH_TOKEN_KEY}=${error.launchToken}, and terminate it there`;
  }
  return undefined;
}

/**
 * How to find a launch of unknown outcome from the command line. The tag filter reads each
 * instance by id when the listing carries no tags; the launch's name, type and region are a second
 * way to tell it, for when tags cannot be seen at all.
 */
function lookForLaunch(error: LaunchOutcomeUnknownError): string {
  const body = error.request;
  const described = body === undefined
    ? ""
    : `${body.name ? `'${body.name}', ` : ""}${body.instance_type_name ?? "?"} in ${
      body.region_name ?? "?"
    }`;
  const byHand = `look for a new instance${
    described ? ` (${described})` : ""
  } in '${PROGRAM} instances list', and check its tags with '${PROGRAM} instances get <id>'`;
  if (error.launchToken === undefined) {
    return `It carried no launch token. Before launching again, ${byHand}`;
  }
  const byTag = findLaunchCommand(error.launchToken);
  return error.reason === "untagged-listing"
    ? `The instance listing carries no tags. Before launching again, look for it: ${byTag} (which reads each instance's tags by id), or ${byHand}`
    : `Before launching again, look for it (it may take a few minutes to appear): ${byTag}`;
}

/**
 * The message of `error` for the command line. The client's advice to call one of its methods
 * becomes the command that does it, given as the suggestion; an error raised after a change was
 * sent says so.
 */
function messageOf(error: unknown, changed: boolean): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof LaunchOutcomeUnknownError) {
    // Found by position, not by a pattern: the message quotes the server's text.
    const advice = message.lastIndexOf(": call client.instances.findByLaunchToken(");
    return advice >= 0 && !message.includes(";", advice) ? message.slice(0, advice) : message;
  }
  if (changed && plainExitCode(error, false) === EXIT.usage) {
    return `${message} (after a request that changes something was sent: it may have taken effect)`;
  }
  return message;
}

/**
 * Prints `error` and returns its exit code. `commandName` (such as `instances launch`) points usage
 * errors at the right help.
 */
export function reportError(
  io: CliIo,
  error: unknown,
  options: {
    json: boolean;
    commandName?: string;
    interrupted: unknown;
    changed?: boolean;
    /** The key the run sends, when known (a profile's): hidden from the message like LAMBDA_API_KEY. */
    apiKey?: string;
  },
): number {
  const changed = options.changed ?? false;
  const exitCode = exitCodeOf(error, options.interrupted, changed);
  const message = messageOf(error, changed);
  const suggestion = suggestionOf(error, options.commandName);
  const requestId = error instanceof ApiError ? error.requestId : undefined;
  // Messages quote names, and Lambda's own messages: shown, never obeyed, by the terminal.
  const shown = presentIo(io, options.json, options.apiKey);
  const say = shown.stderr;
  if (options.json) {
    say(JSON.stringify({
      error: {
        code: (error instanceof ApiError ? error.code : undefined) ?? cliCode(exitCode, error),
        message,
        suggestion: suggestion ?? null,
        request_id: requestId ?? null,
        exit_code: exitCode,
        ...(error instanceof LaunchWaitError
          ? { instance_id: error.instanceId, terminated: error.terminated }
          : {}),
        ...((error instanceof LaunchOutcomeUnknownError ||
            error instanceof UnidentifiedInstanceError) && error.launchToken !== undefined
          ? { launch_token: error.launchToken }
          : {}),
        ...(error instanceof LaunchAbortedError
          ? { instance_ids: error.instanceIds, launch_token: error.launchToken }
          : {}),
        ...(error instanceof LostOutputError ? error.mustReach?.fields : {}),
      },
    }));
    return exitCode;
  }
  shown.parts("stderr", [{ text: "error:", style: "error" }, ` ${message}`]);
  if (requestId !== undefined) say(`  request id: ${requestId}`);
  // An API error's message carries Lambda's suggestion already (cut short): say it once.
  if (suggestion !== undefined && !(error instanceof ApiError) && !message.includes(suggestion)) {
    say(error instanceof UsageError ? suggestion + "." : `  suggestion: ${suggestion}`);
  }
  if (error instanceof LostOutputError && error.mustReach !== undefined) {
    const { lines, secret } = error.mustReach;
    lines.forEach((line) => secret ? io.stderr(line) : say(line));
  }
  return exitCode;
}
