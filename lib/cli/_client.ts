// The client a run talks through: where it sends and with which key (as _credentials.ts decides),
// how patient it is with 429s, and the hooks through which the run learns what it sent. A dry run's
// client stops the first request that would change something.

import {
  type Clock,
  type Hooks,
  LambdaCloudClient,
  RateLimitError,
  type RateLimitOptions,
} from "../../mod.ts";
import type { ParsedArgs } from "./_args.ts";
import type { CliIo } from "./_command.ts";
import type { CredentialsFile } from "./_credentials_file.ts";
import type { Credentials } from "./_credentials.ts";
import { dryRunFetch } from "./_dry_run.ts";
import { remark } from "./_output.ts";
import { BudgetUnavailableError } from "./_shared_budget.ts";
import { type JournalFile, keyFingerprint } from "./_journal.ts";
import type { CacheFile } from "./_value_cache.ts";

/**
 * What an embedder (or a test) can replace when running the command line in-process.
 *
 * @example Run the command line against the emulator, in-process
 * ```ts
 * import type { CliOptions } from "@lambda-cloud/client/cli";
 * import { LambdaEmulator } from "@lambda-cloud/client/testing";
 *
 * const emulator = new LambdaEmulator({ rateLimit: false });
 * const options: CliOptions = { fetch: emulator.fetch, rateLimit: false };
 * ```
 */
export interface CliOptions {
  /** The `fetch` the client uses, such as an emulator's. */
  fetch?: (request: Request) => Promise<Response>;
  /** The clock behind backoff, pacing, waits, uptime and the patience with rate limits. */
  clock?: Clock;
  /**
   * The client's rate limiter; the API's limits by default. A `store` shares the budget with
   * other processes (the installed `lambda` uses a KV file in the user's cache folder).
   */
  rateLimit?: false | RateLimitOptions;
  /**
   * Starts listening for Ctrl-C and returns the signal it aborts. Called once every question has
   * been asked, so that Ctrl-C at a prompt still ends the program at once. Once aborted, waits
   * stop, and `instances launch --wait` terminates what it launched. `leaving` is for a second
   * interrupt, which leaves at once: called first, it says what the run may leave billing (a
   * launch token, instance ids) and how to find it.
   */
  interrupts?: (leaving: (exitCode: number) => void) => AbortSignal;
  /**
   * Where `instances launch` records each launch before sending it, for `instances recover` to
   * find after a crash; none when left out (the installed `lambda` keeps one in its cache folder).
   */
  journal?: JournalFile;
  /**
   * Where `completions values` keeps for a minute the names it offers shell completion; none when
   * left out (the installed `lambda` keeps them in its cache folder).
   */
  valueCache?: CacheFile;
  /**
   * Where `lambda auth` keeps its profiles; none when left out, and then only LAMBDA_API_KEY gives
   * a key (the installed `lambda` keeps them in its configuration folder).
   */
  credentials?: CredentialsFile;
}

/** Whether a run has sent a request that may have changed something (one other than a read). */
export interface Changes {
  sent: boolean;
}

// How long one request may spend waiting out 429s from other processes that share the key. Kept
// below the client's timeout per attempt (60 s).
const PATIENCE_MS = 45_000;
// How far off a turn in the shared budget may be, and still be waited for: a loop or CI fan-out of
// a hundred `lambda` started at once queues that far, one turn a second.
const MAX_TURN_WAIT_MS = 300_000;

/**
 * The client of a run that is not local, sending `credentials`' key to its base URL, and for a dry
 * run what tells the request it stopped.
 */
export function makeClient(
  args: ParsedArgs,
  io: CliIo,
  options: CliOptions,
  credentials: Credentials,
  dryRun: boolean,
  shown: { json: boolean; quiet: boolean },
  changes: Changes,
): {
  client: LambdaCloudClient;
  keyId: () => Promise<string>;
  stopped?: () => Request | undefined;
} {
  const { apiKey, baseUrl } = credentials;
  // What tells this key's launches in the journal from another's, without holding the key.
  // Worked out only when the journal asks: a digest nobody awaits would outlive a short run.
  let fingerprint: Promise<string> | undefined;
  const keyId = () => fingerprint ??= keyFingerprint(apiKey);
  const failFast = args.booleans.has("fail-fast");
  const shared = options.rateLimit !== false && options.rateLimit?.store !== undefined;
  let toldAlone = false;
  const hooks: Hooks = {
    // Exit code 2 promises "nothing was changed": once a request that may change something has
    // gone, an error raised after it (an answer the command cannot read) must not claim it.
    onRequest: ({ method }) => {
      if (method !== "GET" && method !== "HEAD") changes.sent = true;
    },
    // A second or two is the usual price of sharing a key with other processes: said only when
    // it goes on.
    onRetry: ({ error, attempt, delayMs }) => {
      if (!(error instanceof RateLimitError) || (attempt < 3 && delayMs < 3000)) return;
      io.progress(
        `Rate limited by the API: trying again in ${
          (delayMs / 1000).toFixed(1)
        } s (--fail-fast exits instead)`,
      );
    },
    // Once per run: the budget shared with other `lambda` processes could not be used (a note,
    // when it was never set up) or failed (a warning), and this one went on by itself.
    onRateLimitFallback: ({ error }) => {
      const unset = error instanceof BudgetUnavailableError;
      if (!shared || toldAlone || (unset && shown.quiet)) return;
      toldAlone = true;
      const why = `the rate budget shared with other lambda processes is unavailable ` +
        `(${error.message}): pacing this one alone`;
      if (unset) remark(io, shown.json, "note", `Note: ${why}`);
      else remark(io, shown.json, "warning", `warning: ${why}`);
    },
  };
  const common = {
    apiKey,
    userAgent: "lambda-cli",
    ...(baseUrl === undefined ? {} : { baseUrl }),
    ...(options.clock ? { clock: options.clock } : {}),
  };
  if (dryRun) {
    // A dry run's own stop proves nothing was sent; what it reads is the fetch's, as ever, and
    // paced like any run's reads (a launch's checks read several lists in a row).
    const stops = dryRunFetch(options.fetch ?? ((request) => fetch(request)));
    const client = new LambdaCloudClient({
      ...common,
      maxRetries: 0,
      ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
      fetch: stops.fetch,
    });
    return { client, keyId, stopped: stops.stopped };
  }
  const client = new LambdaCloudClient({
    ...common,
    hooks,
    ...(failFast
      ? { maxRetries: 0, backoff: { maxRetryAfterMs: MAX_TURN_WAIT_MS } }
      : { backoff: { patienceMs: PATIENCE_MS, maxRetryAfterMs: MAX_TURN_WAIT_MS } }),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
  });
  return { client, keyId };
}
