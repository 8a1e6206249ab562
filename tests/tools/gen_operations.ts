// deno task gen
//
// Writes lib/spec/operations.ts, the table of every operation, from Lambda's OpenAPI spec: its id,
// method, path, parameters, the constraints of its request body and query values, the fields of
// its success envelope, and its statuses. The table is committed, so the package never needs the
// spec. Reads the spec from $LAMBDA_OPENAPI, else ../shared/lambda-cloud-api/openapi.json; with
// --check, writes nothing and fails when the committed table differs from what the spec gives.

// deno-lint-ignore-file no-console -- a development tool reports on the console

const SPEC_PATH = Deno.env.get("LAMBDA_OPENAPI") ?? "../shared/lambda-cloud-api/openapi.json";
const OUT_PATH = new URL("../../lib/spec/operations.ts", import.meta.url);
const API_PREFIX = "/api/v1";
const METHODS = ["get", "post", "put", "patch", "delete"];
// Schema keywords the table keeps; annotations (descriptions, examples, titles) are dropped.
const KEPT = [
  "type",
  "format",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "minItems",
  "maxItems",
  "enum",
  "const",
  "required",
];

type Json = Record<string, unknown>;

interface Spec {
  info: { version: string };
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json> };
}

let spec: Spec;
try {
  spec = JSON.parse(await Deno.readTextFile(SPEC_PATH));
} catch (error) {
  if (!(error instanceof Deno.errors.NotFound)) throw error;
  console.log(`gen: skipped, no spec at ${SPEC_PATH} (set LAMBDA_OPENAPI)`);
  Deno.exit(0);
}

const schemaNames = new Set<string>();

/** The constraint-bearing part of a schema, with references kept as names. */
function reduce(schema: Json): Json {
  if (typeof schema.$ref === "string") {
    const name = schema.$ref.split("/").at(-1)!;
    collect(name);
    return { ref: name };
  }
  const out: Json = {};
  for (const key of KEPT) if (key in schema) out[key] = schema[key];
  if (schema.items) out.items = reduce(schema.items as Json);
  if (schema.properties) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties as Record<string, Json>).map((
        [name, property],
      ) => [name, reduce(property)]),
    );
  }
  if (Array.isArray(schema.anyOf)) out.anyOf = schema.anyOf.map((item) => reduce(item as Json));
  return out;
}

/** Adds a component schema (and what it refers to) to the table's SCHEMAS. */
function collect(name: string): void {
  if (schemaNames.has(name)) return;
  schemaNames.add(name);
  reduced.set(name, reduce(spec.components.schemas[name]!));
}

const reduced = new Map<string, Json>();

function resolve(schema: Json): Json {
  return typeof schema.$ref === "string"
    ? spec.components.schemas[schema.$ref.split("/").at(-1)!]!
    : schema;
}

interface Row {
  id: string;
  method: string;
  path: string;
  summary: string;
  pathParams: string[];
  query: Record<string, Json>;
  body: Json | undefined;
  envelope: string[];
  statuses: number[];
}

const rows: Row[] = [];
for (const [fullPath, item] of Object.entries(spec.paths)) {
  for (const method of METHODS) {
    const operation = item[method];
    if (!operation) continue;
    const parameters = (operation.parameters ?? []) as Json[];
    const content = (operation.requestBody as Json | undefined)?.content as
      | Record<string, { schema: Json }>
      | undefined;
    const bodySchema = content?.["application/json"]?.schema;
    const responses = operation.responses as Record<string, Json>;
    const success = Object.entries(responses).find(([status]) => status.startsWith("2"))!;
    const envelope = resolve(
      ((success[1].content as Record<string, { schema: Json }>)["application/json"]!).schema,
    );
    rows.push({
      id: operation.operationId as string,
      method: method.toUpperCase(),
      path: fullPath.slice(API_PREFIX.length),
      summary: operation.summary as string,
      pathParams: [...fullPath.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!),
      query: Object.fromEntries(
        parameters.filter((parameter) => parameter.in === "query").map((
          parameter,
        ) => [parameter.name as string, reduce(parameter.schema as Json)]),
      ),
      body: bodySchema === undefined ? undefined : reduce(bodySchema),
      envelope: Object.keys((envelope.properties ?? {}) as Json),
      statuses: Object.keys(responses).map(Number),
    });
  }
}
rows.sort((a, b) => a.id.localeCompare(b.id));

