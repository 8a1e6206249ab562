/**
 * A typed client for the [Lambda Cloud API](https://docs.lambda.ai/api/cloud) (Lambda's GPU
 * cloud), on native `fetch`, with no dependencies. It runs on Deno, Deno Deploy, Node, Bun and
 * Workers.
 *
 * ## Quick start
 *
 * ```ts ignore
 * // deno run --allow-net=cloud.lambda.ai --allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL quick_start.ts
 * import { LambdaCloudClient } from "@lambda-cloud/client";
 *
 * const client = new LambdaCloudClient(); // reads LAMBDA_API_KEY when the first request goes out
 *
 * const types = await client.instanceTypes.list();
 * const [name, item] = Object.entries(types)
 *   .find(([, item]) => item.regions_with_capacity_available.length > 0) ?? [];
 * if (name && item) {
 *   const { instance_ids } = await client.instances.launch({
 *     region_name: item.regions_with_capacity_available[0]!.name,
 *     instance_type_name: name,
 *     ssh_key_names: ["my-key"],
 *     name: "quick-start",
 *   });
 *   console.log("launched", instance_ids);
 * }
 * ```
 *
 * Methods return the API's `data` with Lambda's own snake_case field names, exactly as in Lambda's
 * documentation. Every method takes a last, optional `{ signal, timeout, maxRetries, headers }`.
 *
 * ## Permissions
 *
 * ```sh
 * deno run --allow-net=cloud.lambda.ai --allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL script.ts
 * # or with a .env file holding LAMBDA_API_KEY=...
 * deno run --allow-net=cloud.lambda.ai --allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL --env-file script.ts
 * ```
 *
 * `--allow-env` is only needed when the key is not passed as `apiKey`. Without it the client does
 * not prompt: it throws an error that names both fixes.
 *
 * ## Errors
 *
 * Arguments are checked before anything is sent (`TypeError`, `RangeError`). Every failure after
 * that is a {@linkcode LambdaCloudError}: an {@linkcode ApiError} subclass for each non-2xx answer
 * (chosen by Lambda's `code` first, then the status), {@linkcode ConnectionError} or
 * {@linkcode TimeoutError} when no answer came, and {@linkcode InvalidResponseError} for a success
 * whose body is not Lambda's JSON. A caller's own abort rejects with the caller's abort reason.
 *
 * ```ts ignore
 * import { InsufficientCapacityError, LambdaCloudClient, RateLimitError } from "@lambda-cloud/client";
 *
 * try {
 *   await new LambdaCloudClient().instances.launch({
 *     region_name: "us-east-1",
 *     instance_type_name: "gpu_8x_h100_sxm5",
 *     ssh_key_names: ["my-key"],
 *   });
 * } catch (error) {
 *   if (error instanceof InsufficientCapacityError) console.log("No capacity:", error.code);
 *   else if (error instanceof RateLimitError) console.log("Slow down:", error.retryAfterMs);
 *   else throw error;
 * }
 * ```
 *
 * ## Retries and rate limits
 *
 * Reads, deletes and terminate are retried (twice by default) after a dropped connection, a
 * timeout, 408, 429, 5xx or a `provider/*` code, with exponential backoff and jitter, honouring
 * `Retry-After`. **Launch is billable and Lambda has no idempotency key**, so a launch is sent again
 * only after a failure that proves Lambda did not act (a 429, or a connection that was never made).
 * Each launch carries a random launch-token tag: after a failure of unknown outcome the client looks
 * for that tag for up to two minutes and returns what it finds; if it finds nothing, it throws a
 * `LaunchOutcomeUnknownError` with the token, and never sends the launch again.
 * A client-side limiter keeps to Lambda's limits: one request per second, one launch per
 * 12 seconds, shared by every client that uses the same key in the process, and across processes
 * (a shell loop, CI jobs, Deno Deploy isolates) through a store they share:
 * `rateLimit: { store: kvRateLimitStore(await Deno.openKv(path)) }`.
 *
 * ## Workflows
 *
 * `client.instances.waitFor()` and `launchAndWait()` wait for instances and fail fast when they
 * die; `client.instanceTypes.available()`, `waitForCapacity()` and
 * `client.instances.launchFirstAvailable()` find capacity and launch where it is.
 *
 * ## Webhooks
 *
 * `webhookHandler({ token, onEvent, dedup })` is a `fetch` handler (Deno Deploy, `deno serve`,
 * Workers, Bun) for the ticket events Lambda posts: the bearer token compared in constant time,
 * refusals answered with their status, each event handed to `onEvent` once, across isolates, with
 * `dedup: kvWebhookDedupStore(kv)`; `receiveWebhook(request, { token })` is the check alone.
 *
 * ## Two more entrypoints
 *
 * - `@lambda-cloud/client/testing`: an emulator of the whole API, in-process or on 127.0.0.1, with
 *   faults on demand, to test scripts without a key or a bill.
 * - `@lambda-cloud/client/cli`: `lambda`, every operation from a shell.
 *
 * @module
 */

// Every module below holds public API only; machinery lives in modules whose names start with "_".
export * from "./lib/client.ts";
export * from "./lib/clock.ts";
export * from "./lib/errors.ts";
export * from "./lib/no_answer_errors.ts";
export * from "./lib/kv_rate_limit_store.ts";
export * from "./lib/options.ts";
export * from "./lib/rate_limit_store.ts";
export * from "./lib/raw_request.ts";
export * from "./lib/version.ts";
export {
  type OperationPathParams,
  type OperationQueryParams,
  SPEC_VERSION,
} from "./lib/spec/operations.ts";

// The shapes of Lambda's data, one module per resource.
export * from "./lib/types/audit_events.ts";
export * from "./lib/types/file_systems.ts";
export * from "./lib/types/firewall.ts";
export * from "./lib/types/images.ts";
export * from "./lib/types/instance_types.ts";
export * from "./lib/types/instances.ts";
export * from "./lib/types/regions.ts";
export * from "./lib/types/ssh_keys.ts";
export * from "./lib/types/tickets.ts";
export * from "./lib/types/webhooks.ts";

// The resources: client.instances, client.sshKeys and the rest.
export * from "./lib/resources/audit_events.ts";
export * from "./lib/resources/file_systems.ts";
export * from "./lib/resources/firewall.ts";
export * from "./lib/resources/images.ts";
export * from "./lib/resources/instance_types.ts";
export * from "./lib/resources/instances.ts";
export * from "./lib/resources/regions.ts";
export * from "./lib/resources/ssh_keys.ts";
export * from "./lib/resources/tickets.ts";

// Safe launches: the launch token, and what a launch can end in.
export * from "./lib/launch/errors.ts";
export * from "./lib/launch/options.ts";

// Webhooks: Lambda's ticket events, received, checked and handled once.
export * from "./lib/webhooks/dedup_store.ts";
export * from "./lib/webhooks/errors.ts";
export * from "./lib/webhooks/events.ts";
export * from "./lib/webhooks/handler.ts";
export * from "./lib/webhooks/kv_dedup_store.ts";
export * from "./lib/webhooks/options.ts";
export * from "./lib/webhooks/receive.ts";

// The workflows built on the resources: waits and capacity.
export * from "./lib/workflows/actions.ts";
export * from "./lib/workflows/capacity.ts";
export * from "./lib/workflows/wait.ts";
