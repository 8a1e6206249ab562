// Every command, in the order help lists them.

import { ACCOUNT_COMMANDS } from "./_account.ts";
import { API_COMMANDS } from "./_api.ts";
import { AUDIT_COMMANDS } from "./_audit.ts";
import { AUTH_COMMANDS } from "./_auth.ts";
import { CAPACITY_COMMANDS } from "./_capacity.ts";
import type { Command } from "./_command.ts";
import { completionsCommand, VALUES_COMMAND } from "./_completions.ts";
import { COSTS_COMMANDS } from "./_costs.ts";
import { FIREWALL_COMMANDS } from "./_firewall.ts";
import { helpCommand, VERSION_COMMAND } from "./_help.ts";
import { INSTANCE_COMMANDS } from "./_instances.ts";
import { findIn } from "./_names.ts";
import { TICKET_COMMANDS } from "./_tickets.ts";
import { WEBHOOK_COMMANDS } from "./_webhooks.ts";

/** Every command, in the order help lists them. */
export const COMMANDS: readonly Command[] = [
  ...INSTANCE_COMMANDS,
  ...COSTS_COMMANDS,
  ...CAPACITY_COMMANDS,
  ...ACCOUNT_COMMANDS,
  ...FIREWALL_COMMANDS,
  ...AUDIT_COMMANDS,
  ...TICKET_COMMANDS,
  ...WEBHOOK_COMMANDS,
  ...API_COMMANDS,
  ...AUTH_COMMANDS,
  completionsCommand(() => COMMANDS),
  VALUES_COMMAND,
  helpCommand(() => COMMANDS),
  VERSION_COMMAND,
];

/** The command named by the longest run of leading `words` (or its short form), if any. */
export function findCommand(words: readonly string[]): Command | undefined {
  return findIn(COMMANDS, words);
}
