// The shape every plain delete command shares: by id or name, after confirmation.

import type { Command, CommandContext } from "./_command.ts";

/** A `<group> delete <id|name>` command that asks first and refuses without `--yes` off a terminal. */
export function deleteCommand(
  group: readonly string[],
  noun: string,
  resolve: (context: CommandContext, ref: string) => Promise<string>,
  remove: (context: CommandContext, id: string) => Promise<unknown>,
  summary = `Delete ${noun === "SSH key" ? "an" : "a"} ${noun}`,
): Command {
  return {
    name: [...group, "delete"],
    summary,
    usage: "<id|name>",
    positionals: { min: 1, max: 1 },
    mutating: true,
    confirm: {
      destructive: true,
      question: ({ args }) => Promise.resolve(`Delete the ${noun} '${args.positionals[0]}'?`),
    },
    async run(context) {
      const id = await resolve(context, context.args.positionals[0]!);
      await remove(context, id);
      return { data: { deleted_ids: [id] }, lines: [`Deleted ${noun} ${id}`], ids: [id] };
    },
  };
}
