/**
 * Audit events: who did what in the account, page by page.
 *
 * @module
 */

import { everyPage } from "../_paging.ts";
import { Resource } from "./_resource.ts";
import { checkObject, checkOptionalString, describeValue } from "../_validate.ts";
import { checkQuery } from "../_rules/query.ts";
import type { RequestOptions } from "../options.ts";
import type { AuditEvent, AuditEventPage, AuditEventsParams } from "../types/audit_events.ts";

const ACTION_LIST = "list audit events";

/**
 * `client.auditEvents`: the account's audit trail.
 *
 * @example Every change to instances in the trail
 * ```ts ignore
 * import { LambdaCloudClient } from "@lambda-cloud/client";
 *
 * const client = new LambdaCloudClient();
 * for await (const event of client.auditEvents.list({ resource_type: "cloud.instance" })) {
 *   console.log(event.event_time, event.action, event.resource_lrns);
 * }
 * ```
 */
export class AuditEventsResource extends Resource {
  /**
   * Iterates over every matching event, oldest first, fetching the pages one by one as the loop
   * asks for them (`GET /api/v1/audit-events`). Each page is retried on transient failures; break
   * out of the loop to stop early.
   *
   * @param params Filters.
   * @param options Per-call options, applied to each page.
   * @returns An async iterable over the events.
   * @throws {TypeError | RangeError} On the first iteration, before any request, when a filter is
   * invalid.
   *
   * @example Collect the events of one hour
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const events = await Array.fromAsync(
   *   client.auditEvents.list({ start: "2026-11-26T10:00:00Z", end: "2026-11-26T11:00:00Z" }),
   * );
   * ```
   */
  list(params?: AuditEventsParams, options?: RequestOptions): AsyncGenerator<AuditEvent> {
    return everyPage(ACTION_LIST, "data", params, (query) => this.listPage(query, options));
  }

  /**
   * Fetches one page (`GET /api/v1/audit-events`), for callers who keep the `page_token`
   * themselves. Retried on transient failures.
   *
   * @param params Filters, and the `page_token` of the page to fetch (none for the first).
   * @param options Per-call options.
   * @returns The page, with the token of the next one.
   * @throws {TypeError | RangeError} Before any request, when a filter is invalid.
   *
   * @example Resume from a saved token
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const first = await client.auditEvents.listPage();
   * if (first.page_token) {
   *   const second = await client.auditEvents.listPage({ page_token: first.page_token });
   * }
   * ```
   */
  async listPage(
    params: AuditEventsParams & { page_token?: string | undefined } = {},
    options?: RequestOptions,
  ): Promise<AuditEventPage> {
    const checked = checkObject(ACTION_LIST, "params", params);
    checkOptionalString(ACTION_LIST, "resource_type", checked.resource_type);
    checkOptionalString(ACTION_LIST, "page_token", checked.page_token);
    const query = {
      start: toTimestamp("start", checked.start),
      end: toTimestamp("end", checked.end),
      resource_type: params.resource_type,
      page_token: params.page_token,
    };
    checkQuery("getAuditEvents", query);
    return await this.transport.call<AuditEventPage>("getAuditEvents", { query }, options);
  }
}

/** A Date as the spec's date-time; a string as given, for checkQuery to hold to the spec. */
function toTimestamp(name: string, value: unknown): string | undefined {
  if (value === undefined || typeof value === "string") return value;
  if (!(value instanceof Date)) {
    throw new TypeError(
      `Cannot ${ACTION_LIST}: '${name}' must be a Date or an RFC 3339 date-time string, received ${
        describeValue(value)
      }`,
    );
  }
  if (Number.isNaN(value.getTime())) {
    throw new RangeError(`Cannot ${ACTION_LIST}: '${name}' is an invalid Date`);
  }
  return value.toISOString();
}
