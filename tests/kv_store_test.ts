// The Deno KV store on a real Deno.Kv: in memory, and one file shared by several processes, one of
// which is killed while it holds booked turns.

import { kvRateLimitStore } from "../mod.ts";
import { assert, assertEquals } from "./_deps.ts";

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
  // What another program left under the key is not a state, but can be written over.
  await kv.set(["lambda-cloud-client", "rate-limit", "k"], "garbage");
  const garbage = await store.get("k");
  assertEquals(garbage.state, undefined);
  assert(await store.compareAndSet("k", garbage.version, STATE, 60_000));
});

Deno.test("kv store: processes sharing one KV file never book the same turn, even when one is killed", async () => {
  await Deno.mkdir(".tmp", { recursive: true });
  const dir = await Deno.makeTempDir({ dir: ".tmp", prefix: "kv-" });
  const file = `${dir}/rate.kv`;
  const intervalMs = 20;
  const spawn = (turns: number) =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--unstable-kv",
        `--allow-read=${dir}`,
        `--allow-write=${dir}`,
        new URL("fixtures/book_turns.ts", import.meta.url).pathname,
        file,
        String(turns),
        String(intervalMs),
      ],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  try {
    const victim = spawn(1000);
    const reader = victim.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let victimOut = "";
    // Killed once it has booked two turns: it holds its next booking, and the SQLite file.
    while (victimOut.split("\n").length < 3) victimOut += (await reader.read()).value ?? "";
    const others = [1, 2, 3, 4].map(() => spawn(8));
    victim.kill("SIGKILL");
    await reader.cancel();
    await victim.stderr.cancel();
    await victim.status;
    const results = await Promise.all(others.map((child) => child.output()));
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    for (const result of results) assert(result.success, decode(result.stderr));
    const turns = [victimOut, ...results.map((result) => decode(result.stdout))]
      .flatMap((text) => text.split("\n").filter((line) => line !== "").map(Number))
      .sort((a, b) => a - b);
    assert(turns.length >= 2 + 4 * 8);
    for (let i = 1; i < turns.length; i++) {
      assert(turns[i]! - turns[i - 1]! >= intervalMs, `turns ${turns[i - 1]} and ${turns[i]}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
