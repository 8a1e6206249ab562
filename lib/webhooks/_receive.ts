// One webhook request, checked in the order that reads the least of what a stranger sends: the
// method, the token (before any of the body is read), the content type, then the body, counted as
// it is read, and its JSON.

import { checkNonNegativeInteger } from "../_validate.ts";
import type { WebhookEvent } from "../types/webhooks.ts";
import {
  WebhookAuthError,
  WebhookMediaTypeError,
  WebhookMethodError,
  WebhookPayloadError,
  WebhookTooLargeError,
} from "./errors.ts";
import { checkEvent } from "./_event.ts";
import type { ReceiveWebhookOptions } from "./options.ts";
import { bearerToken, sameBytes, tokenDigest } from "./_token.ts";

/** The receive options, checked. */
export interface ReceiveSettings {
  readonly token: string;
  readonly maxBodyBytes: number;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Checks `options` as `receiveWebhook()` and `webhookHandler()` take them; throws TypeError. */
export function checkReceiveOptions(
  action: string,
  options: ReceiveWebhookOptions,
): ReceiveSettings {
  const token: unknown = options?.token;
  // What it was is said by kind only: a token passed where it does not belong is still a secret.
  if (typeof token !== "string" || !/^[\x21-\x7e]+$/.test(token)) {
    throw new TypeError(
      `Cannot ${action}: 'token' must be a non-empty string of printable ASCII without spaces, received ${
        token === ""
          ? "an empty string"
          : typeof token === "string"
          ? "a string with other characters"
          : token === null
          ? "null"
          : `a ${typeof token}`
      }`,
    );
  }
  return {
    token,
    maxBodyBytes: checkNonNegativeInteger(
      action,
      "maxBodyBytes",
      options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    ),
  };
}

/** The event `request` carries; throws the `WebhookError` that refuses it otherwise. */
export async function receive(request: Request, settings: ReceiveSettings): Promise<WebhookEvent> {
  if (request.method !== "POST") throw new WebhookMethodError(request.method);
  const token = bearerToken(request.headers.get("authorization"));
  if (token === undefined) throw new WebhookAuthError("missing");
  const [given, expected] = await Promise.all([tokenDigest(token), tokenDigest(settings.token)]);
  if (!sameBytes(given, expected)) throw new WebhookAuthError("wrong");
  const contentType = request.headers.get("content-type");
  if (contentType?.split(";", 1)[0]?.trim().toLowerCase() !== "application/json") {
    throw new WebhookMediaTypeError(contentType);
  }
  const bytes = await readAtMost(request, settings.maxBodyBytes);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw new WebhookPayloadError("its body is not UTF-8 JSON", { cause: error });
  }
  return checkEvent(value);
}

/** The body of `request`, read to its end unless it grows past `max` bytes. */
async function readAtMost(request: Request, max: number): Promise<Uint8Array> {
  if (request.body === null) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) {
        await reader.cancel().catch(() => {});
        throw new WebhookTooLargeError(max);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof WebhookTooLargeError) throw error;
    throw new WebhookPayloadError("its body could not be read", { cause: error });
  } finally {
    reader.releaseLock();
  }
  return new Uint8Array(await new Blob(chunks as BlobPart[]).arrayBuffer());
}