/** One line for an operation's doc comment: `METHOD /path`: its summary. */
function describe(row: Row): string {
  return `\`${row.method} ${row.path}\`: ${row.summary}.`;
}

/** `value` as a TypeScript literal: JSON, with plain keys left unquoted. */
function literal(value: unknown): string {
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return `[${value.map(literal).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).map(([key, item]) =>
      `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key)}: ${literal(item)}`
    );
    return `{ ${entries.join(", ")} }`;
  }
  return JSON.stringify(value);
}
const union = (names: readonly string[]) =>
  names.length === 0 ? "never" : names.map(literal).join(" | ");

const lines = [
  `// Generated by \`deno task gen\` (tests/tools/gen_operations.ts) from Lambda's OpenAPI spec ${spec.info.version}.`,
  "// Do not edit: regenerate it, and put what the spec does not say in lib/spec/policy.ts.",
  "",
  'import type { SchemaRule, SpecOperation } from "./types.ts";',
  "",
  "/** The version of Lambda's OpenAPI spec the table comes from. */",
  `export const SPEC_VERSION = ${literal(spec.info.version)};`,
  "",
  "/** The id of an operation, as Lambda's OpenAPI spec names it (its `operationId`). */",
  "export type OperationId =",
  ...rows.map((row) => `  | ${literal(row.id)}`),
  ";",
  "",
  "/** The names of the path parameters of each operation. */",
  "export interface OperationPathParams {",
  ...rows.flatMap((row) => [`  /** ${describe(row)} */`, `  ${row.id}: ${union(row.pathParams)};`]),
  "}",
  "",
  "/** The names of the query parameters of each operation. */",
  "export interface OperationQueryParams {",
  ...rows.flatMap((row) => [
    `  /** ${describe(row)} */`,
    `  ${row.id}: ${union(Object.keys(row.query))};`,
  ]),
  "}",
  "",
  "/** Every operation of the API, by id, in alphabetical order. */",
  "export const OPERATIONS: Readonly<Record<OperationId, SpecOperation>> = {",
  ...rows.map((row) =>
    `  ${row.id}: ${
      literal({
        method: row.method,
        path: row.path,
        summary: row.summary,
        pathParams: row.pathParams,
        query: row.query,
        body: row.body,
        envelope: row.envelope,
        statuses: row.statuses,
      })
    },`
  ),
  "};",
  "",
  "/** The schemas that request bodies and query values refer to, by name. */",
  "export const SCHEMAS: Readonly<Record<string, SchemaRule>> = {",
  ...[...reduced].sort(([a], [b]) => a.localeCompare(b)).map(([name, schema]) =>
    `  ${name}: ${literal(schema)},`
  ),
  "};",
  "",
];
const text = lines.join("\n");
const formatted = await format(text);

if (Deno.args.includes("--check")) {
  const committed = await Deno.readTextFile(OUT_PATH);
  if (committed !== formatted) {
    console.error(
      `gen: lib/spec/operations.ts is out of date with spec ${spec.info.version}: run deno task gen`,
    );
    Deno.exit(1);
  }
  console.log(
    `gen: lib/spec/operations.ts matches spec ${spec.info.version} (${rows.length} operations)`,
  );
} else {
  await Deno.writeTextFile(OUT_PATH, formatted);
  console.log(
    `gen: wrote ${rows.length} operations of spec ${spec.info.version} to lib/spec/operations.ts`,
  );
}

/** Formats TypeScript the way `deno fmt` does, through `deno fmt -`. */
async function format(source: string): Promise<string> {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext=ts", "--line-width=100", "-"],
    stdin: "piped",
    stdout: "piped",
  });
  const child = command.spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(source));
  await writer.close();
  const { code, stdout } = await child.output();
  if (code !== 0) throw new Error("deno fmt failed on the generated table");
  return new TextDecoder().decode(stdout);
}
