// receiveWebhook(): each refusal with its status and typed error, checked in an order that reads
// nothing of a stranger's body; the spec's payload accepted; unknown event types passed through.

import {
  isTicketEvent,
  receiveWebhook,
  WebhookAuthError,
  type WebhookError,
  WebhookMediaTypeError,
  WebhookMethodError,
  WebhookPayloadError,
  WebhookTooLargeError,
} from "../mod.ts";
import { assert, assertEquals, assertMatch, assertRejects } from "@std/assert";
import { exampleEvent, exampleTicket, TOKEN, webhookRequest } from "./_webhooks.ts";

const receive = (request: Request, maxBodyBytes?: number) =>
  receiveWebhook(request, {
    token: TOKEN,
    ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }),
  });

/** The refusal of `request`: its class, and the answer it makes. */
async function refusal<E extends WebhookError>(
  request: Request,
  // deno-lint-ignore no-explicit-any
  errorClass: new (...args: any[]) => E,
  maxBodyBytes?: number,
): Promise<{ error: E; status: number; body: string; headers: Headers }> {
  const error = await assertRejects(() => receive(request, maxBodyBytes), errorClass);
  const response = error.toResponse();
  const body = await response.text();
  assert(!body.includes(TOKEN) && !error.message.includes(TOKEN));
  return { error, status: response.status, body, headers: response.headers };
}

Deno.test("receiveWebhook: the spec's example payload comes back as a typed ticket event", async () => {
  const event = await receive(webhookRequest());
  assertEquals(event, exampleEvent());
  assert(isTicketEvent(event));
  assertEquals(event.data.subject, exampleTicket().subject);
  // A charset, and the scheme in another case, are still JSON with a bearer token.
  const variant = webhookRequest(exampleEvent("ticket.resolved"), {
    token: null,
    headers: {
      "content-type": "Application/JSON; charset=utf-8",
      authorization: `bearer ${TOKEN}`,
    },
  });
  assertEquals((await receive(variant)).type, "ticket.resolved");
});

Deno.test("receiveWebhook: an event of an unknown type is passed on as it came, fields and all", async () => {
  const future = {
    ...exampleEvent(),
    type: "instance.preempted",
    data: { object: "instance", id: "i-1", anything: [1, 2] },
    extra: true,
  };
  const event = await receive(webhookRequest(future));
  assertEquals(event, future as unknown);
  assert(!isTicketEvent(event));
  // So are fields a ticket event gains, and the nullable ones left out.
  const { severity: _s, instance_ip: _i, ...lean } = exampleTicket();
  const grown = exampleEvent("ticket.created", { data: { ...lean, priority: "high" } });
  assertEquals(await receive(webhookRequest(grown)), grown);
});

Deno.test("receiveWebhook: a method other than POST is refused with 405 and Allow: POST", async () => {
  for (const method of ["GET", "PUT", "DELETE"]) {
    const { status, headers, body } = await refusal(
      webhookRequest(undefined, { method }),
      WebhookMethodError,
    );
    assertEquals([status, headers.get("allow")], [405, "POST"]);
    assertEquals(body, `Cannot receive webhook: it must be sent with POST, received '${method}'\n`);
  }
});

Deno.test("receiveWebhook: a missing or wrong token is refused with 401, and says which", async () => {
  const missing = await refusal(webhookRequest(undefined, { token: null }), WebhookAuthError);
  assertEquals([missing.status, missing.error.reason], [401, "missing"]);
  assertEquals(missing.headers.get("www-authenticate"), "Bearer");
  const basic = webhookRequest(undefined, {
    token: null,
    headers: { authorization: `Basic ${btoa(`${TOKEN}:`)}` },
  });
  assertEquals((await refusal(basic, WebhookAuthError)).error.reason, "missing");
  for (const wrong of [TOKEN.slice(0, -1), `${TOKEN}x`, `x${TOKEN.slice(1)}`, "zz"]) {
    const { status, error } = await refusal(
      webhookRequest(undefined, { token: wrong }),
      WebhookAuthError,
    );
    assertEquals([status, error.reason], [401, "wrong"]);
    assert(!error.message.includes(wrong));
  }
});

Deno.test("receiveWebhook: the token is checked before the body is read", async () => {
  let pulled = false;
  const body = new ReadableStream({
    pull() {
      pulled = true;
    },
  }, { highWaterMark: 0 });
  await refusal(webhookRequest(body, { token: "wrong" }), WebhookAuthError);
  assert(!pulled);
});

