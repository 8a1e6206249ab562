// The way one request goes through the emulator: late calls that are due land; the body is read
// (up to its cap); the request is recorded; OPTIONS is answered at once; a fault is drawn; then
// the size cap, a fault that strikes before admission, the key, account and rate limits, an
// override, and the call carried out (now, or later for a fault that says so); every answer is
// recorded and shown to `onResponse`. HEAD is answered as the GET it shadows, without the body.

import { BodyTooLarge, parseBody, readBody } from "./_body.ts";
import type { Admission } from "./_admission.ts";
import { type AdmittedCall, carryOut } from "./_dispatch.ts";
import { EmulatedError, notFound } from "./_errors.ts";
import { FAULTS, type StruckCall } from "./_fault_behaviours.ts";
import type { FaultRules } from "./_fault_rules.ts";
import { type Answer, errorAnswer, newRequestId } from "./_handler.ts";
import type { LateCalls } from "./_late_calls.ts";
import type { OverrideTable } from "./_overrides.ts";
import type { RequestLog } from "./_request_log.ts";
import type { EmulatorState } from "./_state.ts";
import { matchOperation, methodsFor } from "./operations.ts";
import type { RateLimitAnswer } from "./rate_limits.ts";
import type { RecordedRequest } from "./requests.ts";

/** Where the API's paths start. */
export const API_PREFIX = "/api/v1";

/** What the pipeline works with: the parts of one emulator. */
export interface PipelineParts {
  readonly state: EmulatorState;
  readonly faults: FaultRules;
  readonly overrides: OverrideTable;
  readonly admission: Admission;
  readonly late: LateCalls;
  readonly log: RequestLog;
  readonly tooManyForm: Required<RateLimitAnswer>;
  readonly maxBodyBytes: number;
  /** The emulator's time. */
  readonly now: () => number;
}

/** Answers the requests of one emulator. */
export class RequestPipeline {
  readonly #parts: PipelineParts;

  constructor(parts: PipelineParts) {
    this.#parts = parts;
  }

  /**
   * Answers `request`; rejects with a DroppedConnection when a fault drops it. `closing` aborts
   * when a served emulator closes.
   */
  async handle(request: Request, closing: AbortSignal | undefined): Promise<Response> {
    const { faults, log, now } = this.#parts;
    // Rate limits count arrivals, as a server does: read the time before waiting for the body.
    const arrivedAt = now();
    this.#parts.late.settle();
    const url = new URL(request.url);
    const path = url.pathname;
    const apiPath = path.startsWith(API_PREFIX + "/") ? path.slice(API_PREFIX.length) : undefined;
    const isHead = request.method === "HEAD";
    const matched = apiPath === undefined
      ? undefined
      : matchOperation(isHead ? "GET" : request.method, apiPath);
    let text: string;
    let tooLarge = false;
    try {
      text = await readBody(request, this.#parts.maxBodyBytes, closing);
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error;
      text = "";
      tooLarge = true;
    }
    const record = log.receive({ request, url, matched, text, arrivedAt });
    if (request.method === "OPTIONS") return this.#options(record, apiPath);
    const fault = tooLarge ? undefined : faults.draw(record.operationId);
    record.fault = fault?.kind;
    const send = (answer: Answer) => {
      log.answered(record, answer);
      const body = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
      const headers = {
        "content-type": typeof answer.body === "string" ? "text/html" : "application/json",
        ...answer.headers,
      };
      const response = new Response(body, { status: answer.status, headers });
      return isHead ? withoutBody(response) : response;
    };
    if (tooLarge) {
      return send(errorAnswer(
        new EmulatedError(
          413,
          "global/invalid-parameters",
          `The request body is larger than ${this.#parts.maxBodyBytes} bytes.`,
        ),
        newRequestId(),
      ));
    }
    const behaviour = fault && FAULTS[fault.kind];
    const struck: StruckCall | undefined = fault && {
      rule: fault,
      operationId: record.operationId,
      params: record.params,
      request,
      closing,
      state: this.#parts.state,
      now,
      tooManyForm: this.#parts.tooManyForm,
    };
    if (behaviour?.strikes === "before") return send(behaviour.reply(struck!));
    const requestId = newRequestId();
    const refused = this.#parts.admission.admit(
      request,
      matched?.operation,
      text,
      arrivedAt,
      requestId,
    );
    if (refused) return send(refused);
    const call: AdmittedCall = { request, url, matched: matched!, text, requestId };
    if (this.#parts.overrides.has(call.matched.operation.id)) {
      const overridden = await this.#override(record, call, isHead);
      if (overridden) return overridden;
    }
    if (behaviour?.strikes === "later") {
      // The backend finishes the call after the client has stopped listening.
      this.#parts.late.add(
        fault!.delayMs ?? behaviour.delayMs,
        () => carryOut(this.#parts.state, call),
      );
      return send(behaviour.reply(struck!));
    }
    const answer = carryOut(this.#parts.state, call);
    if (behaviour?.strikes === "after") return send(await behaviour.reply(answer, struck!));
    return send(answer);
  }

  /** The answer of an override of the call's operation, if one is in place and answers it. */
  async #override(
    record: RecordedRequest,
    call: AdmittedCall,
    isHead: boolean,
  ): Promise<Response | undefined> {
    const { request, matched, text } = call;
    const response = await this.#parts.overrides.answer({
      operationId: matched.operation.id,
      request: new Request(request.url, {
        method: request.method,
        headers: request.headers,
        body: text === "" || isHead || request.method === "GET" ? null : text,
      }),
      params: { ...matched.params },
      query: call.url.searchParams,
      body: parseBody(text),
    });
    if (!response) return undefined;
    record.status = response.status;
    record.overridden = true;
    this.#parts.log.answered(record, {
      status: response.status,
      body: parseBody(await response.clone().text()),
    });
    return isHead ? withoutBody(response) : response;
  }

  /**
   * OPTIONS, as an HTTP server answers it: 204 with the methods the path allows in `Allow`,
   * without asking for a key or counting against the rate limits (a browser's preflight carries
   * no credentials); 404 on a path that names no operation.
   */
  #options(record: RecordedRequest, apiPath: string | undefined): Response {
    const methods = apiPath === undefined ? [] : methodsFor(apiPath);
    if (methods.length === 0) {
      const answer = errorAnswer(notFound(), newRequestId());
      this.#parts.log.answered(record, answer);
      return Response.json(answer.body, { status: answer.status });
    }
    const allow = [...new Set([...methods, ...(methods.includes("GET") ? ["HEAD"] : [])])]
      .concat("OPTIONS").sort().join(", ");
    this.#parts.log.answered(record, { status: 204, body: undefined });
    return new Response(null, { status: 204, headers: { allow } });
  }
}

/** `response` as a HEAD answer: the same status and headers, and the length its body had. */
async function withoutBody(response: Response): Promise<Response> {
  const headers = new Headers(response.headers);
  headers.set("content-length", String((await response.arrayBuffer()).byteLength));
  return new Response(null, { status: response.status, headers });
}
