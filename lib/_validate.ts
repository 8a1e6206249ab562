// Argument checks that run before any request is sent. They throw TypeError for a wrong kind of
// value and RangeError for a value out of bounds, in the std message style.

import { messageOf } from "./_text.ts";

/** A short description of a value for an error message, never its full contents. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  switch (typeof value) {
    case "string":
      return value.length > 40 ? `a string of ${value.length} characters` : `'${value}'`;
    case "number":
    case "boolean":
    case "bigint":
    case "undefined":
      return String(value);
    case "function":
      return "a function";
    case "object":
      return "an object";
    default:
      return `a ${typeof value}`;
  }
}

/** One value or a list of them, as a list; `undefined` stays `undefined`. */
export function asList<T>(value: T | readonly T[] | undefined): readonly T[] | undefined {
  return value === undefined ? undefined : Array.isArray(value) ? value : [value as T];
}

/** Requires a plain object, such as a request body. */
export function checkObject(
  action: string,
  name: string,
  value: unknown,
): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(
      `Cannot ${action}: '${name}' must be an object, received ${describeValue(value)}`,
    );
  }
  return value as Record<string, unknown>;
}

/** Constraints on a string. */
export interface StringRule {
  /** The fewest characters allowed. @default 1 */
  minLength?: number;
  /** The most characters allowed. */
  maxLength?: number;
  /** A pattern the whole string must match, and how to say it in words. */
  pattern?: { regex: RegExp; description: string };
}

/**
 * A {@linkcode StringRule} from the spec's constraints on a string: its lengths (none below means
 * empty is allowed) and its pattern, explained in `words`.
 */
export function specString(
  schema: { minLength?: number; maxLength?: number; pattern?: string },
  words?: string,
): StringRule {
  const rule: StringRule = { minLength: schema.minLength ?? 0 };
  if (schema.maxLength !== undefined) rule.maxLength = schema.maxLength;
  if (schema.pattern !== undefined) {
    rule.pattern = { regex: new RegExp(schema.pattern), description: words ?? schema.pattern };
  }
  return rule;
}

/** Requires a string within `rule`. */
export function checkString(
  action: string,
  name: string,
  value: unknown,
  rule: StringRule = {},
): string {
  if (typeof value !== "string") {
    throw new TypeError(
      `Cannot ${action}: '${name}' must be a string, received ${describeValue(value)}`,
    );
  }
  const minLength = rule.minLength ?? 1;
  if (value.length < minLength) {
    throw new RangeError(
      minLength === 1
        ? `Cannot ${action}: '${name}' must not be empty`
        : `Cannot ${action}: '${name}' must hold at least ${minLength} characters, received ${value.length}`,
    );
  }
  if (rule.maxLength !== undefined && value.length > rule.maxLength) {
    throw new RangeError(
      `Cannot ${action}: '${name}' must hold at most ${rule.maxLength} characters, received ${value.length}`,
    );
  }
  // A lone surrogate cannot be put in a URL (encodeURIComponent throws) and is silently replaced
  // in a query string: refuse it rather than send something else than was given.
  if (!value.isWellFormed()) {
    throw new RangeError(
      `Cannot ${action}: '${name}' must be well-formed Unicode text, received a lone surrogate`,
    );
  }
  if (rule.pattern && !rule.pattern.regex.test(value)) {
    throw new RangeError(
      `Cannot ${action}: '${name}' must be ${rule.pattern.description}, received ${
        describeValue(value)
      }`,
    );
  }
  return value;
}

/** Requires `value` to be absent or a string within `rule`. */
export function checkOptionalString(
  action: string,
  name: string,
  value: unknown,
  rule?: StringRule,
): void {
  if (value !== undefined) checkString(action, name, value, rule);
}

/** Requires `value` to be one of `allowed`. */
export function checkOneOf<T>(
  action: string,
  name: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (!allowed.includes(value as T)) {
    throw new RangeError(
      `Cannot ${action}: '${name}' must be one of ${allowed.join(", ")}, received ${
        describeValue(value)
      }`,
    );
  }
  return value as T;
}

/** Requires an array, and checks each item with `checkItem`. */
export function checkArray(
  action: string,
  name: string,
  value: unknown,
  checkItem: (item: unknown, itemName: string) => void,
): unknown[] {
  if (!Array.isArray(value)) {
    throw new TypeError(
      `Cannot ${action}: '${name}' must be an array, received ${describeValue(value)}`,
    );
  }
  // By index, not forEach: a hole in a sparse array is sent as null, so it is checked too.
  for (let index = 0; index < value.length; index++) checkItem(value[index], `${name}[${index}]`);
  return value;
}

// RFC 3339's date-time, which JSON Schema's `date-time` format names: a date, `T`, a time with
// optional fractions of a second, and an offset (`Z` or `±hh:mm`).
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;

