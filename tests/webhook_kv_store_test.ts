// The webhook de-duplication store on a real Deno KV: a claim is atomic, completes or is released,
// ends with its lease, and two receivers that share one KV file handle each event once.

import { kvWebhookDedupStore, type WebhookEvent, webhookHandler } from "../mod.ts";
import { assert, assertEquals, assertThrows } from "@std/assert";
import { exampleEvent, TOKEN, webhookRequest } from "./_webhooks.ts";

const PREFIX = ["lambda-cloud-client", "webhook-events"];

Deno.test("kv dedup store: a claim is the one receiver's until completed, then every later claim finds it done", async () => {
  using kv = await Deno.openKv(":memory:");
  const store = kvWebhookDedupStore(kv);
  const first = await store.claim("e1");
  assertEquals(first.status, "claimed");
  assertEquals((await store.claim("e1")).status, "running");
  assertEquals((await store.claim("e2")).status, "claimed");
  if (first.status === "claimed") await first.complete();
  assertEquals((await store.claim("e1")).status, "done");
  // The entry holds the state only, and expires.
  assertEquals((await kv.get([...PREFIX, "e1"])).value, { state: "done" });
});

Deno.test("kv dedup store: a released claim, or one whose lease ran out, goes to the next delivery", async () => {
  using kv = await Deno.openKv(":memory:");
  let now = 1_000_000;
  const store = kvWebhookDedupStore(kv, { leaseMs: 30_000, clock: { now: () => now } });
  const released = await store.claim("e1");
  if (released.status === "claimed") await released.release();
  const again = await store.claim("e1");
  assertEquals(again.status, "claimed");
  // A receiver that died holding it: the claim stands for its lease, then is taken over, even
  // while KV still shows the entry.
  now += 29_999;
  assertEquals((await store.claim("e1")).status, "running");
  now += 2;
  const takeover = await store.claim("e1");
  assertEquals(takeover.status, "claimed");
  // The first receiver, come back late, can neither complete nor release what is no longer its.
  if (again.status === "claimed") {
    await again.complete();
    await again.release();
  }
  assertEquals((await store.claim("e1")).status, "running");
  if (takeover.status === "claimed") await takeover.complete();
  assertEquals((await store.claim("e1")).status, "done");
});

Deno.test("kv dedup store: what another program left under a key can be claimed over", async () => {
  using kv = await Deno.openKv(":memory:");
  await kv.set([...PREFIX, "e1"], "garbage");
  assertEquals((await kvWebhookDedupStore(kv).claim("e1")).status, "claimed");
});

Deno.test("kv dedup store: bad arguments are refused when it is made", () => {
  assertThrows(() => kvWebhookDedupStore({} as never), TypeError, "'kv' must be an open Deno.Kv");
  const kv = { get: () => Promise.reject(), atomic: () => ({}) } as never;
  assertThrows(() => kvWebhookDedupStore(kv, { prefix: "x" as never }), TypeError, "'prefix'");
  assertThrows(() => kvWebhookDedupStore(kv, { leaseMs: -1 }), RangeError, "'leaseMs'");
  assertThrows(() => kvWebhookDedupStore(kv, { keepMs: Infinity }), RangeError, "'keepMs'");
});

Deno.test("kv dedup store: two receivers sharing one KV file handle each event once, however deliveries race", async () => {
  await Deno.mkdir(".tmp", { recursive: true });
  const dir = await Deno.makeTempDir({ dir: ".tmp", prefix: "webhooks-kv-" });
  try {
    using kvA = await Deno.openKv(`${dir}/events.kv`);
    using kvB = await Deno.openKv(`${dir}/events.kv`);
    const handled: string[] = [];
    const receiver = (kv: Deno.Kv, name: string) =>
      webhookHandler({
        token: TOKEN,
        dedup: kvWebhookDedupStore(kv),
        onEvent: async (event: WebhookEvent) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          handled.push(`${event.id}@${name}`);
        },
      });
    const [a, b] = [receiver(kvA, "a"), receiver(kvB, "b")];
    const ids = ["1", "2", "3", "4", "5"].map((digit) => digit.repeat(32));
    // Every event delivered four times at once, twice to each receiver.
    const answers = await Promise.all(
      ids.flatMap((id) =>
        [a, b, a, b].map(async (handle) => {
          const response = await handle(webhookRequest(exampleEvent("ticket.created", { id })));
          await response.body?.cancel();
          return response.status;
        })
      ),
    );
    assertEquals(handled.map((entry) => entry.split("@")[0]).sort(), ids);
    assert(answers.every((status) => status === 200 || status === 409), `${answers}`);
    assertEquals(answers.filter((status) => status === 200).length >= ids.length, true);
    // Delivered again once all is done: every one a duplicate, on either receiver.
    for (const id of ids) {
      for (const handle of [a, b]) {
        const response = await handle(webhookRequest(exampleEvent("ticket.created", { id })));
        assertEquals(
          [response.status, await response.text()],
          [200, "duplicate: the event was handled already\n"],
        );
      }
    }
    assertEquals(handled.length, ids.length);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
