// The rules of support tickets and their attachments, checked before anything is sent and shared
// with the emulator, which answers a request that breaks them with `global/invalid-parameters`.
// Lengths, patterns and enums come from the operation table (lib/spec/); the words that explain
// them are ours. Three rules are stricter than the schema because the spec's prose states them:
// severity for incidents only, a requester's email address, and an attachment's MIME type.

import {
  checkArray,
  checkObject,
  checkOneOf,
  checkOptionalString,
  checkString,
  describeValue,
  specString,
  type StringRule,
} from "../_validate.ts";
import { bodyField, enumValues } from "../spec/lookup.ts";
import { checkQuery, type QueryValues } from "./query.ts";

const TICKET_TYPES: readonly string[] = enumValues(bodyField("createTicket", "type"));
const SEVERITIES: readonly string[] = enumValues(bodyField("createTicket", "severity"));
const PRIORITIES: readonly string[] = enumValues(bodyField("createTicket", "priority"));
const SOLVED: string = bodyField("updateTicket", "status").const!;
const FILENAME_RULE: StringRule = specString(bodyField("initiateAttachmentUpload", "filename"));
// Free text the spec puts no least length on: an empty string is the caller's business.
const TEXT: StringRule = { minLength: 0 };
const LEAST_SIZE: number = bodyField("initiateAttachmentUpload", "size_bytes").minimum!;

function checkSeverityAndPriority(action: string, body: Record<string, unknown>): void {
  if (body.severity !== undefined) checkOneOf(action, "severity", body.severity, SEVERITIES);
  if (body.priority !== undefined) checkOneOf(action, "priority", body.priority, PRIORITIES);
}

function checkStringList(action: string, name: string, value: unknown): void {
  if (value === undefined) return;
  checkArray(action, name, value, (item, itemName) => checkString(action, itemName, item, TEXT));
}

/** Checks a ticket create body. Shared with the emulator. */
export function checkCreateTicketRequest(body: unknown): void {
  const action = "create ticket";
  const checked = checkObject(action, "body", body);
  checkString(action, "subject", checked.subject, TEXT);
  checkString(action, "description", checked.description, TEXT);
  checkOneOf(action, "type", checked.type ?? "", TICKET_TYPES);
  checkSeverityAndPriority(action, checked);
  // "Required for incident tickets, must not be provided for service requests." (the spec)
  if (checked.type === "incident" && checked.severity === undefined) {
    throw new TypeError(`Cannot ${action}: 'severity' is required for incidents`);
  }
  if (checked.type === "service_request" && checked.severity !== undefined) {
    throw new TypeError(`Cannot ${action}: 'severity' must be left out for service requests`);
  }
  for (const name of ["ip", "instance_id", "cluster_id", "hostname", "device_serial"]) {
    checkOptionalString(action, name, checked[name], TEXT);
  }
  // "The email address to associate with the ticket's requester." (the spec)
  checkOptionalString(action, "requester_email", checked.requester_email, {
    pattern: { regex: /^[^@\s]+@[^@\s]+$/, description: "an email address" },
  });
  checkStringList(action, "affected_devices", checked.affected_devices);
}

/** Checks a ticket update body. Shared with the emulator. */
export function checkUpdateTicketRequest(body: unknown): void {
  const action = "update ticket";
  const checked = checkObject(action, "body", body);
  if (checked.status !== undefined && checked.status !== SOLVED) {
    throw new RangeError(
      `Cannot ${action}: 'status' can only be set to '${SOLVED}', received ${
        describeValue(checked.status)
      }`,
    );
  }
  checkSeverityAndPriority(action, checked);
  if (checked.comment !== undefined) {
    checkString(
      action,
      "comment.body",
      checkObject(action, "comment", checked.comment).body,
      TEXT,
    );
  }
  checkStringList(action, "affected_devices", checked.affected_devices);
}

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const MEDIA_TYPE = new RegExp(
  `^${TOKEN}/${TOKEN}(?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|"(?:[^"\\\\]|\\\\.)*"))*$`,
);

/** Checks an attachment upload body. Shared with the emulator. */
export function checkInitiateAttachmentRequest(body: unknown): void {
  const action = "initiate attachment upload";
  const checked = checkObject(action, "body", body);
  checkString(action, "filename", checked.filename, FILENAME_RULE);
  // "The MIME type of the attachment, such as `application/gzip`" (the spec): a type and a
  // subtype, with parameters such as `; charset=utf-8` as RFC 9110 writes them.
  checkString(action, "content_type", checked.content_type, {
    pattern: { regex: MEDIA_TYPE, description: "a MIME type such as 'text/plain'" },
  });
  const size = checked.size_bytes;
  if (typeof size !== "number" || !Number.isInteger(size) || size < LEAST_SIZE) {
    throw new RangeError(
      `Cannot ${action}: 'size_bytes' must be a whole number of ${LEAST_SIZE} or more, received ${
        describeValue(size)
      }`,
    );
  }
}

/** Checks the filters of a ticket listing against the spec's enums. */
export function checkTicketsQuery(params: unknown): void {
  checkQuery("listTickets", checkObject("list tickets", "params", params) as QueryValues);
}

/** Checks the filter of an attachment listing against the spec's enum. */
export function checkAttachmentsQuery(params: unknown): void {
  checkQuery("listAttachments", checkObject("list attachments", "params", params) as QueryValues);
}
