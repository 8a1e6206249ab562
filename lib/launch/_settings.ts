// The options of a launch and of a launch-and-wait, checked in one place before anything is sent.

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

const DEFAULT_LOOKUP_MS = 120_000;
const DEFAULT_LOOKUP_INTERVAL_MS = 5000;
const DEFAULT_LOOKUP_AFTER_ABORT_MS = 15_000;

// A just-launched instance can answer 404 for a moment before it is readable.
const LAUNCH_NOT_FOUND_GRACE_MS = 30_000;

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
 * Checks the options of a launch. Unless `lookup.timeout` says otherwise, a lookup lasts at least
 * the attempt timeout, and at least `atLeastMs` (a launch-and-wait's whole wait: its caller was
 * ready to wait that long).
 */
export function launchSettings(
  action: string,
  options: LaunchOptions,
  attemptTimeoutMs: number,
  atLeastMs = 0,
): LaunchSettings & { launchToken: LaunchOptions["launchToken"] } {
  const { launchToken, lookup, onLaunchToken, ...request } = options;
  checkOptionalType(action, "onLaunchToken", onLaunchToken, "function");
  const attemptMs = request.timeout ?? attemptTimeoutMs;
  const given: LaunchLookupOptions = lookup === undefined
    ? {}
    : checkObject(action, "lookup", lookup);
  return {
    request,
    launchToken,
    onLaunchToken,
    lookup: {
      timeoutMs: given.timeout === undefined
        ? Math.max(DEFAULT_LOOKUP_MS, typeof attemptMs === "number" ? attemptMs : 0, atLeastMs)
        : checkTimeout(action, "lookup.timeout", given.timeout),
      intervalMs: checkNonNegativeNumber(
        action,
        "lookup.interval",
        given.interval ?? DEFAULT_LOOKUP_INTERVAL_MS,
      ),
      afterAbortMs: checkTimeout(
        action,
        "lookup.timeoutAfterAbort",
        given.timeoutAfterAbort ?? DEFAULT_LOOKUP_AFTER_ABORT_MS,
      ),
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

/** Every option `launchAndWait()` reads. */
const OPTION_NAMES: readonly (keyof LaunchAndWaitOptions)[] = [
  "until",
  "timeout",
  "interval",
  "signal",
  "onProgress",
  "terminateOnFailure",
  "launchToken",
  "lookup",
  "onLaunchToken",
  "onLaunched",
];

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
  const read: LaunchAndWaitOptions = {};
  const given = options === undefined ? {} : checkObject(action, "options", options);
  for (const name of OPTION_NAMES) {
    let value: unknown;
    try {
      value = given[name];
    } catch (error) {
      throw new TypeError(
        `Cannot ${action}: reading 'options.${name}' threw (${
          error instanceof Error ? error.message : String(error)
        }), so nothing was sent`,
        { cause: error },
      );
    }
    if (value !== undefined) (read as Record<string, unknown>)[name] = value;
  }
  const { until, launchToken, lookup, onLaunchToken, signal } = read;
  checkOptionalType(action, "onLaunched", read.onLaunched, "function");
  checkOptionalType(action, "terminateOnFailure", read.terminateOnFailure, "boolean");
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
  const launch = launchSettings(
    action,
    {
      ...(signal === undefined ? {} : { signal }),
      ...(lookup === undefined ? {} : { lookup }),
      ...(onLaunchToken === undefined ? {} : { onLaunchToken }),
    },
    attemptTimeoutMs,
    wait.timeoutMs,
  );
  return {
    launch,
    wait,
    launchToken,
    terminateOnFailure: read.terminateOnFailure ?? true,
    onLaunched: read.onLaunched,
  };
}
