// Carrying an admitted call out: its query and body checked, then the handler of its operation.

import { checkQuery, queryValues } from "../_rules/query.ts";
import { ACCOUNT_HANDLERS } from "./_account.ts";
import { AUDIT_HANDLERS } from "./_audit.ts";
import { EmulatedError, validateWith } from "./_errors.ts";
import { FIREWALL_HANDLERS } from "./_firewall.ts";
import { type Answer, errorAnswer, type Handler } from "./_handler.ts";
import { INSTANCE_HANDLERS } from "./_instances.ts";
import type { EmulatorState } from "./_state.ts";
import { TICKET_HANDLERS } from "./_tickets.ts";
import type { matchOperation, OperationId } from "./operations.ts";

// Complete by type: an operation added to the table without a handler here fails type checking.
const HANDLERS: Readonly<Record<OperationId, Handler>> = {
  ...INSTANCE_HANDLERS,
  ...ACCOUNT_HANDLERS,
  ...FIREWALL_HANDLERS,
  ...AUDIT_HANDLERS,
  ...TICKET_HANDLERS,
};

/** A call the API has admitted, as it arrived. */
export interface AdmittedCall {
  request: Request;
  url: URL;
  matched: NonNullable<ReturnType<typeof matchOperation>>;
  /** The body, as text. */
  text: string;
  requestId: string;
}

/** Carries `call` out on `state`; an error the API answers with comes back as that answer. */
export function carryOut(state: EmulatorState, call: AdmittedCall): Answer {
  const { request, url, matched, text } = call;
  try {
    const id = matched.operation.id;
    validateWith(() => checkQuery(id, queryValues(id, url.searchParams)));
    const handler = HANDLERS[id];
    let body: unknown;
    if (text.trim() !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        throw new EmulatedError(
          400,
          "global/invalid-parameters",
          "The request body is not valid JSON.",
        );
      }
    }
    return handler({
      state,
      request,
      params: matched.params,
      query: url.searchParams,
      body,
    });
  } catch (error) {
    if (error instanceof EmulatedError) return errorAnswer(error, call.requestId);
    throw error;
  }
}
