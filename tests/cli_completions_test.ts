// Shell completion that completes values, not only words: instance types, regions, instance and
// SSH key names, from `lambda completions values`, kept a minute in a cache; after an option that
// takes a value, values or nothing, never options; and no name offered that the shell would run.

import { assert, assertEquals } from "@std/assert";
import { cliRunner, launched, memoryFile, withKey } from "./_cli.ts";
import { FakeClock } from "./_fakes.ts";
import { testEmulator } from "./_emulator.ts";
import { DENO_ENV, withServedEmulator } from "./_entrypoint.ts";
import { EXIT } from "../lib/cli/mod.ts";

Deno.test("cli completions: values come from a listing kept a minute, per API and key", async () => {
  const { emulator, run: plain } = await withKey();
  await launched(plain, "train-1", "train-2");
  const clock = new FakeClock();
  const cache = memoryFile("(memory)", "");
  const run = cliRunner(emulator, { clock }, {
    fetch: emulator.fetch,
    rateLimit: false,
    valueCache: cache,
  });
  emulator.clearRequests();
  const names = await run(["completions", "values", "instances"]);
  assertEquals([names.code, names.out], [EXIT.ok, "train-1\ntrain-2"]);
  assertEquals(emulator.requests.length, 1);
  await plain(["instances", "rename", "train-2", "train-3"]);
  emulator.clearRequests();
  clock.time += 59_000; // the Tabs of one command line: nothing is asked again
  assertEquals((await run(["completions", "values", "instances"])).out, "train-1\ntrain-2");
  assertEquals(emulator.requests.length, 0);
  clock.time += 2_000; // a minute on, the listing is read again
  assertEquals((await run(["completions", "values", "instances"])).out, "train-1\ntrain-3");
  assertEquals(emulator.requests.length, 1);
  // Each kind, and the cache never holds the key.
  assertEquals((await run(["completions", "values", "ssh-keys"])).out, "k");
  assert((await run(["completions", "values", "types"])).out.split("\n").includes("gpu_1x_a10"));
  assert((await run(["completions", "values", "regions"])).out.split("\n").includes("us-east-1"));
  assert(!cache.text.includes(emulator.apiKey), cache.text);
  // Another key's names are its own.
  emulator.clearRequests();
  await run(["completions", "values", "instances"], { LAMBDA_API_KEY: "secret_other" });
  assertEquals(emulator.requests.length, 1);
  const kind = await run(["completions", "values", "colours"]);
  assertEquals([kind.code, kind.err.split("\n")[0]], [
    EXIT.usage,
    "error: 'completions values' takes types, regions, instances, ssh-keys, received 'colours'",
  ]);
});

Deno.test("cli completions: a name the shell would run or split is never offered", async () => {
  const emulator = testEmulator();
  const run = cliRunner(emulator);
  await run(["ssh-keys", "add", "ok-key", "--public-key", "ssh-ed25519 AAAA a"]);
  for (const name of ["$(touch pwned)", "a b", "`id`", "x;y", "it's"]) {
    const added = await run(["ssh-keys", "add", name, "--public-key", "ssh-ed25519 AAAA a"]);
    assertEquals(added.code, EXIT.ok, added.err);
  }
  assertEquals((await run(["completions", "values", "ssh-keys"])).out, "ok-key");
});

/** Runs bash with the completion script loaded, as if Tab were pressed after `line`. */
async function tab(env: Record<string, string>, bin: string, line: string[]): Promise<string[]> {
  const script = [
    "source <(lambda completions bash)",
    `COMP_WORDS=(${line.map((word) => `'${word}'`).join(" ")})`,
    `COMP_CWORD=${line.length - 1}`,
    "_lambda",
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join("\n");
  const { code, stdout, stderr } = await new Deno.Command("bash", {
    args: ["-c", script],
    clearEnv: true,
    env: { ...env, PATH: `${bin}:/usr/bin:/bin` },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  assertEquals(code, 0, text(stderr));
  return text(stdout).split("\n").filter((word) => word !== "");
}

Deno.test("cli completions: in bash, through the entrypoint, values after options and names after commands", async () => {
  await Deno.mkdir(".tmp", { recursive: true });
  const home = await Deno.realPath(await Deno.makeTempDir({ dir: ".tmp", prefix: "completions-" }));
  try {
    await withServedEmulator({}, async ({ emulator, env }) => {
      const cache = `${home}/.cache/lambda-cloud`;
      const bin = `${home}/bin`;
      await Deno.mkdir(bin);
      // `lambda` as installed: the documented permissions, the cache folder included.
      await Deno.writeTextFile(
        `${bin}/lambda`,
        `#!/bin/sh\nexec "${Deno.execPath()}" run --no-prompt --allow-net=127.0.0.1 ` +
          `--allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL,XDG_CACHE_HOME,HOME --allow-read ` +
          `--allow-write=.,${cache} ${
            new URL("../lib/cli/mod.ts", import.meta.url).pathname
          } "$@"\n`,
        { mode: 0o755 },
      );
      const shell = { ...DENO_ENV, ...env, HOME: home, NO_COLOR: "1" };
      const lambda = (line: string[]) => tab(shell, bin, ["lambda", ...line]);
      emulator.setCapacity("gpu_1x_a10", "us-east-1", 5);
      const setup = cliRunner(emulator);
      await setup(["ssh-keys", "add", "k", "--public-key", "ssh-ed25519 AAAA a"]);
      await launched(setup, "train-1");
      assertEquals(await lambda(["instances", "la"]), ["launch"]);
      assert((await lambda(["instances", "launch", "--type", ""])).includes("gpu_1x_a10"));
      assertEquals(await lambda(["instances", "launch", "--type", "gpu_1x_a10"]), [
        "gpu_1x_a10",
        "gpu_1x_a100_sxm4",
      ]);
      assertEquals(await lambda(["instances", "launch", "--ssh-key", ""]), ["k"]);
      assert((await lambda(["instances", "launch", "--region", "us-e"])).includes("us-east-1"));
      // A value nothing completes: nothing, never the options.
      assertEquals(await lambda(["instances", "launch", "--name", ""]), []);
      assertEquals(await lambda(["instances", "list", "--format", ""]), []);
      assert((await lambda(["instances", "launch", "--n"])).includes("--name"));
      // Arguments: names, after the command, its short form, and other arguments.
      assertEquals(await lambda(["instances", "terminate", ""]), ["train-1"]);
      assertEquals(await lambda(["instances", "rm", "tr"]), ["train-1"]);
      assertEquals(await lambda(["instances", "restart", "x", "--yes", "t"]), ["train-1"]);
      assert((await lambda(["instances", "terminate", "--"])).includes("--wait"));
      // Kept a minute in the cache folder, readable by its owner only.
      const file = await Deno.stat(`${cache}/completions.json`);
      assertEquals(file.mode! & 0o777, 0o600);
      await setup(["instances", "rename", "train-1", "train-9"]);
      assertEquals(await lambda(["instances", "get", ""]), ["train-1"]);
    });
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
