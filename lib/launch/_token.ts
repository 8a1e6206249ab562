// The launch token: chosen once per launch, carried as a tag, and read back off instances.

import { checkString, describeValue, isRecord } from "../_validate.ts";
import type { InstanceLaunchRequest } from "../types/instances.ts";
import { LAUNCH_TOKEN_KEY } from "./options.ts";

const ACTION = "launch instance";
const TOKEN_MAX_LENGTH = 128;

/** One launch, decided before anything is sent: the body that goes out and the token it carries. */
export interface LaunchPlan {
  /** The body as sent: the caller's, with the token's tag added when it had none. */
  readonly body: InstanceLaunchRequest;
  /** The token it carries; `undefined` for `launchToken: false`. */
  readonly token: string | undefined;
  /** Whether the token was made for this launch: a caller's own may be an earlier launch's too. */
  readonly fresh: boolean;
}

/** Decides the token of a launch of `body` (JSON data): the caller's, the body's, or a new one. */
export function planLaunch(
  body: InstanceLaunchRequest,
  launchToken: boolean | string | undefined,
): LaunchPlan {
  // A raw body may be anything: only an array of tags is read for a token, or given one.
  const tags: unknown[] = Array.isArray(body?.tags) ? body.tags : [];
  const tokenTags = tags.flatMap((tag, index) => isTokenTag(tag) ? [{ tag, index }] : []);
  if (tokenTags.length > 1) {
    throw new RangeError(
      `Cannot ${ACTION}: 'tags' must hold at most one ${LAUNCH_TOKEN_KEY} tag, received ${tokenTags.length}`,
    );
  }
  // A token of the caller's, in the body, obeys the same rules as one passed as launchToken.
  const inBody = tokenTags[0] &&
    checkLaunchToken(ACTION, `tags[${tokenTags[0].index}].value`, tokenTags[0].tag.value);
  if (launchToken === false) return { body, token: undefined, fresh: false };
  if (!isRecord(body) || (body.tags !== undefined && !Array.isArray(body.tags))) {
    throw new TypeError(
      `Cannot ${ACTION}: 'launchToken' needs a body that is an object whose 'tags' is an array, received ${
        describeValue(isRecord(body) ? body.tags : body)
      }`,
    );
  }
  const given = launchToken === undefined || launchToken === true
    ? undefined
    : checkLaunchToken(ACTION, "launchToken", launchToken);
  if (inBody !== undefined) {
    if (given !== undefined && given !== inBody) {
      throw new TypeError(
        `Cannot ${ACTION}: 'launchToken' and the body's ${LAUNCH_TOKEN_KEY} tag differ, received ${
          describeValue(given)
        } and ${describeValue(inBody)}`,
      );
    }
    return { body, token: inBody, fresh: false };
  }
  const token = given ?? crypto.randomUUID().replaceAll("-", "");
  const tag = { key: LAUNCH_TOKEN_KEY, value: token };
  return { body: { ...body, tags: [...body.tags ?? [], tag] }, token, fresh: given === undefined };
}

/** Requires a launch token: a string a tag value can hold. */
export function checkLaunchToken(action: string, name: string, value: unknown): string {
  return checkString(action, name, value, { maxLength: TOKEN_MAX_LENGTH });
}

/** Whether `tag` is a launch-token tag, whatever its value. */
export function isTokenTag(tag: unknown): tag is { key: string; value?: unknown } {
  return isRecord(tag) && tag.key === LAUNCH_TOKEN_KEY;
}

/**
 * Whether `instance` shows launch token `token`: `"yes"` when a tag carries it, whatever the other
 * tags look like; `"no"` when its tags are all as the spec has them (`{key, value}` strings) and
 * none carries it; `"unknown"` when it lists no tags, or some in another form (`"key=value"`,
 * `{Key, Value}`) that may carry the token unseen.
 */
export function showsToken(
  instance: Record<string, unknown>,
  token: string,
): "yes" | "no" | "unknown" {
  const { tags } = instance;
  if (!Array.isArray(tags)) return "unknown";
  if (tags.some((tag) => isTokenTag(tag) && tag.value === token)) return "yes";
  const readable = tags.every((tag) =>
    isRecord(tag) && typeof tag.key === "string" && typeof tag.value === "string"
  );
  return readable ? "no" : "unknown";
}
