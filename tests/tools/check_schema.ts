// Checks every answer the emulator gave during `deno task test` against the response schema that
// Lambda's OpenAPI spec declares for that operation and status.
//
//   deno run --allow-read --allow-env=LAMBDA_OPENAPI tests/tools/check_schema.ts [log]
//
// The spec is read from $LAMBDA_OPENAPI, else ../shared/lambda-cloud-api/openapi.json; when it is
// absent the check says so and passes, so the project builds without it. Development only: ajv
// comes from npm here and never enters the published graph.
// deno-lint-ignore-file no-console

import Ajv2020 from "npm:ajv@8.17.1/dist/2020.js";
import addFormats from "npm:ajv-formats@3.0.1";
import { OPERATIONS } from "../../lib/testing/mod.ts";

const SPEC_ID = "https://spec.invalid/openapi.json";
const logPath = Deno.args[0] ?? ".schema/responses.jsonl";
const specPath = Deno.env.get("LAMBDA_OPENAPI") ?? "../shared/lambda-cloud-api/openapi.json";

interface Logged {
  operationId?: string;
  status: number;
  fault?: string;
  overridden?: boolean;
  body: unknown;
}

let specText: string;
try {
  specText = await Deno.readTextFile(specPath);
} catch {
  console.log(`schema check skipped: no OpenAPI spec at ${specPath} (set LAMBDA_OPENAPI)`);
  Deno.exit(0);
}
const spec = JSON.parse(specText);
const ajv = new Ajv2020.default({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addFormat("ipv4network", /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/);
ajv.addFormat("password", true);
ajv.addSchema({ ...spec, $id: SPEC_ID });

const pointerByOperation = new Map<string, string>();
for (const [path, item] of Object.entries(spec.paths as Record<string, Record<string, unknown>>)) {
  for (const [method, operation] of Object.entries(item)) {
    const id = (operation as { operationId?: string }).operationId;
    if (id) {
      pointerByOperation.set(
        id,
        `#/paths/${path.replaceAll("~", "~0").replaceAll("/", "~1")}/${method}`,
      );
    }
  }
}

const lines = (await Deno.readTextFile(logPath)).split("\n").filter((line) => line !== "");
const validated = new Map<string, number>();
const undeclared = new Map<string, number>();
const failures: string[] = [];
let faulted = 0;
for (const line of lines) {
  const logged = JSON.parse(line) as Logged;
  if (logged.fault !== undefined || logged.overridden) {
    // An injected fault sends what a broken network or proxy would, and an override what a test
    // made up for its edge case: neither is the emulator's own answer.
    faulted++;
    continue;
  }
  const pointer = logged.operationId && pointerByOperation.get(logged.operationId);
  const key = `${logged.operationId ?? "(no operation)"}|${logged.status}`;
  const declared = pointer &&
    spec.paths[decodePath(pointer)]?.[pointer.split("/").at(-1)!]?.responses
      ?.[String(logged.status)];
  if (!pointer || !declared) {
    // 429s, 5xx and unknown paths: the spec declares none of them.
    undeclared.set(key, (undeclared.get(key) ?? 0) + 1);
    continue;
  }
  const validate = ajv.getSchema(
    `${SPEC_ID}${pointer}/responses/${logged.status}/content/application~1json/schema`,
  )!;
  if (validate(logged.body)) {
    validated.set(key, (validated.get(key) ?? 0) + 1);
  } else {
    failures.push(
      `${key}: ${ajv.errorsText(validate.errors)}\n  ${JSON.stringify(logged.body).slice(0, 300)}`,
    );
  }
}

function decodePath(pointer: string): string {
  return pointer.split("/")[2]!.replaceAll("~1", "/").replaceAll("~0", "~");
}

const total = [...validated.values()].reduce((sum, count) => sum + count, 0);
const operationsSeen = new Set([...validated.keys()].map((key) => key.split("|")[0]));
const missing = OPERATIONS.map((operation) => operation.id).filter((id) => !operationsSeen.has(id));
console.log(
  `schema check: ${total} answers valid against ${spec.info.version} (${validated.size} operation/status pairs, ` +
    `${operationsSeen.size} of ${OPERATIONS.length} operations); ` +
    `${
      [...undeclared.values()].reduce((sum, count) => sum + count, 0)
    } answers with statuses the spec does not declare ` +
    `(${
      [...new Set([...undeclared.keys()].map((key) => key.split("|")[1]))].sort().join(", ")
    }); ` +
    `${faulted} answers shaped by injected faults or overrides, not checked`,
);
if (missing.length > 0) {
  console.log(`operations never answered with a declared status: ${missing.join(", ")}`);
}
if (failures.length > 0) {
  console.error(
    `${failures.length} answers do not match the spec:\n${failures.slice(0, 20).join("\n")}`,
  );
  Deno.exit(1);
}
if (missing.length > 0) Deno.exit(1);
