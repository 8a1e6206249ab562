// deno task check:types
//
// Checks that the client's hand-written public types still match Lambda's OpenAPI spec, both
// ways, so that a spec bump that adds, drops or retypes a field fails loudly:
// - every value the spec allows fits the client's type (no field missing, none too narrow);
// - every value the client's type allows fits the spec, once the client's
//   open unions (`"a" | "b" | (string & {})`, kept open so new values from Lambda never break a
//   build) are closed.
// - both have the same fields, at every depth (assignability alone would let either side carry
//   fields the other lacks).
// Tuples compare as arrays: the client types pairs and the one launch key as tuples, where the
// spec states their length with minItems and maxItems (or in prose), which the generated types drop.
// It generates TypeScript from the spec with openapi-typescript (from npm, for development only)
// into .spec-types/, writes one assertion per pair below next to it, and type-checks them.
// Deviations the client makes on purpose are listed with each pair, with the reason.

// deno-lint-ignore-file no-console -- a development tool reports on the console

const SPEC_PATH = Deno.env.get("LAMBDA_OPENAPI") ?? "../shared/lambda-cloud-api/openapi.json";
const OUT_DIR = new URL("../../.spec-types/", import.meta.url);

/** Where the spec keeps a type: a component schema, or an operation's inline request body. */
type SpecRef = { schema: string } | { body: string };

interface Pair {
  /** The client's type, as exported from mod.ts. */
  ours: string;
  spec: SpecRef;
  /** Fields left out of the comparison, each with why the client differs on purpose. */
  differ?: Record<string, string>;
}

const PAIRS: Pair[] = [
  { ours: "Instance", spec: { schema: "Instance" } },
  { ours: "InstanceType", spec: { schema: "InstanceType" } },
  { ours: "InstanceTypesItem", spec: { schema: "InstanceTypesItem" } },
  { ours: "InstanceActionAvailability", spec: { schema: "InstanceActionAvailability" } },
  { ours: "Region", spec: { schema: "Region" } },
  { ours: "SshKey", spec: { schema: "SSHKey" } },
  { ours: "GeneratedSshKey", spec: { schema: "GeneratedSSHKey" } },
  { ours: "Filesystem", spec: { schema: "Filesystem" } },
  { ours: "FilesystemDeleteResponse", spec: { schema: "FilesystemDeleteResponse" } },
  { ours: "Image", spec: { schema: "Image" } },
  { ours: "FirewallRule", spec: { schema: "FirewallRule" } },
  { ours: "FirewallRuleset", spec: { schema: "FirewallRuleset" } },
  { ours: "GlobalFirewallRuleset", spec: { schema: "GlobalFirewallRuleset" } },
  { ours: "AuditEvent", spec: { schema: "AuditEvent" } },
  { ours: "Ticket", spec: { schema: "Ticket" } },
  { ours: "TicketComment", spec: { schema: "TicketComment" } },
  { ours: "TicketCreateResponse", spec: { schema: "TicketCreateResponse" } },
  { ours: "TicketListResponse", spec: { schema: "TicketListResponse" } },
  { ours: "Attachment", spec: { schema: "Attachment" } },
  { ours: "AttachmentInitiateResponse", spec: { schema: "AttachmentInitiateResponse" } },
  { ours: "AttachmentDownloadResponse", spec: { schema: "AttachmentDownloadResponse" } },
  { ours: "InstanceLaunchResponse", spec: { schema: "InstanceLaunchResponse" } },
  { ours: "InstanceRestartResponse", spec: { schema: "InstanceRestartResponse" } },
  { ours: "InstanceTerminateResponse", spec: { schema: "InstanceTerminateResponse" } },
  { ours: "InstanceLaunchRequest", spec: { body: "launchInstance" } },
  { ours: "InstanceModificationRequest", spec: { body: "postInstance" } },
  { ours: "CreateSshKeyRequest", spec: { body: "addSSHKey" } },
  { ours: "CreateFilesystemRequest", spec: { body: "createFilesystem" } },
  { ours: "CreateFirewallRulesetRequest", spec: { body: "createFirewallRuleset" } },
  { ours: "UpdateFirewallRulesetRequest", spec: { body: "updateFirewallRuleset" } },
  { ours: "UpdateGlobalFirewallRulesetRequest", spec: { body: "updateGlobalFirewallRuleset" } },
  { ours: "CreateTicketRequest", spec: { body: "createTicket" } },
  { ours: "UpdateTicketRequest", spec: { body: "updateTicket" } },
  { ours: "InitiateAttachmentRequest", spec: { body: "initiateAttachmentUpload" } },
];

try {
  await Deno.stat(SPEC_PATH);
} catch (error) {
  if (!(error instanceof Deno.errors.NotFound)) throw error;
  console.log(`check:types: skipped, no spec at ${SPEC_PATH} (set LAMBDA_OPENAPI)`);
  Deno.exit(0);
}

await Deno.mkdir(OUT_DIR, { recursive: true });
await run("openapi-typescript", [
  "run",
  "--quiet",
  // Development-only npm packages are locked apart from the published graph (see deno.json).
  "--lock=dev.lock",
  "--allow-read",
  "--allow-write=.spec-types",
  "--allow-env",
  "npm:openapi-typescript@7.13.0",
  SPEC_PATH,
  "--output",
  new URL("spec.d.ts", OUT_DIR).pathname,
]);