Deno.test("receiveWebhook: a body that is not said to be JSON is refused with 415", async () => {
  for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/jsonx"]) {
    const request = webhookRequest(undefined, { headers: { "content-type": type } });
    const { status, body } = await refusal(request, WebhookMediaTypeError);
    assertEquals(status, 415);
    assertMatch(body, /must be application\/json, received '/);
  }
  const none = new Request("http://127.0.0.1/hooks", {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}` },
    body: new Uint8Array([123, 125]),
  });
  assertMatch((await refusal(none, WebhookMediaTypeError)).body, /received no Content-Type/);
});

Deno.test("receiveWebhook: a body over the cap is refused with 413 as it is read, whatever Content-Length says", async () => {
  // The default cap is 1 MiB: a payload just under it passes, one just over it does not.
  const padded = (bytes: number) => {
    const json = JSON.stringify({ ...exampleEvent(), pad: "" });
    return json.replace('"pad":""', `"pad":"${"x".repeat(bytes - json.length)}"`);
  };
  assertEquals((await receive(webhookRequest(padded(1024 * 1024)))).type, "ticket.created");
  const over = await refusal(webhookRequest(padded(1024 * 1024 + 1)), WebhookTooLargeError);
  assertEquals([over.status, over.error.maxBodyBytes], [413, 1024 * 1024]);
  // A stream that never ends is cancelled once past the cap, and a small Content-Length is not
  // believed.
  let pulls = 0;
  let cancelled = false;
  const endless = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulls++;
      controller.enqueue(new Uint8Array(1000));
    },
    cancel() {
      cancelled = true;
    },
  });
  const request = webhookRequest(endless, { headers: { "content-length": "10" } });
  assertEquals((await refusal(request, WebhookTooLargeError, 4500)).status, 413);
  assert(cancelled && pulls <= 6, `${pulls} pulls`);
});

Deno.test("receiveWebhook: a body that is not JSON, or not an event, is refused with 400 naming what is wrong", async () => {
  const cases: [string | Uint8Array<ArrayBuffer>, RegExp][] = [
    ["", /its body is not UTF-8 JSON/],
    ["{", /its body is not UTF-8 JSON/],
    [new Uint8Array([0x7b, 0xff, 0x7d]), /its body is not UTF-8 JSON/],
    ["[]", /the payload must be a JSON object, received an array of 0/],
    [JSON.stringify({ ...exampleEvent(), object: "ticket" }), /'object' must be 'event'/],
    [JSON.stringify({ ...exampleEvent(), id: "" }), /'id' must be a non-empty string, received ''/],
    [
      JSON.stringify({ ...exampleEvent(), type: 7 }),
      /'type' must be a non-empty string, received 7/,
    ],
    [JSON.stringify({ ...exampleEvent(), created: "1700000000" }), /'created' must be a number/],
    [JSON.stringify({ ...exampleEvent(), api_version: null }), /'api_version' must be a string/],
    [
      JSON.stringify({ ...exampleEvent(), data: null }),
      /'data' must be a JSON object, received null/,
    ],
    [
      JSON.stringify(exampleEvent("ticket.created", { data: { ...exampleTicket(), object: "x" } })),
      /'data.object' must be 'ticket', received 'x'/,
    ],
    [
      JSON.stringify(exampleEvent("ticket.status_changed", {
        data: { ...exampleTicket(), status: 3 },
      })),
      /'data.status' must be a string, received 3/,
    ],
    [
      JSON.stringify(
        exampleEvent("ticket.resolved", { data: { ...exampleTicket(), cluster_id: 1 } }),
      ),
      /'data.cluster_id' must be a string or null, received 1/,
    ],
  ];
  for (const [body, message] of cases) {
    const request = new Request("http://127.0.0.1/hooks", {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body,
    });
    const { status, body: text } = await refusal(request, WebhookPayloadError);
    assertEquals(status, 400);
    assertMatch(text, message);
  }
});

Deno.test("receiveWebhook: a bad token option is refused before the request is looked at, without showing it", async () => {
  for (const token of ["", "has space", 12345, undefined, null]) {
    const error = await assertRejects(
      () => receiveWebhook(webhookRequest(), { token: token as string }),
      TypeError,
      "Cannot receive webhook: 'token' must be a non-empty string",
    );
    assert(!error.message.includes("12345") && !error.message.includes("has space"));
  }
  await assertRejects(
    () => receiveWebhook(webhookRequest(), { token: TOKEN, maxBodyBytes: -1 }),
    RangeError,
    "'maxBodyBytes'",
  );
});