/** Whether `text` is an RFC 3339 date-time, as the spec's `format: date-time` asks. */
export function isDateTime(text: string): boolean {
  const match = DATE_TIME.exec(text);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as number[];
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  return month! >= 1 && month! <= 12 && day! >= 1 && day! <= daysInMonth && hour! <= 23 &&
    minute! <= 59 && second! <= 60 && Number(match[9] ?? 0) <= 23 &&
    Number(match[10] ?? 0) <= 59;
}

/**
 * Requires a resource id and returns it encoded as exactly one path segment, so that no id can
 * reach another endpoint (`"../ssh-keys"` becomes `..%2Fssh-keys`).
 */
export function checkId(action: string, name: string, value: unknown): string {
  const id = checkString(action, name, value);
  if (id.trim() === "" || id === "." || id === "..") {
    throw new RangeError(
      `Cannot ${action}: '${name}' is not a valid id, received ${describeValue(id)}`,
    );
  }
  return encodeURIComponent(id);
}

/**
 * Requires every field of `value` to be one of `known`: a mistyped option or filter would
 * otherwise be ignored, and act on everything. `of` names what `where` belongs to, when it helps.
 */
export function checkNames(
  action: string,
  where: string,
  value: Record<string, unknown>,
  known: readonly string[],
  of?: string,
): void {
  for (const name of Object.keys(value)) {
    if (known.includes(name)) continue;
    const takes = known.length === 0 ? "takes none" : `takes ${known.join(", ")}`;
    throw new TypeError(
      `Cannot ${action}: '${where}'${
        of === undefined ? "" : ` of ${of}`
      } has no '${name}' (it ${takes})`,
    );
  }
}

/** Whether `value` is a plain object (not `null`, not an array): a record to read fields of. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Whether an id read from an answer can be used in a later request: printable ASCII without spaces,
 * and not `.` or `..` (which {@linkcode checkId} refuses as path segments).
 */
export function isUsableId(id: unknown): id is string {
  return typeof id === "string" && /^[\x21-\x7e]+$/.test(id) && id !== "." && id !== "..";
}

/**
 * The body as it will be sent: a JSON copy, read once. What is checked is then exactly what goes
 * out: a `toJSON()` or a getter cannot show the checks one thing and the request another.
 */
export function snapshotBody<T>(action: string, body: T): T {
  if (body === undefined || body === null || typeof body !== "object") return body;
  const copy = jsonCopy(action, body);
  return copy === undefined ? body : copy as T;
}

/**
 * The value `JSON.stringify` sends for `value`, as plain data: `undefined` when it sends none. A
 * value that cannot be sent (a cycle, a BigInt) is a `TypeError` naming `body`.
 */
export function jsonCopy(action: string, value: unknown): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new TypeError(`Cannot ${action}: 'body' must be JSON data (${messageOf(error)})`);
  }
  return text === undefined ? undefined : JSON.parse(text);
}

/** Requires `value`, when given, to be of JavaScript type `type` ("boolean", "function"…). */
export function checkOptionalType(
  action: string,
  name: string,
  value: unknown,
  type: "boolean" | "function" | "string",
): void {
  if (value !== undefined && typeof value !== type) {
    throw new TypeError(
      `Cannot ${action}: '${name}' must be a ${type}, received ${describeValue(value)}`,
    );
  }
}

/** Requires one id or a non-empty array of ids, and returns them as an array. */
export function checkIdList(action: string, name: string, value: unknown): string[] {
  const ids = typeof value === "string" ? [value] : value;
  checkArray(action, name, ids, (item, itemName) => checkId(action, itemName, item));
  const list = ids as string[];
  if (list.length === 0) {
    throw new RangeError(`Cannot ${action}: '${name}' must hold at least one id, received 0`);
  }
  return [...list];
}

/** Requires a number of milliseconds that `setTimeout` can wait. */
export function checkTimeout(action: string, name: string, value: unknown): number {
  const ms = checkNonNegativeNumber(action, name, value);
  if (ms === 0 || ms > 2_147_483_647) {
    throw new RangeError(
      `Cannot ${action}: '${name}' must be between 1 and 2147483647 milliseconds, received ${ms}`,
    );
  }
  return ms;
}

/** Requires a finite number of zero or more. */
export function checkNonNegativeNumber(action: string, name: string, value: unknown): number {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(
      `Cannot ${action}: '${name}' must be a number, received ${describeValue(value)}`,
    );
  }
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(
      `Cannot ${action}: '${name}' must be a finite number of zero or more, received ${value}`,
    );
  }
  return value;
}

/** Requires a whole number of zero or more. */
export function checkNonNegativeInteger(action: string, name: string, value: unknown): number {
  const number = checkNonNegativeNumber(action, name, value);
  if (!Number.isInteger(number)) {
    throw new RangeError(`Cannot ${action}: '${name}' must be a whole number, received ${number}`);
  }
  return number;
}
