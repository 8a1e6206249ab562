// Telling a request that never left from one that may have reached the server.

import { causeChain } from "../_text.ts";

/**
 * Whether a failure of `fetch` happened before the request could be sent: the connection was
 * refused, the host was not found, or the TLS handshake failed. The server then cannot have acted.
 * Runtimes word this differently; anything not recognised counts as possibly sent.
 */
export function wasNeverSent(error: unknown): boolean {
  try {
    return lacksPermission(error) || causeChain(error).some((item) => {
      if (!(item instanceof Error)) return false;
      const code = (item as { code?: unknown }).code;
      return (typeof code === "string" && NEVER_SENT_CODES.has(code)) ||
        NEVER_SENT_MESSAGE.test(item.message);
    });
  } catch {
    return false; // an error that cannot be read proves nothing
  }
}

// Node (undici) and Bun set a code; Deno says "client error (Connect)" for every failure of the
// connect phase (DNS, TCP, TLS), and refuses blocked ports before connecting.
const NEVER_SENT_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_CONNECT_TIMEOUT",
  "ConnectionRefused",
  "FailedToOpenSocket",
]);
const NEVER_SENT_MESSAGE = /client error \(Connect\)|Requests to port \d+ are blocked/;

/**
 * Whether `fetch` failed because the runtime does not allow the connection (Deno without
 * `--allow-net` for the host): nothing was sent, and trying again cannot help. Only a refusal of
 * network access counts: a wrapper around fetch that fails for want of another permission (to
 * write a log, say) may do so after the request went out.
 */
export function lacksPermission(error: unknown): boolean {
  return error instanceof Error &&
    (error.name === "NotCapable" || error.name === "PermissionDenied") &&
    /^Requires net access to /.test(error.message);
}

/**
 * The runtime's own fetch, as it was when this module loaded. What a fetch's failure proves is
 * decided once, and the same for every caller: only this fetch's connection errors can prove that
 * nothing was sent. Any other — a `fetch` option, or a global put in its place later (a test stub,
 * an instrumentation wrapper) — may fail in its own work after the request went out, so its
 * failures count as possibly sent.
 */
export const RUNTIME_FETCH: typeof fetch | undefined = globalThis.fetch;
