// A seeded storm: over a thousand operations through the emulator while it injects every fault it
// has. Every call must end in a result or a typed error, no launch may bill twice, and the key
// must appear nowhere: not in errors, stacks, causes, hook payloads or inspected objects.

import { assert, assertEquals } from "./_deps.ts";
import { emulatorClient, testEmulator } from "./_emulator.ts";
import { FakeClock } from "./_fakes.ts";
import { LambdaCloudError } from "../mod.ts";
import type { FaultKind } from "../lib/testing/mod.ts";
import { SeededRandom } from "../lib/testing/_random.ts";

const API_KEY = "secret_storm_0f9e8d7c6b5a4f3e2d1c";
const OPERATIONS = 1200;
const FAULTS: [FaultKind, number][] = [
  ["rate-limit", 0.03],
  ["server-error", 0.03],
  ["provider-unavailable", 0.02],
  ["proxy-html", 0.02],
  ["slow", 0.01],
  ["truncate", 0.02],
  ["drop", 0.03],
  ["lost-answer", 0.03],
];

function leaks(value: unknown): boolean {
  const seen = new Set<unknown>();
  const texts: string[] = [];
  const visit = (item: unknown, depth: number) => {
    if (item === null || item === undefined || depth > 6 || seen.has(item)) return;
    seen.add(item);
    texts.push(Deno.inspect(item, { depth: 8, showHidden: true }));
    if (item instanceof Error) {
      texts.push(String(item), item.stack ?? "", JSON.stringify(item) ?? "");
      visit(item.cause, depth + 1);
    }
  };
  visit(value, 0);
  return texts.some((text) => text.includes(API_KEY));
}

Deno.test("a storm of 1,200 operations ends every call cleanly, bills once, and never shows the key", async () => {
  const clock = new FakeClock();
  const emulator = testEmulator({
    seed: 2026,
    clock,
    apiKey: API_KEY,
    rateLimit: {},
    quota: { instances: 10_000 },
  });
  emulator.setCapacity("gpu_1x_a10", "us-east-1", 10_000);
  const hookPayloads: unknown[] = [];
  const hook = (event: unknown) => hookPayloads.push(structuredClone(event));
  const client = emulatorClient(emulator, {
    apiKey: API_KEY,
    clock,
    rateLimit: {},
    timeout: 5,
    maxRetries: 3,
    hooks: { onRequest: hook, onResponse: hook, onRetry: hook },
  });
  await client.sshKeys.create({ name: "k" });
  for (const [kind, probability] of FAULTS) {
    emulator.faults.inject({ kind, probability, retryAfterSeconds: 1, delayMs: 50 });
  }
  const random = new SeededRandom(7);
  const counts = { results: 0, typedErrors: 0, launches: 0, launched: 0 };
  const errorsByName = new Map<string, number>();
  const ids = () => emulator.instances().map((instance) => instance.id);
  const pick = <T>(items: readonly T[]): T | undefined => items[random.int(0, items.length - 1)];

  const operations: (() => Promise<unknown>)[] = [
    () => client.instances.list(),
    () => client.instances.get(pick(ids()) ?? "missing"),
    () => client.instanceTypes.available({ gpu: "A10" }),
    () => client.regions.list(),
    () => client.sshKeys.list(),
    () => client.fileSystems.list(),
    () => client.firewallRulesets.getGlobal(),
    () => client.auditEvents.listPage(),
    () => client.tickets.listPage(),
    () => client.instances.update(pick(ids()) ?? "missing", { name: `storm-${random.int(0, 99)}` }),
    () => client.instances.terminate(pick(ids()) ?? "missing"),
  ];
  for (let index = 0; index < OPERATIONS; index++) {
    const isLaunch = random.next() < 0.15;
    const before = new Set(ids());
    let error: unknown;
    try {
      if (isLaunch) {
        counts.launches++;
        await client.instances.launch({
          region_name: "us-east-1",
          instance_type_name: "gpu_1x_a10",
          ssh_key_names: ["k"],
        });
      } else {
        await pick(operations)!();
      }
      counts.results++;
    } catch (caught) {
      error = caught;
      assert(caught instanceof LambdaCloudError, `operation ${index}: ${String(caught)}`);
      counts.typedErrors++;
      errorsByName.set(caught.name, (errorsByName.get(caught.name) ?? 0) + 1);
      assert(!leaks(caught), `operation ${index}: the key leaked in ${caught.name}`);
    }
    const added = ids().filter((id) => !before.has(id)).length;
    assert(added <= (isLaunch ? 1 : 0), `operation ${index}: ${added} instances added`);
    counts.launched += added;
    if (error === undefined && isLaunch) assertEquals(added, 1, `operation ${index}`);
  }

  assert(!leaks(hookPayloads), "the key leaked in a hook payload");
  assert(
    !leaks(client) && !JSON.stringify(client).includes(API_KEY),
    "the key leaked from the client",
  );
  assert(!JSON.stringify(emulator.requests.map((r) => r.headers)).includes(API_KEY));
  const retries = hookPayloads.filter((event) => "delayMs" in (event as object)).length;
  const injected = new Map<string, number>();
  for (const request of emulator.requests) {
    if (request.fault) injected.set(request.fault, (injected.get(request.fault) ?? 0) + 1);
  }
  assertEquals(counts.results + counts.typedErrors, OPERATIONS);
  assertEquals(injected.size, FAULTS.length, "every kind of fault struck");
  // deno-lint-ignore no-console
  console.log(
    `storm: ${OPERATIONS} operations (${counts.launches} launches, ${counts.launched} instances), ` +
      `${emulator.requests.length} requests, ${emulator.faults.injected} faults ` +
      `(${[...injected].map(([kind, n]) => `${kind} ${n}`).join(", ")}), ${retries} retries; ` +
      `${counts.results} results, ${counts.typedErrors} typed errors ` +
      `(${[...errorsByName].map(([name, n]) => `${name} ${n}`).join(", ")})`,
  );
});
