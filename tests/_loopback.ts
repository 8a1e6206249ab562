// A server on a loopback port that can be stopped and started again on the same port: to see what
// the runtime's own fetch does when a connection is refused, rather than what a fake says it does;
// and a clock for such tests.

import { type Clock, systemClock } from "../mod.ts";

/** A loopback HTTP server, stopped until `start()`, on a port held for it. */
export class LoopbackServer {
  /** The port it serves on, when started. */
  readonly port: number;
  /** How many requests it has answered. */
  answered = 0;
  readonly #handler: (request: Request) => Response | Promise<Response>;
  #server: Deno.HttpServer | undefined;

  /** @param handler Answers each request. */
  constructor(handler: (request: Request) => Response | Promise<Response>) {
    this.#handler = handler;
    // A port the system just gave out and nothing listens on: connecting to it is refused.
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.port = (listener.addr as Deno.NetAddr).port;
    listener.close();
  }

  /** The base URL of the API it stands in for. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/api/v1`;
  }

  /** Starts serving; a no-op while it serves. */
  start(): void {
    this.#server ??= Deno.serve(
      { hostname: "127.0.0.1", port: this.port, onListen: () => {} },
      (request) => {
        this.answered++;
        return this.#handler(request);
      },
    );
  }

  /** Stops serving: connections are refused again. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    await server?.shutdown();
  }
}

/**
 * A clock for requests over real sockets: real time, so that a time limit on a request in flight
 * runs as it does for users (a `FakeClock` would jump past it while the socket is busy), while the
 * waits asked of it (backoff, `Retry-After`) are noted in `sleeps` and not slept. Before a wait
 * returns it lets `before` settle, for a test that changes the server between attempts.
 */
export class SocketClock implements Clock {
  /** Every wait asked of it, in milliseconds. */
  readonly sleeps: number[] = [];
  /** Awaited before each wait returns. */
  before: Promise<unknown> = Promise.resolve();
  readonly now: () => number = systemClock.now;
  readonly timeLimit: NonNullable<Clock["timeLimit"]> = systemClock.timeLimit!;

  /** Notes `ms`, and returns once `before` has settled, unless `signal` aborted. */
  readonly sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    this.sleeps.push(ms);
    await this.before;
    signal?.throwIfAborted();
  };
}
