// Reading an answer once its body is in: the key redacted wherever a server echoed it, the JSON
// envelope checked against the shape the spec gives, and a failure turned into a typed error.

import { holdsSecret, MIN_REDACTED_LENGTH, redactKey, redactSecret } from "../_redact.ts";
import { isRecord } from "../_validate.ts";
import type { Clock } from "../clock.ts";
import { createApiError } from "../errors.ts";
import { InvalidResponseError } from "../no_answer_errors.ts";
import type { SpecOperation } from "../spec/types.ts";
import { parseRetryAfter } from "./_retry.ts";

/** What is read of a response once its body is in. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly type: string;
}

/** What reading an answer needs to know of the operation it answers. */
export interface AnswerContext {
  action: string;
  /** Return the whole answer rather than its `data`, for answers with fields beside it. */
  wholeEnvelope?: boolean | undefined;
  /** The shape the answer's `data` must have to be handed on; any when left out. */
  dataShape?: SpecOperation["data"] | undefined;
  /** Added to errors after which the outcome is unknown, such as a create that timed out. */
  ambiguityHint?: string | undefined;
}

/**
 * The error for an answer the transport handed on (`envelope`, a success) that a workflow finds it
 * cannot use, such as a launch's without instance ids.
 */
export function unusableAnswer(
  action: string,
  envelope: unknown,
  hint?: string,
): InvalidResponseError {
  return new InvalidResponseError(action, 200, JSON.stringify(envelope) ?? "", new Headers(), hint);
}

/**
 * The answer's `data` (the whole answer when `wholeEnvelope`), or the typed error it is. A server
 * that echoes the Authorization header, even JSON-escaped, must not carry the key into results,
 * errors or logs: the scan is cheap next to parsing, and the deep walk only runs when the body
 * holds escapes that could hide the key.
 */
export function readAnswer<T>(
  operation: AnswerContext,
  response: Answer,
  raw: string,
  apiKey: string,
  clock: Clock,
): T {
  const { status } = response;
  const text = redactKey(raw, apiKey);
  const parsed = parseJson(text);
  const json = text.includes("\\") ? redactDeep(parsed, apiKey) : parsed;
  const problem = isRecord(json) && "data" in json
    ? shapeProblem(operation.dataShape, json.data)
    : "it is not Lambda's envelope";
  if (status >= 200 && status < 300 && problem === undefined) {
    return (operation.wholeEnvelope ? json : (json as Record<string, unknown>).data) as T;
  }
  const headers = redactHeaders(response.headers, apiKey);
  if (status >= 200 && status < 300) {
    throw new InvalidResponseError(
      operation.action,
      status,
      text,
      headers,
      [problem, operation.ambiguityHint].filter(Boolean).join("; "),
    );
  }
  // Lambda's envelope is {"error": {code, message, …}}; some proxies send {"error": "text"}.
  const error = isRecord(json) ? json.error : undefined;
  const envelope = isRecord(error) ? error : { message: error };
  const location = headers.get("location");
  const isRedirect = status >= 300 && status < 400 || response.type === "opaqueredirect";
  const code = stringOrUndefined(envelope.code);
  throw createApiError({
    action: operation.action,
    status,
    code,
    apiMessage: stringOrUndefined(envelope.message),
    suggestion: stringOrUndefined(envelope.suggestion),
    requestId: stringOrUndefined(envelope.request_id) ?? headers.get("x-request-id") ?? undefined,
    body: json === undefined ? text : json,
    headers,
    // An HTTP date is read against the server's own Date header when it sent one, so that a
    // skewed local clock does not stretch or cut the wait.
    retryAfterMs: parseRetryAfter(
      headers.get("retry-after"),
      parseHttpDate(headers.get("date")) ?? clock.now(),
    ),
    hint: [
      isRedirect
        ? `the API redirected to '${location ?? "an unknown address"}': set baseUrl to it`
        : undefined,
      status >= 500 || isRedirect || code?.startsWith("provider/")
        ? operation.ambiguityHint
        : undefined,
    ].filter((part) => part !== undefined).join("; ") || undefined,
  });
}

/**
 * What is wrong with the shape of `data`, in words; `undefined` when it fits the spec: a list
 * where the spec says list, an object where it says object, and the one list an action's answer
 * wraps (`terminated_instances`). Anything else is an answer the client cannot read, not a result
 * that crashes the caller later with "cannot read properties of undefined".
 */
function shapeProblem(shape: SpecOperation["data"] | undefined, data: unknown): string | undefined {
  if (shape?.type === undefined) return undefined;
  if (shape.type === "array") return Array.isArray(data) ? undefined : "its data is not a list";
  if (!isRecord(data)) return "its data is not an object";
  return shape.list === undefined || Array.isArray(data[shape.list])
    ? undefined
    : `its data holds no '${shape.list}' list`;
}

/**
 * `value` with the key redacted in every string it holds, however deep: walked with a list rather
 * than recursion, since an answer nested thousands deep must not overflow the stack.
 */
function redactDeep(value: unknown, apiKey: string): unknown {
  const pending: [source: object, target: Record<string, unknown>][] = [];
  const copy = (item: unknown): unknown => {
    if (typeof item === "string") return redactKey(item, apiKey);
    if (typeof item !== "object" || item === null) return item;
    const target = Array.isArray(item) ? [] : {};
    pending.push([item, target as Record<string, unknown>]);
    return target;
  };
  const root = copy(value);
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [source, target] = next;
    if (Array.isArray(source)) {
      for (let i = 0; i < source.length; i++) target[i] = copy(source[i]);
      continue;
    }
    for (const [name, item] of Object.entries(source)) {
      const key = redactKey(name, apiKey);
      // `__proto__` is defined, not assigned, so that it stays a plain key as JSON.parse made it.
      if (key === "__proto__") {
        Object.defineProperty(target, key, {
          value: copy(item),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else target[key] = copy(item);
    }
  }
  return root;
}

/** `headers`, or a copy without the key when a server echoed it in a name or a value. */
export function redactHeaders(headers: Headers, apiKey: string): Headers {
  if (apiKey.length < MIN_REDACTED_LENGTH) return headers;
  let echoed = false;
  headers.forEach((value, name) =>
    echoed ||= holdsSecret(value, apiKey) || holdsSecret(name, apiKey)
  );
  if (!echoed) return headers;
  const copy = new Headers();
  headers.forEach((value, name) =>
    // A name must stay a header name: brackets are not allowed in one.
    copy.append(redactSecret(name, apiKey, "redacted"), redactKey(value, apiKey))
  );
  return copy;
}

function parseHttpDate(value: string | null): number | undefined {
  const time = value === null ? Number.NaN : Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
