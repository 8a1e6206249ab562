// Telling a request that never left from one that may have reached the server.

/**
 * Whether a failure of `fetch` happened before the request could be sent: the connection was
 * refused, the host was not found, or the TLS handshake failed. The server then cannot have acted.
 * Runtimes word this differently; anything not recognised counts as possibly sent.
 */
export function wasNeverSent(error: unknown): boolean {
  if (lacksPermission(error)) return true;
  for (let item = error, depth = 0; item instanceof Error && depth < 4; depth++) {
    const code = (item as { code?: unknown }).code;
    if (typeof code === "string" && NEVER_SENT_CODES.has(code)) return true;
    if (NEVER_SENT_MESSAGE.test(item.message)) return true;
    item = item.cause;
  }
  return false;
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
 * Marks a fetch whose errors are the runtime's own, passed on unchanged (the command line's
 * wrappers around the global fetch): its connection errors can then prove that nothing was sent,
 * as the runtime fetch's do. Errors of any other custom fetch prove nothing.
 */
export const RUNTIME_ERRORS: unique symbol = Symbol("lambda-cloud-client.runtimeErrors");

/** Whether `fetch` was marked as passing on the runtime's errors; see {@linkcode wrapFetch}. */
export function hasRuntimeErrors(fetch: unknown): boolean {
  return typeof fetch === "function" &&
    (fetch as { [RUNTIME_ERRORS]?: unknown })[RUNTIME_ERRORS] === true;
}

/** The runtime's own fetch, as it was when this module loaded. */
export const RUNTIME_FETCH: typeof fetch | undefined = globalThis.fetch;

type Send = (request: Request) => Promise<Response>;

/**
 * A wrapper, made by `wrap`, around `given` or else the global fetch as it is now (one put in its
 * place later is not called). The wrapper is marked with {@linkcode RUNTIME_ERRORS} when what it
 * wraps passes the runtime's errors on: a marked fetch, or the global one while it is still the
 * runtime's. `wrap` must pass the errors of what it sends through on unchanged.
 */
export function wrapFetch(given: Send | undefined, wrap: (send: Send) => Send): Send {
  const global = globalThis.fetch;
  const runtime = given === undefined ? global === RUNTIME_FETCH : hasRuntimeErrors(given);
  const wrapper = wrap(given ?? ((request) => global(request)));
  if (runtime && !hasRuntimeErrors(wrapper)) {
    Object.defineProperty(wrapper, RUNTIME_ERRORS, { value: true });
  }
  return wrapper;
}
