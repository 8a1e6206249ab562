/**
 * One-off answers for a test's edge case, in the spirit of msw's `server.use()`: replace what the
 * emulator answers to one operation, for a while, without a new fault kind.
 *
 * An override answers after the emulator has authenticated the call and applied its rate limits,
 * in place of its own handler: the call is recorded, counted against the limits, and shown to
 * `onResponse` (with `overridden: true`). Faults that strike before a call is carried out (`drop`,
 * `rate-limit`, `server-error`, `proxy-html`, `provider-unavailable`) still strike first; the
 * others leave an overridden answer alone.
 *
 * @example An instance the API reports without an IP, once
 * ```ts
 * import { LambdaEmulator } from "@lambda-cloud/client/testing";
 *
 * const emulator = new LambdaEmulator();
 * using _override = emulator.override("getInstance", ({ params }) =>
 *   Response.json({ error: { code: "global/object-does-not-exist", message: `No ${params.id}` } }, {
 *     status: 404,
 *   }), { times: 1 });
 * ```
 *
 * @module
 */

import type { OperationId } from "./operations.ts";

/**
 * One call an override may answer.
 *
 * @example Answer launches in one region only
 * ```ts
 * import type { OverrideCall } from "@lambda-cloud/client/testing";
 *
 * const inWest = (call: OverrideCall) =>
 *   (call.body as { region_name?: string }).region_name === "us-west-1";
 * ```
 */
export interface OverrideCall {
  /** The operation called. */
  readonly operationId: OperationId;
  /** The request, with its body still readable. */
  readonly request: Request;
  /** The path parameters, decoded, such as `{ id: "abc" }`. */
  readonly params: Readonly<Record<string, string>>;
  /** The query string parameters. */
  readonly query: URLSearchParams;
  /** The parsed JSON body, the raw text when it is not JSON, or `undefined` when empty. */
  readonly body: unknown;
}

/**
 * Answers a call with a `Response`, or returns `undefined` to let the emulator (or an older
 * override) answer it. An error it throws is answered with a 500 that names it.
 *
 * @example A 503 from an upstream provider, for launches only
 * ```ts
 * import type { OverrideHandler } from "@lambda-cloud/client/testing";
 *
 * const unavailable: OverrideHandler = () =>
 *   Response.json(
 *     { error: { code: "provider/internal-unavailable", message: "Provider unavailable" } },
 *     { status: 503 },
 *   );
 * ```
 */
export type OverrideHandler = (
  call: OverrideCall,
) => Response | undefined | Promise<Response | undefined>;

/**
 * How long an override lasts.
 *
 * @example Only the next two calls
 * ```ts
 * import type { OverrideOptions } from "@lambda-cloud/client/testing";
 *
 * const twice: OverrideOptions = { times: 2 };
 * ```
 */
export interface OverrideOptions {
  /** How many calls it answers before it restores itself; no limit when left out. */
  times?: number;
}

/**
 * An override in place: how often it answered, and how to take it back. `using` restores it at
 * the end of the scope.
 *
 * @example Restore by hand
 * ```ts
 * import { LambdaEmulator } from "@lambda-cloud/client/testing";
 *
 * const emulator = new LambdaEmulator();
 * const override = emulator.override("listRegions", () => Response.json({ data: [] }));
 * override.restore();
 * console.log(override.active, override.calls); // false 0
 * ```
 */
export interface EmulatorOverride extends Disposable {
  /** The operation it answers. */
  readonly operationId: OperationId;
  /** How many calls it has answered. */
  readonly calls: number;
  /** Whether it still answers: not restored, and `times` not used up. */
  readonly active: boolean;
  /** Stops it answering. Safe to call more than once. */
  restore(): void;
}
