// One attempt of a request: its headers, its time limit on the client's clock, the fetch, and the
// body read in full (or refused past a size), each failure named for what it proves.

import { abortable, Deadline } from "../_deadline.ts";
import { redactError } from "../_redact.ts";
import { ConnectionError, TimeoutError } from "../no_answer_errors.ts";
import type { RequestEvent, ResponseEvent } from "../options.ts";
import { type Answer, redactHeaders } from "./_answer.ts";
import { RUNTIME_FETCH } from "./_never_sent.ts";
import type { TransportSettings } from "./_settings.ts";

const REDACTED_AUTHORIZATION = "Bearer [REDACTED]";

/** What an attempt sends, beyond its URL. */
export interface AttemptRequest {
  action: string;
  method: string;
  body?: unknown;
  /** Added to errors after which the outcome is unknown. */
  ambiguityHint?: string | undefined;
  /** Told whether the attempt may have reached the server, for calls that must not repeat. */
  tracker?: SendTracker | undefined;
}

/**
 * Whether a call's last attempt may have been acted on. `true` from the moment an attempt is handed
 * to `fetch`; back to `false` when its answer proves the server did nothing (any 4xx, or a
 * connection that was never made). A caller that aborts reads it to know whether its call may have
 * taken effect.
 */
export interface SendTracker {
  mayHaveActed: boolean;
}

/** What the caller of one request added to it: its abort signal, and its extra headers, checked. */
export interface CallerOptions {
  signal: AbortSignal | undefined;
  headers: Record<string, string> | undefined;
}

/**
 * The caller's extra headers as a record, read once per call, before it waits for its turn: a
 * header that is not one throws a `TypeError` then, so that nothing is sent and no turn is spent.
 */
export function callerHeaders(
  action: string,
  headers: HeadersInit | undefined,
): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  try {
    return Object.fromEntries(new Headers(headers));
  } catch {
    // The runtime's message may quote a header's value, which may be a secret: not passed on.
    throw new TypeError(`Cannot ${action}: 'headers' must hold valid HTTP header names and values`);
  }
}

/** Calls a hook by name, if there is one; the transport's own, which swallows what hooks throw. */
export type Emit = <K extends "onRequest" | "onResponse">(
  name: K,
  event: K extends "onRequest" ? RequestEvent : ResponseEvent,
) => void;

/**
 * Sends one attempt of `request` to `url` (not `event.url`, which hides the key where it was passed
 * as an id, and which a hook may change) and reads its whole answer. Rejects with the
 * caller's abort reason, a {@linkcode TimeoutError} once `timeoutMs` has passed on the client's
 * clock, or a {@linkcode ConnectionError} for any other failure before the body was in. The
 * fetch is raced against its time limit, so that one that ignores its signal (a custom fetch) is
 * bound all the same.
 */
export async function attempt(
  settings: TransportSettings,
  emit: Emit,
  request: AttemptRequest,
  url: string,
  event: RequestEvent,
  apiKey: string,
  timeoutMs: number,
  options: CallerOptions,
): Promise<{ answer: Answer; text: string }> {
  const hasBody = request.body !== undefined;
  const headers = attemptHeaders(settings, apiKey, hasBody, options.headers);
  if (settings.observed) event.headers = { ...headers, authorization: REDACTED_AUTHORIZATION };
  const caller = options.signal;
  const deadline = new Deadline(settings.clock, timeoutMs);
  const signal = caller ? AbortSignal.any([caller, deadline.signal]) : deadline.signal;
  const init: RequestInit = {
    method: request.method,
    headers,
    body: hasBody ? JSON.stringify(request.body) : null,
    signal,
    // A redirect would resend a launch as a GET or carry the key elsewhere: report it instead.
    redirect: "manual",
  };
  const custom = settings.fetch;
  const fetch = custom ?? globalThis.fetch;
  const trusted = fetch === RUNTIME_FETCH;
  const started = settings.observed ? settings.clock.now() : 0;
  let answer: Answer;
  let text: string;
  try {
    // The caller may have aborted between its turn coming up and this attempt starting: then
    // nothing is sent at all.
    caller?.throwIfAborted();
    emit("onRequest", event);
    if (request.tracker) request.tracker.mayHaveActed = true;
    const exchanged = exchange(custom, url, init, settings.maxResponseBytes);
    // The runtime's own fetch heeds its signal; any other may not, and is raced against it.
    ({ answer, text } = await (trusted ? exchanged : abortable(exchanged, signal)));
  } catch (error) {
    if (caller?.aborted) throw caller.reason;
    if (deadline.signal.aborted) {
      throw new TimeoutError(request.action, timeoutMs, request.ambiguityHint);
    }
    // What a wrapper around fetch threw may hold the request, and with it the key.
    throw new ConnectionError(
      request.action,
      redactError(error, apiKey),
      request.ambiguityHint,
      trusted,
    );
  } finally {
    deadline.dispose();
  }
  if (settings.observed) {
    emit("onResponse", {
      ...event,
      status: answer.status,
      responseHeaders: Object.fromEntries(redactHeaders(answer.headers, apiKey)),
      durationMs: settings.clock.now() - started,
    });
  }
  return { answer, text };
}

