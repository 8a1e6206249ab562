// The emulator's webhooks: the spec's payload for each ticket event (through the API and the test
// control), retries with a doubling backoff on the emulator's clock, the duplicate and late faults,
// the record of every attempt, the served emulator's own retries, and the command's flags.

import { isTicketEvent, LambdaCloudClient, receiveWebhook, type WebhookEvent } from "../mod.ts";
import { type EmulatorOptions, LambdaEmulator } from "../lib/testing/mod.ts";
import { runEmulatorCommand } from "../lib/testing/_command.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";

const URL_ = "https://hooks.example.com/lambda";
const TOKEN = "whk_emulated";

/** An emulator whose webhooks reach `answer` in-process; what they carried is in `received`. */
function setup(
  answer: (event: WebhookEvent) => Response | Promise<Response> = () => new Response("ok"),
  webhooks: Partial<NonNullable<EmulatorOptions["webhooks"]>> = {},
) {
  const received: WebhookEvent[] = [];
  let now = Date.parse("2026-01-01T00:00:00Z");
  const emulator = new LambdaEmulator({
    rateLimit: false,
    clock: { now: () => now },
    webhooks: {
      url: URL_,
      token: TOKEN,
      fetch: async (request) => {
        // What a receiver sees: the library's own checks pass.
        const event = await receiveWebhook(request, { token: TOKEN });
        received.push(event);
        return await answer(event);
      },
      ...webhooks,
    },
  });
  const client = new LambdaCloudClient({
    apiKey: emulator.apiKey,
    fetch: emulator.fetch,
    rateLimit: false,
  });
  const advance = (ms: number) => (now += ms);
  return { emulator, client, received, advance, now: () => now };
}

const TICKET = {
  subject: "GPU fell off the bus",
  description: "nvidia-smi shows no devices",
  type: "incident",
  severity: "sev_2",
  ip: "192.222.1.2",
  instance_id: "0920582c7ff041399e34823a0be62549",
} as const;

Deno.test("emulator webhooks: a ticket created through the API is posted in the spec's shape", async () => {
  const { emulator, client, received, now } = setup();
  const { id } = await client.tickets.create(TICKET);
  await emulator.webhooks.settle();
  assertEquals(received.length, 1);
  const event = received[0]!;
  assert(isTicketEvent(event));
  assertEquals([event.type, event.object, event.api_version], [
    "ticket.created",
    "event",
    "2025-11-18",
  ]);
  assertEquals(event.created, Math.floor(now() / 1000));
  assert(/^[0-9a-f]{32}$/.test(event.id));
  const ticket = await client.tickets.get(id);
  assertEquals(event.data, {
    object: "ticket",
    id,
    subject: TICKET.subject,
    description: TICKET.description,
    request_type: "incident",
    severity: "sev_2",
    status: "open",
    created_at: ticket.created_at,
    updated_at: ticket.created_at,
    instance_ip: TICKET.ip,
    instance_id: TICKET.instance_id,
    cluster_id: null,
    source: "api",
  });
  const [delivery] = emulator.webhooks.deliveries;
  assertEquals(delivery, { event, attempt: 1, at: now(), status: 200, ok: true });
});

Deno.test("emulator webhooks: a status change is ticket.status_changed, solved or confirm_solved ticket.resolved, no change nothing", async () => {
  const { emulator, client, received, advance, now } = setup();
  const start = now();
  const { severity: _, ...request } = TICKET;
  const { id } = await client.tickets.create({ ...request, type: "service_request" });
  advance(60_000);
  emulator.setTicketStatus(id, "pending");
  emulator.setTicketStatus(id, "pending");
  advance(60_000);
  emulator.setTicketStatus(id, "on_hold");
  await client.tickets.update(id, { comment: { body: "any news?" } });
  advance(60_000);
  await client.tickets.update(id, { status: "solved", comment: { body: "fixed, thanks" } });
  await client.tickets.update(id, { status: "solved" });
  emulator.setTicketStatus(id, "open");
  emulator.setTicketStatus(id, "confirm_solved");
  await emulator.webhooks.settle();
  assertEquals(
    received.map((event) => `${event.type} ${(event.data as { status: string }).status}`),
    [
      "ticket.created open",
      "ticket.status_changed pending",
      "ticket.status_changed on_hold",
      "ticket.resolved solved",
      "ticket.status_changed open",
      "ticket.resolved confirm_solved",
    ],
  );
  assertEquals(new Set(received.map((event) => event.id)).size, 6);
  // The event shows the ticket as it is once the change is made.
  const resolved = received[3]!.data as { severity: unknown; updated_at: string };
  assertEquals(resolved.severity, null);
  assertEquals(resolved.updated_at, new Date(start + 180_000).toISOString());
  assertThrows(() => emulator.setTicketStatus("nope", "open"), RangeError, "no ticket 'nope'");
  assertThrows(
    () => emulator.setTicketStatus(id, "closed" as never),
    RangeError,
    "'status' must be one of open, on_hold, pending, solved, confirm_solved, received 'closed'",
  );
});

