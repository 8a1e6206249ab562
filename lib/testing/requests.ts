/**
 * What the emulator received and what it answered: `emulator.requests` keeps the one, and the
 * `onResponse` option is shown the other.
 *
 * @module
 */

import type { FaultKind } from "./faults.ts";
import type { OperationId } from "./operations.ts";

/**
 * One answer the emulator gave, as `onResponse` sees it.
 *
 * @example Count answers by status
 * ```ts
 * import type { EmulatorExchange } from "@lambda-cloud/client/testing";
 *
 * const counts = new Map<number, number>();
 * const onResponse = (exchange: EmulatorExchange) =>
 *   counts.set(exchange.status, (counts.get(exchange.status) ?? 0) + 1);
 * ```
 */
export interface EmulatorExchange {
  /** The operation called, if the path named one. */
  operationId: OperationId | undefined;
  /** The request's method. */
  method: string;
  /** The request's path. */
  path: string;
  /** The status sent. */
  status: number;
  /** The JSON body sent, or the text when a fault sent something else. */
  body: unknown;
  /** The fault that shaped this answer, if any. */
  fault: FaultKind | undefined;
  /** Whether an `override()` gave this answer rather than the emulator. */
  overridden: boolean;
}

/**
 * One request the emulator received, for assertions. The `Authorization` header is redacted.
 *
 * @example How many launches were sent?
 * ```ts
 * import type { RecordedRequest } from "@lambda-cloud/client/testing";
 *
 * const launches = (requests: readonly RecordedRequest[]) =>
 *   requests.filter((request) => request.operationId === "launchInstance").length;
 * ```
 */
export interface RecordedRequest {
  /** The operation, if the path named one. */
  operationId: OperationId | undefined;
  /** The method. */
  method: string;
  /** The path, such as `/api/v1/instances/abc`. */
  path: string;
  /** The path parameters, decoded, such as `{ id: "abc" }`; empty when no operation matched. */
  params: Record<string, string>;
  /** The query string parameters. */
  query: URLSearchParams;
  /** The request headers, with `authorization` redacted. */
  headers: Record<string, string>;
  /**
   * The parsed JSON body, the raw text when it is not JSON, or `undefined` when empty. A body over
   * 64 KiB is not kept: a note of its size stands in for it.
   */
  body: unknown;
  /** When it arrived, on the emulator's clock. */
  time: number;
  /** The status answered; `undefined` when the connection was dropped. */
  status: number | undefined;
  /** The fault injected into this call, if any. */
  fault: FaultKind | undefined;
  /** Whether an `override()` answered it. */
  overridden: boolean;
}
