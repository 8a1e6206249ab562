// One launch, sent at most once: after a failure whose outcome is unknown, its token is looked for
// rather than the launch sent again.

import { abortable } from "../_deadline.ts";
import { unusableAnswer } from "../transport/_answer.ts";
import { isOutcomeUnknown } from "../transport/_retry.ts";
import type { SendTracker } from "../transport/_transport.ts";
import { checkLaunchRequest } from "../_rules/instances.ts";
import { isRecord, isUsableId, jsonCopy, snapshotBody } from "../_validate.ts";
import type { InstanceLaunchRequest, InstanceLaunchResponse } from "../types/instances.ts";
import { lookForLaunch } from "./_lookup.ts";
import type { InstanceOps } from "./_ops.ts";
import { type LaunchSettings, launchSettings } from "./_settings.ts";
import { isTokenTag, type LaunchPlan, planLaunch } from "./_token.ts";
import {
  LaunchAbortedError,
  LaunchOutcomeUnknownError,
  UnidentifiedInstanceError,
} from "./errors.ts";
import type { LaunchOptions } from "./options.ts";

const ACTION = "launch instance";

/** `client.instances.launch()`: checks `body` against the API's rules, then sends it once. */
export async function launch(
  ops: InstanceOps,
  body: InstanceLaunchRequest,
  options: LaunchOptions = {},
): Promise<InstanceLaunchResponse> {
  const checked = snapshotBody(ACTION, body);
  checkLaunchRequest(checked);
  const { launchToken, ...settings } = launchSettings(ACTION, options, ops.attemptTimeoutMs);
  return await launchOnce(ops, planLaunch(checked, launchToken), settings);
}

/**
 * `client.request("launchInstance")`: sends a body as the caller gave it. No token is added unless
 * `launchToken` asks for one, but a token the body already carries is looked for when the outcome
 * is unknown, and the launch is never sent again after it may have acted.
 */
export async function launchRaw(
  ops: InstanceOps,
  given: unknown,
  options: LaunchOptions = {},
): Promise<InstanceLaunchResponse> {
  // What goes out is the body's JSON: a token is added to, or looked for in, a copy of that. On the
  // body itself, a `toJSON()` or a getter could send another token than the one looked for.
  const body = jsonCopy(ACTION, given) as InstanceLaunchRequest;
  const { launchToken, ...settings } = launchSettings(ACTION, options, ops.attemptTimeoutMs);
  // Left out, the body's own token is used; with none, nothing is added.
  const carries = Array.isArray(body?.tags) && body.tags.some(isTokenTag);
  return await launchOnce(ops, planLaunch(body, launchToken ?? carries), settings);
}

/**
 * Sends the launch `plan` decided, and returns the ids it made. Never sends it again after a
 * failure of unknown outcome: looks for its token instead, and throws what the lookup found out.
 */
export async function launchOnce(
  ops: InstanceOps,
  plan: LaunchPlan,
  settings: LaunchSettings,
): Promise<InstanceLaunchResponse> {
  const { body, token } = plan;
  const signal = settings.request.signal;
  const hint = token === undefined ? undefined : `the launch carried launch token '${token}'`;
  // Awaited only when given: a launch made beside other calls keeps its place in the limiter's
  // queue, which is the order calls reach it.
  if (token !== undefined && settings.onLaunchToken) {
    // Nothing is sent yet, so the caller's abort ends a wait for it at once.
    await abortable(Promise.resolve().then(() => settings.onLaunchToken!(token)), signal);
  }
  const tracker: SendTracker = { mayHaveActed: false };
  let failure: unknown;
  try {
    const data = await ops.launch(body, settings.request, { tracker, ambiguityHint: hint });
    // Returned as it came, so that fields this client does not know yet are not lost; an id
    // named twice is one instance, named once.
    if (isLaunchAnswer(data)) return withUniqueIds(data);
    // Lambda said it launched, but not what: look for it rather than guess.
    failure = unusableAnswer(ACTION, { data }, hint);
  } catch (error) {
    // Only a launch that may have reached the server is looked for: one never handed to fetch (a
    // key that timed out) or refused is not, whatever the error.
    if (!tracker.mayHaveActed || (!signal?.aborted && !isOutcomeUnknown(error))) throw error;
    failure = signal?.aborted ? signal.reason : error;
  }
  if (token === undefined) {
    throw new LaunchOutcomeUnknownError({
      launchToken: undefined,
      request: body,
      reason: "no-token",
      aborted: signal?.aborted === true,
    }, { cause: failure });
  }
  const started = ops.clock.now();
  const found = await lookForLaunch(ops, token, settings.lookup, signal);
  const aborted = signal?.aborted === true;
  if (found.ids === undefined) {
    throw new LaunchOutcomeUnknownError({
      launchToken: token,
      request: body,
      reason: found.reason,
      lookedForMs: ops.clock.now() - started,
      aborted,
      lookupError: found.lastError,
    }, { cause: failure });
  }
  if (found.unusableIds.length > 0) {
    throw new UnidentifiedInstanceError({
      launchToken: token,
      request: body,
      listedIds: found.unusableIds,
      instanceIds: found.ids,
      aborted,
    }, { cause: failure });
  }
  if (aborted) {
    throw new LaunchAbortedError({ instanceIds: found.ids, launchToken: token, request: body }, {
      cause: signal.reason,
    });
  }
  return { instance_ids: found.ids };
}

/** Whether `data` is a launch answer: `{instance_ids: [id, …]}`, with at least one usable id. */
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
