// What the API checks before it carries a call out: the key, the account, the rate limits (a turn
// is taken as the call arrives; a launch's, only once its body passes the checks), and that the
// path names an operation.

import { parseBody } from "./_body.ts";
import { EmulatedError, notFound } from "./_errors.ts";
import { type Answer, errorAnswer } from "./_handler.ts";
import { checkedLaunch } from "./_instances.ts";
import { RateGate } from "./_rate_gate.ts";
import type { RateLimits } from "./_settings.ts";
import type { EmulatorState } from "./_state.ts";
import { tooManyRequests } from "./_too_many.ts";
import type { OperationSpec } from "./operations.ts";
import type { RateLimitAnswer } from "./rate_limits.ts";

/** The limits of one emulator, per API key. */
interface Gates {
  request: RateGate;
  launch: RateGate;
  countRefused: boolean;
  countInvalidLaunches: boolean;
}

/** The checks of one emulator. */
export class Admission {
  readonly #apiKey: string;
  readonly #state: EmulatorState;
  readonly #gates: Gates | undefined;
  readonly #tooManyForm: Required<RateLimitAnswer>;

  constructor(
    apiKey: string,
    state: EmulatorState,
    rateLimits: RateLimits | undefined,
    tooManyForm: Required<RateLimitAnswer>,
  ) {
    this.#apiKey = apiKey;
    this.#state = state;
    this.#tooManyForm = tooManyForm;
    if (!rateLimits) return;
    const { toleranceMs } = rateLimits;
    this.#gates = {
      request: new RateGate(rateLimits.requestIntervalMs, toleranceMs, rateLimits.requestBurst),
      launch: new RateGate(rateLimits.launchIntervalMs, toleranceMs, rateLimits.launchBurst),
      countRefused: rateLimits.countRefused,
      countInvalidLaunches: rateLimits.countInvalidLaunches,
    };
  }

  /**
   * Refuses a call the way the API does before running it: authentication, an inactive account,
   * the rate limits, and paths that name no operation (`operation` undefined). `undefined` lets
   * it run. `text` is the body, as it came.
   */
  admit(
    request: Request,
    operation: OperationSpec | undefined,
    text: string,
    arrivedAt: number,
    requestId: string,
  ): Answer | undefined {
    try {
      this.#authenticate(request.headers.get("authorization"));
      if (!this.#state.active) {
        throw new EmulatedError(
          403,
          "global/account-inactive",
          "Your account is inactive.",
          "Make sure you have verified your email address and have a valid payment method. " +
            "Contact Support if problems continue.",
        );
      }
      const waitMs = this.#takeTurn(
        operation?.id === "launchInstance" && this.#meetsLaunchLimit(text),
        arrivedAt,
      );
      if (waitMs > 0) {
        return tooManyRequests(
          this.#tooManyForm,
          this.#tooManyForm.retryAfter ? Math.ceil(waitMs / 1000) : undefined,
          requestId,
        );
      }
      if (!operation) throw notFound();
      return undefined;
    } catch (error) {
      if (error instanceof EmulatedError) return errorAnswer(error, requestId);
      throw error;
    }
  }

  #authenticate(header: string | null): void {
    const suggestion = "Check your API key or create a new one, then try again.";
    const match = header === null ? null : /^(Bearer|Basic)\s+(\S+)$/i.exec(header.trim());
    if (!match) {
      throw new EmulatedError(
        401,
        "global/invalid-api-key",
        "No API key was provided.",
        suggestion,
      );
    }
    const scheme = match[1]!.toLowerCase();
    const credential = match[2]!;
    // Basic takes base64("key:") or, for backward compatibility, the bare key.
    const candidates = scheme === "bearer" ? [credential] : [credential, decodeBasic(credential)];
    if (!candidates.includes(this.#apiKey)) {
      throw new EmulatedError(
        401,
        "global/invalid-api-key",
        "API key was invalid, expired, or deleted.",
        suggestion,
      );
    }
  }

  /**
   * Whether a launch with body `text` meets the launch limit: only one that its body's checks let
   * through, unless `countInvalidLaunches`.
   */
  #meetsLaunchLimit(text: string): boolean {
    if (this.#gates?.countInvalidLaunches !== false) return true;
    try {
      checkedLaunch(this.#state, parseBody(text));
      return true;
    } catch (error) {
      if (error instanceof EmulatedError) return false;
      throw error;
    }
  }

  /**
   * 0 when the call may go ahead (and is counted), else how long it should have waited (and it is
   * counted only with `countRefused`).
   */
  #takeTurn(isLaunch: boolean, now: number): number {
    const gates = this.#gates;
    if (!gates) return 0;
    const waitMs = Math.max(
      gates.request.wait(this.#apiKey, now),
      isLaunch ? gates.launch.wait(this.#apiKey, now) : 0,
    );
    if (waitMs > 0 && !gates.countRefused) return waitMs;
    gates.request.take(this.#apiKey, now);
    if (isLaunch) gates.launch.take(this.#apiKey, now);
    return waitMs;
  }
}

function decodeBasic(credential: string): string {
  try {
    return atob(credential).replace(/:$/, "");
  } catch {
    return "";
  }
}
