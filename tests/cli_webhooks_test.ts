// `lambda webhooks listen`: a receiver on 127.0.0.1 that prints each delivery (a JSON line with
// --json), refuses what is not a webhook, forwards events on, takes its token from
// LAMBDA_WEBHOOK_TOKEN only, and stops on Ctrl-C.

import { LambdaCloudClient } from "../mod.ts";
import { type CliIo, EXIT, runCli } from "../lib/cli/mod.ts";
import { Interruption } from "../lib/cli/_interrupts.ts";
import { LambdaEmulator } from "../lib/testing/mod.ts";
import { assert, assertEquals, assertMatch } from "@std/assert";
import { cliRunner } from "./_cli.ts";

const TOKEN = "whk_cli_token";

/** The command line running `argv` until stopped, with what it has printed so far. */
function start(argv: string[], env: Record<string, string> = { LAMBDA_WEBHOOK_TOKEN: TOKEN }) {
  const out: string[] = [];
  const err: string[] = [];
  const stop = new AbortController();
  const io: CliIo = {
    stdout: (line) => void out.push(line),
    stderr: (line) => void err.push(line),
    progress: () => {},
    env: (name) => env[name],
    isTerminal: false,
    confirm: () => Promise.resolve(false),
    readTextFile: () => Promise.reject(new Error("no files")),
    createSecretFile: () => Promise.reject(new Error("no files")),
  };
  const exit = runCli(["webhooks", "listen", ...argv], io, { interrupts: () => stop.signal });
  const url = async () => {
    for (let i = 0; i < 200; i++) {
      const port = err.join("\n").match(/listening for webhooks on http:\/\/127\.0\.0\.1:(\d+)\//);
      if (port) return `http://127.0.0.1:${port[1]}/`;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`not listening: ${err.join("\n")}`);
  };
  const interrupt = () => {
    stop.abort(new Interruption("SIGINT"));
    return exit;
  };
  return { out, err, url, interrupt };
}

/** An emulator posting its webhooks to `url`, and a client on it. */
function emulatorTo(url: string) {
  let now = Date.parse("2026-01-01T00:00:00Z");
  const emulator = new LambdaEmulator({
    rateLimit: false,
    clock: { now: () => now },
    webhooks: { url, token: TOKEN },
  });
  const client = new LambdaCloudClient({
    apiKey: emulator.apiKey,
    fetch: emulator.fetch,
    rateLimit: false,
  });
  return { emulator, client, advance: (ms: number) => (now += ms) };
}

const TICKET = {
  subject: "GPU fell off the bus",
  description: "nvidia-smi shows no devices",
  type: "service_request",
} as const;

Deno.test("webhooks listen --json: one JSON line per delivery on stdout, notes and refusals on stderr, exit 130 on Ctrl-C", async () => {
  const listener = start(["--json"]);
  const url = await listener.url();
  const { emulator, client } = emulatorTo(url);
  emulator.webhooks.inject({ kind: "duplicate" });
  const { id } = await client.tickets.create(TICKET);
  await emulator.webhooks.settle();
  const refused = await fetch(url, {
    method: "POST",
    headers: { authorization: "Bearer wrong", "content-type": "application/json" },
    body: "{}",
  });
  await refused.body?.cancel();
  assertEquals(await listener.interrupt(), EXIT.interrupted);
  const sent = emulator.webhooks.deliveries.map((delivery) => delivery.event);
  // Every delivery, the duplicate too: the listener shows what arrives.
  assertEquals(listener.out.map((line) => JSON.parse(line)), sent);
  assertEquals(sent.length, 2);
  assertEquals((sent[0]!.data as { id: string }).id, id);
  assertEquals(refused.status, 401);
  const err = listener.err.map((line) => JSON.parse(line));
  assertMatch(
    err[0].note,
    /^listening for webhooks on http:\/\/127\.0\.0\.1:\d+\/ \(Ctrl-C to stop\)$/,
  );
  assertEquals(err[1], {
    warning:
      "refused a request (401): Cannot receive webhook: the bearer token is not the one expected",
  });
  assertEquals(err[2].error.exit_code, EXIT.interrupted);
  assert(!listener.err.join("\n").includes(TOKEN) && !listener.out.join("\n").includes(TOKEN));
});

Deno.test("webhooks listen: a line per event for people, with its time, type, id and ticket", async () => {
  const listener = start([]);
  const { emulator, client } = emulatorTo(await listener.url());
  const { id } = await client.tickets.create({ ...TICKET, subject: "line\nfeed" });
  await emulator.webhooks.settle();
  assertEquals(await listener.interrupt(), EXIT.interrupted);
  const [event] = emulator.webhooks.deliveries.map((delivery) => delivery.event);
  assertEquals(listener.out, [
    `2026-01-01T00:00:00.000Z  ticket.created  ${event!.id}  ticket ${id} open: line\\nfeed`,
  ]);
  assertEquals(listener.err.at(-1), "error: interrupted (Ctrl-C)");
});

Deno.test("webhooks listen --forward-to: each event is posted on with the token, and a failure there is a 500 the emulator retries", async () => {
  const forwarded: { authorization: string | null; type: string }[] = [];
  let failures = 1;
  await using target = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      forwarded.push({
        authorization: request.headers.get("authorization"),
        type: (await request.json()).type,
      });
      return new Response(null, { status: failures-- > 0 ? 503 : 204 });
    },
  );
  const targetUrl = `http://127.0.0.1:${target.addr.port}/hooks`;
  const listener = start(["--forward-to", targetUrl]);
  const { emulator, client, advance } = emulatorTo(await listener.url());
  await client.tickets.create(TICKET);
  await emulator.webhooks.settle();
  advance(1000);
  await emulator.webhooks.settle();
  assertEquals(await listener.interrupt(), EXIT.interrupted);
  assertEquals(emulator.webhooks.deliveries.map((delivery) => delivery.status), [500, 200]);
  assertEquals(forwarded, [
    { authorization: `Bearer ${TOKEN}`, type: "ticket.created" },
    { authorization: `Bearer ${TOKEN}`, type: "ticket.created" },
  ]);
  const event = emulator.webhooks.deliveries[0]!.event;
  assertEquals(listener.err.slice(1, 4), [
    `forwarded ${event.id} to ${targetUrl}: 503`,
    `forwarding ${event.id} failed: ${targetUrl} answered 503`,
    `forwarded ${event.id} to ${targetUrl}: 204`,
  ]);
});