Deno.test("emulator webhooks: a failed delivery is sent again after 1, 2 and 4 seconds of the emulator's time, then given up", async () => {
  const { emulator, client, advance, now } = setup(() => new Response("down", { status: 503 }));
  await client.tickets.create(TICKET);
  await emulator.webhooks.settle();
  const start = now();
  for (const wait of [1000, 2000, 4000]) {
    assertEquals(emulator.webhooks.pending, 1);
    advance(wait - 1);
    await emulator.webhooks.settle();
    advance(1);
    await emulator.webhooks.settle();
  }
  advance(60_000);
  await emulator.webhooks.settle();
  const deliveries = emulator.webhooks.deliveries;
  assertEquals(
    deliveries.map(({ attempt, at, status, ok }) => [attempt, at - start, status, ok]),
    [[1, 0, 503, false], [2, 1000, 503, false], [3, 3000, 503, false], [4, 7000, 503, false]],
  );
  assertEquals(new Set(deliveries.map((delivery) => delivery.event.id)).size, 1);
  assertEquals(emulator.webhooks.pending, 0);
});

Deno.test("emulator webhooks: a delivery that fails then succeeds stops there; an unreachable receiver is recorded as such", async () => {
  let failures = 1;
  const flaky = setup(() => new Response(null, { status: failures-- > 0 ? 500 : 204 }));
  await flaky.client.tickets.create(TICKET);
  await flaky.emulator.webhooks.settle();
  flaky.advance(1000);
  await flaky.emulator.webhooks.settle();
  assertEquals(flaky.emulator.webhooks.deliveries.map((delivery) => delivery.status), [500, 204]);
  assertEquals(flaky.emulator.webhooks.pending, 0);

  const unreachable = setup(undefined, {
    maxRetries: 0,
    fetch: () => Promise.reject(new TypeError("error sending request: connection refused")),
  });
  await unreachable.client.tickets.create(TICKET);
  await unreachable.emulator.webhooks.settle();
  const [delivery] = unreachable.emulator.webhooks.deliveries;
  assertEquals([delivery?.status, delivery?.ok, delivery?.error], [
    null,
    false,
    "error sending request: connection refused",
  ]);
  assertEquals(unreachable.emulator.webhooks.pending, 0);
});

Deno.test("emulator webhooks: the duplicate fault delivers one event twice, the late fault lets the next one overtake it", async () => {
  const { emulator, client, received, advance } = setup();
  const duplicate = emulator.webhooks.inject({ kind: "duplicate", eventType: "ticket.resolved" });
  const late = emulator.webhooks.inject({ kind: "late", eventType: "ticket.created" });
  const { id } = await client.tickets.create(TICKET);
  advance(1000);
  emulator.setTicketStatus(id, "pending");
  advance(1000);
  await client.tickets.update(id, { status: "solved" });
  await emulator.webhooks.settle();
  assertEquals(received.map((event) => event.type), [
    "ticket.status_changed",
    "ticket.resolved",
    "ticket.resolved",
  ]);
  assertEquals(received[1]!.id, received[2]!.id);
  assertEquals(emulator.webhooks.pending, 1);
  advance(8000); // ten seconds after the ticket was created
  await emulator.webhooks.settle();
  assertEquals(received.at(-1)!.type, "ticket.created");
  assertEquals([duplicate.hits, late.hits], [1, 1]);
  // Each struck once, as `times` defaults to 1; a removed fault strikes no more.
  emulator.webhooks.inject({ kind: "duplicate", times: 2, delayMs: 5000 }).remove();
  emulator.setTicketStatus(id, "open");
  await emulator.webhooks.settle();
  assertEquals(received.length, 5);
});

