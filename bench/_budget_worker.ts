// One of the processes of bench/shared_budget.ts: at START (epoch ms) it fires CALLS calls at once
// (every CALLS/LAUNCHES-th a launch), through one client whose limits are scaled down SCALE-fold,
// sharing its budget through the KV file at KV_PATH (or alone when KV_PATH is "-"). Prints one JSON
// line: how many calls succeeded, the names of the errors of those that did not, and the store
// errors of turns paced without the store.
//
// deno run --unstable-kv --allow-net=127.0.0.1 --allow-read=DIR --allow-write=DIR bench/_budget_worker.ts \
//   BASE_URL API_KEY KV_PATH CALLS LAUNCHES SCALE START

// deno-lint-ignore-file no-console -- it reports to the driver on stdout

import { kvRateLimitStore, LambdaCloudClient, type RateLimitStore } from "../mod.ts";

const [baseUrl, apiKey, kvPath, calls, launches, scale, start] = Deno.args;
const divide = (ms: number) => ms / Number(scale);
const kv = kvPath === "-" ? undefined : await Deno.openKv(kvPath);
const store: RateLimitStore | undefined = kv && kvRateLimitStore(kv);
const client = new LambdaCloudClient({
  apiKey: apiKey!,
  baseUrl: baseUrl!,
  // Lambda's limits and the client's defaults, every time divided alike.
  rateLimit: {
    requestIntervalMs: divide(1000),
    launchIntervalMs: divide(12_000),
    clockSkewMs: divide(10),
    ...(store ? { store } : {}),
  },
  backoff: { initialDelayMs: divide(500), maxDelayMs: divide(8000) },
  hooks: { onRateLimitFallback: (event) => fallbacks.push(event.error.message) },
});
const fallbacks: string[] = [];
const every = Math.floor(Number(calls) / Number(launches));
// Connected and warm when the moment comes, as a long-running worker is: a call with another key
// opens the connection and runs the client's code once (the emulator refuses it with 401, which
// costs the budget nothing).
await new LambdaCloudClient({ apiKey: "secret_warm_up", baseUrl: baseUrl!, rateLimit: false })
  .regions.list({ maxRetries: 0 }).catch(() => {});
await new Promise((resolve) => setTimeout(resolve, Number(start) - Date.now()));
const outcomes = await Promise.allSettled(
  Array.from({ length: Number(calls) }, (_, i) =>
    i % every === 0
      ? client.instances.launch({
        region_name: "us-east-1",
        instance_type_name: "gpu_1x_a10",
        ssh_key_names: ["bench"],
      }, { launchToken: false })
      : client.regions.list()),
);
const errors = outcomes.flatMap((outcome) =>
  outcome.status === "rejected" ? [(outcome.reason as Error).name] : []
);
console.log(JSON.stringify({ ok: outcomes.length - errors.length, errors, fallbacks }));
kv?.close();
