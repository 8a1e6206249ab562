// The command line's rate budget shared by every `lambda` on the machine: where its KV file goes,
// when it is used, what is said when it fails, and parallel invocations through the real
// entrypoint that wait their turn instead of being refused.

import { kvRateLimitStore, LambdaCloudClient } from "../mod.ts";
import { EXIT } from "../lib/cli/mod.ts";
import {
  BUDGET_FILE,
  type BudgetDeno,
  BudgetUnavailableError,
  sharedBudget,
} from "../lib/cli/_shared_budget.ts";
import { CACHE_FOLDER, userPath } from "../lib/cli/_user_folders.ts";
import { assert, assertEquals, assertMatch, assertRejects } from "@std/assert";
import { cliRunner } from "./_cli.ts";
import { testEmulator } from "./_emulator.ts";
import { FakeClock, FakeKv } from "./_fakes.ts";
import { INSTALL_PERMISSIONS, withServedEmulator } from "./_entrypoint.ts";

/** A Deno with these variables readable, write permission where `writable` says, and a KV. */
function fakeDeno(
  variables: Record<string, string>,
  options: { os?: string; writable?: (path: string) => boolean; kv?: FakeKv | false } = {},
): BudgetDeno & { opened: string[]; made: string[] } {
  const opened: string[] = [];
  const made: string[] = [];
  const kv = options.kv === undefined ? new FakeKv() : options.kv;
  return {
    opened,
    made,
    build: { os: options.os ?? "linux" },
    env: { get: (name) => variables[name] },
    permissions: {
      querySync: (descriptor) => ({
        state: descriptor.name === "env"
          ? (descriptor.variable in variables ? "granted" : "prompt")
          : descriptor.name === "read" || (options.writable ?? (() => true))(descriptor.path)
          ? "granted"
          : "prompt",
      }),
    },
    mkdir: (path) => {
      made.push(path);
      return Promise.resolve();
    },
    ...(kv === false ? {} : {
      openKv: (path: string) => {
        opened.push(path);
        return Promise.resolve(kv);
      },
    }),
  };
}

/** Where the budget's KV file goes for `deno`. */
function budgetPath(deno: BudgetDeno): string | undefined {
  return userPath(deno, CACHE_FOLDER, BUDGET_FILE);
}

/** Makes the first `times` opens of `deno`'s KV file fail with `error()`, then open as before. */
function failingOpens(deno: BudgetDeno, times: number, error: () => Error): void {
  const openKv = deno.openKv!;
  let left = times;
  deno.openKv = (path: string) => left-- > 0 ? Promise.reject(error()) : openKv(path);
}

Deno.test("shared budget (cli): the KV file goes in the user's cache folder", () => {
  assertEquals(
    budgetPath(fakeDeno({ XDG_CACHE_HOME: "/x/cache", HOME: "/home/u" })),
    "/x/cache/lambda-cloud/rate-limit.kv",
  );
  assertEquals(
    budgetPath(fakeDeno({ HOME: "/home/u" })),
    "/home/u/.cache/lambda-cloud/rate-limit.kv",
  );
  assertEquals(
    budgetPath(fakeDeno({ LOCALAPPDATA: "C:\\Users\\u\\AppData\\Local" }, { os: "windows" })),
    "C:\\Users\\u\\AppData\\Local\\lambda-cloud\\rate-limit.kv",
  );
  assertEquals(budgetPath(fakeDeno({})), undefined);
});

Deno.test("shared budget (cli): used only with --unstable-kv and permission to write the file, and opened when first needed", async () => {
  // Where it cannot be used, the store says why every time it is asked, so that the client paces
  // this process alone and the command line says so once.
  for (
    const [deno, why] of [
      [fakeDeno({ HOME: "/home/u" }, { kv: false }), "it needs --unstable-kv"],
      [
        fakeDeno({}),
        "no cache folder: XDG_CACHE_HOME and HOME unset, or not readable without --allow-env=XDG_CACHE_HOME,HOME",
      ],
      [
        fakeDeno({}, { os: "windows" }),
        "no cache folder: LOCALAPPDATA unset, or not readable without --allow-env=LOCALAPPDATA",
      ],
      [
        fakeDeno({ HOME: "/home/u" }, { writable: (path) => path.startsWith("/tmp") }),
        "no permission to read and write /home/u/.cache/lambda-cloud: --allow-read --allow-write=/home/u/.cache/lambda-cloud",
      ],
    ] as const
  ) {
    const unavailable = sharedBudget(deno);
    for (
      const ask of [() => unavailable.get("k"), () =>
        unavailable.compareAndSet("k", null, {
          requestAt: 0,
          launchAt: 0,
          writtenAt: 0,
          writtenBy: "x",
        }, 1000)]
    ) {
      const error = await assertRejects(ask, BudgetUnavailableError);
      assertEquals(error.message, why);
    }
    assertEquals([deno.opened, deno.made], [[], []]);
  }
  const deno = fakeDeno({ HOME: "/home/u" });
  const store = sharedBudget(deno);
  assertEquals(deno.opened, []);
  assertEquals(await store.get("k"), { state: undefined, version: null });
  await store.get("k");
  assertEquals(deno.made, ["/home/u/.cache/lambda-cloud"]);
  assertEquals(deno.opened, ["/home/u/.cache/lambda-cloud/rate-limit.kv"]);
});

