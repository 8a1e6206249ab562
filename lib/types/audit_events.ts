// The shapes of audit events, as Lambda's API sends and takes them.

/**
 * The outcome of an audited action.
 */
export interface AuditResult {
  /** `success` or `failure`; new values may appear. */
  status: "success" | "failure" | (string & Record<never, never>);
  /** The HTTP status code of the request, when there was one. */
  status_code?: number | null;
}

/**
 * One audit event. Fields Lambda adds later are kept as they arrive.
 */
export interface AuditEvent {
  /** The service that recorded the event, such as `cloud`. */
  service_name: string;
  /** The kind of resource acted on, such as `instance`. */
  resource_name: string;
  /** The action, such as `launch`. */
  action: string;
  /** The version of Lambda's audit event catalog. */
  catalog_version: string;
  /** The unique identifier of the event. */
  event_id: string;
  /** When the event happened, as an ISO 8601 timestamp. */
  event_time: string;
  /** The Lambda resource name (LRN) of who acted. */
  actor_lrn: string | null;
  /** The email address of who acted. */
  actor_email: string | null;
  /** The display name of who acted. */
  actor_display_name: string | null;
  /** The LRNs of the resources acted on. */
  resource_lrns: string[];
  /** The LRN of the resources' owner. */
  resource_owner_lrn: string | null;
  /** The LRN of the API key used, when one was. */
  request_api_key_lrn: string | null;
  /** The LRN of the workspace. */
  workspace_lrn: string | null;
  /** The client's IP address. */
  client_ip: string | null;
  /** The client's user agent. */
  client_user_agent: string | null;
  /** Where the action came from, such as `api` or `console`. */
  surface: string | null;
  /** The outcome. */
  result: AuditResult | null;
  /** Details that depend on the action. */
  additional_details: Record<string, unknown>;
}

/**
 * Filters for `client.auditEvents.list()` and `listPage()`.
 */
export interface AuditEventsParams {
  /**
   * The earliest event time, inclusive: a `Date`, or an RFC 3339 date-time string such as
   * `2026-01-01T00:00:00Z` (the spec's `date-time`).
   */
  start?: Date | string;
  /**
   * The latest event time, inclusive: a `Date`, or an RFC 3339 date-time string such as
   * `2026-01-01T00:00:00Z` (the spec's `date-time`).
   */
  end?: Date | string;
  /** Only events about this resource type, such as `cloud.api_key`. */
  resource_type?: string;
}

/**
 * One page of audit events.
 */
export interface AuditEventPage {
  /** The events on this page. */
  data: AuditEvent[];
  /** The token for the next page, or `null` on the last page. */
  page_token: string | null;
}
