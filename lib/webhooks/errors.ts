/**
 * Why a request is not a webhook to act on: one class per refusal, each with the HTTP status to
 * answer it with. None of them holds the token, or anything of the request's headers.
 *
 * @module
 */

import { LambdaCloudError } from "../errors.ts";

/**
 * The base class of the refusals of `receiveWebhook()`: the request is not a webhook to act on.
 * `status` is the HTTP status to answer with, and `toResponse()` makes that answer.
 *
 * @example Answer a refusal with its status
 * ```ts
 * import { receiveWebhook, WebhookError } from "@lambda-cloud/client";
 *
 * async function handle(request: Request): Promise<Response> {
 *   try {
 *     const event = await receiveWebhook(request, { token: "s3cret" });
 *     console.log(event.type);
 *     return new Response("ok");
 *   } catch (error) {
 *     if (error instanceof WebhookError) return error.toResponse();
 *     throw error;
 *   }
 * }
 * const answer = await handle(new Request("https://example.com/", { method: "GET" }));
 * console.log(answer.status); // 405
 * ```
 */
export class WebhookError extends LambdaCloudError {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "WebhookError";
  /** The HTTP status to answer the request with: 400, 401, 405, 413 or 415. */
  readonly status: number;

  /**
   * Creates a refusal.
   *
   * @param status The HTTP status to answer with.
   * @param message What is wrong with the request, in the std style.
   * @param options The standard error options, such as `cause`.
   */
  constructor(status: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
  }

  /**
   * The answer to the refused request: its status, and the message as a short plain-text body.
   *
   * @returns A new `Response`, each time.
   *
   * @example The answer to a wrong token
   * ```ts
   * import { WebhookAuthError } from "@lambda-cloud/client";
   *
   * const answer = new WebhookAuthError("wrong").toResponse();
   * console.log(answer.status, answer.headers.get("www-authenticate")); // 401 Bearer
   * ```
   */
  toResponse(): Response {
    return new Response(`${this.message}\n`, {
      status: this.status,
      headers: { "content-type": "text/plain; charset=utf-8", ...this.headers() },
    });
  }

  /** Headers the answer carries besides its content type. */
  protected headers(): Record<string, string> {
    return {};
  }
}

/**
 * 401: the request carries no bearer token, or not the right one. The message says which, and
 * never holds either token.
 *
 * @example Tell a wrong token from the rest
 * ```ts
 * import { WebhookAuthError } from "@lambda-cloud/client";
 *
 * const error = new WebhookAuthError("missing");
 * console.log(error.status, error.reason, error.message);
 * // 401 missing Cannot receive webhook: the request has no bearer token
 * ```
 */
export class WebhookAuthError extends WebhookError {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "WebhookAuthError";
  /** `missing`: no `Authorization: Bearer` header; `wrong`: a token, not the one expected. */
  readonly reason: "missing" | "wrong";

  /**
   * Creates the refusal.
   *
   * @param reason Whether the token was missing or wrong.
   */
  constructor(reason: "missing" | "wrong") {
    super(
      401,
      reason === "missing"
        ? "Cannot receive webhook: the request has no bearer token"
        : "Cannot receive webhook: the bearer token is not the one expected",
    );
    this.reason = reason;
  }

  /** Headers the answer carries besides its content type. */
  protected override headers(): Record<string, string> {
    return { "www-authenticate": "Bearer" };
  }
}

/**
 * 405: a method other than POST. Its answer says `Allow: POST`.
 *
 * @example A GET, refused
 * ```ts
 * import { WebhookMethodError } from "@lambda-cloud/client";
 *
 * console.log(new WebhookMethodError("GET").toResponse().headers.get("allow")); // POST
 * ```
 */
export class WebhookMethodError extends WebhookError {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "WebhookMethodError";

  /**
   * Creates the refusal.
   *
   * @param method The method the request came with.
   */
  constructor(method: string) {
    super(405, `Cannot receive webhook: it must be sent with POST, received ${quoted(method)}`);
  }

  /** Headers the answer carries besides its content type. */
  protected override headers(): Record<string, string> {
    return { allow: "POST" };
  }
}

/**
 * 415: a body that is not said to be JSON (`Content-Type: application/json`).
 *
 * @example A form, refused
 * ```ts
 * import { WebhookMediaTypeError } from "@lambda-cloud/client";
 *
 * console.log(new WebhookMediaTypeError("text/plain").status); // 415
 * ```
 */
export class WebhookMediaTypeError extends WebhookError {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "WebhookMediaTypeError";

  /**
   * Creates the refusal.
   *
   * @param contentType The request's `Content-Type`, or `null` when it had none.
   */
  constructor(contentType: string | null) {
    super(
      415,
      `Cannot receive webhook: its body must be application/json, received ${
        contentType === null ? "no Content-Type" : quoted(contentType)
      }`,
    );
  }
}

/**
 * 413: a body larger than the receiver's `maxBodyBytes`, counted as it is read (the request's
 * `Content-Length` is not trusted), and not read further.
 *
 * @example The refusal of a body over 1 MiB
 * ```ts
 * import { WebhookTooLargeError } from "@lambda-cloud/client";
 *
 * console.log(new WebhookTooLargeError(1_048_576).maxBodyBytes); // 1048576
 * ```
 */
export class WebhookTooLargeError extends WebhookError {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "WebhookTooLargeError";
  /** The most the receiver reads, in bytes. */
  readonly maxBodyBytes: number;

  /**
   * Creates the refusal.
   *
   * @param maxBodyBytes The most the receiver reads, in bytes.
   */
  constructor(maxBodyBytes: number) {
    super(413, `Cannot receive webhook: its body is larger than ${maxBodyBytes} bytes`);
    this.maxBodyBytes = maxBodyBytes;
  }
}

/**
 * 400: a body that is not UTF-8 JSON, or JSON not shaped like an event (the message names the
 * first field that is not as the spec's payload has it).
 *
 * @example A payload without an id
 * ```ts
 * import { WebhookPayloadError } from "@lambda-cloud/client";
 *
 * const error = new WebhookPayloadError("'id' must be a non-empty string, received undefined");
 * console.log(error.message); // Cannot receive webhook: 'id' must be a non-empty string, received undefined
 * ```
 */
export class WebhookPayloadError extends WebhookError {
  /** The class name, kept as a string so minified bundles still report it. */
  override name: string = "WebhookPayloadError";

  /**
   * Creates the refusal.
   *
   * @param problem What is wrong with the body.
   * @param options The standard error options, such as `cause`.
   */
  constructor(problem: string, options?: ErrorOptions) {
    super(400, `Cannot receive webhook: ${problem}`, options);
  }
}

/** A header's value in a message: quoted, and cut short, since anyone can send anything. */
function quoted(value: string): string {
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return `'${shown.replace(/[^\x20-\x7e]/g, "?")}'`;
}
