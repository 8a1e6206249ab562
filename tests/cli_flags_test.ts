// The command line's flags, one by one, against the emulator: every option is checked before
// anything is sent or asked, in the units given; -q, --format and --no-header where they cannot
// apply are usage errors; --dry-run prints the launch at once.

import { assertEquals, assertMatch } from "@std/assert";
import { testEmulator } from "./_emulator.ts";
import { FakeClock } from "./_fakes.ts";
import { EXIT } from "../lib/cli/mod.ts";
import { cliRunner, launchArgs, launched, withKey } from "./_cli.ts";
import type { LambdaEmulator } from "../lib/testing/mod.ts";

function runner(emulator: LambdaEmulator) {
  const files = new Map([["init.yaml", "#cloud-config from init.yaml\n"]]);
  const run = cliRunner(emulator, { files, answer: true });
  return (...argv: string[]) => run(argv);
}

/** The requests sent that may change something. */
function changes(emulator: LambdaEmulator): string[] {
  return emulator.requests.filter((request) => request.method !== "GET").map((request) =>
    `${request.method} ${request.operationId}`
  );
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

Deno.test("cli flags: --dry-run of a launch prints the request at once, with or without --wait", async () => {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock });
  const run = cliRunner(emulator, { clock });
  await run(["ssh-keys", "add", "k"]);
  emulator.clearRequests();
  const started = clock.now();
  for (const extra of [[], ["--wait"]]) {
    const result = await run([...launchArgs(), ...extra, "--dry-run"]);
    assertEquals(result.code, EXIT.ok, result.err);
    assertMatch(result.out, /^Dry run: nothing was changed\. The request would be:\nPOST /);
  }
  // No looking for the launch the dry run never sent: no listing of instances, no time spent;
  // only the reads that check what the launch names.
  assertEquals(
    [...new Set(emulator.requests.map((request) => `${request.method} ${request.operationId}`))],
    ["GET listInstanceTypes", "GET listSSHKeys"],
  );
  assertEquals(clock.now(), started);
});

Deno.test("cli flags: every option is checked before anything is sent, in the units given", async () => {
  const emulator = testEmulator();
  const run = cliRunner(emulator);
  await run(["ssh-keys", "add", "k"]);
  const [id] = await launched(run, "a");
  emulator.clearRequests();
  for (const [flag, value] of [["--timeout", "3000000"], ["--interval", "1e12"]]) {
    const result = await run(["instances", "terminate", "a", "--yes", "--wait", flag!, value!]);
    assertEquals(result.code, EXIT.usage);
    assertEquals(
      result.err.split("\n")[0],
      `error: option '${flag}' must be a number of seconds above 0 and at most 2147483 (about 24 days), received '${value}'`,
    );
  }
  assertEquals(emulator.requests.length, 0);
  assertEquals(emulator.instances().find((instance) => instance.id === id)!.status, "booting");
});

Deno.test("cli flags: -q, --format and --no-header where they cannot apply are usage errors, before anything is sent", async () => {
  const { emulator, run } = await withKey();
  for (
    const [argv, message] of [
      [["api", "addSSHKey", "--body", '{"name": "x"}', "-q"], "'--quiet'"],
      [["api", "launchInstance", "--body", "{}", "-q"], "'--quiet'"],
      [["api", "listRegions", "--format", "OPERATION"], "'--format'"],
      [["api", "listRegions", "--no-header"], "'--no-header'"],
    ] as const
  ) {
    const result = await run([...argv]);
    assertEquals(result.code, EXIT.usage, argv.join(" "));
    assertEquals(
      result.err.split("\n")[0],
      `error: 'lambda api ${
        argv[1]
      }' prints the API's answer as JSON: ${message} does not apply (it applies to the list of operations, 'lambda api' alone)`,
    );
  }
  const completions = await run(["completions", "bash", "-q"]);
  assertEquals([completions.code, completions.err.split("\n")[0]], [
    EXIT.usage,
    "error: 'completions' prints no ids: '--quiet' does not apply",
  ]);
  assertEquals(emulator.requests.length, 0);
  // The list of operations still takes them.
  const ids = await run(["api", "-q"]);
  assertEquals([ids.code, ids.out.split("\n")[0]], [EXIT.ok, "addSSHKey"]);
  // Nor does `audit`, whose table has no column of ids.
  const audit = await run(["audit", "-q"]);
  assertEquals([audit.code, audit.err.split("\n")[0]], [
    EXIT.usage,
    "error: 'audit' prints no ids: '--quiet' does not apply",
  ]);
  // Nor --dry-run where no one change goes to the API: said so, not "changes nothing".
  const recover = await run(["instances", "recover", "--terminate", "--dry-run"]);
  assertEquals([recover.code, recover.err.split("\n")[0]], [
    EXIT.usage,
    "error: 'instances recover' has no dry run: '--dry-run' is for the commands that send one change to the API",
  ]);
});

Deno.test("cli flags: every option is checked before the question, not after a yes", async () => {
  const { emulator, run: plain } = await withKey();
  await plain([...launchArgs(), "--name", "t1"]);
  await plain(["firewall", "rules", "set", "--rule", "tcp:22:0.0.0.0/0", "--yes"]);
  await plain(["instances", "tag", "t1", "team=ml", "--yes"]);
  emulator.clearRequests();
  const run = cliRunner(emulator, { terminal: true, answer: true });
  for (
    const [argv, code, message] of [
      [[...launchArgs(), "--wait", "--timeout", "abc"], EXIT.usage, /option '--timeout' must be/],
      [[...launchArgs(), "--user-data-file", "none"], EXIT.usage, /cannot read 'none'/],
      [[...launchArgs(), "--firewall-ruleset", "nosuch"], EXIT.notFound, /no firewall ruleset/],
      [[...launchArgs(), "--tag", "A=b"], EXIT.usage, /'tags\[0\]\.key'/],
      [["instances", "terminate", "t1", "--wait", "--interval=-1"], EXIT.usage, /'--interval'/],
      [["instances", "tag", "t1", "X=1"], EXIT.usage, /'tags\[0\]\.key'/],
      [["firewall", "rules", "set", "--rule", "tcp:99999:0.0.0.0/0"], EXIT.usage, /port from 1/],
      [["firewall", "global", "set", "--rule", "tcp:70000:0.0.0.0/0"], EXIT.usage, /port from 1/],
      [["firewall", "rulesets", "update", "x", "--rule", "udp:0:1.2.3.4"], EXIT.usage, /port/],
    ] as const
  ) {
    const result = await run([...argv]);
    assertEquals(result.questions, [], argv.join(" "));
    assertEquals(result.code, code, `${argv.join(" ")}: ${result.err}`);
    assertMatch(result.err, message);
  }
  assertEquals(changes(emulator), []);
  assertEquals(emulator.instances()[0]!.status, "booting");
});
