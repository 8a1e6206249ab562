// The shape of the operation table: what the generated lib/spec/operations.ts holds for each
// operation, and the subset of JSON Schema it keeps for request bodies and query values.

/** An HTTP method the API uses. */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * A schema, reduced to what checks a value: types, lengths, patterns, ranges and enums. `ref`
 * names another entry of `SCHEMAS`.
 */
export interface SchemaRule {
  readonly ref?: string;
  readonly type?: "string" | "integer" | "number" | "boolean" | "array" | "object";
  readonly format?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly enum?: readonly string[];
  readonly const?: string;
  readonly items?: SchemaRule;
  readonly properties?: Readonly<Record<string, SchemaRule>>;
  readonly required?: readonly string[];
  readonly anyOf?: readonly SchemaRule[];
}

/** One operation of the API, as the spec declares it. */
export interface SpecOperation {
  /** The HTTP method. */
  readonly method: HttpMethod;
  /** The path below `/api/v1`, with `{name}` for each path parameter. */
  readonly path: string;
  /** The spec's one-line summary. */
  readonly summary: string;
  /** The path parameters, in the order they appear in the path. */
  readonly pathParams: readonly string[];
  /** The query parameters, with their schemas. */
  readonly query: Readonly<Record<string, SchemaRule>>;
  /** The request body's schema, when there is one. */
  readonly body?: SchemaRule;
  /** The top-level fields of the success envelope: `data`, and `page_token` where it pages. */
  readonly envelope: readonly string[];
  /**
   * What the success answer's `data` is: an array or an object, and the one list an object only
   * wraps (such as `terminated_instances`). Left empty where the spec allows several shapes.
   */
  readonly data: { readonly type?: "array" | "object"; readonly list?: string };
  /** Every status the spec declares for the operation. */
  readonly statuses: readonly number[];
}
