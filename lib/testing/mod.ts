/**
 * An emulator of the Lambda Cloud API v1, for tests, demos and CI: no key, no money, no network.
 *
 * It answers every operation of Lambda's OpenAPI spec (the version the client's table was generated
 * from, `SPEC_VERSION` in the main entrypoint) with the same paths, envelopes, status
 * codes and error codes, keeps state (instances boot, run and terminate on its clock; capacity is
 * used and freed; every change lands in the audit trail), enforces the API's rate limits, and
 * fails on demand the way real networks do.
 *
 * ## In-process, for fast tests
 *
 * ```ts
 * import { LambdaCloudClient } from "@lambda-cloud/client";
 * import { LambdaEmulator } from "@lambda-cloud/client/testing";
 *
 * const emulator = new LambdaEmulator({ seed: 1, rateLimit: false });
 * const client = new LambdaCloudClient({ apiKey: emulator.apiKey, fetch: emulator.fetch, rateLimit: false });
 * emulator.faults.inject({ kind: "server-error", operation: "listRegions" });
 * const regions = await client.regions.list(); // retried after the 500
 * console.log(regions.length, emulator.requests.length); // 12 2
 * ```
 *
 * ## On a socket, for other tools
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 jsr:@lambda-cloud/client/testing --port 8080
 * # Lambda Cloud emulator on http://127.0.0.1:8080/api/v1 (API key: secret_emulator)
 * # Point a client or the lambda command at it:
 * #
 * #   export LAMBDA_BASE_URL=http://127.0.0.1:8080/api/v1 LAMBDA_API_KEY=secret_emulator
 * ```
 *
 * `--help` lists the options: `--port N` (0 picks a free port), `--seed N`, `--api-key KEY`,
 * `--boot-seconds N` (by default, boot time follows the type), for the rate limits
 * `--no-rate-limit`, `--request-interval-ms N`, `--launch-interval-ms N`, `--request-burst N`,
 * `--launch-burst N`, `--count-refused`, `--count-invalid-launches`,
 * `--rate-limit-body text|html|json` and `--retry-after`, `--assume NAME=CHOICE,...` for the
 * emulator's guesses (see `assumptions.ts`), and `--webhook-url URL` with `--webhook-token TOKEN`
 * to post the ticket webhooks (see `webhooks.ts`).
 *
 * ## How close to production
 *
 * Bodies and queries are checked with the client's own validators, as strictly as the spec, and
 * stricter only where the spec's prose is; behaviours users met in production are modelled
 * (`quantity: 1`, keys sharing a name, terminating twice, a key in use, large types' long
 * boots), the 429's shape is an option because the spec documents none (see `rate_limits.ts`),
 * and where the emulator has to guess, the other guess is an option too (see `assumptions.ts`).
 * The repository's `docs/emulator.md` lists what the emulator models, what it assumes, and what
 * it does not model.
 *
 * @module
 */

export { type EmulatorAssumptions } from "./assumptions.ts";
export { type CatalogInstanceType, defaultCatalog, type EmulatorCatalog } from "./catalog.ts";
export { LambdaEmulator } from "./emulator.ts";
export { type EmulatorOptions } from "./options.ts";
export { type EmulatorExchange, type RecordedRequest } from "./requests.ts";
export { type EmulatorServer } from "./server.ts";
export { FakeClock } from "./fake_clock.ts";
export { type FaultHandle, type FaultKind, type FaultRule, type Faults } from "./faults.ts";
export { type RateLimitAnswer, type RateLimitOptions } from "./rate_limits.ts";
export { type OperationId, OPERATIONS, type OperationSpec } from "./operations.ts";
export {
  type EmulatorWebhookOptions,
  type EmulatorWebhooks,
  type WebhookDelivery,
  type WebhookFaultHandle,
  type WebhookFaultRule,
} from "./webhooks.ts";
export {
  type EmulatorOverride,
  type OverrideCall,
  type OverrideHandler,
  type OverrideOptions,
} from "./overrides.ts";

import { emulatorMain } from "./_command.ts";

if (import.meta.main) {
  const code = await emulatorMain(Deno.args, {
    // deno-lint-ignore no-console
    out: (line) => console.log(line),
    // deno-lint-ignore no-console
    err: (line) => console.error(line),
  });
  if (typeof code === "number") Deno.exit(code);
}
