// A seeded storm: over a thousand operations through the emulator while it injects every fault it
// has, on one virtual clock shared with the client, with callers that abort at random moments and
// hooks that reject. At the end, with every late call landed:
// - no launch call made two instances;
// - every instance that exists was either returned to its caller or named in the error it got
//   (by id, or by the launch token it carries): nothing bills that nobody was told about;
// - every call ended in a result, a typed error, or (aborted before anything was sent) the
//   caller's own reason;
// - no promise was left rejected and unhandled, and the key appears in no error or hook payload.

import { assert, assertEquals } from "@std/assert";
import { emulatorClient, testEmulator } from "./_emulator.ts";
import { FakeClock, unhandledRejections } from "./_fakes.ts";
import {
  type Instance,
  LambdaCloudError,
  LAUNCH_TOKEN_KEY,
  LaunchAbortedError,
  LaunchOutcomeUnknownError,
  LaunchWaitError,
} from "../mod.ts";
import type { FaultKind } from "../lib/testing/mod.ts";
import { SeededRandom } from "../lib/testing/_random.ts";

const API_KEY = "secret_storm_0f9e8d7c6b5a4f3e2d1c";
const OPERATIONS = 1200;
const FAULTS: { kind: FaultKind; probability: number; delayMs?: number }[] = [
  { kind: "rate-limit", probability: 0.02 },
  { kind: "server-error", probability: 0.02 },
  { kind: "provider-unavailable", probability: 0.015 },
  { kind: "proxy-html", probability: 0.015 },
  { kind: "slow", probability: 0.01, delayMs: 50 },
  { kind: "truncate", probability: 0.015 },
  { kind: "drop", probability: 0.02 },
  { kind: "lost-answer", probability: 0.02 },
  // A backend that finishes within the lookup, and one that finishes long after it.
  { kind: "late", probability: 0.015, delayMs: 20_000 },
  { kind: "gateway-timeout", probability: 0.015, delayMs: 600_000 },
  { kind: "stale-read", probability: 0.03, delayMs: 15_000 },
  { kind: "untagged", probability: 0.02 },
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

const tokenOf = (instance: Instance) =>
  instance.tags?.find((tag) => tag.key === LAUNCH_TOKEN_KEY)?.value;

Deno.test("a storm of 1,200 operations with every fault: one bill per launch, nothing billed untold", async () => {
  const unhandled = await unhandledRejections(async () => {
    const clock = new FakeClock();
    const emulator = testEmulator({
      seed: 2026,
      clock,
      apiKey: API_KEY,
      rateLimit: {},
      quota: { instances: 10_000 },
      // Instances stay listed long after termination, so the final count sees every one made.
      timing: { bootMs: 30_000, terminatedVisibleMs: 1e12 },
    });
    emulator.setCapacity("gpu_1x_a10", "us-east-1", 10_000);
    emulator.setCapacity("gpu_1x_a10", "us-west-1", 10_000);
    const hookPayloads: unknown[] = [];
    // Hooks that record, then reject: an async logger that fails must change nothing.
    const hook = (event: unknown) => {
      hookPayloads.push(structuredClone(event));
      return Promise.reject(new Error("the log sink is down"));
    };
    const client = emulatorClient(emulator, {
      apiKey: API_KEY,
      clock,
      rateLimit: {},
      timeout: 5,
      maxRetries: 3,
      hooks: { onRequest: hook, onResponse: hook, onRetry: hook },
    });
    await client.sshKeys.create({ name: "k" });
    for (const fault of FAULTS) emulator.faults.inject(fault);

    const random = new SeededRandom(7);
    const ids = () => emulator.instances().map((instance) => instance.id);
    // Terminating one already terminating fails in production (SkyPilot #3410): callers skip it.
    const running = () =>
      emulator.instances().filter((instance) => !instance.status.startsWith("terminat")).map((
        instance,
      ) => instance.id);
    const pick = <T>(items: readonly T[]): T | undefined => items[random.int(0, items.length - 1)];
    const reads: (() => Promise<unknown>)[] = [
      () => client.instances.list(),
      () => client.instances.get(pick(ids()) ?? "missing"),
      () => client.instanceTypes.available({ gpu: "A10" }),
      () => client.regions.list(),
      () => client.sshKeys.list(),
      () => client.firewallRulesets.getGlobal(),
      () => client.auditEvents.listPage(),
      () =>
        client.instances.update(pick(ids()) ?? "missing", { name: `storm-${random.int(0, 99)}` }),
      () => client.instances.terminate(pick(running()) ?? "missing"),
    ];
    const body = {
      region_name: "us-east-1",
      instance_type_name: "gpu_1x_a10",
      ssh_key_names: ["k"] as [string],
    };
    const candidates = [
      { instance_type_name: "gpu_1x_a10", region_name: "us-east-1" },
      { instance_type_name: "gpu_1x_a10", region_name: "us-west-1" },
    ];
    // What callers were told: ids returned or named in errors, and tokens named in errors.
    const toldIds = new Set<string>();
    const toldTokens = new Set<string>();
    // Tokens of launches that ended cleanly refused, or aborted before anything was sent.
    const refusedTokens = new Set<string>();
    const counts = { results: 0, typedErrors: 0, abortedUnsent: 0, launchCalls: 0 };
    const errorsByName = new Map<string, number>();

    for (let index = 0; index < OPERATIONS; index++) {
      const draw = random.next();
      const kind = draw < 0.1
        ? "launch"
        : draw < 0.13
        ? "launchAndWait"
        : draw < 0.15
        ? "first"
        : "other";
      const token = `storm-${index}`;
      // One call in five is aborted by its caller at a random moment.
      const controller = new AbortController();
      const abortTimer = new AbortController();
      const abortReason = new Error(`caller gave up on ${index}`);
      if (random.next() < 0.2) {
        clock.sleep(random.int(0, 4000), abortTimer.signal).then(
          () => controller.abort(abortReason),
          () => {},
        );
      }
      const signal = controller.signal;
      // The tokens of this call's launches: its own, or each candidate's in a search.
      const tokens = kind === "first" ? [] : [token];
      try {
        if (kind === "launch") {
          counts.launchCalls++;
          const result = await client.instances.launch(body, { launchToken: token, signal });
          result.instance_ids.forEach((id) => toldIds.add(id));
        } else if (kind === "launchAndWait") {
          counts.launchCalls++;
          const instance = await client.instances.launchAndWait(body, {
            launchToken: token,
            signal,
            timeout: 90_000,
          });
          toldIds.add(instance.id);
        } else if (kind === "first") {
          counts.launchCalls++;
          const result = await client.instances.launchFirstAvailable(candidates, {
            ssh_key_names: ["k"],
          }, { onLaunchToken: (sent) => void tokens.push(sent), signal });
          result.instance_ids.forEach((id) => toldIds.add(id));
        } else {
          await pick(reads)!();
        }
        counts.results++;
      } catch (error) {
        if (error === abortReason) {
          counts.abortedUnsent++;
          tokens.forEach((sent) => refusedTokens.add(sent));
        } else {
          assert(error instanceof LambdaCloudError, `operation ${index}: ${String(error)}`);
          assert(!leaks(error), `operation ${index}: the key leaked in ${error.name}`);
          counts.typedErrors++;
          errorsByName.set(error.name, (errorsByName.get(error.name) ?? 0) + 1);
          if (error instanceof LaunchOutcomeUnknownError) toldTokens.add(error.launchToken!);
          else if (error instanceof LaunchAbortedError || error instanceof LaunchWaitError) {
            error.instanceIds.forEach((id) => toldIds.add(id));
            toldTokens.add(error.launchToken!);
          } else if (kind !== "other") tokens.forEach((sent) => refusedTokens.add(sent));
        }
      } finally {
        abortTimer.abort();
      }
    }

    // Let every late call land, then count what exists.
    emulator.advance(24 * 3_600_000);
    assertEquals(emulator.pendingCalls, 0);
    const made = emulator.instances();
    const byToken = Map.groupBy(made, (instance) => tokenOf(instance) ?? "none");
    for (const [token, instances] of byToken) {
      assert(instances.length === 1, `${instances.length} instances carry token ${token}`);
      assert(!refusedTokens.has(token), `launch ${token} was reported clean, yet it made one`);
      const [instance] = instances;
      assert(
        toldIds.has(instance!.id) || toldTokens.has(token),
        `instance ${instance!.id} (token ${token}) bills and nobody was told`,
      );
    }
    assert(!byToken.has("none"), "an instance without a launch token");

    assert(!leaks(hookPayloads), "the key leaked in a hook payload");
    assert(!leaks(client) && !JSON.stringify(client).includes(API_KEY));
    assert(!JSON.stringify(emulator.requests.map((r) => r.headers)).includes(API_KEY));
    const injected = new Map<string, number>();
    for (const request of emulator.requests) {
      if (request.fault) injected.set(request.fault, (injected.get(request.fault) ?? 0) + 1);
    }
    assertEquals(counts.results + counts.typedErrors + counts.abortedUnsent, OPERATIONS);
    assertEquals(
      injected.size,
      FAULTS.length,
      `every kind of fault struck: ${[...injected.keys()]}`,
    );
    const foundLate = made.filter((instance) => !toldIds.has(instance.id)).length;
    // The storm must reach the hard paths, or it proves little.
    assert(foundLate > 0, "no launch ended with its outcome unknown");
    assert((errorsByName.get("LaunchOutcomeUnknownError") ?? 0) > 0);
    // deno-lint-ignore no-console
    console.log(
      `storm: ${OPERATIONS} operations, ${counts.launchCalls} launch calls made ${made.length} instances ` +
        `(at most 1 per call; ${
          made.length - foundLate
        } returned, ${foundLate} named by token only); ` +
        `${emulator.requests.length} requests, ${emulator.faults.injected} faults ` +
        `(${[...injected].map(([kind, n]) => `${kind} ${n}`).join(", ")}); ` +
        `${counts.results} results, ${counts.abortedUnsent} aborted before sending, ` +
        `${counts.typedErrors} typed errors (${
          [...errorsByName].map(([name, n]) => `${name} ${n}`).join(", ")
        })`,
    );
  });
  assertEquals(unhandled, [], "unhandled rejections");
});
