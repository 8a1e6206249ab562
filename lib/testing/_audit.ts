// The audit trail: every successful change, oldest first, in pages.

import { type Handler, paginate } from "./_handler.ts";
import type { OperationId } from "./operations.ts";

// The dispatcher has checked that `start` and `end` are RFC 3339 date-times, as the spec asks.
function timeParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  return value === null ? undefined : Date.parse(value.toUpperCase());
}

/** The audit events handler. */
export const AUDIT_HANDLERS = {
  getAuditEvents: ({ state, query }) => {
    const start = timeParam(query, "start") ?? -Infinity;
    const end = timeParam(query, "end") ?? Infinity;
    const resourceType = query.get("resource_type");
    const matching = state.auditEvents.filter((event) => {
      const time = Date.parse(event.event_time);
      return time >= start && time <= end &&
        (resourceType === null ||
          `${event.service_name}.${event.resource_name}` === resourceType);
    });
    const { page, next } = paginate(matching, query.get("page_token"), state.pageSize);
    return { status: 200, body: { data: structuredClone(page), page_token: next } };
  },
} satisfies Partial<Record<OperationId, Handler>>;
