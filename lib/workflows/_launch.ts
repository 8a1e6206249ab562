// The machinery of a safe launch: the launch token, one send, and the lookup after a failure of
// unknown outcome. The public shapes and errors are in launch.ts.

import { Deadline } from "../_deadline.ts";
import { isOutcomeUnknown, isRetryable, RETRY_IDEMPOTENT } from "../_retry.ts";
import type { SendTracker, Transport } from "../_transport.ts";
import {
  checkNonNegativeNumber,
  checkObject,
  checkString,
  checkTimeout,
  describeValue,
} from "../_validate.ts";
import { InvalidResponseError } from "../errors.ts";
import { isUsableId, jsonCopy } from "../_validate.ts";
import type { RequestOptions } from "../options.ts";
import type {
  Instance,
  InstanceLaunchRequest,
  InstanceLaunchResponse,
} from "../types/instances.ts";
import {
  LAUNCH_TOKEN_KEY,
  LaunchAbortedError,
  type LaunchLookupFailure,
  type LaunchLookupOptions,
  type LaunchOptions,
  LaunchOutcomeUnknownError,
} from "./launch.ts";

/** What a launch needs from the client. */
export interface LaunchDeps {
  transport: Transport;
  /** Lists instances once, with no retry, bounded by `signal`. */
  list: (signal?: AbortSignal) => Promise<unknown>;
  /** Reads one instance once, with no retry, bounded by `signal`. */
  get: (id: string, signal?: AbortSignal) => Promise<unknown>;
}

/**
 * The launch needs of a client, on its transport: one listing or one read, not retried (a lookup
 * polls again by itself). With a caller's `options` (a one-off search), those apply instead, with
 * the client's retries.
 */
export function launchDeps(transport: Transport, options?: RequestOptions): LaunchDeps {
  const once = (signal: AbortSignal | undefined): RequestOptions =>
    options ?? (signal === undefined ? { maxRetries: 0 } : { maxRetries: 0, signal });
  return {
    transport,
    list: (signal) => transport.call("listInstances", {}, once(signal)),
    get: (id, signal) => transport.call("getInstance", { path: { id } }, once(signal)),
  };
}

// A listing may leave tags out (the spec makes them optional); such instances are read one by
// one, up to this many per lookup, since each read takes a turn of the rate limit.
const MAX_READS_PER_LOOKUP = 20;

/** What reading untagged instances by id found out, across the rounds of one lookup. */
type Reads = Map<string, "other" | "untagged" | Instance>;

const ACTION = "launch instance";

const DEFAULT_LOOKUP_MS = 120_000;

const DEFAULT_LOOKUP_INTERVAL_MS = 5000;

const DEFAULT_LOOKUP_AFTER_ABORT_MS = 15_000;

const TOKEN_MAX_LENGTH = 128;

// Tokens made by mintLaunchToken() and not used yet: fresh, though the caller passes them. Bounded,
// since a caller may mint and never launch.
const minted = new Set<string>();
const MAX_MINTED = 1000;

/**
 * A fresh launch token for a caller that must know it before the launch (the command line, to
 * name it if interrupted): passed as `launchToken`, it counts as one made for that launch, which
 * nothing else carries, as a caller's own token cannot.
 */
export function mintLaunchToken(): string {
  const token = randomLaunchToken();
  minted.add(token);
  if (minted.size > MAX_MINTED) minted.delete(minted.values().next().value!);
  return token;
}

