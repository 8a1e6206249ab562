// The emulator on a real socket (Deno only): `Deno.serve` on loopback, a dropped connection cut
// as the server's own, and a close that ends the bodies still being read.

import { DroppedConnection } from "./_dropped.ts";
import { API_PREFIX } from "./_pipeline.ts";
import type { EmulatorServer } from "./server.ts";

/** Answers one request; `closing` aborts when the server closes. */
export type ServedHandler = (request: Request, closing: AbortSignal) => Promise<Response>;

/** Serves `handle` as `emulator.serve(options)` does. */
export function serveOnLoopback(
  handle: ServedHandler,
  options: { port?: number; hostname?: string },
): Promise<EmulatorServer> {
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  if (typeof deno?.serve !== "function") {
    return Promise.reject(
      new TypeError(
        "Cannot start emulator server: Deno.serve is not available here; pass emulator.fetch " +
          "to the client instead",
      ),
    );
  }
  const hostname = options.hostname ?? "127.0.0.1";
  // Aborted by close(), so that a request whose body never finishes cannot hold the server open.
  const closing = new AbortController();
  const server = deno.serve({
    port: options.port ?? 0,
    hostname,
    onListen: () => {},
    onError: () => new Response(null, { status: 500 }),
  }, async (request) => {
    try {
      return await handle(request, closing.signal);
    } catch (error) {
      if (!(error instanceof DroppedConnection)) throw error;
      // A body that fails at once makes the server cut the connection, as a dropped one would.
      return new Response(
        new ReadableStream({ start: (controller) => controller.error(error) }),
        { headers: { "content-type": "application/json" } },
      );
    }
  });
  const port = server.addr.port;
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  let closed: Promise<void> | undefined;
  const close = () => {
    closing.abort(new DroppedConnection("The emulator server is closing"));
    return closed ??= server.shutdown().then(() => server.finished);
  };
  return Promise.resolve({
    url: `http://${host}:${port}${API_PREFIX}`,
    port,
    close,
    [Symbol.asyncDispose]: close,
  });
}
