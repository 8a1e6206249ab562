// The machinery of launch-and-wait: launch one instance, wait for it, and terminate whatever the
// launch made when it does not get there, confirming that it did. The public options and error
// are in launch_and_wait.ts.

import { callSafely } from "../_callback.ts";
import { Deadline } from "../_deadline.ts";
import type { Clock } from "../clock.ts";
import { NotFoundError } from "../errors.ts";
import { checkObject, checkOptionalType } from "../_validate.ts";
import type {
  Instance,
  InstanceLaunchRequest,
  InstanceLaunchResponse,
  InstanceTerminateResponse,
} from "../types/instances.ts";
import { LaunchAbortedError, type LaunchOptions, LaunchOutcomeUnknownError } from "./launch.ts";
import { unique } from "./_launch.ts";
import { type LaunchAndWaitOptions, LaunchWaitError } from "./launch_and_wait.ts";
import { waitForInstance, type WaitSettings } from "./_wait.ts";

/** What launch-and-wait needs from the client. */
export interface LaunchAndWaitDeps {
  clock: Clock;
  /** One launch; a lookup after a failure of unknown outcome lasts at least `lookupAtLeastMs`. */
  launch(
    body: InstanceLaunchRequest,
    options: LaunchOptions,
    lookupAtLeastMs: number,
  ): Promise<InstanceLaunchResponse>;
  get(id: string, signal: AbortSignal | undefined): Promise<Instance>;
  /** The instances that carry launch token `token`, bounded by `signal`; throws when it cannot tell. */
  findByToken(token: string, signal: AbortSignal): Promise<Instance[]>;
  /** One terminate, with its retries and settling, all bounded by `signal`. */
  terminate(id: string, signal: AbortSignal): Promise<InstanceTerminateResponse>;
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
  "onLaunched",
];

/**
 * Reads each of `options` once, before anything is sent, into a plain object: a getter that
 * throws (a lazily built logger, a Proxy-based config) then fails the call while nothing bills,
 * and nothing the caller's object does after the launch can change or break the cleanup.
 */
export function readLaunchAndWaitOptions(action: string, options: unknown): LaunchAndWaitOptions {
  if (options === undefined) return {};
  const given = checkObject(action, "options", options);
  const read: Record<string, unknown> = {};
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
    if (value !== undefined) read[name] = value;
  }
  checkOptionalType(action, "onLaunched", read.onLaunched, "function");
  checkOptionalType(action, "terminateOnFailure", read.terminateOnFailure, "boolean");
  return read as LaunchAndWaitOptions;
}

/**
 * How long cleanup keeps trying to terminate, and to see the termination, before it gives up:
 * requests in flight, their retries and the rate limiter's waits included.
 */
const CLEANUP_MS = 60_000;
const CLEANUP_INTERVAL_MS = 5000;
const GONE: ReadonlySet<string> = new Set(["terminating", "terminated"]);

/** How long the listing by token after the instance is up may take, retries included. */
const EXTRAS_LOOKUP_MS = 30_000;

/**
 * Launches `body` with `token`, waits as `settings` say, and returns the running instance. Every
 * failure after the launch was sent ends in a {@linkcode LaunchWaitError} that says whether what
 * was launched is terminated; extra instances (a launch sent twice upstream) are terminated first.
 * `options` must come from {@linkcode readLaunchAndWaitOptions}: plain data, read before the
 * launch.
 */
