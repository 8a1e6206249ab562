// examples/ticket_webhooks.ts end to end: served twice with its documented command, as two Deploy
// isolates sharing one KV file, it receives what the emulator sends (each delivery to the other
// isolate than the last), a duplicate and an out-of-order event included, and logs each event once.

import { LambdaCloudClient } from "../mod.ts";
import { LambdaEmulator } from "../lib/testing/mod.ts";
import { documentedCommand } from "./tools/example.ts";
import { serveWithDeno } from "./tools/_serve.ts";
import { assertEquals, assertMatch } from "@std/assert";

const FILE = "examples/ticket_webhooks.ts";
const TOKEN = "whk_example_token";

/** Waits (a little, for real) until `done()`, as a child's output arrives through a pipe. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
}

Deno.test("examples/ticket_webhooks.ts: two isolates on one KV log each event once, a duplicate and a late one included", async () => {
  await Deno.mkdir(".tmp", { recursive: true });
  const dir = await Deno.makeTempDir({ dir: ".tmp", prefix: "ticket-webhooks-" });
  const { flags } = await documentedCommand(FILE);
  const serve = <T>(use: (url: string, stdout: () => string) => Promise<T>) =>
    serveWithDeno(FILE, {
      permissions: [...flags, `--allow-read=${dir}`, `--allow-write=${dir}`],
      env: { LAMBDA_WEBHOOK_TOKEN: TOKEN, WEBHOOK_KV_PATH: `${dir}/webhooks.kv` },
    }, use);
  try {
    await serve((first, firstOut) =>
      serve(async (second, secondOut) => {
        let now = Date.parse("2026-01-01T09:00:00Z");
        let turn = 0;
        const emulator = new LambdaEmulator({
          rateLimit: false,
          clock: { now: () => now },
          webhooks: {
            url: `${first}/`,
            token: TOKEN,
            // Each delivery to the isolate the last one did not go to.
            fetch: (request) => fetch(new Request(`${turn++ % 2 ? second : first}/`, request)),
          },
        });
        emulator.webhooks.inject({ kind: "late", eventType: "ticket.created" });
        emulator.webhooks.inject({ kind: "duplicate", eventType: "ticket.resolved" });
        const client = new LambdaCloudClient({
          apiKey: emulator.apiKey,
          fetch: emulator.fetch,
          rateLimit: false,
        });
        const { id } = await client.tickets.create({
          subject: "GPU fell off the bus",
          description: "nvidia-smi shows no devices",
          type: "incident",
          severity: "sev_2",
        });
        now += 1000;
        emulator.setTicketStatus(id, "pending");
        now += 1000;
        await client.tickets.update(id, { status: "solved" });
        await emulator.webhooks.settle();
        now += 10_000; // the late ticket.created is due
        await emulator.webhooks.settle();

        const sent = emulator.webhooks.deliveries;
        assertEquals(sent.map((delivery) => [delivery.event.type, delivery.status]), [
          ["ticket.status_changed", 200],
          ["ticket.resolved", 200],
          ["ticket.resolved", 200], // the duplicate, to the other isolate: answered, not handled
          ["ticket.created", 200], // late: its ticket is solved already
        ]);
        const logged = () =>
          [...firstOut().split("\n"), ...secondOut().split("\n")].filter((line) => line !== "");
        await until(() => logged().length >= 3);
        const short = id.slice(0, 8);
        assertEquals(logged().sort(), [
          `ticket.created ${short} "GPU fell off the bus": stale (open), kept solved`,
          `ticket.resolved ${short} "GPU fell off the bus": solved`,
          `ticket.status_changed ${short} "GPU fell off the bus": pending`,
        ]);
        // The second isolate handled the resolution and the late creation; the first, the status
        // change, and then the resolution's second copy, which it knew from the shared KV.
        assertMatch(firstOut(), /^ticket\.status_changed [^\n]*\n$/);
        assertMatch(secondOut(), /^ticket\.resolved [^\n]*\nticket\.created [^\n]*stale[^\n]*\n$/);

        // What is not a webhook gets its refusal; GET / says what the function is for.
        const refused = await fetch(`${first}/`, {
          method: "POST",
          headers: { authorization: "Bearer wrong", "content-type": "application/json" },
          body: "{}",
        });
        assertEquals([refused.status, await refused.text()], [
          401,
          "Cannot receive webhook: the bearer token is not the one expected\n",
        ]);
        const home = await fetch(`${second}/`);
        assertEquals(await home.text(), "POST Lambda's ticket webhooks here\n");
      })
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
