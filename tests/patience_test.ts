// Patience with rate limits (`backoff.patienceMs`), which the command line turns on: beyond its
// retries, a 429 that refused a call is waited out as the server asks, with a spread, and the same
// request sent again, within a time budget.

import type { RetryEvent } from "../mod.ts";
import { assertEquals, assertMatch, assertRejects } from "@std/assert";
import { fakeClient, FakeFetch } from "./_fakes.ts";
import { testEmulator } from "./_emulator.ts";
import { cliRunner } from "./_cli.ts";
import { EXIT } from "../lib/cli/mod.ts";

const refused = (retryAfter?: string) =>
  new Response("{}", { status: 429, headers: retryAfter ? { "retry-after": retryAfter } : {} });

/** A client with no retries of its own but `patienceMs` of patience, and the waits it made. */
function patientClient(fake: FakeFetch, patienceMs: number, random = 0.5) {
  const waits: [number, number][] = [];
  const { client, clock } = fakeClient(fake, {
    maxRetries: 0,
    random: () => random,
    backoff: { patienceMs },
    hooks: { onRetry: ({ delayMs, attempt }: RetryEvent) => waits.push([delayMs, attempt]) },
  });
  return { client, clock, waits };
}

Deno.test("patience: a 429 is waited out as asked, plus a spread, and the same request sent again", async () => {
  const { client, waits } = patientClient(
    new FakeFetch(
      refused("2"),
      refused(),
      Response.json({ data: { id: "k", name: "k", public_key: "ssh-ed25519 A" } }),
    ),
    45_000,
  );
  const key = await client.sshKeys.create({ name: "k", public_key: "ssh-ed25519 A" });
  assertEquals(key.id, "k");
  // 2 s as asked, then the client's own backoff for a second retry (no Retry-After: 750 ms with
  // this randomness), each plus 0.5 s of spread.
  assertEquals(waits, [[2500, 1], [1250, 2]]);
});

Deno.test("patience: past its budget the 429 goes to the caller; later requests keep the API's pace", async () => {
  const fake = new FakeFetch(refused("30"), refused("30"));
  const { client, clock } = patientClient(fake, 45_000, 0);
  const started = clock.now();
  await assertRejects(() => client.regions.list(), Error, "rate limit");
  assertEquals(clock.now() - started, 30_000); // one wait of 30 s; a second would pass 45 s
  assertEquals(fake.requests.length, 2);
  // Later requests keep the API's pace: with the limiter on, a second after the last one sent.
  const list = () => Response.json({ data: [] });
  const paced = new FakeFetch(refused("1"), list(), list());
  const limited = fakeClient(paced, {
    maxRetries: 0,
    backoff: { patienceMs: 45_000 },
    rateLimit: { requestIntervalMs: 1000 },
    random: () => 0,
  });
  await limited.client.regions.list();
  const before = limited.clock.now();
  await limited.client.regions.list();
  assertEquals(limited.clock.now() - before, 1000);
});

Deno.test("patience: a 429 naming a failing provider goes to the caller at once", async () => {
  const body = { error: { code: "provider/internal-unavailable", message: "try later" } };
  const fake = new FakeFetch(Response.json(body, { status: 429 }), refused());
  const { client } = patientClient(fake, 45_000, 0);
  await assertRejects(
    () =>
      client.instances.launch({
        region_name: "r",
        instance_type_name: "t",
        ssh_key_names: ["k"],
      }, { launchToken: false }),
    Error,
    "provider/internal-unavailable",
  );
  assertEquals(fake.requests.length, 1);
});

Deno.test("patience: an abort stops the wait", async () => {
  const controller = new AbortController();
  const fake = new FakeFetch(() => {
    queueMicrotask(() => controller.abort(new Error("stop")));
    return refused("5");
  });
  const { client } = patientClient(fake, 45_000);
  await assertRejects(() => client.regions.list({ signal: controller.signal }), Error, "stop");
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
