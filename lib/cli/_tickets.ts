// Commands for support tickets and their attachments.

import type {
  CreateTicketRequest,
  Ticket,
  TicketPriority,
  TicketSeverity,
  TicketStatus,
  TicketType,
  UpdateTicketRequest,
} from "../../mod.ts";
import { UsageError } from "./_args.ts";
import {
  type Command,
  flag,
  integer,
  listCommand,
  listFlag,
  requiredFlag,
  takes,
} from "./_command.ts";
import { details } from "./_table.ts";

/** The first `limit` items, and whether there were more. */
async function take<T>(
  items: AsyncIterable<T>,
  limit: number,
): Promise<{ taken: T[]; more: boolean }> {
  const taken: T[] = [];
  for await (const item of items) {
    if (taken.length >= limit) return { taken, more: true };
    taken.push(item);
  }
  return { taken, more: false };
}

function ticketDetails(ticket: Ticket): string[] {
  return [
    ...details([
      ["id", ticket.id],
      ["subject", ticket.subject],
      ["status", ticket.status],
      ["type", ticket.type],
      ["severity", ticket.severity],
      ["priority", ticket.priority],
      ["created", ticket.created_at],
      ["resolved", ticket.resolved_at],
    ]),
    // Line by line: a line printed holds no line feed (see _output.ts).
    ...ticket.comments.flatMap((comment) => [
      `--- ${comment.author}, ${comment.created_at}`,
      ...comment.body.split("\n"),
    ]),
  ];
}

const ATTACHMENT = takes("<ticket-id> <attachment-id>", 2);

