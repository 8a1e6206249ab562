// webhookHandler(): refusals answered with their status, onEvent called once per event with a
// store, 500 when it fails (and the next delivery handles the event again), 409 while another
// receiver has it, and every failure told to onError.

import {
  WebhookAuthError,
  type WebhookClaim,
  type WebhookDedupStore,
  type WebhookEvent,
  webhookHandler,
  type WebhookHandlerOptions,
} from "../mod.ts";
import { assert, assertEquals, assertThrows } from "@std/assert";
import { exampleEvent, TOKEN, webhookRequest } from "./_webhooks.ts";

/** A store in memory, for one process: enough to test the handler's part. */
function memoryStore(): WebhookDedupStore & { entries: Map<string, "running" | "done"> } {
  const entries = new Map<string, "running" | "done">();
  return {
    entries,
    claim: (id) => {
      const held = entries.get(id);
      if (held !== undefined) return Promise.resolve({ status: held });
      entries.set(id, "running");
      const claim: WebhookClaim = {
        status: "claimed",
        complete: () => Promise.resolve(void entries.set(id, "done")),
        release: () => Promise.resolve(void entries.delete(id)),
      };
      return Promise.resolve(claim);
    },
  };
}

/** A handler that records the events it hands on and the failures it reports. */
function recordingHandler(options: Partial<WebhookHandlerOptions> = {}) {
  const events: WebhookEvent[] = [];
  const errors: [unknown, WebhookEvent | undefined][] = [];
  const handle = webhookHandler({
    token: TOKEN,
    onEvent: (event) => void events.push(event),
    onError: (error, event) => void errors.push([error, event]),
    ...options,
  });
  return { handle, events, errors };
}

async function answer(response: Response): Promise<[number, string]> {
  return [response.status, (await response.text()).trim()];
}

Deno.test("webhookHandler: each refusal is answered with its status, told to onError, and never reaches onEvent", async () => {
  const { handle, events, errors } = recordingHandler();
  const statuses = [];
  for (
    const request of [
      webhookRequest(undefined, { method: "GET" }),
      webhookRequest(undefined, { token: null }),
      webhookRequest(undefined, { token: "wrong" }),
      webhookRequest(undefined, { headers: { "content-type": "text/plain" } }),
      webhookRequest("x".repeat(1024 * 1024 + 1)),
      webhookRequest("{"),
      webhookRequest({ ...exampleEvent(), id: 1 }),
    ]
  ) {
    const response = await handle(request);
    statuses.push(response.status);
    const body = await response.text();
    assert(body.startsWith("Cannot receive webhook: ") && !body.includes(TOKEN), body);
  }
  assertEquals(statuses, [405, 401, 401, 415, 413, 400, 400]);
  assertEquals(events, []);
  assertEquals(errors.length, 7);
  assert(errors[1]![0] instanceof WebhookAuthError && errors[1]![1] === undefined);
});

Deno.test("webhookHandler: an event is handed to onEvent and answered 200; without a store, every delivery is", async () => {
  const { handle, events } = recordingHandler();
  assertEquals(await answer(await handle(webhookRequest())), [200, "ok"]);
  assertEquals(await answer(await handle(webhookRequest())), [200, "ok"]);
  assertEquals(events, [exampleEvent(), exampleEvent()]);
});

Deno.test("webhookHandler: with a store, an event delivered again is answered 200 without calling onEvent", async () => {
  const dedup = memoryStore();
  const { handle, events } = recordingHandler({ dedup });
  assertEquals(await answer(await handle(webhookRequest())), [200, "ok"]);
  assertEquals(
    await answer(await handle(webhookRequest())),
    [200, "duplicate: the event was handled already"],
  );
  const other = exampleEvent("ticket.resolved", { id: "b".repeat(32) });
  assertEquals((await handle(webhookRequest(other))).status, 200);
  assertEquals(events.map((event) => event.id), [exampleEvent().id, other.id]);
  assertEquals(dedup.entries.get(other.id), "done");
});

Deno.test("webhookHandler: a failing onEvent answers 500 without its message, is told to onError, and the next delivery runs it again", async () => {
  let failures = 1;
  const dedup = memoryStore();
  const calls: string[] = [];
  const { handle, errors } = recordingHandler({
    dedup,
    onEvent: (event) => {
      calls.push(event.id);
      if (failures-- > 0) throw new Error(`database password is ${TOKEN}`);
    },
  });
  const failed = await handle(webhookRequest());
  assertEquals(await answer(failed), [500, "the event's handler failed"]);
  assertEquals(errors.length, 1);
  assertEquals((errors[0]![0] as Error).message, `database password is ${TOKEN}`);
  assertEquals(errors[0]![1]?.id, exampleEvent().id);
  assertEquals(dedup.entries.size, 0); // released
  assertEquals((await handle(webhookRequest())).status, 200);
  assertEquals((await handle(webhookRequest())).status, 200);
  assertEquals(calls.length, 2);
});

Deno.test("webhookHandler: an event another receiver is handling is answered 409, to be sent again later", async () => {
  const dedup = memoryStore();
  let finish = () => {};
  const started = Promise.withResolvers<void>();
  const { handle, events } = recordingHandler({
    dedup,
    onEvent: (event) =>
      new Promise<void>((resolve) => {
        events.push(event);
        finish = resolve;
        started.resolve();
      }),
  });
  const first = handle(webhookRequest());
  await started.promise;
  assertEquals(
    await answer(await handle(webhookRequest())),
    [409, "the event is being handled: send it later"],
  );
  finish();
  assertEquals((await first).status, 200);
  assertEquals(events.length, 1);
});

Deno.test("webhookHandler: a store that fails answers 500 and is told to onError; onError's own failures are ignored", async () => {
  const broken: WebhookDedupStore = { claim: () => Promise.reject(new Error("KV is down")) };
  const { handle, events, errors } = recordingHandler({ dedup: broken });
  assertEquals((await handle(webhookRequest())).status, 500);
  assertEquals([events.length, (errors[0]![0] as Error).message], [0, "KV is down"]);
  // A store that fails to complete: the event was handled, so the answer is still 200.
  const forgetful: WebhookDedupStore = {
    claim: () =>
      Promise.resolve({
        status: "claimed",
        complete: () => Promise.reject(new Error("lost")),
        release: () => Promise.resolve(),
      }),
  };
  const throwing = webhookHandler({
    token: TOKEN,
    dedup: forgetful,
    onEvent: () => {},
    onError: () => {
      throw new Error("the logger is broken");
    },
  });
  assertEquals((await throwing(webhookRequest())).status, 200);
  assertEquals((await throwing(webhookRequest(undefined, { token: null }))).status, 401);
});

Deno.test("webhookHandler: bad options are refused when it is made", () => {
  const base = { token: TOKEN, onEvent: () => {} };
  assertThrows(
    () => webhookHandler({ ...base, token: "" }),
    TypeError,
    "Cannot create webhook handler: 'token' must be",
  );
  assertThrows(
    () => webhookHandler({ ...base, onEvent: undefined as never }),
    TypeError,
    "'onEvent' must be a function",
  );
  assertThrows(
    () => webhookHandler({ ...base, dedup: {} as never }),
    TypeError,
    "'dedup' must be a store with a claim() method",
  );
  assertThrows(
    () => webhookHandler({ ...base, onError: "console" as never }),
    TypeError,
    "'onError' must be a function",
  );
});
