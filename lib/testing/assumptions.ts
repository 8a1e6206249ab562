/**
 * The emulator's guesses, where neither the spec nor users' reports settle what production does,
 * each with the other plausible behaviour a choice away, so that a test suite can pass against
 * both. The repository's `docs/emulator.md` lists them with their sources, beside the guesses
 * that have no switch.
 *
 * @example Run a test against every choice of one assumption
 * ```ts
 * import { type EmulatorAssumptions, LambdaEmulator } from "@lambda-cloud/client/testing";
 *
 * for (const reterminate of ["500", "200"] as const) {
 *   const assumptions: EmulatorAssumptions = { reterminate };
 *   const emulator = new LambdaEmulator({ rateLimit: false, assumptions });
 *   // ... the same test against each
 * }
 * ```
 *
 * @module
 */

/**
 * One choice per guess; each left out takes its default, the first choice listed.
 *
 * @example Production's behaviours where the emulator's defaults guessed otherwise
 * ```ts
 * import type { EmulatorAssumptions } from "@lambda-cloud/client/testing";
 *
 * const other: EmulatorAssumptions = {
 *   reterminate: "200",
 *   sharedKeyName: "400",
 *   keyInUse: "400",
 *   publicKey: "trimmed",
 *   nullName: "absent",
 *   ticketDevice: "affected-device",
 * };
 * ```
 */
export interface EmulatorAssumptions {
  /**
   * A terminate that names an instance already terminating or terminated: `"500"` fails the
   * whole call with `global/unknown` and changes nothing; `"200"` terminates the others and
   * lists every instance named as it now is.
   * @default "500"
   */
  reterminate?: "500" | "200";
  /**
   * The status of `global/unknown` on a launch that names an SSH key name two keys share: `"500"`,
   * or `"400"`, the status the spec gives a launch's other refusals.
   * @default "500"
   */
  sharedKeyName?: "500" | "400";
  /**
   * The status of `ssh-keys/key-in-use`, when an SSH key that an instance not yet terminating
   * names is deleted: `"409"`, or `"400"`, the status the spec gives the other two "in use"
   * codes (a filesystem's, a firewall ruleset's).
   * @default "409"
   */
  keyInUse?: "409" | "400";
  /**
   * An added SSH key's `public_key`: stored `"verbatim"`, or `"trimmed"` of white space at both
   * ends (before its length is checked).
   * @default "verbatim"
   */
  publicKey?: "verbatim" | "trimmed";
  /**
   * A launch with `name: null`: `"refused"` with `global/invalid-parameters`, as the spec's type
   * (a string) says, or taken as no name (`"absent"`).
   * @default "refused"
   */
  nullName?: "refused" | "absent";
  /**
   * A ticket created with an `instance_id`, `ip` or `cluster_id`: `"unlisted"`, as the spec's
   * ticket has no field for them, or listed in its `affected_devices` (`"affected-device"`).
   * @default "unlisted"
   */
  ticketDevice?: "unlisted" | "affected-device";
}
