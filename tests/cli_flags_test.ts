// The command line's flags, one by one, against the emulator.

import { assertEquals, assertMatch } from "./_deps.ts";
import { testEmulator } from "./_emulator.ts";
import { EXIT } from "../lib/cli/mod.ts";
import { cliRunner, launchArgs } from "./_cli.ts";
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
    (await run(...launchArgs(), "--image-id", imageId)).code,
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
  const first = async (...argv: string[]) => {
    const result = await run(...argv);
    return [result.code, result.err.split("\n")[0]];
  };
  assertEquals(await first("regions", "--json=yes"), [
    EXIT.usage,
    "error: option '--json' takes true or false, received 'yes'",
  ]);
  assertEquals((await run("regions", "--json=true")).out.startsWith("["), true);
  assertEquals((await run("regions", "--json", "--json=false")).out.startsWith("REGION"), true);
  emulator.clearRequests(); // from here on, every mistake is caught before anything is sent
  const mistakes: [string[], string][] = [
    [["instances", "list", "--cluster-id"], "option '--cluster-id' needs a value"],
    [
      ["instances", "list", "--cluster-id", "--no-header"],
      "option '--cluster-id' needs a value, received the option '--no-header' (write --cluster-id=VALUE for a value that starts with '-')",
    ],
    [
      ["instances", "list", "--cluster-id", ""],
      "option '--cluster-id' needs a value, received an empty string",
    ],
    // A single-value option given twice is a mistake, not "the last one wins".
    [
      ["images", "--region", "us-east-1", "--region", "us-west-1"],
      "option '--region' takes one value, received 'us-east-1' and 'us-west-1'",
    ],
    [
      ["regions", "--base-url", "http://a", "--base-url=http://b"],
      "option '--base-url' takes one value, received 'http://a' and 'http://b'",
    ],
    [
      ["ssh-keys", "add", "x", "--public-key-file", "gone.pub"],
      "option '--public-key-file': cannot read 'gone.pub': no file gone.pub",
    ],
  ];
  for (const [argv, message] of mistakes) {
    assertEquals(await first(...argv), [EXIT.usage, `error: ${message}`]);
  }
  assertEquals(emulator.requests.length, 0);
  assertMatch((await run("instances", "list", "--cluster-id=-c1")).out, /^\(none\)$/);
  const odd = await run("instances", "rename", "--", "--odd-id", "x"); // "--" ends the options
  assertEquals([odd.code, emulator.requests.at(-1)?.method], [EXIT.notFound, "GET"]);
  assertEquals((await run("-h")).code, EXIT.ok);
  assertEquals(await first("regions", "extra"), [
    EXIT.usage,
    "error: 'regions' takes no arguments, received 'extra'",
  ]);
  assertEquals(await first("instances", "get"), [
    EXIT.usage,
    "error: 'instances get' takes <id|name>, received none",
  ]);
  assertMatch((await run("tickets", "list", "-L", "0")).out, /^\(none\)$/);
  assertEquals((await run("audit", "--limit", "-3")).code, EXIT.usage);
  assertEquals((await run("audit", "--since", "yesterday")).code, EXIT.usage);
  assertEquals((await run("instances", "wait", "x", "--timeout", "soon")).code, EXIT.usage);
  assertEquals(await first("regions", "-x"), [EXIT.usage, "error: unknown option '-x'"]);
  assertEquals(await first("regions", "--quiet", "--json"), [
    EXIT.usage,
    JSON.stringify({
      error: {
        code: "cli/usage",
        message: "give '--json' or '--quiet', not both",
        suggestion: "Run 'lambda regions --help' for usage",
        request_id: null,
        exit_code: 2,
      },
    }),
  ]);
  assertEquals(await first("instances", "get", "a", "--format", "ID"), [
    EXIT.usage,
    "error: 'instances get' prints no table: '--format' and '--no-header' do not apply",
  ]);
  assertEquals(await first("instances", "list", "--format", "ID,NAM"), [
    EXIT.usage,
    "error: 'instances list' has no column 'NAM'; did you mean 'NAME'? (it has ID, NAME, STATUS, TYPE, REGION, IP, PRICE, UPTIME, PRIVATE_IP, HOSTNAME, TAGS)",
  ]);
  assertEquals(await first("instances", "launch", "--type", "t"), [
    EXIT.usage,
    "error: option '--region' is required",
  ]);
  assertEquals(
    await first("instances", "launch", "--type", "t", "--region", "r", "--ssh-key", "k", "--keep"),
    [EXIT.usage, "error: '--keep' only applies with '--wait'"],
  );
});
