// The options of a launch and of a launch-and-wait, checked in one place before anything is sent.

import type { PollSettings } from "../_poll.ts";
import { messageOf } from "../_text.ts";
import {
  checkNonNegativeNumber,
  checkObject,
  checkOptionalType,
  checkTimeout,
} from "../_validate.ts";
import type { RequestOptions } from "../options.ts";
import { checkWaitOptions, type WaitSettings } from "../workflows/_wait.ts";
import type { LaunchAndWaitOptions, LaunchLookupOptions, LaunchOptions } from "./options.ts";

/** The checked options of one launch. */
export interface LaunchSettings {
  /** What the transport is given: the signal, timeout, retries and headers. */
  request: RequestOptions;
  /** How long and how often a launch of unknown outcome is looked for, and after an abort. */
  lookup: Required<Omit<PollSettings, "signal">>;
  launchToken: LaunchOptions["launchToken"];
  onLaunchToken: ((token: string) => unknown) | undefined;
}

/**
 * Checks the options of a launch. A lookup lasts as `lookup.timeout` says, else the longest of two
 * minutes, the attempt timeout and `atLeastMs` (the whole wait of a launch-and-wait).
 */
export function launchSettings(
  action: string,
  options: LaunchOptions,
  attemptTimeoutMs: number,
  atLeastMs = 0,
): LaunchSettings {
  const { launchToken, lookup, onLaunchToken, ...request } = options;
  checkOptionalType(action, "onLaunchToken", onLaunchToken, "function");
  const given: LaunchLookupOptions = lookup === undefined
    ? {}
    : checkObject(action, "lookup", lookup);
  const attemptMs = typeof request.timeout === "number" ? request.timeout : attemptTimeoutMs;
  const ms = (name: keyof LaunchLookupOptions, value: unknown, check = checkTimeout) =>
    check(action, `lookup.${name}`, value);
  return {
    request,
    launchToken,
    onLaunchToken,
    lookup: {
      timeoutMs: given.timeout === undefined
        ? Math.max(120_000, attemptMs, atLeastMs)
        : ms("timeout", given.timeout),
      intervalMs: ms("interval", given.interval ?? 5000, checkNonNegativeNumber),
      afterAbortMs: ms("timeoutAfterAbort", given.timeoutAfterAbort ?? 15_000),
    },
  };
}

/** The checked options of a launch-and-wait. */
export interface LaunchAndWaitSettings extends LaunchSettings {
  wait: WaitSettings;
  terminateOnFailure: boolean;
  onLaunched: ((instanceIds: string[]) => unknown) | undefined;
}

// Every option `launchAndWait()` reads; the type checker holds the list to the options' type.
const OPTION_NAMES = Object.keys(
  {
    until: 0,
    timeout: 0,
    interval: 0,
    signal: 0,
    onProgress: 0,
    terminateOnFailure: 0,
    launchToken: 0,
    lookup: 0,
    onLaunchToken: 0,
    onLaunched: 0,
  } satisfies Record<keyof LaunchAndWaitOptions, 0>,
) as (keyof LaunchAndWaitOptions)[];

/**
 * Reads each of `options` once and checks them, before anything is sent: a getter that throws
 * fails the call while nothing bills, and nothing the caller's object does later breaks a cleanup.
 */
export function launchAndWaitSettings(
  options: unknown,
  attemptTimeoutMs: number,
  body: { instance_type_name: string },
): LaunchAndWaitSettings {
  const action = "launch and wait";
  const given = options === undefined ? {} : checkObject(action, "options", options);
  const read: Record<string, unknown> = {};
  for (const name of OPTION_NAMES) {
    try {
      read[name] = given[name];
    } catch (cause) {
      const why = `reading 'options.${name}' threw (${messageOf(cause)}), so nothing was sent`;
      throw new TypeError(`Cannot ${action}: ${why}`, { cause });
    }
  }
  const { launchToken, lookup, onLaunchToken, signal, onLaunched, terminateOnFailure } =
    read as LaunchAndWaitOptions;
  checkOptionalType(action, "onLaunched", onLaunched, "function");
  checkOptionalType(action, "terminateOnFailure", terminateOnFailure, "boolean");
  if ((launchToken as unknown) === false) {
    throw new RangeError(
      `Cannot ${action}: 'launchToken' must not be false: without it, an aborted launch could not be found and cleaned up`,
    );
  }
  const wait = checkWaitOptions(action, read, ["active", "ip"], body.instance_type_name);
  const launchOptions = { signal, lookup, onLaunchToken, launchToken } as LaunchOptions;
  return {
    ...launchSettings(action, launchOptions, attemptTimeoutMs, wait.timeoutMs),
    wait,
    terminateOnFailure: terminateOnFailure ?? true,
    onLaunched,
  };
}
