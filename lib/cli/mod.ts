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
import { type CliOptions, EXIT, runCli } from "./_run.ts";

export type { CliIo, CliOptions };
export type { Clock } from "../clock.ts";
export { EXIT, runCli };

/** The real terminal, files and environment, through Deno. */
function denoIo(): CliIo {
  const encoder = new TextEncoder();
  const live = Deno.stderr.isTerminal();
  let progressShown = false;
  const endProgress = () => {
    if (progressShown) Deno.stderr.writeSync(encoder.encode("\n"));
    progressShown = false;
  };
  return {
    stdout: (line) => {
      endProgress();
      Deno.stdout.writeSync(encoder.encode(line + "\n"));
    },
    stderr: (line) => {
      endProgress();
      Deno.stderr.writeSync(encoder.encode(line + "\n"));
    },
    progress: (line) => {
      if (!live) return void Deno.stderr.writeSync(encoder.encode(line + "\n"));
      Deno.stderr.writeSync(encoder.encode(`\r\x1b[K${line}`));
      progressShown = true;
    },
    env: (name) =>
      Deno.permissions.querySync({ name: "env", variable: name }).state === "granted"
        ? Deno.env.get(name)
        : undefined,
    isTerminal: Deno.stdin.isTerminal() && live,
    confirm: (question) => {
      endProgress();
      return Promise.resolve(confirm(question));
    },
    readTextFile: (path) => Deno.readTextFile(path),
    // createNew: never overwrite a key file that is already there.
    writeSecretFile: (path, text) =>
      Deno.writeTextFile(path, text, { mode: 0o600, createNew: true }),
  };
}

if (import.meta.main) {
  Deno.exit(await runCli(Deno.args, denoIo()));
}
