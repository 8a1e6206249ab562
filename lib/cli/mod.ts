/**
 * `lambda`: the Lambda Cloud API from the command line. Every operation, grouped by resource,
 * human tables by default (with `--format`, `--no-header` and `-q`) and `--json` for scripts,
 * names wherever ids are accepted, `--dry-run` on every command that changes something, a
 * question before launching (with the price) or destroying anything, `--wait` with a live progress
 * line, patience with rate limits, and exit codes that scripts can rely on.
 *
 * ```sh
 * # run it
 * deno run --allow-net=cloud.lambda.ai --allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL \
 *   jsr:@lambda-cloud/client/cli instances list
 * # or install it as `lambda` (127.0.0.1 lets it reach a local emulator too)
 * deno install -g -n lambda --no-prompt --unstable-kv --allow-net=cloud.lambda.ai,127.0.0.1 \
 *   --allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL,LAMBDA_PROFILE,LAMBDA_WEBHOOK_TOKEN,XDG_CACHE_HOME,XDG_CONFIG_HOME,HOME \
 *   --allow-read --allow-write=.,"${XDG_CACHE_HOME:-$HOME/.cache}/lambda-cloud","${XDG_CONFIG_HOME:-$HOME/.config}/lambda-cloud" \
 *   jsr:@lambda-cloud/client/cli
 * lambda auth login   # asks for the key (it does not show), checks it, and keeps it as a profile
 * lambda capacity --gpu H100 --max-price 3
 * lambda instances launch --type gpu_1x_a10 --region us-east-1 --ssh-key laptop --wait
 * ```
 *
 * `--allow-read` is for `--public-key-file` and `--user-data-file`, `--allow-write=.` for
 * `--save-private-key` into the current folder; without them those flags say what is missing.
 * `--unstable-kv`, the cache variables and the cache folder let every `lambda` on the machine share
 * one rate budget in a KV file there, so that parallel invocations wait their turn rather than being
 * refused; without them each paces itself alone, and says so once (a note on stderr). The same
 * folder holds the launch journal: each launch is recorded before it is sent, so that
 * `lambda instances recover` finds what a killed run left billing, and `instances list` and `costs`
 * know when each instance was launched. `LAMBDA_PROFILE`, `XDG_CONFIG_HOME` and writing the
 * configuration folder are for `lambda auth`, which keeps API keys as named profiles in a file
 * there (mode 600); the key a run sends is the first of: the profile `--profile` names,
 * `LAMBDA_API_KEY`, the profile `LAMBDA_PROFILE` names, else the profile `default`.
 *
 * Exit codes: 0 done, 1 refused by the API or failed, 2 bad usage, bad arguments or not confirmed
 * (nothing was changed), 3 authentication or permission, 4 not found, 5 no capacity, 6 rate
 * limited, 7 API unreachable, timed out or failing (5xx), 8 a wait failed, 9 cancelled at the
 * prompt, 129 hung up (SIGHUP), 130 interrupted (Ctrl-C), 143 stopped (SIGTERM).
 *
 * @module
 */

import type { CliIo, SecretFile } from "./_command.ts";
import { type CredentialsFile, credentialsFile } from "./_credentials_file.ts";
import { denoIo } from "./_deno_io.ts";
import { listenForInterrupts } from "./_interrupts.ts";
import { EXIT } from "./_exit.ts";
import type { CliOptions } from "./_client.ts";
import { type JournalFile, journalFile } from "./_journal.ts";
import { runCli } from "./_run.ts";
import { SHARED_BUDGET_SKEW_MS, sharedBudget } from "./_shared_budget.ts";
import { type CacheFile, cacheFile } from "./_value_cache.ts";

export type { CacheFile, CliIo, CliOptions, CredentialsFile, JournalFile, SecretFile };
export type { Clock } from "../../mod.ts";
export { EXIT, runCli };

if (import.meta.main) {
  // The first Ctrl-C, SIGTERM or SIGHUP stops what is running (a launch --wait then terminates what it
  // launched); a second one leaves at once, saying what may be left billing.
  const interrupts = listenForInterrupts(Deno);
  // Every `lambda` on the machine books its turns in one KV file, when it may (--unstable-kv);
  // when it may not, it paces itself alone and says so once.
  Deno.exit(
    await runCli(Deno.args, denoIo(Deno), {
      interrupts,
      rateLimit: { store: sharedBudget(Deno), clockSkewMs: SHARED_BUDGET_SKEW_MS },
      journal: journalFile(Deno),
      valueCache: cacheFile(Deno),
      credentials: credentialsFile(Deno),
    }),
  );
}