Deno.test("emulator webhooks: bad options and fault rules are refused; without a URL nothing is sent", async () => {
  const bad: [unknown, new (...args: never[]) => Error, string][] = [
    [{ url: "ftp://x" }, TypeError, "'webhooks.url' must be an http or https URL"],
    [{ url: 1 }, TypeError, "'webhooks.url' must be an http or https URL"],
    [{ url: URL_, token: "a b" }, TypeError, "'webhooks.token' must be printable ASCII"],
    [{ url: URL_, maxRetries: 1.5 }, RangeError, "'webhooks.maxRetries' must be a whole number"],
    [{ url: URL_, backoffMs: -1 }, RangeError, "'webhooks.backoffMs'"],
    [{ url: URL_, fetch: "yes" }, TypeError, "'webhooks.fetch' must be a function"],
  ];
  for (const [webhooks, errorClass, message] of bad) {
    assertThrows(
      () => new LambdaEmulator({ webhooks: webhooks as never }),
      errorClass as never,
      message,
    );
  }
  const { emulator } = setup();
  assertThrows(() => emulator.webhooks.inject({ kind: "drop" as never }), RangeError, "'kind'");
  assertThrows(
    () => emulator.webhooks.inject({ kind: "late", eventType: [1] as never }),
    TypeError,
    "'eventType'",
  );
  assertThrows(() => emulator.webhooks.inject({ kind: "late", times: -1 }), RangeError, "'times'");

  const quiet = new LambdaEmulator({ rateLimit: false });
  const client = new LambdaCloudClient({
    apiKey: quiet.apiKey,
    fetch: quiet.fetch,
    rateLimit: false,
  });
  await client.tickets.create(TICKET);
  await quiet.webhooks.settle();
  assertEquals([quiet.webhooks.deliveries.length, quiet.webhooks.pending], [0, 0]);
});

Deno.test("emulator webhooks: a served emulator sends its retries by itself", async () => {
  let failures = 1;
  const received: string[] = [];
  await using receiver = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      received.push((await receiveWebhook(request, { token: TOKEN })).type);
      return new Response(null, { status: failures-- > 0 ? 500 : 200 });
    },
  );
  const emulator = new LambdaEmulator({
    rateLimit: false,
    webhooks: { url: `http://127.0.0.1:${receiver.addr.port}/`, token: TOKEN, backoffMs: 20 },
  });
  const server = await emulator.serve();
  try {
    const client = new LambdaCloudClient({
      baseUrl: server.url,
      apiKey: emulator.apiKey,
      rateLimit: false,
    });
    await client.tickets.create(TICKET);
    for (let i = 0; i < 100 && emulator.webhooks.deliveries.length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assertEquals(emulator.webhooks.deliveries.map((delivery) => delivery.status), [500, 200]);
    assertEquals(received, ["ticket.created", "ticket.created"]);
  } finally {
    await server.close();
  }
});

Deno.test("emulator webhooks: --webhook-url and --webhook-token reach the emulator, and the banner says what to export", async () => {
  const received: string[] = [];
  await using receiver = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      received.push((await receiveWebhook(request, { token: "tok_cli" })).type);
      return new Response("ok");
    },
  );
  const url = `http://127.0.0.1:${receiver.addr.port}/hooks`;
  const lines: string[] = [];
  await using server = (await runEmulatorCommand(
    ["--no-rate-limit", "--webhook-url", url, "--webhook-token=tok_cli"],
    (line) => lines.push(line),
  ))!;
  assertEquals(lines.slice(-3), [
    "",
    `Ticket webhooks go to ${url}; give a receiver (lambda webhooks listen) their token:`,
    "  export LAMBDA_WEBHOOK_TOKEN=tok_cli",
  ]);
  const client = new LambdaCloudClient({
    baseUrl: server.url,
    apiKey: "secret_emulator",
    rateLimit: false,
  });
  await client.tickets.create(TICKET);
  for (let i = 0; i < 100 && received.length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assertEquals(received, ["ticket.created"]);
  await assertRejects(
    () => runEmulatorCommand(["--webhook-token", "x"], () => {}),
    TypeError,
    "'--webhook-token' needs '--webhook-url'",
  );
});
