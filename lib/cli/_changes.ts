// Whether a run has sent anything that may have changed something. Exit code 2 promises "nothing
// was changed", so an error raised once such a request has gone (a malformed answer the command
// could not read, an argument only checked after it) must not claim it.

import { wrapFetch } from "../_never_sent.ts";
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
    return {
      ...options,
      fetch: wrapFetch(options.fetch, (send) => (request) => {
        if (request.method !== "GET" && request.method !== "HEAD") this.#sent = true;
        return send(request);
      }),
    };
  }
}
