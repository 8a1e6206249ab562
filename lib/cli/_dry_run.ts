// A dry run: reads go through (names become ids) until the first request that would change
// something, which is stopped, refused, and printed instead of sent.

import { type CliIo, type Command, type CommandContext, removalText } from "./_command.ts";
import { EXIT } from "./_exit.ts";

/**
 * The answer a dry run gives in Lambda's place to the first request that would change something,
 * and everything after it: a refusal (a 4xx with a code of the command line's), which tells the
 * client that nothing was done, as is true: so nothing is retried, and a launch is not looked for
 * (for two minutes) as one whose answer was lost.
 */
function dryRunStop(): Response {
  return Response.json(
    { error: { code: "cli/dry-run", message: "dry run: not sent" } },
    { status: 400 },
  );
}

/**
 * Reads go through (names become ids) until the first request that would change something, which
 * is kept and refused, and so is everything after it.
 */
export function dryRunFetch(read: (request: Request) => Promise<Response>): {
  fetch: (request: Request) => Promise<Response>;
  stopped: () => Request | undefined;
} {
  let stopped: Request | undefined;
  return {
    fetch: (request) => {
      if (stopped === undefined && request.method === "GET") return read(request);
      stopped ??= request;
      return Promise.resolve(dryRunStop());
    },
    stopped: () => stopped,
  };
}

/**
 * Runs `command` with a client that stops the first request that would change something, and
 * prints that request, and what it would remove (rules, tags) when the command says. `stops` says which it stopped: kept beside the client rather than read off
 * the error, since the client hands a copy of what its fetch threw on, without anything that could
 * hold the key.
 */
export async function dryRun(
  io: CliIo,
  context: CommandContext,
  command: Command,
  stops: () => Request | undefined,
): Promise<number> {
  // What a replace would take away, which the body alone does not say: read before the stop,
  // after which every request is refused.
  const removal = await command.confirm?.removes?.(context);
  let stopped: Request | undefined;
  try {
    await command.run(context);
  } catch (error) {
    stopped = stops();
    if (stopped === undefined) throw error;
  }
  if (stopped === undefined) {
    io.stdout("Dry run: nothing would be changed.");
    return EXIT.ok;
  }
  const headers = Object.fromEntries(
    [...stopped.headers].map(([name, value]) => [
      name,
      name === "authorization" ? "Bearer [REDACTED]" : value,
    ]),
  );
  const text = await stopped.text();
  const body = text === "" ? undefined : JSON.parse(text);
  if (context.json) {
    io.stdout(JSON.stringify(
      {
        dry_run: true,
        method: stopped.method,
        url: stopped.url,
        headers,
        body,
        ...(removal === undefined ? {} : { removes: removal.items }),
      },
      null,
      2,
    ));
  } else {
    io.stdout(`Dry run: nothing was changed. The request would be:`);
    io.stdout(`${stopped.method} ${stopped.url}`);
    for (const [name, value] of Object.entries(headers)) io.stdout(`${name}: ${value}`);
    if (body !== undefined) {
      ["", ...JSON.stringify(body, null, 2).split("\n")].forEach((line) => io.stdout(line));
    }
    if (removal !== undefined && removal.items.length > 0) {
      io.stdout("");
      io.stdout(removalText(removal));
    }
  }
  return EXIT.ok;
}