Deno.test("webhooks listen: the token comes from LAMBDA_WEBHOOK_TOKEN, and bad options are refused, before it listens", async () => {
  const run = cliRunner(new LambdaEmulator(), { unreadable: ["LAMBDA_WEBHOOK_TOKEN"] });
  const unreadable = await run(["webhooks", "listen"]);
  assertEquals(unreadable.code, EXIT.usage);
  assertMatch(unreadable.err, /^error: cannot read LAMBDA_WEBHOOK_TOKEN: no permission/);
  assertMatch(unreadable.err, /install it again with LAMBDA_WEBHOOK_TOKEN added there/);
  const cases: [string[], Record<string, string>, RegExp][] = [
    [[], {}, /set LAMBDA_WEBHOOK_TOKEN to the token the webhooks carry/],
    [["--token", TOKEN], { LAMBDA_WEBHOOK_TOKEN: TOKEN }, /unknown option '--token'/],
    [["--port", "70000"], { LAMBDA_WEBHOOK_TOKEN: TOKEN }, /'--port' must be at most 65535/],
    [
      ["--forward-to", "localhost:8000"],
      { LAMBDA_WEBHOOK_TOKEN: TOKEN },
      /'--forward-to' must be an http or https URL, received 'localhost:8000'/,
    ],
  ];
  for (const [argv, env, message] of cases) {
    const result = await cliRunner(new LambdaEmulator(), { env })(["webhooks", "listen", ...argv]);
    assertEquals(result.code, EXIT.usage, result.err);
    assertMatch(result.err, message);
  }
  const help = await cliRunner(new LambdaEmulator())(["webhooks", "listen", "--help"]);
  assertMatch(help.out, /--forward-to URL/);
});
