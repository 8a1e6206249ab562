// The command line's flags, one by one, against the emulator.

import { assertEquals, assertMatch } from "./_deps.ts";
import { testEmulator } from "./_emulator.ts";
import { EXIT } from "../lib/cli/mod.ts";
import { cliRunner } from "./_cli.ts";
import type { LambdaEmulator } from "../lib/testing/mod.ts";

function runner(emulator: LambdaEmulator) {
  const files = new Map([["init.yaml", "#cloud-config from init.yaml\n"]]);
  const run = cliRunner(emulator, { files, answer: true });
  return (...argv: string[]) => run(argv);
}

Deno.test("cli flags: launch sends every option it is given", async () => {
  const emulator = testEmulator();
  const run = runner(emulator);
  await run("ssh-keys", "add", "k");
  await run("filesystems", "create", "data", "--region", "us-east-1");
  const ruleset = JSON.parse(
    (await run("firewall", "rulesets", "create", "web", "--region", "us-east-1", "--json")).out,
  );
  const launched = await run(
    "instances",
    "launch",
    "--type",
    "gpu_1x_a10",
    "--region=us-east-1",
    "--ssh-key",
    "k",
    "--name",
    "full",
    "--hostname",
    "node-1",
    "--image-family",
    "ubuntu-24-04",
    "--filesystem",
    "data",
    "--firewall-ruleset",
    ruleset.id,
    "--tag",
    "team=ml",
    "--user-data-file",
    "init.yaml",
  );
  assertEquals(launched.code, EXIT.ok, launched.err);
  const body = emulator.requests.at(-1)!.body as Record<string, unknown>;
  assertEquals(
    [body.name, body.hostname, body.image, body.file_system_names, body.firewall_rulesets],
    ["full", "node-1", { family: "ubuntu-24-04" }, ["data"], [{ id: ruleset.id }]],
  );
  assertEquals(body.user_data, "#cloud-config from init.yaml\n");
  const imageId = emulator.instances()[0]!.image!.id;
  assertEquals(
    (await run(
      "instances",
      "launch",
      "--type",
      "gpu_1x_a10",
      "--region",
      "us-east-1",
      "--ssh-key",
      "k",
      "--image-id",
      imageId,
    )).code,
    EXIT.ok,
  );
  const both = await run(
    "instances",
    "launch",
    "--type",
    "t",
    "--region",
    "r",
    "--ssh-key",
    "k",
    "--image-id",
    "a",
    "--image-family",
    "b",
  );
  assertEquals([both.code, both.err.split("\n")[0]], [
    EXIT.usage,
    "error: give '--image-family' or '--image-id', not both",
  ]);
  assertMatch(
    (await run("instances", "get", emulator.instances()[0]!.id)).out,
    /unavailable: +migrate \(vm-has-not-launched\)/,
  );
  assertMatch((await run("instances", "list", "--cluster-id", "c1")).out, /^\(none\)$/);
});

Deno.test("cli flags: capacity filters, and their mistakes", async () => {
  const run = runner(testEmulator());
  assertMatch(
    (await run("capacity", "--gpus", "1", "--region", "us-east-3", "--arch", "arm64")).out,
    /gpu_1x_gh200 +us-east-3/,
  );
  assertMatch(
    (await run("capacity", "--type", "gpu_1x_a10", "--region", "us-west-1")).out,
    /^TYPE.*\ngpu_1x_a10 +us-west-1 +1 +\$0\.75\/h$/,
  );
  assertEquals((await run("capacity", "--max-price", "cheap")).code, EXIT.usage);
  assertEquals((await run("capacity", "--gpus", "two")).code, EXIT.usage);
  assertEquals((await run("capacity", "--wait", "--interval", "0")).code, EXIT.usage);
  assertEquals((await run("capacity", "--wait", "--gpu", "A10", "--timeout", "60")).code, EXIT.ok);
  assertMatch((await run("types")).out, /gpu_4x_a6000 +4 +\$3\.20\/h +x86_64 +-/);
});

Deno.test("cli flags: the parser's edge cases", async () => {
  const emulator = testEmulator();
  const run = runner(emulator);
  assertEquals((await run("regions", "--json=yes")).code, EXIT.usage);
  const booleanWithValue = await run("types", "--available=yes");
  assertEquals([booleanWithValue.code, booleanWithValue.err.split("\n")[0]], [
    EXIT.usage,
    "error: option '--available' takes no value",
  ]);
  assertEquals(
    (await run("instances", "list", "--cluster-id")).err.split("\n")[0],
    "error: option '--cluster-id' needs a value",
  );
  const odd = await run("instances", "rename", "--", "--odd-id", "x"); // "--" ends the options
  assertEquals([odd.code, emulator.requests.at(-1)?.params], [EXIT.notFound, { id: "--odd-id" }]);
  assertEquals((await run("-h")).code, EXIT.ok);
  assertEquals(
    (await run("regions", "extra")).err.split("\n")[0],
    "error: 'regions' takes no arguments, received 'extra'",
  );
  assertEquals(
    (await run("instances", "get")).err.split("\n")[0],
    "error: 'instances get' takes <id>, received none",
  );
  assertMatch((await run("tickets", "list", "--limit", "0")).out, /^\(none\)$/);
  assertEquals((await run("audit", "--limit", "-3")).code, EXIT.usage);
  assertEquals((await run("instances", "wait", "x", "--timeout", "soon")).code, EXIT.usage);
});