export async function launchAndWait(
  deps: LaunchAndWaitDeps,
  body: InstanceLaunchRequest,
  token: string,
  settings: WaitSettings,
  options: LaunchAndWaitOptions,
  freshToken: boolean,
): Promise<Instance> {
  // Only a token made for this call tells its instances from others: a caller's own may be one an
  // earlier launch carries (a body whose tags were copied from a running instance), and what it
  // finds beyond the answer must then be left alone.
  const withExtras = async (known: readonly string[]) =>
    freshToken ? unique([...known, ...await runningExtras(deps, token, known)]) : [...known];
  const launchOptions: LaunchOptions = {
    launchToken: token,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
  };
  // `timeout` bounds the whole call: a lookup after a lost answer comes out of the wait's time.
  const started = deps.clock.now();
  let ids: string[];
  try {
    // Each id once: an answer that names the same instance twice must not make it an "extra"
    // to terminate, the very instance waited for.
    // A launch whose answer is lost is looked for as long as the caller was ready to wait.
    ids = unique((await deps.launch(body, launchOptions, settings.timeoutMs)).instance_ids);
  } catch (error) {
    // What the lookup found, and what landed just after it (a launch sent on twice).
    if (error instanceof LaunchAbortedError) {
      throw await cleanUp(deps, await withExtras(error.instanceIds), error, options, token);
    }
    // Listed beside one without a usable id, these can be named: they are terminated, the other
    // stays for Lambda's console, as the error (the cause) says.
    if (error instanceof LaunchOutcomeUnknownError && error.instanceIds.length > 0) {
      const found = await withExtras(error.instanceIds);
      throw await cleanUp(deps, found, error, options, token, unnamedError());
    }
    throw error;
  }
  callSafely(options.onLaunched, [...ids]);
  const id = ids[0]!;
  // One instance was asked for: more means the launch went upstream twice. Only the first is
  // waited for; the others are terminated now rather than left billing unseen.
  await terminateExtras(deps, ids, options, token);
  let instance: Instance;
  let extras: string[];
  try {
    const spent = deps.clock.now() - started;
    if (spent >= settings.timeoutMs) {
      throw new Error(
        `its launch was found only ${Math.round(spent / 1000)} s after it was sent, past the ` +
          `'timeout' of ${Math.round(settings.timeoutMs / 1000)} s`,
      );
    }
    const waitSettings = { ...settings, timeoutMs: settings.timeoutMs - spent };
    const read = (signal: AbortSignal | undefined) => deps.get(id, signal);
    instance = (await waitForInstance(id, read, deps.clock, waitSettings))!;
    extras = freshToken ? await unnamedExtras(deps, token, ids, options.signal) : [];
  } catch (error) {
    // Failed or aborted: what the token finds is cleaned up with it. Listed beside an instance it
    // cannot name (which bills all the same): those it can name are.
    if (error instanceof LaunchOutcomeUnknownError) {
      const found = unique([id, ...error.instanceIds]);
      throw await cleanUp(deps, found, error, options, token, unnamedError());
    }
    throw await cleanUp(deps, await withExtras([id]), error, options, token);
  }
  if (extras.length > 0) await terminateExtras(deps, [id, ...extras], options, token, true);
  return instance;
}

/**
 * The instances carrying `token` that no answer named and that still run: a gateway that sends the
 * launch on twice and hands back one answer leaves such an extra, which one listing by the token,
 * once the instance is up, shows. Bounded by the caller's `signal` (an abort is a failure of the
 * call, as during the wait) and by a time of its own. A listing that cannot tell (no tags, a
 * failure) finds none; one that shows the token on an instance without a usable id throws, since
 * that instance bills and cannot be terminated.
 */
async function unnamedExtras(
  deps: LaunchAndWaitDeps,
  token: string,
  ids: readonly string[],
  signal: AbortSignal | undefined,
): Promise<string[]> {
  const deadline = new Deadline(deps.clock, EXTRAS_LOOKUP_MS);
  try {
    const bound = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
    const listed = await deps.findByToken(token, bound);
    return unique(
      listed.filter((item) => !ids.includes(item.id) && !GONE.has(item.status)).map((i) => i.id),
    );
  } catch (error) {
    signal?.throwIfAborted();
    if (error instanceof LaunchOutcomeUnknownError && error.reason === "listed-without-id") {
      throw error;
    }
    return [];
  } finally {
    deadline.dispose();
  }
}

/**
 * For a cleanup: the instances carrying `token`, beyond `known`, that still run. Not bound to the
 * caller's signal (cleanup is what an abort starts); a listing that cannot tell finds none.
 */
async function runningExtras(
  deps: LaunchAndWaitDeps,
  token: string,
  known: readonly string[],
): Promise<string[]> {
  try {
    return await unnamedExtras(deps, token, known, undefined);
  } catch (error) {
    // Those it can name, beside one it cannot: the error that follows says the rest.
    return error instanceof LaunchOutcomeUnknownError
      ? error.instanceIds.filter((listed) => !known.includes(listed))
      : [];
  }
}

/** Why something a launch made cannot be terminated by the client. */
function unnamedError(): Error {
  return new Error(
    "an instance listed with the launch token has no usable id to terminate it by: find it in " +
      "Lambda's console",
  );
}

