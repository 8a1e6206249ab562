/**
 * The errors this client throws. Branch on the class (or on {@linkcode ApiError.code}), never on
 * the message: Lambda says its messages may change, and so may ours.
 *
 * @module
 */

import { clip, describeBody, trimPeriods, withHint } from "./_text.ts";

/**
 * Error codes documented in Lambda Cloud API 1.10.0, plus `provider/internal-unavailable` from its
 * prose. Lambda adds codes over time, so any other string is accepted too.
 *
 * @example Branch on a code
 * ```ts
 * import { ApiError, type ApiErrorCode } from "@lambda-cloud/client";
 *
 * function isRetryableLater(error: unknown): boolean {
 *   const code: ApiErrorCode | undefined = error instanceof ApiError ? error.code : undefined;
 *   return code === "instance-operations/launch/insufficient-capacity" ||
 *     (code?.startsWith("provider/") ?? false);
 * }
 * console.log(isRetryableLater(new Error("x"))); // false
 * ```
 */
export type ApiErrorCode =
  | "global/invalid-api-key"
  | "global/account-inactive"
  | "global/invalid-address"
  | "global/forbidden"
  | "global/invalid-parameters"
  | "global/not-found"
  | "global/object-does-not-exist"
  | "global/duplicate"
  | "global/quota-exceeded"
  | "global/conflict"
  | "global/internal-error"
  | "instance-operations/launch/insufficient-capacity"
  | "instance-operations/launch/file-system-in-wrong-region"
  | "filesystems/filesystem-in-use"
  | "firewall-rulesets/firewall-ruleset-in-use"
  | "support-tickets/creation-failed"
  | "provider/internal-unavailable"
  | (string & Record<never, never>);

/**
 * The base class of every error this client throws on purpose. Argument errors thrown before a
 * request is sent are plain `TypeError`s and `RangeError`s instead, as in the standard library.
 *
 * @example Catch anything the client reports
 * ```ts
 * import { LambdaCloudError } from "@lambda-cloud/client";
 *
 * const error: unknown = new LambdaCloudError("Cannot list instances: example");
 * if (error instanceof LambdaCloudError) console.log(error.message);
 * ```
 */
export class LambdaCloudError extends Error {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "LambdaCloudError";

  /**
   * Creates an error with a message in the std style (action first, no trailing period).
   *
   * @param message What failed and why.
   * @param options The standard error options, such as `cause`.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * What an {@linkcode ApiError} is built from: one HTTP answer that was not a success.
 *
 * @example Build an error for a test double
 * ```ts
 * import { type ApiErrorInit, createApiError } from "@lambda-cloud/client";
 *
 * const init: ApiErrorInit = {
 *   action: "launch instance",
 *   status: 400,
 *   code: "global/quota-exceeded",
 *   apiMessage: "Quota exceeded.",
 *   body: { error: { code: "global/quota-exceeded", message: "Quota exceeded." } },
 *   headers: new Headers(),
 * };
 * console.log(createApiError(init).name); // QuotaExceededError
 * ```
 */
export interface ApiErrorInit {
  /** The action that failed, in words, such as `"launch instance"`. */
  action: string;
  /** The HTTP status code of the answer. */
  status: number;
  /** The envelope's `error.code`, when the body was Lambda's JSON error envelope. */
  code?: string | undefined;
  /** The envelope's `error.message`. */
  apiMessage?: string | undefined;
  /** The envelope's `error.suggestion`. */
  suggestion?: string | undefined;
  /** The envelope's `error.request_id`, else the `x-request-id` response header. */
  requestId?: string | undefined;
  /** The parsed JSON body, or the raw text when the body was not JSON. */
  body: unknown;
  /** The response headers. */
  headers: Headers;
  /** The delay the server asked for through `Retry-After`, in milliseconds. */
  retryAfterMs?: number | undefined;
  /** A sentence added at the end of the message, such as advice after an ambiguous launch. */
  hint?: string | undefined;
}

/**
 * Any answer from the API that was not a success (any status outside 200–299). Subclasses name the
 * common cases; an answer that fits none of them, or a code Lambda added later, is a plain
 * `ApiError` that still carries its {@linkcode ApiError.code}.
 *
 * @example Branch on the code
 * ```ts
 * import { ApiError } from "@lambda-cloud/client";
 *
 * const error = new ApiError({
 *   action: "list instances",
 *   status: 400,
 *   code: "global/invalid-parameters",
 *   apiMessage: "Invalid request data.",
 *   body: {},
 *   headers: new Headers(),
 * });
 * console.log(error.message);
 * // Cannot list instances: request failed (code 'global/invalid-parameters'): Invalid request data
 * ```
 */
export class ApiError extends LambdaCloudError {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "ApiError";

