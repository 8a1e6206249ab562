// One launch, sent at most once: after a failure whose outcome is unknown, its token is looked for
// rather than the launch sent again.

import { abortable } from "../_deadline.ts";
import { unusableAnswer } from "../transport/_answer.ts";
import { isOutcomeUnknown } from "../transport/_retry.ts";
import type { SendTracker } from "../transport/_transport.ts";
import { checkLaunchRequest } from "../_rules/instances.ts";
import { isRecord, isUsableId, jsonCopy, snapshotBody } from "../_validate.ts";
import type { InstanceLaunchRequest, InstanceLaunchResponse } from "../types/instances.ts";
import { lookForLaunch } from "./_find.ts";
import type { InstanceOps } from "./_ops.ts";
import { type LaunchSettings, launchSettings } from "./_settings.ts";
import { isTokenTag, type LaunchPlan, planLaunch } from "./_token.ts";
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
  const settings = launchSettings(ACTION, options, ops.attemptTimeoutMs);
  return await launchOnce(ops, planLaunch(checked, settings.launchToken), settings);
}

/**
 * `client.request("launchInstance")`: sends the body's JSON, once, and adds a token to that copy
 * or finds one in it: on the body itself, a `toJSON()` or a getter could send another one.
 */
export async function launchRaw(
  ops: InstanceOps,
  given: unknown,
  options: LaunchOptions = {},
): Promise<InstanceLaunchResponse> {
  const body = jsonCopy(ACTION, given) as InstanceLaunchRequest;
  const settings = launchSettings(ACTION, options, ops.attemptTimeoutMs);
  // Left out, the body's own token is used; with none, nothing is added.
  const carries = Array.isArray(body?.tags) && body.tags.some(isTokenTag);
  return await launchOnce(ops, planLaunch(body, settings.launchToken ?? carries), settings);
}

/** Sends the launch `plan` decided, once, and returns the ids it made. */
export async function launchOnce(
  ops: InstanceOps,
  plan: LaunchPlan,
  settings: LaunchSettings,
): Promise<InstanceLaunchResponse> {
  const { body, token } = plan;
  const { signal } = settings.request;
  const hint = token === undefined ? undefined : `the launch carried launch token '${token}'`;
  // Awaited only when given, so that a launch made beside other calls keeps its place in the
  // limiter's queue. Nothing is sent yet: the caller's abort ends a wait for it at once.
  if (token !== undefined && settings.onLaunchToken) {
    await abortable(Promise.resolve().then(() => settings.onLaunchToken!(token)), signal);
  }
  const tracker: SendTracker = { mayHaveActed: false };
  let failure: unknown;
  try {
    const data = await ops.launch(body, settings.request, { tracker, ambiguityHint: hint });
    // Returned as it came, with fields this client does not know yet; an id named twice is one.
    if (isLaunchAnswer(data)) return { ...data, instance_ids: [...new Set(data.instance_ids)] };
    // Lambda said it launched, but not what: look for it rather than guess.
    failure = unusableAnswer(ACTION, { data }, hint);
  } catch (error) {
    // Only a launch that may have reached the server is looked for: one never handed to fetch (a
    // key that timed out) or refused is not, whatever the error.
    if (!tracker.mayHaveActed || (!signal?.aborted && !isOutcomeUnknown(error))) throw error;
    failure = signal?.aborted ? signal.reason : error;
  }
  return { instance_ids: await lookForLaunch(ops, plan, settings, failure) };
}

/** Whether `data` is a launch answer: `{instance_ids: [id, …]}`, with at least one usable id. */
function isLaunchAnswer(data: unknown): data is InstanceLaunchResponse {
  const ids = isRecord(data) ? data.instance_ids : undefined;
  return Array.isArray(ids) && ids.length > 0 && ids.every(isUsableId);
}
