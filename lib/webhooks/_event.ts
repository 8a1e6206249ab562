// Whether parsed JSON is shaped like an event, as the spec's payload is: the envelope of every
// event, and for the ticket events each field of the ticket their type promises. Fields beyond
// those are left as they came; an event of a type not known here passes with its `data` unread.

import { describeValue, isRecord } from "../_validate.ts";
import type { WebhookEvent } from "../types/webhooks.ts";
import { WebhookPayloadError } from "./errors.ts";
import { TICKET_EVENT_TYPES } from "./events.ts";

type Kind = "a string" | "a non-empty string" | "a number" | "a string or null";

const ENVELOPE: Readonly<Record<string, Kind>> = {
  id: "a non-empty string",
  type: "a non-empty string",
  created: "a number",
  api_version: "a string",
};

const TICKET: Readonly<Record<string, Kind>> = {
  id: "a non-empty string",
  subject: "a string",
  description: "a string",
  request_type: "a string",
  severity: "a string or null",
  status: "a string",
  created_at: "a string",
  updated_at: "a string",
  instance_ip: "a string or null",
  instance_id: "a string or null",
  cluster_id: "a string or null",
  source: "a string",
};

/** `value` as an event; throws a {@linkcode WebhookPayloadError} naming the first field amiss. */
export function checkEvent(value: unknown): WebhookEvent {
  if (!isRecord(value)) fail("the payload", "a JSON object", value);
  if (value.object !== "event") fail("'object'", "'event'", value.object);
  checkFields(value, ENVELOPE, "");
  const data = value.data;
  if (!isRecord(data)) fail("'data'", "a JSON object", data);
  if ((TICKET_EVENT_TYPES as readonly unknown[]).includes(value.type)) {
    if (data.object !== "ticket") fail("'data.object'", "'ticket'", data.object);
    checkFields(data, TICKET, "data.");
  }
  return value as unknown as WebhookEvent;
}

function checkFields(
  record: Record<string, unknown>,
  fields: Readonly<Record<string, Kind>>,
  prefix: string,
): void {
  for (const [name, kind] of Object.entries(fields)) {
    const value = record[name];
    const fits = kind === "a number"
      ? typeof value === "number" && Number.isFinite(value)
      : kind === "a string or null"
      ? value === undefined || value === null || typeof value === "string"
      : typeof value === "string" && (kind === "a string" || value !== "");
    if (!fits) fail(`'${prefix}${name}'`, kind, value);
  }
}

function fail(name: string, expected: string, value: unknown): never {
  throw new WebhookPayloadError(`${name} must be ${expected}, received ${describeValue(value)}`);
}
