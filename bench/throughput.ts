// deno run --allow-read bench/throughput.ts
//
// The figure users feel: how close the client runs to the API's rate limit without being refused.
// The emulator enforces limits scaled up twenty-fold (20 requests a second, a launch every half
// second, 10 ms of tolerance for timer jitter), the client's limiter is set to match, and 200
// calls (20 of them launches) are fired at once. Reported: the rate achieved against the rate
// allowed, and how many 429s came back. Real time, on the real clock: this is a measurement, not
// a test.
// deno-lint-ignore-file no-console

import { LambdaCloudClient } from "../mod.ts";
import { LambdaEmulator } from "../lib/testing/mod.ts";

const REQUEST_INTERVAL_MS = 50;
const LAUNCH_INTERVAL_MS = 500;
const CALLS = 200;
const LAUNCHES = 20;

const emulator = new LambdaEmulator({
  rateLimit: {
    requestIntervalMs: REQUEST_INTERVAL_MS,
    launchIntervalMs: LAUNCH_INTERVAL_MS,
    toleranceMs: 10,
  },
  quota: { instances: 1000 },
});
emulator.setCapacity("gpu_1x_a10", "us-east-1", 1000);
const client = new LambdaCloudClient({
  apiKey: emulator.apiKey,
  fetch: emulator.fetch,
  rateLimit: { requestIntervalMs: REQUEST_INTERVAL_MS, launchIntervalMs: LAUNCH_INTERVAL_MS },
});
await client.sshKeys.create({ name: "k" });
// Let the budget refill after the setup call, whose cold first run can arrive late enough to make
// the next call look early to the emulator.
await new Promise((resolve) => setTimeout(resolve, 2 * REQUEST_INTERVAL_MS));
emulator.clearRequests();

const started = performance.now();
await Promise.all(
  Array.from({ length: CALLS }, (_, i) =>
    i % (CALLS / LAUNCHES) === 0
      ? client.instances.launch({
        region_name: "us-east-1",
        instance_type_name: "gpu_1x_a10",
        ssh_key_names: ["k"],
      })
      : client.regions.list()),
);
const elapsedMs = performance.now() - started;

const requests = emulator.requests;
const refused = requests.filter((request) => request.status === 429).length;
// The first call goes at once, then one per interval: the fastest the limit allows.
const allowedMs = (requests.length - 1) * REQUEST_INTERVAL_MS;
const launchBoundMs = (LAUNCHES - 1) * LAUNCH_INTERVAL_MS;
const boundMs = Math.max(allowedMs, launchBoundMs);
console.log(
  `throughput: ${requests.length} requests (${LAUNCHES} launches) in ${elapsedMs.toFixed(0)} ms; ` +
    `the limit allows ${boundMs} ms at best: ${
      (100 * boundMs / elapsedMs).toFixed(1)
    }% of the allowed ` +
    `rate (${(1000 * (requests.length - 1) / elapsedMs).toFixed(2)} requests/s of ${
      1000 / REQUEST_INTERVAL_MS
    }); ` +
    `${refused} answered 429`,
);
