// The rules of filesystem bodies, checked before anything is sent and shared with the emulator, which
// answers a request that breaks them with `global/invalid-parameters`. Lengths, patterns and enums
// come from the operation table (lib/spec/); the words that explain them are ours.

import { checkObject, checkString, specString } from "../_validate.ts";
import { bodyField } from "../spec/lookup.ts";

const ACTION_CREATE = "create filesystem";
const FILESYSTEM_NAME = specString(
  bodyField("createFilesystem", "name"),
  "letters, then letters, digits or '-'",
);

/** Checks a filesystem body. Shared with the emulator. */
export function checkCreateFilesystemRequest(body: unknown): void {
  const checked = checkObject(ACTION_CREATE, "body", body);
  checkString(ACTION_CREATE, "name", checked.name, FILESYSTEM_NAME);
  checkString(ACTION_CREATE, "region", checked.region);
}
