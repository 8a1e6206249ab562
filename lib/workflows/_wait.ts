// The machinery of waits: checking their options, and polling an instance until it gets where
// it is waited for. The public shapes and the error are in wait.ts.

import { expectedBootMs } from "../_rules/boot_time.ts";
import { callSafely } from "../_callback.ts";
import type { Clock } from "../clock.ts";
import { NotFoundError } from "../errors.ts";
import { unusableAnswer } from "../transport/_answer.ts";
import { type PollSettings, pollUntil } from "../_poll.ts";
import {
  checkId,
  checkNonNegativeNumber,
  checkOneOf,
  checkOptionalType,
  checkTimeout,
} from "../_validate.ts";
import type { Instance, InstanceStatus } from "../types/instances.ts";
import {
  InstanceWaitError,
  type InstanceWaitFailure,
  type WaitForInstanceOptions,
  type WaitProgress,
  type WaitUntil,
} from "./wait.ts";

const DEFAULT_TIMEOUT_MS = 30 * 60_000;

const DEFAULT_INTERVAL_MS = 5000;

const UNTILS: readonly WaitUntil[] = ["active", "ip", "terminated"];

// A Map, so that a status such as "constructor" finds nothing on Object.prototype.
const DEAD_WHILE_STARTING: ReadonlyMap<string, InstanceWaitFailure> = new Map([
  ["unhealthy", "unhealthy"],
  ["preempted", "preempted"],
  ["terminating", "terminated"],
  ["terminated", "terminated"],
]);

/** The checked options of a wait. */
export interface WaitSettings extends PollSettings {
  until: WaitUntil;
  onProgress: ((progress: WaitProgress) => unknown) | undefined;
  /**
   * For this long from the start, a 404 means "not listed yet" rather than "gone": a just-launched
   * instance can take a moment to be readable.
   */
  notFoundGraceMs?: number;
}

/** Checks wait options before anything is sent; `untils` are what it may wait for. */
export function checkWaitOptions(
  action: string,
  options: WaitForInstanceOptions,
  untils: readonly WaitUntil[] = UNTILS,
  instanceType?: string,
): WaitSettings {
  // Large types boot for twenty minutes and more: by default, twice what the type is expected to.
  const defaultTimeoutMs = instanceType === undefined
    ? DEFAULT_TIMEOUT_MS
    : Math.max(DEFAULT_TIMEOUT_MS, 2 * expectedBootMs(instanceType));
  const until = options.until ?? "active";
  checkOptionalType(action, "onProgress", options.onProgress, "function");
  checkOneOf(action, "until", until, untils);
  return {
    until,
    timeoutMs: checkTimeout(action, "timeout", options.timeout ?? defaultTimeoutMs),
    intervalMs: checkNonNegativeNumber(action, "interval", options.interval ?? DEFAULT_INTERVAL_MS),
    signal: options.signal,
    onProgress: options.onProgress,
  };
}

/** Whether `value` has the fields a wait reads: an instance with a status. */
function isInstance(value: unknown): value is Instance {
  return typeof value === "object" && value !== null &&
    typeof (value as { status?: unknown }).status === "string" &&
    ((value as { ip?: unknown }).ip === undefined ||
      typeof (value as { ip?: unknown }).ip === "string" ||
      (value as { ip?: unknown }).ip === null);
}

/** Whether `instance` is where the wait wants it. */
function arrived(until: WaitUntil, status: InstanceStatus, ip: string | undefined): boolean {
  if (until === "terminated") return status === "terminated";
  return status === "active" && (until === "active" || Boolean(ip));
}

/**
 * Polls `get` until the instance gets where `settings.until` says, fails, or time runs out.
 * Transient failures of a poll (no answer, 429, 5xx) are waited out; others end the wait.
 */
export function waitForInstance(
  id: string,
  get: (signal: AbortSignal) => Promise<Instance>,
  clock: Clock,
  settings: WaitSettings,
): Promise<Instance | undefined> {
  const { until, onProgress, notFoundGraceMs = 0 } = settings;
  let last: Instance | undefined;
  // A progress printer's bug must not end a wait on a billed instance.
  const report = (instance: Instance | undefined, elapsedMs: number, polls: number) =>
    callSafely(onProgress, { instance, elapsedMs, polls });
  return pollUntil<Instance | undefined>(
    clock,
    settings,
    async (polls, elapsedMs, signal) => {
      let seen: Instance;
      try {
        seen = await get(signal);
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        if (until !== "terminated") {
          if (elapsedMs() < notFoundGraceMs) return undefined; // not readable yet
          throw error;
        }
        report(undefined, elapsedMs(), polls);
        return { value: undefined };
      }
      // One junk answer is a failed poll, waited out like any transient failure: never the end of
      // a wait on a billed instance (which launchAndWait would then terminate).
      if (!isInstance(seen)) {
        throw unusableAnswer("get instance", { data: seen });
      }
      last = seen;
      report(last, elapsedMs(), polls);
      if (arrived(until, last.status, last.ip)) return { value: last };
      const failure = until === "terminated" ? undefined : DEAD_WHILE_STARTING.get(last.status);
      if (failure) throw new InstanceWaitError(id, until, failure, last, elapsedMs());
      return undefined;
    },
    (elapsedMs, lastFailure) =>
      new InstanceWaitError(
        id,
        until,
        "timeout",
        last,
        elapsedMs,
        lastFailure === undefined ? undefined : { cause: lastFailure },
      ),
  );
}

/**
 * `client.instances.waitFor()`: checks `id` and `options` before anything is sent, then waits,
 * reading the instance with `get`.
 */
export async function waitFor(
  clock: Clock,
  get: (id: string, signal: AbortSignal) => Promise<Instance>,
  id: string,
  options: WaitForInstanceOptions,
): Promise<Instance | undefined> {
  checkId("wait for instance", "id", id);
  const settings = checkWaitOptions("wait for instance", options);
  return await waitForInstance(id, (signal) => get(id, signal), clock, settings);
}
