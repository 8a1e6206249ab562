// The command line's patience with rate limits: a 429 is waited out as the server asks, with a
// spread, and the same request sent again, within a time budget.

import { assertEquals, assertMatch, assertRejects } from "./_deps.ts";
import { FakeClock, FakeFetch } from "./_fakes.ts";
import { patientFetch } from "../lib/cli/_patience.ts";
import { testEmulator } from "./_emulator.ts";
import { cliRunner } from "./_cli.ts";
import { EXIT } from "../lib/cli/mod.ts";

const refused = (retryAfter?: string) =>
  new Response("{}", { status: 429, headers: retryAfter ? { "retry-after": retryAfter } : {} });

Deno.test("patience: a 429 is waited out as asked, plus a spread, and the same request sent again", async () => {
  const clock = new FakeClock();
  const fake = new FakeFetch(refused("2"), refused(), new Response("ok"));
  const waits: [number, number][] = [];
  const fetch = patientFetch(fake.fetch, {
    clock,
    random: () => 0.5,
    onWait: (delayMs, refusals) => waits.push([delayMs, refusals]),
  });
  const response = await fetch(
    new Request("https://x/launch", { method: "POST", body: '{"a":1}' }),
  );
  assertEquals(await response.text(), "ok");
  assertEquals(fake.bodies, ['{"a":1}', '{"a":1}', '{"a":1}']);
  // 2 s as asked, then 2 s of backoff (no Retry-After, second refusal), each plus 0.5 s of spread.
  assertEquals(waits, [[2500, 1], [2500, 2]]);
});

Deno.test("patience: past its budget the 429 goes to the client; later requests keep the API's pace", async () => {
  const clock = new FakeClock();
  const fake = new FakeFetch(refused("30"), refused("30"), new Response("a"), new Response("b"));
  const fetch = patientFetch(fake.fetch, { clock, random: () => 0, budgetMs: 45_000 });
  const started = clock.now();
  assertEquals((await fetch(new Request("https://x/a"))).status, 429);
  assertEquals(clock.now() - started, 30_000); // one wait of 30 s; a second would pass 45 s
  assertEquals(await (await fetch(new Request("https://x/a"))).text(), "a");
  const before = clock.now();
  assertEquals(await (await fetch(new Request("https://x/b"))).text(), "b");
  assertEquals(clock.now() - before, 1000); // spaced a second after the last send, as the API asks
});

Deno.test("patience: a 429 naming a failing provider goes to the client at once, body whole", async () => {
  const clock = new FakeClock();
  const body = { error: { code: "provider/internal-unavailable", message: "try later" } };
  const fake = new FakeFetch(Response.json(body, { status: 429 }), new Response("sent again"));
  const fetch = patientFetch(fake.fetch, { clock, random: () => 0 });
  const answer = await fetch(new Request("https://x/launch", { method: "POST", body: "{}" }));
  assertEquals([answer.status, await answer.json()], [429, body]);
  assertEquals(fake.requests.length, 1);
});

Deno.test("patience: an abort stops the wait", async () => {
  const clock = new FakeClock();
  const controller = new AbortController();
  const fake = new FakeFetch(() => {
    queueMicrotask(() => controller.abort(new Error("stop")));
    return refused("5");
  });
  const fetch = patientFetch(fake.fetch, { clock });
  await assertRejects(
    () => fetch(new Request("https://x/a", { signal: controller.signal })),
    Error,
    "stop",
  );
  assertEquals(fake.requests.length, 1);
});

Deno.test("patience: the command line waits out a rate limit by default; --fail-fast exits 6", async () => {
  const emulator = testEmulator();
  const run = cliRunner(emulator);
  emulator.faults.inject({ kind: "rate-limit", retryAfterSeconds: 1, times: 4 });
  const patient = await run(["regions", "-q"]);
  assertEquals([patient.code, patient.out.split("\n").length], [EXIT.ok, 12]);
  // The first two short waits pass in silence; the third and fourth are shown.
  assertEquals(patient.progress.length, 2);
  for (const line of patient.progress) {
    assertMatch(
      line,
      /^Rate limited by the API: trying again in [12]\.\d s \(--fail-fast exits instead\)$/,
    );
  }
  emulator.faults.inject({ kind: "rate-limit", retryAfterSeconds: 1, times: 1 });
  const fast = await run(["regions", "--fail-fast"]);
  assertEquals(fast.code, EXIT.rateLimited);
});
