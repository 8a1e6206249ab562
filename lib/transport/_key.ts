// The API key: from the `apiKey` option or LAMBDA_API_KEY, read when the first request goes out,
// checked once (a function's, on every call), and never echoed in an error.

import { abortable, Deadline } from "../_deadline.ts";
import { readEnv } from "../_env.ts";
import { hashApiKey } from "../_rate_limiter.ts";
import { describeValue } from "../_validate.ts";
import { LambdaCloudError } from "../errors.ts";
import { TimeoutError } from "../no_answer_errors.ts";
import type { Clock } from "../clock.ts";
import type { LambdaCloudClientOptions } from "../options.ts";

const API_KEY_ENV = "LAMBDA_API_KEY";

/** Where a client's key comes from. */
export class ApiKey {
  readonly #option: LambdaCloudClientOptions["apiKey"];
  readonly #clock: Clock;
  // A key that is not a function is checked once, then reused.
  #checked: string | undefined;
  #hashed: string | undefined;
  #hash: Promise<string> | undefined;

  /**
   * @param option The `apiKey` option, checked here.
   * @param clock The clock that bounds the wait for a key from a function.
   */
  constructor(option: LambdaCloudClientOptions["apiKey"], clock: Clock) {
    if (
      option !== undefined && typeof option !== "function" &&
      (typeof option !== "string" || option.trim() === "")
    ) {
      throw new TypeError(
        `Cannot create client: 'apiKey' must be a non-empty string or a function, received ${
          typeof option === "string" ? "an empty string" : describeValue(option)
        }`,
      );
    }
    this.#option = option;
    this.#clock = clock;
  }

  /**
   * The key for one call: at once when it is a string (or read from the environment), else a
   * promise of what the `apiKey` function gives, bounded by the call's signal and timeout.
   */
  get(
    action: string,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): string | Promise<string> {
    if (this.#checked !== undefined) return this.#checked;
    const option = this.#option;
    if (typeof option !== "function") {
      return this.#checked = checkApiKey(action, option ?? readEnv(API_KEY_ENV));
    }
    return this.#fromFunction(option, action, signal, timeoutMs);
  }

  // A key from a secret store that stalls must not hold the call past its abort or timeout.
  async #fromFunction(
    source: () => string | Promise<string>,
    action: string,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<string> {
    const deadline = new Deadline(this.#clock, timeoutMs);
    try {
      const bound = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
      return checkApiKey(action, await abortable(Promise.resolve().then(source), bound));
    } catch (error) {
      if (signal?.aborted || !deadline.signal.aborted) throw error;
      throw new TimeoutError(`${action} (waiting for the API key)`, timeoutMs);
    } finally {
      deadline.dispose();
    }
  }

  /**
   * A digest of `apiKey`, which keys the shared rate limiter: computed once per key rather than
   * per call. Calls share the one promise, so they reach the limiter in the order they were made.
   */
  hash(apiKey: string): Promise<string> {
    if (this.#hashed !== apiKey || this.#hash === undefined) {
      this.#hashed = apiKey;
      this.#hash = hashApiKey(apiKey);
    }
    return this.#hash;
  }
}

/** The key, trimmed, or a clear error that never echoes it. */
function checkApiKey(action: string, raw: unknown): string {
  const key = typeof raw === "string" ? raw.trim() : "";
  if (key === "") {
    throw new LambdaCloudError(
      `Cannot ${action}: no API key found. Pass { apiKey } to new LambdaCloudClient(), or set ` +
        `${API_KEY_ENV} and run with --allow-env=${API_KEY_ENV},LAMBDA_BASE_URL`,
    );
  }
  // The key goes into a header: refuse characters that would break it, without echoing it.
  if (!/^[\x21-\x7e]+$/.test(key)) {
    throw new LambdaCloudError(
      `Cannot ${action}: the API key holds white space or characters outside printable ASCII`,
    );
  }
  return key;
}
