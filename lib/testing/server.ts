/**
 * The emulator on a socket: `emulator.serve()` listens on loopback, for the client's socket paths
 * and for tools in other languages.
 *
 * @module
 */

/**
 * A running emulator server on loopback.
 *
 * @example Point any HTTP client at it
 * ```ts
 * import { LambdaEmulator } from "@lambda-cloud/client/testing";
 *
 * const emulator = new LambdaEmulator({ rateLimit: false });
 * await using server = await emulator.serve();
 * const response = await fetch(`${server.url}/regions`, {
 *   headers: { authorization: `Bearer ${emulator.apiKey}` },
 * });
 * console.log(response.status); // 200
 * await response.body?.cancel();
 * ```
 */
export interface EmulatorServer extends AsyncDisposable {
  /** The base URL of the API, such as `http://127.0.0.1:41234/api/v1`. */
  readonly url: string;
  /** The port listened on. */
  readonly port: number;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}
