// The choices of every assumption, in one table typed by `EmulatorAssumptions`: an assumption
// added there without its choices here, or choices here for none there, fails `deno check`. The
// handlers read the checked choices off the account's state; what each rests on is in
// docs/emulator.md.

import { checkObject, checkOneOf } from "../_validate.ts";
import type { EmulatorAssumptions } from "./assumptions.ts";

/** Every assumption with its choice made. */
export type Assumptions = Required<EmulatorAssumptions>;

type Choices = {
  readonly [Name in keyof Assumptions]: readonly [Assumptions[Name], ...Assumptions[Name][]];
};

/** Each assumption's choices, its default first. */
export const ASSUMPTIONS: Choices = {
  reterminate: ["500", "200"],
  sharedKeyName: ["500", "400"],
  keyInUse: ["409", "400"],
  publicKey: ["verbatim", "trimmed"],
  nullName: ["refused", "absent"],
  ticketDevice: ["unlisted", "affected-device"],
};

/** The `assumptions` option, checked, with a default for each one left out. */
export function checkAssumptions(action: string, given: unknown): Assumptions {
  const chosen = checkObject(action, "assumptions", given ?? {});
  for (const name of Object.keys(chosen)) {
    if (!Object.hasOwn(ASSUMPTIONS, name)) {
      throw new RangeError(
        `Cannot ${action}: 'assumptions' takes ${
          Object.keys(ASSUMPTIONS).join(", ")
        }, received '${name}'`,
      );
    }
  }
  const entries = Object.entries(ASSUMPTIONS).map(([name, choices]) => {
    const value = chosen[name] ?? choices[0];
    return [name, checkOneOf(action, `assumptions.${name}`, value, choices as readonly unknown[])];
  });
  return Object.fromEntries(entries) as Assumptions;
}