/** A random launch token: 32 hex digits. */
export function randomLaunchToken(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

/**
 * Whether the token a launch will carry is fresh (made by {@linkcode chooseLaunchToken} or
 * {@linkcode mintLaunchToken}), so that nothing else carries it. A token of the caller's may be
 * one an earlier launch carries (a body whose tags were copied from a running instance). A minted
 * token counts once: this uses it up.
 */
export function takesFreshToken(
  body: InstanceLaunchRequest,
  launchToken: LaunchOptions["launchToken"],
): boolean {
  const tags: unknown[] = Array.isArray(body?.tags) ? body.tags : [];
  const inBody = tags.find(isTokenTag) as { value?: unknown } | undefined;
  if (launchToken === undefined || launchToken === true) {
    return inBody === undefined || minted.delete(inBody.value as string);
  }
  return typeof launchToken === "string" && minted.delete(launchToken);
}

/** The token a launch will carry: the caller's, the body's, or a fresh one; none for `false`. */
export function chooseLaunchToken(
  body: InstanceLaunchRequest,
  launchToken: LaunchOptions["launchToken"],
): string | undefined {
  // A raw body may be anything: only an array of objects is read for tags.
  const tags: unknown[] = Array.isArray(body?.tags) ? body.tags : [];
  const tokenTags = tags.flatMap((tag, index) =>
    isTokenTag(tag) ? [{ tag: tag as { value?: unknown }, index }] : []
  );
  if (tokenTags.length > 1) {
    throw new RangeError(
      `Cannot ${ACTION}: 'tags' must hold at most one ${LAUNCH_TOKEN_KEY} tag, received ${tokenTags.length}`,
    );
  }
  // A token of the caller's, in the body, obeys the same rules as one passed as launchToken.
  const inBody = tokenTags[0] === undefined
    ? undefined
    : checkLaunchToken(ACTION, `tags[${tokenTags[0].index}].value`, tokenTags[0].tag.value);
  if (launchToken === undefined || launchToken === true) {
    return inBody ?? randomLaunchToken();
  }
  if (launchToken === false) return undefined;
  const token = checkLaunchToken(ACTION, "launchToken", launchToken);
  if (inBody !== undefined && inBody !== token) {
    throw new TypeError(
      `Cannot ${ACTION}: 'launchToken' and the body's ${LAUNCH_TOKEN_KEY} tag differ, received ${
        describeValue(token)
      } and ${describeValue(inBody)}`,
    );
  }
  return token;
}

/** Requires a launch token: a string a tag value can hold. */
export function checkLaunchToken(action: string, name: string, value: unknown): string {
  if (typeof value !== "string" && typeof value !== "boolean") {
    throw new TypeError(
      `Cannot ${action}: '${name}' must be a string or a boolean, received ${describeValue(value)}`,
    );
  }
  return checkString(action, name, value, { maxLength: TOKEN_MAX_LENGTH });
}

interface LookupSettings {
  timeoutMs: number;
  intervalMs: number;
  afterAbortMs: number;
}

function checkLookup(options: LaunchLookupOptions | undefined, atLeastMs: number): LookupSettings {
  const lookup = options === undefined ? {} : checkObject(ACTION, "lookup", options);
  return {
    timeoutMs: lookup.timeout === undefined
      ? Math.max(DEFAULT_LOOKUP_MS, atLeastMs)
      : checkTimeout(ACTION, "lookup.timeout", lookup.timeout),
    intervalMs: checkNonNegativeNumber(
      ACTION,
      "lookup.interval",
      lookup.interval ?? DEFAULT_LOOKUP_INTERVAL_MS,
    ),
    afterAbortMs: checkTimeout(
      ACTION,
      "lookup.timeoutAfterAbort",
      lookup.timeoutAfterAbort ?? DEFAULT_LOOKUP_AFTER_ABORT_MS,
    ),
  };
}

/**
 * Sends one launch of a body as the caller gave it (`client.request("launchInstance")`): no token
 * is added unless `launchToken` asks for one, but a token the body already carries is looked for
 * when the outcome is unknown, and the launch is never sent again after it may have acted.
 */
export async function launchRaw(
  deps: LaunchDeps,
  given: unknown,
  options: LaunchOptions = {},
): Promise<InstanceLaunchResponse> {
  const { launchToken, ...rest } = options;
  // What goes out is the body's JSON: a copy of that is sent, and a token is added to, or looked
  // for in, the copy. Added to the body itself, a `toJSON()` would drop it from what is sent while
  // the client looked for it; a getter could show one token here and send another.
  const body = jsonCopy(ACTION, given);
  const taggable = isRecord(body) && (body.tags === undefined || Array.isArray(body.tags));
  if (!taggable && launchToken !== undefined && launchToken !== false) {
    throw new TypeError(
      `Cannot ${ACTION}: 'launchToken' needs a body that is an object whose 'tags' is an array, received ${
        describeValue(isRecord(body) ? body.tags : body)
      }`,
    );
  }
  const carries = taggable && Array.isArray(body.tags) && body.tags.some(isTokenTag);
  // Left out, the body's own token is used; with none, nothing is added.
  const token = launchToken ?? carries;
  return await launchOnce(deps, body as InstanceLaunchRequest, { ...rest, launchToken: token });
}

/**
 * Sends one launch of a checked body, and returns the ids it made. Never sends it again after a
 * failure of unknown outcome: looks for its token instead. `body` must be plain JSON data (a copy
 * of what the caller gave): the token tag is added to a shallow copy of it, which a `toJSON()` or
 * a getter would not carry. Unless `options.lookup` sets its own, the lookup lasts at least
 * `lookupAtLeastMs` (a launch-and-wait's whole wait: its caller was ready to wait that long).
 */
export async function launchOnce(
  deps: LaunchDeps,
  body: InstanceLaunchRequest,
  options: LaunchOptions,
  lookupAtLeastMs = 0,
): Promise<InstanceLaunchResponse> {
  const { launchToken, lookup, ...requestOptions } = options;
  const token = chooseLaunchToken(body, launchToken);
  const attemptMs = requestOptions.timeout ?? deps.transport.timeoutMs;
  const settings = checkLookup(
    lookup,
    Math.max(typeof attemptMs === "number" ? attemptMs : 0, lookupAtLeastMs),
  );
  const sent: InstanceLaunchRequest = token === undefined || body.tags?.some(isTokenTag)
    ? body
    : { ...body, tags: [...body.tags ?? [], { key: LAUNCH_TOKEN_KEY, value: token }] };
  const tracker: SendTracker = { mayHaveActed: false };
  const signal = requestOptions.signal;
  let failure: unknown;
  try {
    const data = await deps.transport.call<unknown>(
      "launchInstance",
      { body: sent },
      requestOptions,
      {
        tracker,
        ...(token === undefined
          ? {}
          : { ambiguityHint: `the launch carried launch token '${token}'` }),
      },
    );
    // Returned as it came, so that fields this client does not know yet are not lost; an id
    // named twice is one instance, named once.
    if (isLaunchAnswer(data)) return withUniqueIds(data);
    // Lambda said it launched, but not what: look for it rather than guess.
    failure = new InvalidResponseError(
      ACTION,
      200,
      JSON.stringify({ data }) ?? "",
      new Headers(),
      token === undefined ? undefined : `the launch carried launch token '${token}'`,
    );
  } catch (error) {
    if (signal?.aborted ? !tracker.mayHaveActed : !isOutcomeUnknown(error)) throw error;
    failure = signal?.aborted ? signal.reason : error;
  }
  const aborted = signal?.aborted === true;
  if (token === undefined) {
    throw new LaunchOutcomeUnknownError({
      launchToken: undefined,
      request: sent,
      reason: "no-token",
      aborted,
    }, { cause: failure });
  }
  const started = deps.transport.clock.now();
  const found = await lookForLaunch(deps, token, settings, signal);
  if (found.ids) {
    if (signal?.aborted) {
      throw new LaunchAbortedError({ instanceIds: found.ids, launchToken: token, request: sent }, {
        cause: signal.reason,
      });
    }
    return { instance_ids: found.ids };
  }
  throw new LaunchOutcomeUnknownError({
    launchToken: token,
    request: sent,
    reason: found.reason,
    lookedForMs: deps.transport.clock.now() - started,
    aborted: signal?.aborted === true,
    lookupError: found.lastError,
    ...(found.listedIds === undefined ? {} : { listedIds: found.listedIds }),
    ...(found.instanceIds === undefined ? {} : { instanceIds: found.instanceIds }),
  }, { cause: failure });
}

type LookupResult =
  | { ids: string[]; reason?: undefined; lastError?: undefined; listedIds?: undefined }
  | {
    ids?: undefined;
    reason: Exclude<LaunchLookupFailure, "no-token">;
    lastError: unknown;
    /** For `listed-without-id`: the ids the listing gave the instances that carry the token. */
    listedIds?: unknown[];
    instanceIds?: string[];
  };

/**
 * Lists instances until one carries `token`, for `settings.timeoutMs`, or for at most
 * `settings.afterAbortMs` once `callerSignal` aborts (it may have aborted already). Each listing
 * goes through the rate limiter; transient failures are waited out. An instance listed with the
 * token but without a usable id ends the lookup at once: it launched, and cannot be named.
 */
async function lookForLaunch(
  deps: LaunchDeps,
  token: string,
  settings: LookupSettings,
  callerSignal: AbortSignal | undefined,
): Promise<LookupResult> {
  const clock = deps.transport.clock;
  const deadline = new Deadline(clock, settings.timeoutMs);
  const onAbort = () => deadline.shorten(settings.afterAbortMs);
  if (callerSignal?.aborted) onAbort();
  else callerSignal?.addEventListener("abort", onAbort, { once: true });
  let untagged = false;
  let lastError: unknown;
  let answered = false;
  const reads: Reads = new Map();
  try {
    for (;;) {
      try {
        const seen = withToken(await deps.list(deadline.signal), token);
        answered = true;
        if (seen.unusableIds.length > 0) {
          return {
            reason: "listed-without-id",
            lastError: undefined,
            listedIds: seen.unusableIds,
            instanceIds: unique(seen.ids),
          };
        }
        if (seen.ids.length > 0) return { ids: unique(seen.ids) };
        const found = await readUntagged(deps, seen, token, reads, deadline.signal);
        if (found.length > 0) return { ids: found.map((instance) => instance.id) };
        untagged = stillUnknown(seen, reads);
        lastError = undefined;
      } catch (error) {
        if (deadline.signal.aborted) {
          // "Not listed" would claim a look that never happened.
          if (!answered) {
            lastError = new Error(
              `no listing was answered before the lookup's ${
                Math.round(settings.timeoutMs / 1000)
              } s were up`,
              { cause: error },
            );
          }
          break;
        }
        lastError = error;
        if (!isRetryable(RETRY_IDEMPOTENT, error)) {
          return { reason: "listing-failed", lastError };
        }
      }
      const remaining = deadline.remainingMs;
      if (remaining <= 0) break;
      try {
        await clock.sleep(Math.min(settings.intervalMs, remaining), deadline.signal);
      } catch {
        break; // the deadline passed
      }
    }
  } finally {
    deadline.dispose();
    callerSignal?.removeEventListener("abort", onAbort);
  }
  return untagged
    ? { reason: "untagged-listing", lastError }
    : lastError === undefined
    ? { reason: "not-listed", lastError }
    : { reason: "listing-failed", lastError };
}

/**
 * Finds the instances that carry launch token `token`: one listing, and a read of each instance
 * it lists without tags. Throws a {@linkcode LaunchOutcomeUnknownError} when none does and some
 * instance's tags could not be seen, since it then cannot tell, and when one that carries it is
 * listed without a usable id: that launch happened, and an empty answer would say it did not.
 */
export async function findByLaunchToken(deps: LaunchDeps, token: string): Promise<Instance[]> {
  const listing = await deps.list();
  const seen = withToken(listing, token);
  if (seen.unusableIds.length > 0) {
    throw new LaunchOutcomeUnknownError({
      launchToken: token,
      request: undefined,
      reason: "listed-without-id",
      listedIds: seen.unusableIds,
      instanceIds: unique(seen.ids),
    });
  }
  const reads: Reads = new Map();
  const found = await readUntagged(deps, seen, token, reads, undefined);
  if (seen.ids.length === 0 && found.length === 0 && stillUnknown(seen, reads)) {
    throw new LaunchOutcomeUnknownError({
      launchToken: token,
      request: undefined,
      reason: "untagged-listing",
    });
  }
  // A listing that shows an instance twice names it once.
  const listed = (listing as Instance[]).filter((instance, index, all) =>
    seen.ids.includes(instance?.id) &&
    all.findIndex((other) => other?.id === instance.id) === index
  );
  return [...listed, ...found];
}

/**
 * Reads the instances a listing showed without tags, each at most once per lookup, and returns
 * those whose read shows `token`. A read that fails is tried again in a later round; an abort
 * ends the reading.
 */
async function readUntagged(
  deps: LaunchDeps,
  seen: Sighting,
  token: string,
  reads: Reads,
  signal: AbortSignal | undefined,
): Promise<Instance[]> {
  const found: Instance[] = [];
  for (const id of seen.untaggedIds) {
    if (reads.has(id)) continue;
    if (reads.size >= MAX_READS_PER_LOOKUP) break;
    let instance: unknown;
    try {
      instance = await deps.get(id, signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      continue;
    }
    const shows = isRecord(instance) ? showsToken(instance, token) : "unknown";
    if (shows === "unknown") {
      reads.set(id, "untagged");
    } else if (shows === "yes" && isRecord(instance)) {
      // It was read by `id`: that is its id, whatever the answer's own field says.
      const named = (instance.id === id ? instance : { ...instance, id }) as unknown as Instance;
      reads.set(id, named);
      found.push(named);
    } else {
      reads.set(id, "other");
    }
  }
  return found;
}

/** Whether some listed instance may carry the token unseen: its tags were neither listed nor read. */
function stillUnknown(seen: Sighting, reads: Reads): boolean {
  return seen.unnamed || seen.untaggedIds.some((id) => reads.get(id) !== "other");
}

/** What one listing shows of a launch token. */
interface Sighting {
  /** The listed instances that carry the token. */
  ids: string[];
  /** The listed instances with no tags, which may carry it unseen. */
  untaggedIds: string[];
  /** Whether some listed instance had neither tags nor an id to read it by. */
  unnamed: boolean;
  /** The `id` fields (missing, empty, a number…) of listed instances that carry the token. */
  unusableIds: unknown[];
}

/**
 * What a listing shows of `token`: the instances that carry it, and those listed without tags.
 * Reads the listing defensively: it comes off the network.
 */
function withToken(listing: unknown, token: string): Sighting {
  if (!Array.isArray(listing)) {
    throw new InvalidResponseError(
      "list instances",
      200,
      JSON.stringify({ data: listing }) ?? "",
      new Headers(),
    );
  }
  const sighting: Sighting = { ids: [], untaggedIds: [], unnamed: false, unusableIds: [] };
  for (const item of listing) {
    if (!isRecord(item)) continue;
    const id = isUsableId(item.id) ? item.id : undefined;
    const shows = showsToken(item, token);
    if (shows === "unknown") {
      if (id === undefined) sighting.unnamed = true;
      else sighting.untaggedIds.push(id);
      continue;
    }
    // One that carries the token but no usable id launched all the same: never dropped.
    if (shows === "yes" && id !== undefined) sighting.ids.push(id);
    else if (shows === "yes") sighting.unusableIds.push(item.id);
  }
  return sighting;
}

/** The ids in a launch answer, or `undefined` when it is not `{instance_ids: [id, …]}`. */
function isLaunchAnswer(data: unknown): data is InstanceLaunchResponse {
  if (!isRecord(data)) return false;
  const ids = data.instance_ids;
  return Array.isArray(ids) && ids.length > 0 && ids.every(isUsableId);
}

/** `answer`, with each id in `instance_ids` once: a repeated id is not a second instance. */
function withUniqueIds(answer: InstanceLaunchResponse): InstanceLaunchResponse {
  const ids = unique(answer.instance_ids);
  return ids.length === answer.instance_ids.length ? answer : { ...answer, instance_ids: ids };
}

/** `ids` in their order, each once. */
export function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

/**
 * Whether `instance` shows launch token `token`: `"yes"` when a tag carries it, whatever the other
 * tags look like; `"no"` when its tags are all as the spec has them (`{key, value}` strings) and
 * none carries it; `"unknown"` when it lists no tags, or some in another form (`"key=value"`,
 * `{Key, Value}`) that may carry the token unseen.
 */
function showsToken(instance: Record<string, unknown>, token: string): "yes" | "no" | "unknown" {
  const { tags } = instance;
  if (!Array.isArray(tags)) return "unknown";
  if (tags.some((tag) => isTokenTag(tag) && tag.value === token)) return "yes";
  const readable = tags.every((tag) =>
    isRecord(tag) && typeof tag.key === "string" && typeof tag.value === "string"
  );
  return readable ? "no" : "unknown";
}

function isTokenTag(tag: unknown): tag is { key: string; value?: unknown } {
  return isRecord(tag) && tag.key === LAUNCH_TOKEN_KEY;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