const specType = (ref: SpecRef) =>
  "schema" in ref
    ? `components["schemas"][${JSON.stringify(ref.schema)}]`
    : `NonNullable<operations[${
      JSON.stringify(ref.body)
    }]["requestBody"]>["content"]["application/json"]`;
const omit = (type: string, keys: string[]) =>
  keys.length === 0 ? type : `Omit<${type}, ${keys.map((key) => JSON.stringify(key)).join(" | ")}>`;

const checks = PAIRS.map((pair) => {
  const keys = Object.keys(pair.differ ?? {});
  const ours = omit(`Ours.${pair.ours}`, keys);
  const spec = omit(specType(pair.spec), keys);
  // Assignments rather than boolean checks, so that a failure says which field differs.
  return [
    `// ${pair.ours}`,
    `export function specFits${pair.ours}(value: ${spec}): Normal<${ours}, false> {`,
    "  return value;",
    "}",
    `export function oursFits${pair.ours}(value: Normal<${ours}, true>): ${spec} {`,
    "  return value;",
    "}",
    `export const fieldsOnlyOurs${pair.ours}: never = null as unknown as ExtraKeys<Normal<${ours}, true>, ${spec}>;`,
    `export const fieldsOnlyInSpec${pair.ours}: never = null as unknown as ExtraKeys<${spec}, Normal<${ours}, true>>;`,
  ].join("\n");
});

const source = `// Written by tests/tools/check_types.ts: do not edit.
import type { components, operations } from "./spec.d.ts";
import type * as Ours from "../mod.ts";

type Identical<A, B> = (<G>() => G extends A ? 1 : 2) extends (<G>() => G extends B ? 1 : 2) ? true
  : false;
type OpenString = string & Record<never, never>;
/**
 * T with tuples read as arrays (the spec says "a pair" with minItems and maxItems 2, which
 * openapi-typescript leaves an array) and, when Close is true, every open union closed: its
 * (string & Record<never, never>) member removed.
 */
type Normal<T, Close extends boolean> = T extends unknown
  ? Close extends true ? Identical<T, OpenString> extends true ? never : Shape<T, Close>
  : Shape<T, Close>
  : never;
type Shape<T, Close extends boolean> = T extends readonly (infer Item)[] ? Normal<Item, Close>[]
  : T extends object ? { [K in keyof T]: Normal<T[K], Close> }
  : T;
/**
 * The fields of A that B lacks, at any depth, as "path" strings; never when there are none.
 * (Assignability alone lets either side carry fields the other does not know.)
 */
type ExtraKeys<A, B, Path extends string = ""> = A extends readonly (infer Item)[]
  ? ExtraKeys<Item, ItemOf<B>, \`\${Path}[]\`>
  : A extends object ? {
      [K in keyof A & string]: K extends KeysOf<B> ? ExtraKeys<NonNullable<A[K]>, NonNullable<ValueOf<B, K>>, \`\${Path}.\${K}\`>
        : \`\${Path}.\${K}\`;
    }[keyof A & string]
  : never;
type KeysOf<T> = T extends object ? keyof T : never;
type ValueOf<T, K> = T extends unknown ? K extends keyof T ? T[K] : never : never;
type ItemOf<T> = T extends readonly (infer Item)[] ? Item : never;

${checks.join("\n\n")}
`;
// The project's deno.json excludes .spec-types/, and `deno check` passes over an excluded file with
// a mere warning: the files are checked under a config of their own, with the same compiler options.
const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
await Deno.writeTextFile(
  new URL("deno.json", OUT_DIR),
  JSON.stringify({ compilerOptions: config.compilerOptions, lock: false }),
);
await Deno.writeTextFile(new URL("check.ts", OUT_DIR), source);
// A canary that drifts on purpose: if it type-checks, this tool has stopped checking anything.
await Deno.writeTextFile(
  new URL("canary.ts", OUT_DIR),
  `${source}\nexport function canaryDrift(value: { a: number }): Normal<{ a: string }, false> {\n  return value;\n}\n`,
);
const check = (file: string) =>
  run("deno check", [
    "check",
    "--quiet",
    "--config",
    new URL("deno.json", OUT_DIR).pathname,
    new URL(file, OUT_DIR).pathname,
  ], { allowFailure: true, quiet: file === "canary.ts" });
if (!await check("canary.ts")) {
  console.error("check:types: a type that drifts on purpose passed, so the check cannot fail");
  Deno.exit(1);
}
const failed = await check("check.ts");
if (failed) {
  console.error(
    "check:types: the hand-written types no longer match the spec (see the errors above, each names its type)",
  );
  Deno.exit(1);
}
console.log(
  `check:types: ${PAIRS.length} public types match the spec both ways (${
    PAIRS.filter((pair) => pair.differ).length
  } with a deliberate difference)`,
);

async function run(
  name: string,
  args: string[],
  { allowFailure = false, quiet = false } = {},
): Promise<boolean> {
  const { code } = await new Deno.Command(Deno.execPath(), {
    args,
    stdout: quiet ? "null" : "inherit",
    stderr: quiet ? "null" : "inherit",
  }).output();
  if (code !== 0 && !allowFailure) throw new Error(`${name} failed with exit code ${code}`);
  return code !== 0;
}