/**
 * Terminates every instance of `ids` but the first (the one waited for), which one launch made
 * with it; if that fails, terminates them all and throws, since what bills can no longer be told
 * from what was asked for.
 */
async function terminateExtras(
  deps: LaunchAndWaitDeps,
  ids: readonly string[],
  options: LaunchAndWaitOptions,
  token: string,
  listed = false,
): Promise<void> {
  if (ids.length < 2) return;
  const cleared = await terminateAll(deps, ids.slice(1), listed);
  if (cleared === true) return;
  throw await cleanUp(
    deps,
    ids,
    new Error(
      `Lambda made ${ids.length} instances for one launch, and terminating the extras failed`,
      { cause: cleared },
    ),
    options,
    token,
  );
}

/**
 * Terminates what a failed launch-and-wait made, unless told not to, and says how it went.
 * `leftBilling` says why something it made cannot be terminated by id: then it never reports
 * everything terminated.
 */
async function cleanUp(
  deps: LaunchAndWaitDeps,
  ids: readonly string[],
  failure: unknown,
  options: LaunchAndWaitOptions,
  token: string,
  leftBilling?: Error,
): Promise<LaunchWaitError> {
  if (options.terminateOnFailure === false) {
    return new LaunchWaitError(ids, false, failure, leftBilling, token);
  }
  const cleared = await terminateAll(deps, ids);
  return cleared === true && leftBilling === undefined
    ? new LaunchWaitError(ids, true, failure, undefined, token)
    : new LaunchWaitError(ids, false, failure, cleared === true ? leftBilling : cleared, token);
}

/**
 * Terminates `ids` and sees each one `terminating` or `terminated`, trying again for up to a minute:
 * a fresh instance can answer 404 for a moment, an answer that does not list an instance as
 * terminating proves nothing, and a failed terminate may have worked all the same. The minute
 * bounds everything, requests in flight included: when it is up, a terminate or read still waiting
 * for an answer (or for its retry, or its turn) is cut off. Not bound to the caller's signal: an
 * abort is exactly when cleanup must still happen, and a signal aborts only once, so the first
 * terminate always goes out. Resolves with `true`, or with why it could not confirm. Instances
 * seen in a listing (`listed`) are gone when they answer 404.
 */
async function terminateAll(
  deps: LaunchAndWaitDeps,
  ids: readonly string[],
  listed = false,
): Promise<unknown> {
  const deadline = new Deadline(deps.clock, CLEANUP_MS);
  const { signal } = deadline;
  const pending = new Set(ids);
  let lastError: unknown;
  try {
    while (!signal.aborted) {
      for (const id of [...pending]) {
        try {
          const answer = await deps.terminate(id, signal);
          const seen = answer?.terminated_instances?.find?.((instance) => instance?.id === id);
          if (seen && GONE.has(seen.status)) {
            pending.delete(id);
            continue;
          }
          if (GONE.has((await deps.get(id, signal)).status)) pending.delete(id);
        } catch (error) {
          if (signal.aborted) break; // the minute is up, with this request unanswered
          // One seen in a listing is past the moments a fresh instance answers 404: Lambda's own
          // "does not exist" means it is gone (a proxy's 404 page proves nothing).
          if (
            listed && error instanceof NotFoundError &&
            error.code === "global/object-does-not-exist"
          ) {
            pending.delete(id);
            continue;
          }
          lastError = error;
          // Lambda refuses to terminate what is already terminating (SkyPilot #3410): after a
          // terminate whose answer was lost, the retry fails though the first one worked.
          const seen = await deps.get(id, signal).catch(() => undefined);
          if (seen && GONE.has(seen.status)) pending.delete(id);
        }
      }
      if (pending.size === 0) return true;
      try {
        await deps.clock.sleep(Math.min(CLEANUP_INTERVAL_MS, deadline.remainingMs), signal);
      } catch {
        break; // the minute is up
      }
      if (deadline.remainingMs <= 0) break;
    }
  } finally {
    deadline.dispose();
  }
  return lastError instanceof NotFoundError || lastError === undefined
    ? new Error(
      `could not see ${[...pending].join(", ")} terminating within ${CLEANUP_MS / 1000} s`,
    )
    : lastError;
}
