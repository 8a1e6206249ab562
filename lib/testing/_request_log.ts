// What the emulator received and what it answered: each request recorded as it arrives (its key
// redacted, a large body left out), the log kept to its limit, and every answer shown to
// `onResponse`.

import { parseBody } from "./_body.ts";
import type { Answer } from "./_handler.ts";
import type { matchOperation } from "./operations.ts";
import type { EmulatorExchange, RecordedRequest } from "./requests.ts";

const LOGGED_BODY_LIMIT = 64 * 1024;

/** A request as it arrived, before anything was answered. */
export interface Arrival {
  request: Request;
  url: URL;
  matched: ReturnType<typeof matchOperation>;
  /** The body, as text. */
  text: string;
  /** When it arrived, on the emulator's clock. */
  arrivedAt: number;
}

/** The requests of one emulator, oldest first, and where its answers are shown. */
export class RequestLog {
  readonly #requests: RecordedRequest[] = [];
  readonly #limit: number;
  readonly #onResponse: ((exchange: EmulatorExchange) => void) | undefined;

  constructor(limit: number, onResponse: ((exchange: EmulatorExchange) => void) | undefined) {
    this.#limit = limit;
    this.#onResponse = onResponse;
  }

  /** The requests kept, oldest first. */
  get requests(): readonly RecordedRequest[] {
    return this.#requests;
  }

  /** Forgets every request. */
  clear(): void {
    this.#requests.length = 0;
  }

  /** Records a request as it arrived, forgetting the oldest past the limit. */
  receive(arrival: Arrival): RecordedRequest {
    const { request, url, matched, text } = arrival;
    const record: RecordedRequest = {
      operationId: matched?.operation.id,
      method: request.method,
      path: url.pathname,
      params: { ...matched?.params },
      query: url.searchParams,
      headers: Object.fromEntries(
        [...request.headers].map(([name, value]) => [
          name,
          name === "authorization" ? "[REDACTED]" : value,
        ]),
      ),
      // Large bodies are not kept whole: the log is for assertions, not for holding uploads.
      body: text.length > LOGGED_BODY_LIMIT
        ? `(a body of ${text.length} characters, not kept)`
        : parseBody(text),
      time: arrival.arrivedAt,
      status: undefined,
      fault: undefined,
      overridden: false,
    };
    this.#requests.push(record);
    const excess = this.#requests.length - this.#limit;
    if (excess > 0) this.#requests.splice(0, excess);
    return record;
  }

  /** Notes the status answered to `record`, and shows the answer to `onResponse`. */
  answered(record: RecordedRequest, answer: Pick<Answer, "status" | "body">): void {
    record.status = answer.status;
    this.#onResponse?.({
      operationId: record.operationId,
      method: record.method,
      path: record.path,
      status: answer.status,
      body: answer.body,
      fault: record.fault,
      overridden: record.overridden,
    });
  }
}
