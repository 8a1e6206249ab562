// The emulator's 429 answer, in the form the emulator was asked for: plain text, a gateway's HTML
// page, or Lambda's JSON envelope; with `Retry-After` or without.

import type { Answer } from "./_handler.ts";
import { gatewayPage } from "./_pages.ts";
import type { RateLimitAnswer } from "./rate_limits.ts";

const TEXT = "429 Too Many Requests: slow down\n";
const HTML = gatewayPage("429 Too Many Requests");

/** A 429 in `form`; `retryAfterSeconds` becomes the header when given. */
export function tooManyRequests(
  form: Required<RateLimitAnswer>,
  retryAfterSeconds: number | undefined,
  requestId: string,
): Answer {
  const headers: Record<string, string> = {};
  if (retryAfterSeconds !== undefined) headers["retry-after"] = String(retryAfterSeconds);
  switch (form.body) {
    case "text":
      headers["content-type"] = "text/plain; charset=utf-8";
      return { status: 429, body: TEXT, headers };
    case "html":
      return { status: 429, body: HTML, headers };
    case "json":
      return {
        status: 429,
        body: {
          error: {
            // Invented: the spec documents no code for a 429.
            code: "global/rate-limit-exceeded",
            message: "Too many requests.",
            suggestion: "Send at most one request per second, and one launch per 12 seconds.",
            request_id: requestId,
          },
        },
        headers,
      };
  }
}
