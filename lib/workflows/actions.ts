/**
 * What can be done to an instance now, and why not: `instance.actions`, in a form to branch on.
 *
 * @module
 */

import type { Instance, InstanceActionAvailability } from "../types/instances.ts";

/**
 * An action on an instance, as `instance.actions` names them.
 *
 * @example Every action
 * ```ts
 * import type { InstanceAction } from "@lambda-cloud/client";
 *
 * const all: InstanceAction[] = ["migrate", "rebuild", "restart", "cold_reboot", "power_cycle", "terminate"];
 * ```
 */
export type InstanceAction = keyof InstanceActionAvailability;

/**
 * Whether an action is available, and when it is not, why.
 *
 * @example Print why not
 * ```ts
 * import type { ActionAvailability } from "@lambda-cloud/client";
 *
 * const say = (check: ActionAvailability) => check.available ? "yes" : `no: ${check.reason}`;
 * ```
 */
export type ActionAvailability =
  | { available: true }
  | {
    available: false;
    /** Lambda's reason code, such as `vm-has-not-launched`, when it gave one. */
    code: string | undefined;
    /** A sentence for people. */
    reason: string;
  };

/**
 * Says whether `action` is available on `instance` now and, when it is not, why, from the
 * `actions` field Lambda returns with every instance. Check it before a call that would only be
 * refused, such as restarting an instance that is still booting.
 *
 * @param instance The instance, as listed or fetched.
 * @param action The action.
 * @returns `{ available: true }`, or `{ available: false, code, reason }`.
 *
 * @example Restart only when Lambda would accept it
 * ```ts
 * import { actionAvailability, type Instance } from "@lambda-cloud/client";
 *
 * function explainRestart(instance: Instance): string {
 *   const check = actionAvailability(instance, "restart");
 *   return check.available ? "can restart" : `cannot restart: ${check.reason}`;
 * }
 * ```
 */
export function actionAvailability(
  instance: Pick<Instance, "actions" | "status">,
  action: InstanceAction,
): ActionAvailability {
  const details = instance.actions?.[action];
  if (details?.available) return { available: true };
  const code = details?.reason_code;
  const reason = details?.reason_description ??
    (details === undefined
      ? `Lambda did not say whether '${action}' is available (status: ${instance.status})`
      : code ?? `'${action}' is not available (status: ${instance.status})`);
  return { available: false, code, reason };
}
