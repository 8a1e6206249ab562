// The exit codes, in one place: scripts branch on them, and help and docs/cli.md list them.

/**
 * The exit codes of the command line, as its help and the repository's docs/cli.md list them.
 *
 * @example Branch on the outcome in a script runner
 * ```ts
 * import { EXIT } from "@lambda-cloud/client/cli";
 *
 * const retryLater = (code: number) => code === EXIT.noCapacity || code === EXIT.unavailable;
 * ```
 */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  auth: 3,
  notFound: 4,
  noCapacity: 5,
  rateLimited: 6,
  unavailable: 7,
  waitFailed: 8,
  cancelled: 9,
  hungUp: 129,
  interrupted: 130,
  stopped: 143,
} as const;

/** The exit codes in words, for help. */
export const EXIT_HELP: readonly string[] = [
  "0 done, 1 refused by the API or failed,",
  "2 bad usage, bad arguments or not confirmed (nothing was changed),",
  "3 authentication or permission, 4 not found, 5 no capacity, 6 rate limited,",
  "7 API unreachable, timed out or failing (5xx), 8 a wait failed, 9 cancelled at the prompt,",
  "129 hung up (SIGHUP), 130 interrupted (Ctrl-C), 143 stopped (SIGTERM).",
];
