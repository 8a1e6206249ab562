// The scenario's entry for Deno, Node and Bun, bundled: <runtime> entry.js <base-url> <api-key>
// deno-lint-ignore-file no-console

import { runScenario } from "./scenario.ts";

interface Runtime {
  Deno?: { args: string[]; exit(code: number): never };
  process?: { argv: string[]; exit(code: number): never };
}
const runtime = globalThis as Runtime;
const [baseUrl, apiKey] = runtime.Deno?.args ?? runtime.process?.argv.slice(2) ?? [];
try {
  console.log(await runScenario(baseUrl!, apiKey!));
} catch (error) {
  console.error(error instanceof Error ? error.stack : error);
  (runtime.Deno ?? runtime.process)?.exit(1);
}
