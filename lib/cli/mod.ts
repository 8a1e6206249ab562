/**
 * `lambda`: the Lambda Cloud API from the command line. Every operation, grouped by resource,
 * human tables by default and `--json` for scripts, `--dry-run` on every command that changes
 * something, a confirmation before launching or terminating on a terminal (skip it with `--yes`),
 * `--wait` with a live progress line, and exit codes that scripts can rely on.
 *
 * ```sh
 * # run it
 * deno run --allow-net=cloud.lambda.ai --allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL \
 *   jsr:@lambda-cloud/client/cli instances list
 * # or install it as `lambda`
 * deno install -g -n lambda --allow-net=cloud.lambda.ai --allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL \
 *   jsr:@lambda-cloud/client/cli
 * lambda capacity --gpu H100 --max-price 3
 * lambda instances launch --type gpu_1x_a10 --region us-east-1 --ssh-key laptop --wait
 * ```
 *
 * Add `--allow-read` for `--public-key-file` and `--user-data-file`, `--allow-write` for
 * `--save-private-key`, and `--allow-net=127.0.0.1` to use `--base-url` with the emulator.
 *
 * Exit codes: 0 done, 1 refused by the API or failed, 2 bad usage or arguments, 3 authentication
 * or permission, 4 not found, 5 no capacity, 6 rate limited, 7 API unreachable, timed out or
 * failing (5xx), 8 a wait failed, 9 cancelled at the prompt.
 *
 * @module
 */

import type { CliIo } from "./_command.ts";
import { denoIo } from "./_deno_io.ts";
import { type CliOptions, EXIT, runCli } from "./_run.ts";

export type { CliIo, CliOptions };
export type { Clock } from "../clock.ts";
export { EXIT, runCli };

if (import.meta.main) {
  Deno.exit(await runCli(Deno.args, denoIo(Deno, confirm)));
}