/** The ticket commands. */
export const TICKET_COMMANDS: Command[] = [
  {
    name: ["tickets", "list"],
    summary: "List support tickets, newest first",
    flags: {
      status: {
        kind: "list",
        value: "STATUS",
        help: "open, on_hold, pending, solved… (repeatable)",
      },
      type: { kind: "list", value: "TYPE", help: "incident, service_request… (repeatable)" },
      limit: { kind: "string", value: "N", short: "L", help: "at most this many (default 100)" },
    },
    columns: ["ID", "STATUS", "TYPE", "SEVERITY", "SUBJECT"],
    examples: ["lambda tickets list --status open,pending", "lambda tickets list -q --limit 5"],
    async run({ client, args, signal }) {
      const status = listFlag(args, "status") as TicketStatus[] | undefined;
      const type = listFlag(args, "type") as TicketType[] | undefined;
      const limit = integer(args, "limit") ?? 100;
      const { taken: tickets, more } = await take(
        client.tickets.list({
          ...(status === undefined ? {} : { status }),
          ...(type === undefined ? {} : { type }),
        }, { signal }),
        limit,
      );
      return {
        data: tickets,
        rows: tickets.map((t) => ({
          ID: t.id,
          STATUS: t.status,
          TYPE: t.type ?? "",
          SEVERITY: t.severity ?? "",
          SUBJECT: t.subject,
        })),
        notes: more ? [`Showing the first ${limit} tickets; there are more (raise --limit)`] : [],
      };
    },
  },
  {
    name: ["tickets", "get"],
    summary: "Show a ticket and its comments",
    ...takes("<id>"),
    examples: ["lambda tickets get $TICKET", "lambda tickets get $TICKET --json"],
    async run({ client, args, signal }) {
      const ticket = await client.tickets.get(args.positionals[0]!, { signal });
      return { data: ticket, lines: ticketDetails(ticket), ids: [ticket.id] };
    },
  },
  {
    name: ["tickets", "create"],
    summary: "Open a support ticket",
    mutating: true,
    flags: {
      subject: { kind: "string", value: "TEXT", help: "a short summary (required)" },
      description: { kind: "string", value: "TEXT", help: "what happened (required)" },
      type: { kind: "string", value: "TYPE", help: "incident or service_request (required)" },
      severity: { kind: "string", value: "SEV", help: "sev_1, sev_2 or sev_3 (incidents)" },
      priority: { kind: "string", value: "PRIORITY", help: "low, normal, high or urgent" },
      "instance-id": {
        kind: "string",
        value: "ID",
        help: "the affected instance (id or name); the API's ticket has no field that shows it",
        complete: "instances",
      },
    },
    examples: [
      "lambda tickets create --type incident --severity sev_2 --subject 'A GPU is missing' --description 'nvidia-smi shows 7 of 8' --instance-id train-1",
    ],
    async run({ client, args, signal, lookup }) {
      const body: CreateTicketRequest = {
        subject: requiredFlag(args, "subject"),
        description: requiredFlag(args, "description"),
        type: requiredFlag(args, "type") as CreateTicketRequest["type"],
      };
      const severity = flag(args, "severity");
      if (severity !== undefined) body.severity = severity as TicketSeverity;
      const priority = flag(args, "priority");
      if (priority !== undefined) body.priority = priority as TicketPriority;
      const instance = flag(args, "instance-id");
      if (instance !== undefined) body.instance_id = (await lookup.resolveInstance(instance)).id;
      const created = await client.tickets.create(body, { signal });
      return {
        data: created,
        lines: [`Opened ticket ${created.id} (${created.status})`],
        ids: [created.id],
      };
    },
  },
  {
    name: ["tickets", "update"],
    summary: "Comment on a ticket, change its severity or priority, or mark it solved",
    ...takes("<id>"),
    mutating: true,
    flags: {
      comment: { kind: "string", value: "TEXT", help: "a comment to add" },
      solved: { kind: "boolean", help: "mark it solved" },
      severity: { kind: "string", value: "SEV", help: "the new severity" },
      priority: { kind: "string", value: "PRIORITY", help: "the new priority" },
    },
    examples: [
      "lambda tickets update $TICKET --comment 'It happened again at 14:05'",
      "lambda tickets update $TICKET --solved",
    ],
    async run({ client, args, signal }) {
      const body: UpdateTicketRequest = {};
      const comment = flag(args, "comment");
      if (comment !== undefined) body.comment = { body: comment };
      if (args.booleans.has("solved")) body.status = "solved";
      const severity = flag(args, "severity");
      if (severity !== undefined) body.severity = severity as TicketSeverity;
      const priority = flag(args, "priority");
      if (priority !== undefined) body.priority = priority as TicketPriority;
      if (Object.keys(body).length === 0) {
        throw new UsageError(
          "give at least one of '--comment', '--solved', '--severity', '--priority'",
        );
      }
      await client.tickets.update(args.positionals[0]!, body, { signal });
      return {
        data: {},
        lines: [`Updated ticket ${args.positionals[0]}`],
        ids: [args.positionals[0]!],
      };
    },
  },
  listCommand(
    {
      name: ["tickets", "attachments", "list"],
      summary: "List a ticket's attachments",
      ...takes("<ticket-id>"),
      columns: ["ID", "FILENAME", "BYTES", "STATUS"],
      examples: ["lambda tickets attachments list $TICKET"],
    },
    ({ client, args, signal }) =>
      client.tickets.attachments.list(args.positionals[0]!, {}, { signal }),
    (a) => ({
      ID: a.id,
      FILENAME: a.filename,
      BYTES: String(a.size_bytes),
      STATUS: a.upload_status,
    }),
  ),
  {
    name: ["tickets", "attachments", "initiate"],
    summary: "Start an upload; prints the URL to send the bytes to",
    ...takes("<ticket-id>"),
    mutating: true,
    flags: {
      filename: { kind: "string", value: "NAME", help: "the file's name (required)" },
      "content-type": { kind: "string", value: "TYPE", help: "its MIME type (required)" },
      size: { kind: "string", value: "BYTES", help: "its size in bytes (required)" },
    },
    examples: [
      "lambda tickets attachments initiate $TICKET --filename dmesg.txt --content-type text/plain --size 52814",
    ],
    async run({ client, args, signal }) {
      const size = integer(args, "size");
      if (size === undefined) throw new UsageError("option '--size' is required");
      const target = await client.tickets.attachments.initiateUpload(args.positionals[0]!, {
        filename: requiredFlag(args, "filename"),
        content_type: requiredFlag(args, "content-type"),
        size_bytes: size,
      }, { signal });
      return {
        data: target,
        lines: details([
          ["attachment", target.attachment_id],
          ["upload", `${target.upload_method} ${target.upload_url}`],
          ["expires in", `${target.expires_in} s`],
        ]),
        ids: [target.attachment_id],
      };
    },
  },
  {
    name: ["tickets", "attachments", "complete"],
    summary: "Mark an upload complete",
    ...ATTACHMENT,
    mutating: true,
    examples: ["lambda tickets attachments complete $TICKET $ATTACHMENT"],
    async run({ client, args, signal }) {
      const [ticket, attachment] = args.positionals as [string, string];
      const done = await client.tickets.attachments.completeUpload(ticket, attachment, { signal });
      return { data: done, lines: [`${done.filename}: ${done.upload_status}`], ids: [attachment] };
    },
  },
  {
    name: ["tickets", "attachments", "delete"],
    summary: "Delete an attachment",
    ...ATTACHMENT,
    mutating: true,
    examples: ["lambda tickets attachments delete $TICKET $ATTACHMENT --yes"],
    confirm: {
      destructive: true,
      question: ({ args }) =>
        Promise.resolve(
          `Delete attachment ${args.positionals[1]} of ticket ${args.positionals[0]}?`,
        ),
    },
    async run({ client, args, signal }) {
      const [ticket, attachment] = args.positionals as [string, string];
      await client.tickets.attachments.delete(ticket, attachment, { signal });
      return { data: {}, lines: [`Deleted attachment ${attachment}`], ids: [attachment] };
    },
  },
  {
    name: ["tickets", "attachments", "download-url"],
    summary: "Print a short-lived download link",
    ...ATTACHMENT,
    examples: [
      'curl -o dmesg.txt "$(lambda tickets attachments download-url $TICKET $ATTACHMENT)"',
    ],
    async run({ client, args, signal }) {
      const [ticket, attachment] = args.positionals as [string, string];
      const link = await client.tickets.attachments.getDownloadUrl(ticket, attachment, { signal });
      return { data: link, lines: [link.download_url] };
    },
  },
];
