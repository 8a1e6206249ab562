/**
 * The version of this package, sent in the default `User-Agent`.
 *
 * It must equal `version` in `deno.json`; a test keeps the two in step.
 *
 * @example Print the version
 * ```ts
 * import { VERSION } from "@lambda-cloud/client";
 *
 * console.log(`lambda-cloud-client ${VERSION}`);
 * ```
 */
export const VERSION = "0.1.0";
