// The options of a launch and of a launch-and-wait, checked in one place before anything is sent.

import { messageOf } from "../_text.ts";
import {
  checkNonNegativeNumber,
  checkObject,
  checkOptionalType,
  checkTimeout,
  describeValue,
} from "../_validate.ts";
import type { RequestOptions } from "../options.ts";
import { checkWaitOptions, type WaitSettings } from "../workflows/_wait.ts";
import type { LaunchAndWaitOptions, LaunchLookupOptions, LaunchOptions } from "./options.ts";

/** How long and how often a launch of unknown outcome is looked for. */
export interface LookupSettings {
  timeoutMs: number;
  intervalMs: number;
  /** How long a lookup goes on once the caller's signal has aborted. */
  afterAbortMs: number;
}

/** The checked options of one launch. */
export interface LaunchSettings {
  /** What the transport is given: the signal, timeout, retries and headers. */
  request: RequestOptions;
  lookup: LookupSettings;
  onLaunchToken: ((token: string) => unknown) | undefined;
}

/**
 * Checks the options of a launch. Unless `lookup.timeout` says otherwise, a lookup lasts two
 * minutes, or the attempt timeout, or `atLeastMs` (a launch-and-wait's whole wait: its caller was
 * ready to wait that long), whichever is longest.
 */
export function launchSettings(
  action: string,
  options: LaunchOptions,
  attemptTimeoutMs: number,
  atLeastMs = 0,
): LaunchSettings & { launchToken: LaunchOptions["launchToken"] } {
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
export interface LaunchAndWaitSettings {
  launch: LaunchSettings;
  wait: WaitSettings;
  launchToken: true | string | undefined;
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

// A just-launched instance can answer 404 for a moment before it is readable.
const LAUNCH_NOT_FOUND_GRACE_MS = 30_000;

/**
 * Reads each of `options` once, before anything is sent, and checks them: a getter that throws
 * (a lazily built logger, a Proxy-based config) then fails the call while nothing bills, and
 * nothing the caller's object does after the launch can change or break the cleanup.
 */
export function launchAndWaitSettings(
  action: string,
  options: unknown,
  attemptTimeoutMs: number,
): LaunchAndWaitSettings {
  const given = options === undefined ? {} : checkObject(action, "options", options);
  const read: Record<string, unknown> = {};
  for (const name of OPTION_NAMES) {
    let value: unknown;
    try {
      value = given[name];
    } catch (error) {
      throw new TypeError(
        `Cannot ${action}: reading 'options.${name}' threw (${
          messageOf(error)
        }), so nothing was sent`,
        { cause: error },
      );
    }
    if (value !== undefined) read[name] = value;
  }
  const { until, launchToken, lookup, onLaunchToken, signal, ...rest } =
    read as LaunchAndWaitOptions;
  checkOptionalType(action, "onLaunched", rest.onLaunched, "function");
  checkOptionalType(action, "terminateOnFailure", rest.terminateOnFailure, "boolean");
  if (until !== undefined && until !== "active" && until !== "ip") {
    throw new RangeError(
      `Cannot ${action}: 'until' must be active or ip, received ${describeValue(until)}`,
    );
  }
  if ((launchToken as unknown) === false) {
    throw new RangeError(
      `Cannot ${action}: 'launchToken' must not be false: without it, an aborted launch could not be found and cleaned up`,
    );
  }
  const wait = { ...checkWaitOptions(action, read), notFoundGraceMs: LAUNCH_NOT_FOUND_GRACE_MS };
  const launchOptions = { signal, lookup, onLaunchToken } as LaunchOptions;
  return {
    launch: launchSettings(action, launchOptions, attemptTimeoutMs, wait.timeoutMs),
    wait,
    launchToken,
    terminateOnFailure: rest.terminateOnFailure ?? true,
    onLaunched: rest.onLaunched,
  };
}
