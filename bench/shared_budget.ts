// deno run --allow-run --allow-net=127.0.0.1 --allow-read --allow-write bench/shared_budget.ts
//
// The proof of the shared rate budget: PROCESSES processes, one API key, all firing their calls at
// once against the emulator served on 127.0.0.1 with Lambda's limits (and its tolerance for
// jitter) scaled down SCALE-fold, once with the budget shared through one Deno KV file, once with
// each process pacing itself alone. Reported for each: the rate the server admitted against the
// rate it allows, its 429 answers, and the calls that failed. Real time, on the real clock: a
// measurement, not a test. The processes are warm and connected before they start, as long-running
// workers are.
// deno-lint-ignore-file no-console

import { LambdaCloudClient } from "../mod.ts";
import { LambdaEmulator } from "../lib/testing/mod.ts";

const PROCESSES = 8;
const CALLS = 25; // per process
const LAUNCHES = 1; // per process, among its calls
const SCALE = 20;
const REQUEST_INTERVAL_MS = 1000 / SCALE;
const LAUNCH_INTERVAL_MS = 12_000 / SCALE;
// Not scaled: the jitter of timers and of the loopback on this machine does not shrink with the
// limits (bench/throughput.ts allows the same).
const TOLERANCE_MS = 10;

// The emulator stands in for Lambda's servers, which a client's processes cannot starve; on a
// 2-core machine eight busy clients can, and a server that stalls stamps two requests with one
// arrival time. So the processes run at a lower priority than the server, where `nice` exists.
const NICE = await new Deno.Command("nice", { args: ["true"] }).output()
  .then((output) => output.success, () => false);

interface Run {
  requests: number;
  refused: number;
  elapsedMs: number;
  allowedMs: number;
  ok: number;
  errors: string[];
  /** Turns paced without the store, because it failed. */
  fallbacks: string[];
}

async function run(shared: boolean): Promise<Run> {
  const emulator = new LambdaEmulator({
    rateLimit: {
      requestIntervalMs: REQUEST_INTERVAL_MS,
      launchIntervalMs: LAUNCH_INTERVAL_MS,
      toleranceMs: TOLERANCE_MS,
    },
    quota: { instances: 1000 },
  });
  emulator.setCapacity("gpu_1x_a10", "us-east-1", 1000);
  await using server = await emulator.serve();
  await new LambdaCloudClient({ apiKey: emulator.apiKey, baseUrl: server.url, rateLimit: false })
    .sshKeys.create({ name: "bench" });
  const dir = await Deno.makeTempDir({ prefix: "lambda-budget-" });
  try {
    // Started a little ahead, so that every process is up and waiting when the moment comes.
    const start = Date.now() + 3000;
    const children = Array.from(
      { length: PROCESSES },
      () =>
        new Deno.Command(NICE ? "nice" : Deno.execPath(), {
          args: [
            ...(NICE ? ["-n", "10", Deno.execPath()] : []),
            "run",
            "--unstable-kv",
            "--allow-net=127.0.0.1",
            `--allow-read=${dir}`,
            `--allow-write=${dir}`,
            new URL("_budget_worker.ts", import.meta.url).pathname,
            server.url,
            emulator.apiKey,
            shared ? `${dir}/rate.kv` : "-",
            String(CALLS),
            String(LAUNCHES),
            String(SCALE),
            String(start),
          ],
          stdout: "piped",
          stderr: "inherit",
        }).output(),
    );
    await new Promise((resolve) => setTimeout(resolve, start - Date.now() - 100));
    emulator.clearRequests();
    const outputs = await Promise.all(children);
    const results = outputs.map((output) =>
      JSON.parse(new TextDecoder().decode(output.stdout)) as {
        ok: number;
        errors: string[];
        fallbacks: string[];
      }
    );
    const requests = emulator.requests;
    const admitted = requests.filter((request) => request.status !== 429);
    const launches = admitted.filter((request) => request.operationId === "launchInstance");
    const times = admitted.map((request) => request.time);
    return {
      requests: admitted.length,
      refused: requests.length - admitted.length,
      elapsedMs: Math.max(...times) - Math.min(...times),
      // The first request goes at once, then one per interval, and launches one per launch interval.
      allowedMs: Math.max(
        (admitted.length - 1) * REQUEST_INTERVAL_MS,
        (launches.length - 1) * LAUNCH_INTERVAL_MS,
      ),
      ok: results.reduce((sum, result) => sum + result.ok, 0),
      errors: results.flatMap((result) => result.errors),
      fallbacks: results.flatMap((result) => result.fallbacks),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

console.log(
  `${PROCESSES} processes, one key, ${CALLS} calls each (${LAUNCHES} a launch) fired at once; ` +
    `limits scaled ${SCALE}-fold: a request every ${REQUEST_INTERVAL_MS} ms, a launch every ` +
    `${LAUNCH_INTERVAL_MS} ms, ${TOLERANCE_MS} ms of tolerance for jitter`,
);
for (const shared of [true, false]) {
  const result = await run(shared);
  const errors = Object.entries(
    result.errors.reduce<Record<string, number>>((count, name) => {
      count[name] = (count[name] ?? 0) + 1;
      return count;
    }, {}),
  ).map(([name, count]) => `${count} ${name}`).join(", ");
  console.log(
    `${shared ? "shared budget (one KV file)" : "each process alone        "}: ` +
      `${result.requests} requests admitted in ${result.elapsedMs.toFixed(0)} ms, ` +
      `${(100 * result.allowedMs / result.elapsedMs).toFixed(1)}% of the allowed rate; ` +
      `${result.refused} answered 429; ${result.ok} of ${PROCESSES * CALLS} calls succeeded` +
      (errors ? ` (failed: ${errors})` : "") +
      (result.fallbacks.length
        ? `; ${result.fallbacks.length} turns paced without the store (${result.fallbacks[0]})`
        : ""),
  );
}