Deno.test("shared budget (cli): a file locked while another lambda creates it is waited for, and a failed open is tried again later", async () => {
  const kv = new FakeKv();
  const deno = fakeDeno({ HOME: "/home/ada" }, { kv });
  failingOpens(deno, 2, () => new TypeError("database is locked"));
  const store = sharedBudget(deno);
  assertEquals(await store.get("k"), { state: undefined, version: null });
  // An open that fails for another reason is not kept: the next use opens again.
  const broken = fakeDeno({ HOME: "/home/ada" }, { kv });
  failingOpens(broken, 1, () => new Error("disk I/O error"));
  const retried = sharedBudget(broken);
  await assertRejects(() => retried.get("k"), Error, "disk I/O error");
  assertEquals(await retried.get("k"), { state: undefined, version: null });
});

Deno.test("shared budget (cli): a budget that fails is said once, and the command still runs", async () => {
  const emulator = testEmulator();
  const kv = new FakeKv();
  for (let i = 0; i < 10; i++) kv.failures.push(new Error("disk I/O error"));
  const run = cliRunner(emulator, {}, {
    fetch: emulator.fetch,
    rateLimit: { store: kvRateLimitStore(kv) },
  });
  await run(["ssh-keys", "add", "k"]);
  const result = await run(["regions", "-q"]);
  assertEquals(result.code, EXIT.ok);
  assertEquals(result.out.split("\n").length, 12);
  // A warning on stderr, even under -q: a budget that was set up has failed.
  assertEquals(
    result.err,
    "warning: the rate budget shared with other lambda processes is unavailable (disk I/O error): " +
      "pacing this one alone",
  );
  assertEquals(result.progress, []);
});

Deno.test("shared budget (cli): one that was never set up is a note, said once, JSON under --json, not under -q", async () => {
  const emulator = testEmulator();
  const run = cliRunner(emulator, {}, {
    fetch: emulator.fetch,
    rateLimit: { store: sharedBudget(fakeDeno({ HOME: "/home/u" }, { kv: false })) },
  });
  const note =
    "Note: the rate budget shared with other lambda processes is unavailable (it needs --unstable-kv): pacing this one alone";
  const text = await run(["regions"]);
  assertEquals([text.code, text.err], [EXIT.ok, note]);
  const json = await run(["types", "--json"]);
  assertEquals([json.code, json.err], [EXIT.ok, JSON.stringify({ note })]);
  const quiet = await run(["regions", "-q"]);
  assertEquals([quiet.code, quiet.err], [EXIT.ok, ""]);
  // Nothing is paced, so nothing is said, where nothing is sent.
  assertEquals((await run(["regions", "--help"])).err, "");
});

Deno.test("shared budget (cli): a turn further off than a minute exits 6 at once, saying why", async () => {
  const emulator = testEmulator();
  const kv = new FakeKv();
  const clock = new FakeClock();
  // Another process with the key met a 429 asking for five minutes, and holds the budget so long.
  const other = new LambdaCloudClient({
    apiKey: emulator.apiKey,
    fetch: () =>
      Promise.resolve(new Response("", { status: 429, headers: { "retry-after": "300" } })),
    clock,
    maxRetries: 0,
    backoff: { maxRetryAfterMs: 600_000 },
    rateLimit: { store: kvRateLimitStore(kv) },
  });
  await assertRejects(() => other.regions.list());
  const run = cliRunner(emulator, { clock }, {
    fetch: emulator.fetch,
    rateLimit: { store: kvRateLimitStore(kv) },
  });
  const result = await run(["regions"]);
  assertEquals(result.code, EXIT.rateLimited);
  assertMatch(result.err, /its turn under the rate limit is 300 s away, longer than the client/);
  assertEquals([emulator.requests.length, clock.now() - clock.start], [0, 0]);
});

Deno.test("shared budget (cli): parallel invocations through the real entrypoint wait their turn, none refused, even with --fail-fast", async () => {
  await Deno.mkdir(".tmp", { recursive: true });
  const cache = await Deno.realPath(await Deno.makeTempDir({ dir: ".tmp", prefix: "cache-" }));
  try {
    // The API's own limit, one request a second per key, enforced by the emulator.
    await withServedEmulator({ rateLimit: {} }, async ({ emulator, run }) => {
      const permissions = [
        "--unstable-kv",
        ...INSTALL_PERMISSIONS.map((flag) =>
          flag.startsWith("--allow-env=") ? `${flag},XDG_CACHE_HOME` : flag
        ),
        `--allow-read=${cache}`,
        `--allow-write=${cache}`,
      ];
      const spawn = { permissions, env: { XDG_CACHE_HOME: cache } };
      const results = await Promise.all(
        [1, 2, 3].map(() => run(["regions", "-q", "--fail-fast"], spawn)),
      );
      assertEquals(
        results.map((result) => result.code),
        [0, 0, 0],
        results.map((result) => result.err).join("\n"),
      );
      assert(results.every((result) => result.out.split("\n").length === 12));
      assertEquals(emulator.requests.filter((request) => request.status === 429).length, 0);
      assertEquals(emulator.requests.length, 3);
      // The emulator forgives 50 ms of jitter; the turns keep the whole interval and 100 ms of room
      // for commands that start together and reach the server late (60 ms of it allowed here).
      const arrivals = emulator.requests.map((request) => request.time);
      for (let i = 1; i < arrivals.length; i++) {
        assert(arrivals[i]! - arrivals[i - 1]! >= 1040, `arrivals ${arrivals.join(", ")}`);
      }
      await Deno.stat(`${cache}/lambda-cloud/rate-limit.kv`);
      // And a 429 from elsewhere still ends a --fail-fast invocation at once.
      emulator.faults.inject({ kind: "rate-limit", retryAfterSeconds: 1, times: 1 });
      const refused = await run(["regions", "--fail-fast"], spawn);
      assertEquals(refused.code, EXIT.rateLimited);
      assertMatch(refused.err, /rate/i);
    });
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});
