// deno task gen
//
// Writes the table of every operation from Lambda's OpenAPI spec: lib/spec/operations.json holds
// each operation's method, path, parameters, the constraints of its request body and query values,
// the fields of its success envelope and its statuses; lib/spec/operations.ts its types. Both are
// committed, so the package never needs the spec. Reads the spec from $LAMBDA_OPENAPI, else ../shared/lambda-cloud-api/openapi.json; with
// --check, writes nothing and fails when the committed table differs from what the spec gives.

// deno-lint-ignore-file no-console -- a development tool reports on the console

const SPEC_PATH = Deno.env.get("LAMBDA_OPENAPI") ?? "../shared/lambda-cloud-api/openapi.json";
const OUT_PATH = new URL("../../lib/spec/operations.ts", import.meta.url);
const DATA_PATH = new URL("../../lib/spec/operations.json", import.meta.url);
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
  data: { type?: "array" | "object"; list?: string };
  statuses: number[];
}

/**
 * What the success answer's `data` must be for the client to hand it on: an array or an object,
 * and, where the object only wraps a list (`{ terminated_instances: [...] }`), that list.
 * Nothing finer: a field the spec requires but production leaves out must not break a read.
 */
function dataShape(envelope: Json): Row["data"] {
  const data = (envelope.properties as Record<string, Json> | undefined)?.data;
  if (data === undefined) return {};
  const schema = resolve(data);
  if (schema.type === "array") return { type: "array" };
  if (schema.type !== "object") return {};
  const properties = Object.entries((schema.properties ?? {}) as Record<string, Json>);
  const required = (schema.required ?? []) as string[];
  const [only] = properties;
  return properties.length === 1 && required.includes(only![0]) &&
      resolve(only![1]).type === "array"
    ? { type: "object", list: only![0] }
    : { type: "object" };
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
      data: dataShape(envelope),
      statuses: Object.keys(responses).map(Number),
    });
  }
}
rows.sort((a, b) => a.id.localeCompare(b.id));
// Enums of answers that the command line's filters take (`instances list --status`, `capacity
// --arch`), so that a value it checks comes from the spec, as those of bodies and queries do.
for (const name of ["InstanceStatus", "InstanceTypeArchitecture"]) collect(name);

/** One line for an operation's doc comment: `METHOD /path`: its summary. */
function describe(row: Row): string {
  return `\`${row.method} ${row.path}\`: ${row.summary}.`;
}

const union = (names: readonly string[]) =>
  names.length === 0 ? "never" : names.map((name) => JSON.stringify(name)).join(" | ");

const lines = [
  `// Generated by \`deno task gen\` (tests/tools/gen_operations.ts) from Lambda's OpenAPI spec ${spec.info.version}.`,
  "// Do not edit: regenerate it, and put what the spec does not say in lib/spec/policy.ts.",
  "",
  'import table from "./operations.json" with { type: "json" };',
  'import type { SchemaRule, SpecOperation } from "./types.ts";',
  "",
  "/** The version of Lambda's OpenAPI spec the table comes from. */",
  `export const SPEC_VERSION = ${JSON.stringify(spec.info.version)};`,
  "",
  "/** The id of an operation, as Lambda's OpenAPI spec names it (its `operationId`). */",
  "export type OperationId =",
  ...rows.map((row) => `  | ${JSON.stringify(row.id)}`),
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
  "/** Every operation of the API, by id, in alphabetical order, and the schemas they refer to. */",
  "export const OPERATIONS: Readonly<Record<OperationId, SpecOperation>> = table.operations as Readonly<",
  "  Record<OperationId, SpecOperation>",
  ">;",
  "",
  "/** The schemas that bodies and queries refer to, and the enums of answers filters take, by name. */",
  "export const SCHEMAS: Readonly<Record<string, SchemaRule>> = table.schemas as Readonly<",
  "  Record<string, SchemaRule>",
  ">;",
  "",
];
const data = JSON.stringify(
  {
    specVersion: spec.info.version,
    operations: Object.fromEntries(rows.map(({ id, ...row }) => [id, row])),
    schemas: Object.fromEntries([...reduced].sort(([a], [b]) => a.localeCompare(b))),
  },
  null,
  2,
) + "\n";
const text = lines.join("\n");
const formatted = await format(text);

if (Deno.args.includes("--check")) {
  const committed = [await Deno.readTextFile(OUT_PATH), await Deno.readTextFile(DATA_PATH)];
  if (committed[0] !== formatted || committed[1] !== data) {
    console.error(
      `gen: lib/spec/operations.{ts,json} are out of date with spec ${spec.info.version}: run deno task gen`,
    );
    Deno.exit(1);
  }
  console.log(
    `gen: lib/spec/operations.{ts,json} match spec ${spec.info.version} (${rows.length} operations)`,
  );
} else {
  await Deno.writeTextFile(OUT_PATH, formatted);
  await Deno.writeTextFile(DATA_PATH, data);
  console.log(
    `gen: wrote ${rows.length} operations of spec ${spec.info.version} to lib/spec/operations.{ts,json}`,
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
