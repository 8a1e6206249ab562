// The client a run talks through: where it sends (LAMBDA_BASE_URL or --base-url), with which key
// (LAMBDA_API_KEY), how patient it is with 429s, and the hooks through which the run learns what it
// sent. A dry run's client stops the first request that would change something.

import {
  type Clock,
  type Hooks,
  LambdaCloudClient,
  RateLimitError,
  type RateLimitOptions,
} from "../../mod.ts";
import { type ParsedArgs, UsageError } from "./_args.ts";
import type { CliIo } from "./_command.ts";
import { dryRunFetch } from "./_dry_run.ts";
import { EXIT } from "./_exit.ts";
import { remark } from "./_output.ts";
import { CliError } from "./_report.ts";
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
 * The client of a run that is not local, and for a dry run what tells the request it stopped.
 * Checks the base URL and the key first.
 */
export function makeClient(
  args: ParsedArgs,
  io: CliIo,
  options: CliOptions,
  dryRun: boolean,
  shown: { json: boolean; quiet: boolean },
  changes: Changes,
): { client: LambdaCloudClient; keyId: Promise<string>; stopped?: () => Request | undefined } {
  const baseUrl = args.strings.get("base-url") ?? readBaseUrl(io);
  if (baseUrl !== undefined) checkBaseUrl(baseUrl, args.strings.has("base-url"));
  const apiKey = readApiKey(io, dryRun);
  // What tells this key's launches in the journal from another's, without holding the key.
  const keyId = keyFingerprint(apiKey);
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
    // A dry run's own stop proves nothing was sent; what it reads is the fetch's, as ever.
    const stops = dryRunFetch(options.fetch ?? ((request) => fetch(request)));
    const client = new LambdaCloudClient({
      ...common,
      maxRetries: 0,
      rateLimit: false,
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

const ENV_HELP = "run it with --allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL";

/**
 * LAMBDA_BASE_URL; when it cannot be read, or is set but empty (`LAMBDA_BASE_URL=$UNSET`), an
 * error rather than a silent fall back to Lambda.
 */
function readBaseUrl(io: CliIo): string | undefined {
  try {
    return io.env("LAMBDA_BASE_URL");
  } catch {
    throw new CliError(
      "cannot read LAMBDA_BASE_URL (no permission), so where to send requests is unknown",
      EXIT.usage,
      `${ENV_HELP}, or pass --base-url`,
    );
  }
}

/** Requires an http or https URL; set but empty, LAMBDA_BASE_URL is a mistake, not Lambda. */
export function checkBaseUrl(value: string, fromFlag: boolean): void {
  if (!fromFlag && value.trim() === "") {
    throw new UsageError(
      `LAMBDA_BASE_URL is set but empty, received '${value}': unset it to use Lambda's API (unset LAMBDA_BASE_URL), or set it to a URL`,
    );
  }
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new UsageError(
      `${
        fromFlag ? "option '--base-url'" : "LAMBDA_BASE_URL"
      } must be an http or https URL, such as http://127.0.0.1:8787/api/v1, received '${value}'`,
    );
  }
}

function readApiKey(io: CliIo, dryRun: boolean): string {
  let key: string | undefined;
  try {
    key = io.env("LAMBDA_API_KEY")?.trim() || undefined;
  } catch {
    if (!dryRun) {
      throw new CliError("cannot read LAMBDA_API_KEY (no permission)", EXIT.auth, ENV_HELP);
    }
  }
  if (key !== undefined) return checkApiKey(key);
  if (dryRun) return "dry-run"; // nothing that needs a key is sent
  throw new CliError(
    "no API key: LAMBDA_API_KEY is not set",
    EXIT.auth,
    "create a key at https://cloud.lambda.ai/api-keys, then: export LAMBDA_API_KEY=<key>",
  );
}

/**
 * A key as an Authorization header can carry it: visible ASCII. A key with a line break, a space
 * or an accent in it was pasted wrong; it is refused as a bad key (exit 3), never echoed.
 */
function checkApiKey(key: string): string {
  if (!/^[\x21-\x7e]+$/.test(key)) {
    throw new CliError(
      "LAMBDA_API_KEY is not a valid API key: it holds a space, a line break, a control character or a character outside ASCII",
      EXIT.auth,
      "copy the key again from https://cloud.lambda.ai/api-keys, then: export LAMBDA_API_KEY=<key>",
    );
  }
  return key;
}