  /** The HTTP status code. */
  readonly status: number;
  /** Lambda's error code, such as `global/invalid-parameters`; `undefined` when the body had none. */
  readonly code: ApiErrorCode | undefined;
  /** Lambda's own explanation (`error.message`), which may change over time. */
  readonly apiMessage: string | undefined;
  /** Lambda's advice on what to do next (`error.suggestion`), when it gave one. */
  readonly suggestion: string | undefined;
  /** The id Lambda gave the request (`error.request_id`); quote it when contacting support. */
  readonly requestId: string | undefined;
  /** The parsed JSON body, or the raw text when the body was not JSON. */
  readonly body: unknown;
  /** The response headers. */
  readonly headers: Headers;
  /** The delay the server asked for through `Retry-After`, in milliseconds, if it sent one. */
  readonly retryAfterMs: number | undefined;

  /**
   * The words for this kind of failure, placed after the action in messages. Each subclass
   * declares its own, so none repeats a constructor.
   */
  static readonly summary: string = "request failed";

  /**
   * Creates an error from one failed answer; {@linkcode createApiError} picks the class for you.
   *
   * @param init The answer's parts.
   * @param summary A few words for the kind of failure, placed after the action; the class's own
   * {@linkcode ApiError.summary} when left out.
   */
  constructor(init: ApiErrorInit, summary?: string) {
    super(formatApiErrorMessage(init, summary ?? (new.target as typeof ApiError).summary));
    this.status = init.status;
    this.code = init.code;
    this.apiMessage = init.apiMessage;
    this.suggestion = init.suggestion;
    this.requestId = init.requestId;
    this.body = init.body;
    this.headers = init.headers;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/**
 * The API key was missing, invalid, expired or deleted (HTTP 401, `global/invalid-api-key`).
 *
 * @example Tell the user to check the key
 * ```ts ignore
 * import { AuthenticationError, LambdaCloudClient } from "@lambda-cloud/client";
 *
 * try {
 *   await new LambdaCloudClient().instances.list();
 * } catch (error) {
 *   if (error instanceof AuthenticationError) console.error("Check LAMBDA_API_KEY");
 *   else throw error;
 * }
 * ```
 */
export class AuthenticationError extends ApiError {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "AuthenticationError";

  /** The words for this kind of failure, after the action in messages. */
  static override readonly summary: string = "invalid API key";
}

/**
 * The account may not do this (HTTP 403): it is inactive (`global/account-inactive`), its billing
 * address is invalid (`global/invalid-address`), or the key lacks a permission (`global/forbidden`).
 *
 * @example Inspect the reason
 * ```ts
 * import { PermissionDeniedError } from "@lambda-cloud/client";
 *
 * const error = new PermissionDeniedError({
 *   action: "launch instance",
 *   status: 403,
 *   code: "global/account-inactive",
 *   body: {},
 *   headers: new Headers(),
 * });
 * console.log(error.code); // "global/account-inactive"
 * ```
 */
export class PermissionDeniedError extends ApiError {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "PermissionDeniedError";

  /** The words for this kind of failure, after the action in messages. */
  static override readonly summary: string = "permission denied";
}

/**
 * The thing asked for does not exist (HTTP 404, `global/not-found` or
 * `global/object-does-not-exist`, which launch also answers with HTTP 400).
 *
 * @example Treat a missing instance as gone
 * ```ts ignore
 * import { LambdaCloudClient, NotFoundError } from "@lambda-cloud/client";
 *
 * const client = new LambdaCloudClient();
 * const instance = await client.instances.get("0920582c7ff041399e34823a0be62549").catch((error) => {
 *   if (error instanceof NotFoundError) return undefined;
 *   throw error;
 * });
 * ```
 */
export class NotFoundError extends ApiError {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "NotFoundError";

  /** The words for this kind of failure, after the action in messages. */
  static override readonly summary: string = "not found";
}

/**
 * Lambda rejected the request's data (`global/invalid-parameters`, or another HTTP 400 or 422).
 * The {@linkcode ApiError.apiMessage} usually says which field.
 *
 * @example Show what Lambda objected to
 * ```ts
 * import { InvalidParametersError } from "@lambda-cloud/client";
 *
 * const error = new InvalidParametersError({
 *   action: "launch instance",
 *   status: 400,
 *   code: "global/invalid-parameters",
 *   apiMessage: "Requested too many instances.",
 *   body: {},
 *   headers: new Headers(),
 * });
 * console.log(error.apiMessage);
 * ```
 */
export class InvalidParametersError extends ApiError {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "InvalidParametersError";

  /** The words for this kind of failure, after the action in messages. */
  static override readonly summary: string = "invalid parameters";
}

/**
 * No capacity for this instance type in this region right now
 * (`instance-operations/launch/insufficient-capacity`). Nothing was launched and nothing is billed:
 * try another region or type, or later. The client never retries this by itself.
 *
 * @example Fall back to another region
 * ```ts ignore
 * import { InsufficientCapacityError, LambdaCloudClient } from "@lambda-cloud/client";
 *
 * const client = new LambdaCloudClient();
 * for (const region_name of ["us-east-1", "us-west-1"]) {
 *   try {
 *     await client.instances.launch({
 *       region_name,
 *       instance_type_name: "gpu_1x_a10",
 *       ssh_key_names: ["my-key"],
 *     });
 *     break;
 *   } catch (error) {
 *     if (!(error instanceof InsufficientCapacityError)) throw error;
 *   }
 * }
 * ```
 */
export class InsufficientCapacityError extends ApiError {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "InsufficientCapacityError";

  /** The words for this kind of failure, after the action in messages. */
  static override readonly summary: string = "insufficient capacity";
}

/**
 * The account reached a quota, such as its instance or filesystem limit (`global/quota-exceeded`).
 *
 * @example Recognise a quota error
 * ```ts
 * import { QuotaExceededError } from "@lambda-cloud/client";
 *
 * const error = new QuotaExceededError({
 *   action: "create filesystem",
 *   status: 400,
 *   code: "global/quota-exceeded",
 *   suggestion: "Contact Support to increase your quota.",
 *   body: {},
 *   headers: new Headers(),
 * });
 * console.log(error.suggestion);
 * ```
 */
export class QuotaExceededError extends ApiError {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "QuotaExceededError";

  /** The words for this kind of failure, after the action in messages. */
  static override readonly summary: string = "quota exceeded";
}

/**
 * The request clashes with the current state: a duplicate name (`global/duplicate`), a resource
 * still in use (`filesystems/filesystem-in-use`, `firewall-rulesets/firewall-ruleset-in-use`,
 * `ssh-keys/key-in-use`), `global/conflict`, or another HTTP 409.
 *
 * @example Recognise a filesystem that is still mounted
 * ```ts
 * import { ConflictError } from "@lambda-cloud/client";
 *
 * const error = new ConflictError({
 *   action: "delete filesystem",
 *   status: 400,
 *   code: "filesystems/filesystem-in-use",
 *   body: {},
 *   headers: new Headers(),
 * });
 * console.log(error.code === "filesystems/filesystem-in-use"); // true
 * ```
 */
export class ConflictError extends ApiError {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "ConflictError";

  /** The words for this kind of failure, after the action in messages. */
  static override readonly summary: string = "conflict";
}

/**
 * Too many requests (HTTP 429). The body may be a proxy's HTML page rather than Lambda's JSON.
 * {@linkcode ApiError.retryAfterMs} holds the delay the server asked for, if any. The client retries
 * these by itself (launch included, since a 429 is refused before anything runs) up to `maxRetries`.
 *
 * @example Read the delay the server asked for
 * ```ts
 * import { RateLimitError } from "@lambda-cloud/client";
 *
 * const error = new RateLimitError({
 *   action: "list instances",
 *   status: 429,
 *   body: "",
 *   headers: new Headers({ "retry-after": "2" }),
 *   retryAfterMs: 2000,
 * });
 * console.log(error.retryAfterMs); // 2000
 * ```
 */
export class RateLimitError extends ApiError {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "RateLimitError";

  /** The words for this kind of failure, after the action in messages. */
  static override readonly summary: string = "rate limited";
}

/**
 * Lambda or one of its upstream providers failed: HTTP 5xx, `global/internal-error`, or a code
 * starting with `provider/` (such as `provider/internal-unavailable`). Usually transient.
 *
 * @example Recognise a provider failure
 * ```ts
 * import { ServerError } from "@lambda-cloud/client";
 *
 * const error = new ServerError({
 *   action: "list instances",
 *   status: 503,
 *   code: "provider/internal-unavailable",
 *   apiMessage: "Provider unavailable",
 *   suggestion: "Try again shortly",
 *   body: {},
 *   headers: new Headers(),
 * });
 * console.log(error.code?.startsWith("provider/")); // true
 * ```
 */
export class ServerError extends ApiError {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "ServerError";

  /** The words for this kind of failure, after the action in messages. */
  static override readonly summary: string = "server error";
}

/** The subclass for each known code; codes decide before statuses do. */
const CLASS_BY_CODE: Readonly<Record<string, new (init: ApiErrorInit) => ApiError>> = {
  "global/invalid-api-key": AuthenticationError,
  "global/account-inactive": PermissionDeniedError,
  "global/invalid-address": PermissionDeniedError,
  "global/forbidden": PermissionDeniedError,
  "global/not-found": NotFoundError,
  "global/object-does-not-exist": NotFoundError,
  "global/invalid-parameters": InvalidParametersError,
  "instance-operations/launch/insufficient-capacity": InsufficientCapacityError,
  "global/quota-exceeded": QuotaExceededError,
  "global/duplicate": ConflictError,
  "global/conflict": ConflictError,
  "filesystems/filesystem-in-use": ConflictError,
  "firewall-rulesets/firewall-ruleset-in-use": ConflictError,
  "ssh-keys/key-in-use": ConflictError,
  "global/internal-error": ServerError,
};

const CLASS_BY_STATUS: Readonly<Record<number, new (init: ApiErrorInit) => ApiError>> = {
  400: InvalidParametersError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: InvalidParametersError,
  429: RateLimitError,
};

/**
 * Builds the most specific {@linkcode ApiError} for a failed answer: by code first, then by status.
 *
 * @param init The answer's parts.
 * @returns The error to throw.
 *
 * @example Classify a provider failure
 * ```ts
 * import { createApiError, ServerError } from "@lambda-cloud/client";
 *
 * const error = createApiError({
 *   action: "list instances",
 *   status: 400,
 *   code: "provider/internal-unavailable",
 *   body: {},
 *   headers: new Headers(),
 * });
 * console.log(error instanceof ServerError); // true
 * ```
 */
export function createApiError(init: ApiErrorInit): ApiError {
  const byCode = init.code === undefined
    ? undefined
    : CLASS_BY_CODE[init.code] ?? (init.code.startsWith("provider/") ? ServerError : undefined);
  const ErrorClass = byCode ?? CLASS_BY_STATUS[init.status] ??
    (init.status >= 500 ? ServerError : ApiError);
  return new ErrorClass(init);
}

function formatApiErrorMessage(init: ApiErrorInit, summary: string): string {
  // Each part of the server's text is cut to a length a message can hold; the error's fields
  // (`code`, `apiMessage`, `suggestion`, `body`) keep them whole.
  const reference = init.code === undefined ? `status ${init.status}` : `code '${clip(init.code)}'`;
  const detail = init.code === undefined && init.apiMessage === undefined
    ? describeBody(typeof init.body === "string" ? init.body : JSON.stringify(init.body) ?? "")
    : [init.apiMessage, init.suggestion].filter((part) => part).map((part) =>
      clip(trimPeriods(part!))
    ).join(". ");
  const message = `Cannot ${init.action}: ${summary} (${reference})` +
    (detail ? `: ${detail}` : "");
  return withHint(message, init.hint);
}
