// Patience with rate limits. Several `lambda` processes at once (a shell loop, CI jobs) share one
// key's budget without knowing of each other, so some of their requests are refused with 429. A 429
// (unless its code names a failing provider) is refused before anything runs, so sending the same
// request again is safe: this fetch
// waits as the server asks (Retry-After), plus a random spread so that the processes do not all come
// back at the same instant, and sends it again, for up to `budgetMs`. After that the 429 goes to the
// client, which decides as usual. Once it has had to wait, it also spaces its own requests by the
// API's interval, since a request it sent again has upset the client's own pacing.

import type { Clock } from "../../mod.ts";
import { parseRetryAfter } from "../_retry.ts";

/** How patient to be. */
export interface PatienceOptions {
  clock: Clock;
  /** A source of randomness in [0, 1), for the spread. */
  random?: () => number;
  /**
   * The longest time one request may spend waiting out 429s, in milliseconds. Kept below the
   * client's timeout per attempt (60 s), which also runs while this waits.
   */
  budgetMs?: number;
  /** The API's least time between two requests, in milliseconds. @default 1000 */
  intervalMs?: number;
  /** Told before each wait, with how many times this request has been refused so far. */
  onWait?: (delayMs: number, refusals: number) => void;
}

const DEFAULT_BUDGET_MS = 45_000;
const SPREAD_MS = 1000;
const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 8000;

/** Wraps `inner` so that a 429 is waited out and the request sent again, within a time budget. */
export function patientFetch(
  inner: (request: Request) => Promise<Response>,
  options: PatienceOptions,
): (request: Request) => Promise<Response> {
  const { clock, random = Math.random, budgetMs = DEFAULT_BUDGET_MS, onWait } = options;
  const intervalMs = options.intervalMs ?? 1000;
  let refused = false;
  let lastSent = -Infinity;
  return async (request) => {
    const started = clock.now();
    let current = request;
    for (let refusals = 0;; refusals++) {
      if (refused) await clock.sleep(lastSent + intervalMs - clock.now(), request.signal);
      const spare = current.clone(); // the body can be read once: keep a copy to send again
      lastSent = clock.now();
      const response = await inner(current);
      if (response.status !== 429 || await namesProvider(response)) return response;
      refused = true;
      const asked = parseRetryAfter(response.headers.get("retry-after"), clock.now()) ??
        Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** refusals);
      const delayMs = asked + Math.round(random() * SPREAD_MS);
      if (clock.now() - started + delayMs > budgetMs) return response;
      await response.body?.cancel();
      onWait?.(delayMs, refusals + 1);
      await clock.sleep(delayMs, request.signal);
      current = spare;
    }
  };
}

/**
 * Whether a 429's body names a failing upstream provider (`provider/*`): then the backend may have
 * acted before it, and the client, not this wrapper, decides (a launch is looked for, never sent
 * again). Read from a copy, so the client still gets the whole answer.
 */
async function namesProvider(response: Response): Promise<boolean> {
  try {
    const body = JSON.parse(await response.clone().text());
    const code = body?.error?.code;
    return typeof code === "string" && code.startsWith("provider/");
  } catch {
    return false; // not JSON: a gateway's own refusal
  }
}
