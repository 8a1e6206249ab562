// The rules of SSH key bodies, checked before anything is sent and shared with the emulator, which
// answers a request that breaks them with `global/invalid-parameters`. Lengths, patterns and enums
// come from the operation table (lib/spec/); the words that explain them are ours.

import { checkObject, checkOptionalString, checkString, specString } from "../_validate.ts";
import { bodyField } from "../spec/lookup.ts";

const ACTION_CREATE = "create SSH key";

/** Checks an SSH key body. Shared with the emulator. */
export function checkCreateSshKeyRequest(body: unknown): void {
  const checked = checkObject(ACTION_CREATE, "body", body);
  checkString(ACTION_CREATE, "name", checked.name, specString(bodyField("addSSHKey", "name")));
  checkOptionalString(
    ACTION_CREATE,
    "public_key",
    checked.public_key,
    specString(bodyField("addSSHKey", "public_key")),
  );
}
