// What each fault kind does to the call it strikes: one table, typed as a record keyed by
// `FaultKind`, so that a kind without its behaviour here, or a behaviour for no kind, fails
// `deno check`. The request pipeline asks the table and never names a kind itself.

import { systemClock } from "../clock.ts";
import { DroppedConnection } from "./_dropped.ts";
import { EmulatedError, objectDoesNotExist } from "./_errors.ts";
import { type Answer, errorAnswer, newRequestId } from "./_handler.ts";
import { gatewayPage } from "./_pages.ts";
import type { EmulatorState } from "./_state.ts";
import { tooManyRequests } from "./_too_many.ts";
import type { FaultKind, FaultRule } from "./faults.ts";
import type { OperationId } from "./operations.ts";
import type { RateLimitAnswer } from "./rate_limits.ts";

/** What a fault may use of the call it strikes, and of the emulator answering it. */
export interface StruckCall {
  /** The rule that struck. */
  readonly rule: Readonly<FaultRule>;
  readonly operationId: OperationId | undefined;
  readonly params: Readonly<Record<string, string>>;
  readonly request: Request;
  /** Aborted when a served emulator closes. */
  readonly closing: AbortSignal | undefined;
  readonly state: EmulatorState;
  /** The emulator's time. */
  readonly now: () => number;
  /** The emulator's form of a 429. */
  readonly tooManyForm: Required<RateLimitAnswer>;
}

/**
 * When a fault strikes, and what it sends then. A `reply` that throws a
 * {@linkcode DroppedConnection} drops the connection instead of answering.
 */
export type FaultBehaviour =
  /** Before the call is admitted, even before an override: the call is never carried out. */
  | { readonly strikes: "before"; readonly reply: (call: StruckCall) => Answer }
  /**
   * Once admitted, unless an override answered: the reply goes out now, and the call is carried
   * out the rule's `delayMs` (else `delayMs` here) later on the emulator's clock.
   */
  | {
    readonly strikes: "later";
    readonly delayMs: number;
    readonly reply: (call: StruckCall) => Answer;
  }
  /** On the answer the call got once carried out, unless an override answered. */
  | {
    readonly strikes: "after";
    readonly reply: (answer: Answer, call: StruckCall) => Answer | Promise<Answer>;
  };

const PROXY_PAGE = gatewayPage("502 Bad Gateway");
const GATEWAY_TIMEOUT_PAGE = gatewayPage("504 Gateway Time-out");
const DEFAULT_LATE_MS = 5000;
const DEFAULT_SLOW_MS = 65_000;
const DEFAULT_STALE_MS = 10_000;

const drop = (): never => {
  throw new DroppedConnection();
};

/** Every fault kind, in the order `FaultKind` lists them, and what it does. */
export const FAULTS: Readonly<Record<FaultKind, FaultBehaviour>> = {
  "rate-limit": {
    strikes: "before",
    reply: ({ tooManyForm, rule }) =>
      tooManyRequests(tooManyForm, rule.retryAfterSeconds, newRequestId()),
  },
  "server-error": {
    strikes: "before",
    reply: ({ rule }) =>
      apiError(
        rule.status ?? 500,
        "global/internal-error",
        "An internal server error occurred.",
        "Try again later. Contact Support if the problem persists.",
      ),
  },
  "proxy-html": { strikes: "before", reply: () => ({ status: 502, body: PROXY_PAGE }) },
  "provider-unavailable": {
    strikes: "before",
    reply: () =>
      apiError(503, "provider/internal-unavailable", "Provider unavailable", "Try again shortly"),
  },
  slow: {
    strikes: "after",
    reply: async (answer, { rule, request, closing }) => {
      const signal = closing ? AbortSignal.any([request.signal, closing]) : request.signal;
      await systemClock.sleep(rule.delayMs ?? DEFAULT_SLOW_MS, signal);
      return answer;
    },
  },
  drop: { strikes: "before", reply: drop },
  truncate: {
    strikes: "after",
    reply: (answer) => {
      const full = JSON.stringify(answer.body);
      return { status: answer.status, body: full.slice(0, Math.floor(full.length / 2)) };
    },
  },
  "lost-answer": { strikes: "after", reply: drop },
  late: { strikes: "later", delayMs: DEFAULT_LATE_MS, reply: drop },
  "gateway-timeout": {
    strikes: "later",
    delayMs: DEFAULT_LATE_MS,
    reply: () => ({ status: 504, body: GATEWAY_TIMEOUT_PAGE }),
  },
  "stale-read": { strikes: "after", reply: staleRead },
  untagged: {
    strikes: "after",
    reply: (answer) =>
      answer.status === 200
        ? { status: 200, body: { data: withoutTags((answer.body as { data: unknown }).data) } }
        : answer,
  },
};

function apiError(status: number, code: string, message: string, suggestion: string): Answer {
  return errorAnswer(new EmulatedError(status, code, message, suggestion), newRequestId());
}

/** A read that lags: instances launched in the last `delayMs` are not there yet. */
function staleRead(answer: Answer, call: StruckCall): Answer {
  if (answer.status !== 200) return answer;
  const data = (answer.body as { data: unknown }).data;
  const since = call.now() - (call.rule.delayMs ?? DEFAULT_STALE_MS);
  const fresh = (id: unknown) => {
    const record = typeof id === "string" ? call.state.instances.get(id) : undefined;
    return record !== undefined && record.launchedAt > since;
  };
  if (call.operationId === "listInstances" && Array.isArray(data)) {
    return { status: 200, body: { data: data.filter((item) => !fresh(item?.id)) } };
  }
  if (call.operationId === "getInstance" && fresh(call.params.id)) {
    return errorAnswer(
      objectDoesNotExist(
        "Specified instance does not exist.",
        "Check the instance ID and try again.",
      ),
      newRequestId(),
    );
  }
  return answer;
}

/** The answer's data with `tags` removed from every instance in it. */
function withoutTags(data: unknown): unknown {
  const strip = (item: unknown) => {
    if (typeof item !== "object" || item === null || !("instance_type" in item)) return item;
    const { tags: _tags, ...rest } = item as Record<string, unknown>;
    return rest;
  };
  if (Array.isArray(data)) return data.map(strip);
  if (typeof data !== "object" || data === null) return data;
  const copy: Record<string, unknown> = { ...strip(data) as Record<string, unknown> };
  for (const [key, value] of Object.entries(copy)) {
    if (Array.isArray(value)) copy[key] = value.map(strip); // restarted_instances and the like
  }
  return copy;
}
