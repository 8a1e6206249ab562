// The shape every plain delete command shares: by id or name, after confirmation.

import { type Command, type CommandContext, takes } from "./_command.ts";
import type { Resolved } from "./_lookup.ts";

/** A resource that can be deleted, as far as the question needs to know it. */
type Named = { id: string; name?: string | undefined };

/**
 * A `<group> delete <id|name>` command that asks first, naming what goes (name and id), and
 * refuses without `--yes` off a terminal; `example` is a name its examples delete.
 */
export function deleteCommand<T extends Named>(
  group: readonly string[],
  noun: string,
  resolve: (context: CommandContext, ref: string) => Promise<Resolved<T>>,
  remove: (context: CommandContext, id: string) => Promise<unknown>,
  example: string,
  summary = `Delete ${noun === "SSH key" ? "an" : "a"} ${noun}`,
): Command {
  const name = [...group, "delete"];
  return {
    name,
    summary,
    ...takes("<id|name>"),
    mutating: true,
    examples: [
      `lambda ${name.join(" ")} ${example}`,
      `lambda ${group.join(" ")} rm ${example} --yes`,
    ],
    confirm: {
      destructive: true,
      question: async (context) => {
        const { id, item } = await resolve(context, context.args.positionals[0]!);
        return `Delete the ${noun} ${item?.name ? `'${item.name}' (${id})` : id}?`;
      },
    },
    async run(context) {
      const { id } = await resolve(context, context.args.positionals[0]!);
      await remove(context, id);
      return { data: { deleted_ids: [id] }, lines: [`Deleted ${noun} ${id}`], ids: [id] };
    },
  };
}
