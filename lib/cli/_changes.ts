// Whether a run has sent anything that may have changed something. Exit code 2 promises "nothing
// was changed", so an error raised once such a request has gone (a malformed answer the command
// could not read, an argument only checked after it) must not claim it.

import { globalFetchIsRuntime, hasRuntimeErrors, passesRuntimeErrors } from "../_never_sent.ts";
import type { CliOptions } from "./_run.ts";

/** Watches the requests of one run. */
export class Changes {
  #sent = false;

  /** Whether a request other than a read has been sent. */
  get sent(): boolean {
    return this.#sent;
  }

  /** `options` with a `fetch` that notes every request other than a read, then sends it on. */
  watch(options: CliOptions): CliOptions {
    // The global fetch as it is now, whose errors are judged now.
    const globalFetch = globalThis.fetch;
    const inner = options.fetch ?? ((request: Request) => globalFetch(request));
    const watched = (request: Request) => {
      if (request.method !== "GET" && request.method !== "HEAD") this.#sent = true;
      return inner(request);
    };
    // It passes the errors of what it wraps on unchanged: the runtime's fetch stays known as such.
    const runtime = options.fetch === undefined
      ? globalFetchIsRuntime()
      : hasRuntimeErrors(options.fetch);
    return { ...options, fetch: runtime ? passesRuntimeErrors(watched) : watched };
  }
}