/**
 * One fetch and its body. A custom fetch is handed a `Request`, as its type promises; the global
 * one, read now (a stub put in its place is called), the URL and init, which costs it less.
 */
async function exchange(
  custom: TransportSettings["fetch"],
  url: string,
  init: RequestInit,
  maxBytes: number,
): Promise<{ answer: Answer; text: string }> {
  const response = custom ? await custom(new Request(url, init)) : await fetch(url, init);
  const text = await readText(response, maxBytes);
  // A custom fetch may hand back anything shaped like a Response: what is read of it later is
  // read here, where a getter that throws fails the attempt like any other fault.
  return { answer: answerOf(response), text };
}

/**
 * The headers of one attempt: the caller's, then the client's own, the key last. Names are
 * lower-case, so that a caller's `Authorization` is always the client's.
 */
function attemptHeaders(
  settings: TransportSettings,
  apiKey: string,
  hasBody: boolean,
  extra: Record<string, string> | undefined,
): Record<string, string> {
  const headers: Record<string, string> = { ...extra };
  headers.accept = "application/json";
  headers["user-agent"] = settings.userAgent;
  if (hasBody) headers["content-type"] = "application/json";
  headers.authorization = `Bearer ${apiKey}`;
  return headers;
}

/**
 * The body as text, refusing one longer than `maxBytes`: a response that never ends must not
 * fill the memory. A declared length is checked before reading; otherwise the body is counted as
 * it streams in.
 */
function readText(response: Response, maxBytes: number): Promise<string> {
  const declared = plainLength(response.headers);
  if (declared !== undefined && declared > maxBytes) {
    return Promise.resolve(response.body?.cancel()).then(() => Promise.reject(tooLarge(maxBytes)));
  }
  // The usual answer declares its length: read at once, without a frame of its own.
  if (declared !== undefined || response.body === null) return response.text();
  return readStream(response.body, maxBytes);
}

/** A body that declares no length, counted as it streams in. */
async function readStream(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text + decoder.decode();
      size += value.byteLength;
      if (size > maxBytes) throw tooLarge(maxBytes);
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  }
}

function answerOf(response: Response): Answer {
  const { status, type } = response;
  if (!Number.isInteger(status)) {
    throw new TypeError(`fetch answered with a status that is not a whole number`);
  }
  const { headers } = response;
  return {
    status,
    headers: headers instanceof Headers ? headers : new Headers(headers),
    type: String(type),
  };
}

/**
 * The body's length as the headers declare it, when that is the length of what `text()` returns:
 * a compressed answer declares its size on the wire, and a few kilobytes of gzip can inflate to
 * gigabytes, so its body is counted as it streams in instead.
 */
function plainLength(headers: Headers): number | undefined {
  const declared = headers.get("content-length");
  if (declared === null) return undefined;
  const encoding = headers.get("content-encoding");
  if (encoding !== null && encoding.trim().toLowerCase() !== "identity") return undefined;
  const length = Number(declared);
  return Number.isNaN(length) ? undefined : length;
}

function tooLarge(maxBytes: number): Error {
  return new RangeError(`the answer is larger than maxResponseBytes (${maxBytes} bytes)`);
}
