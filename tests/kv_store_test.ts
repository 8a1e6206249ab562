// The Deno KV store on a real Deno.Kv: in memory, and one file shared by several processes, one of
// which is killed while it holds booked turns.

import { kvRateLimitStore } from "../mod.ts";
import { assert, assertEquals } from "@std/assert";

const STATE = { requestAt: 1, launchAt: 0, writtenAt: 0, writtenBy: "a" };

Deno.test("kv store: compare-and-set on a real Deno.Kv writes only over the version it read", async () => {
  using kv = await Deno.openKv(":memory:");
  const store = kvRateLimitStore(kv);
  assertEquals(await store.get("k"), { state: undefined, version: null });
  assert(await store.compareAndSet("k", null, STATE, 60_000));
  assert(!(await store.compareAndSet("k", null, STATE, 60_000)));
  const read = await store.get("k");
  assertEquals(read.state, STATE);
  assert(await store.compareAndSet("k", read.version, { ...STATE, requestAt: 2 }, 60_000));
  assert(!(await store.compareAndSet("k", read.version, STATE, 60_000)));
  assertEquals((await store.get("k")).state?.requestAt, 2);
  // What another program (or an older version, whose times each had their writer) left under the
  // key is not a state, but can be written over.
  for (
    const value of [
      "garbage",
      { requestAt: 1, requestBy: "a", launchAt: 0, launchBy: "a" },
      { ...STATE, writtenBy: 7 },
      { ...STATE, writtenAt: "now" },
    ]
  ) {
    await kv.set(["lambda-cloud-client", "rate-limit", "k"], value);
    const garbage = await store.get("k");
    assertEquals(garbage.state, undefined);
    assert(await store.compareAndSet("k", garbage.version, STATE, 60_000));
  }
});

Deno.test("kv store: processes sharing one KV file never book the same turn, even when one is killed", async () => {
  await withKvFile(async (spawn) => {
    const victim = spawn(1000);
    const victimOut = await firstTurns(victim, 2);
    // Killed once it has booked two turns: it holds its next booking, and the SQLite file.
    const others = [1, 2, 3, 4].map(() => spawn(8));
    victim.kill("SIGKILL");
    await victim.status;
    const turns = [victimOut, ...await outputs(others)];
    assert(turns.flat().length >= 2 + 4 * 8);
    assertApart(turns.flat());
  });
});

Deno.test("kv store: on one KV file, a busy process whose clock is five minutes ahead holds the others back its turns, no more", async () => {
  await withKvFile(async (spawn) => {
    const busy = spawn(1000, 300_000);
    const busyOut = await firstTurns(busy, 2);
    const started = performance.now();
    const others = await outputs([1, 2].map(() => spawn(8)));
    const tookMs = performance.now() - started;
    busy.kill("SIGKILL");
    await busy.status;
    // Sixteen turns of theirs, some of the busy one's between them, and the processes' start.
    assert(tookMs < 10_000, `the others took ${Math.round(tookMs)} ms`);
    assertApart(
      [...busyOut, ...others.flat()].filter((turn) => turn >= Math.min(...others.flat())),
    );
  });
});

const INTERVAL_MS = 20;

type Spawn = (turns: number, aheadMs?: number) => Deno.ChildProcess;

/** Runs `fn` with a function that starts a process booking turns on one fresh KV file. */
async function withKvFile(fn: (spawn: Spawn) => Promise<void>): Promise<void> {
  await Deno.mkdir(".tmp", { recursive: true });
  const dir = await Deno.makeTempDir({ dir: ".tmp", prefix: "kv-" });
  const spawn: Spawn = (turns, aheadMs = 0) =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--unstable-kv",
        `--allow-read=${dir}`,
        `--allow-write=${dir}`,
        new URL("fixtures/book_turns.ts", import.meta.url).pathname,
        `${dir}/rate.kv`,
        String(turns),
        String(INTERVAL_MS),
        String(aheadMs),
      ],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  try {
    await fn(spawn);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * The turns `child` prints, once it has printed `count`; read on until it ends (a pipe no longer
 * read would end it), into the same array.
 */
async function firstTurns(child: Deno.ChildProcess, count: number): Promise<number[]> {
  const turns: number[] = [];
  let enough!: () => void;
  const printed = new Promise<void>((resolve) => (enough = resolve));
  let rest = "";
  void child.stdout.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({
      write: (chunk) => {
        const lines = (rest + chunk).split("\n");
        rest = lines.pop()!;
        turns.push(...parseTurns(lines.join("\n")));
        if (turns.length >= count) enough();
      },
    }),
  ).catch(() => {});
  void child.stderr.cancel();
  await printed;
  return turns;
}

/** What each of `children` printed, once each has succeeded. */
async function outputs(children: Deno.ChildProcess[]): Promise<number[][]> {
  const results = await Promise.all(children.map((child) => child.output()));
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  for (const result of results) assert(result.success, decode(result.stderr));
  return results.map((result) => parseTurns(decode(result.stdout)));
}

function parseTurns(text: string): number[] {
  return text.split("\n").filter((line) => line !== "").map(Number);
}

/** Asserts that no two of `turns` are less than the interval apart. */
function assertApart(turns: number[]): void {
  const sorted = [...turns].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) {
    assert(sorted[i]! - sorted[i - 1]! >= INTERVAL_MS, `turns ${sorted[i - 1]} and ${sorted[i]}`);
  }
}
