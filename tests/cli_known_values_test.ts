// Values checked against the real ones before they are trusted: a typo in a filter is an error
// with what was meant, never "(none)" as if the account were empty; a launch value that names
// nothing (or a key name two keys share, a ruleset of another region) is refused before the launch
// is sent; and a new name another SSH key or instance has is refused unless --allow-duplicate.

import { assertEquals, assertMatch } from "@std/assert";
import { cliRunner, launchArgs, launched, withKey } from "./_cli.ts";
import { testEmulator } from "./_emulator.ts";
import { FakeClock } from "./_fakes.ts";
import { EXIT } from "../lib/cli/mod.ts";
import type { LambdaEmulator } from "../lib/testing/mod.ts";

const STATUSES = "booting, active, unhealthy, terminated, terminating, preempted";

/** The operations the emulator was asked for since it was last cleared, one each. */
const asked = (emulator: LambdaEmulator) => [
  ...new Set(emulator.requests.map((request) => request.operationId)),
];

Deno.test("known values: a typo in a filter is refused with what was meant, never '(none)'", async () => {
  const { emulator, run } = await withKey();
  await launched(run, "a");
  const typos: [string[], string][] = [
    [
      ["instances", "list", "--status", "active,actve"],
      `there is no instance status 'actve'; did you mean 'active'? (the spec's are ${STATUSES})`,
    ],
    [
      ["instances", "list", "--region", "us-eats-1", "-q"],
      "there is no region 'us-eats-1'; did you mean 'us-east-1'? ('lambda regions' lists them)",
    ],
    [
      ["instances", "list", "--type", "gpu_1x_a1O", "--json"],
      "there is no instance type 'gpu_1x_a1O'; did you mean 'gpu_1x_a10'? ('lambda types' lists them)",
    ],
    [
      ["capacity", "--gpu", "H200"],
      "there is no GPU model 'H200'; did you mean 'B200'? (the types have A10, A100, B200, GH200, H100, RTX A6000)",
    ],
    [["capacity", "--gpu", "H200", "--wait"], "there is no GPU model 'H200'"],
    [
      ["capacity", "--region", "us-eats-1"],
      "there is no region 'us-eats-1'; did you mean 'us-east-1'?",
    ],
    [["capacity", "--type", "gpu_1x_h10"], "there is no instance type 'gpu_1x_h10'"],
    [
      ["capacity", "--arch", "arm"],
      "there is no architecture 'arm'; did you mean 'arm64'? (x86_64 or arm64)",
    ],
    [
      ["images", "--family", "ubuntu-24-4"],
      "there is no image family 'ubuntu-24-4'; did you mean 'ubuntu-24-04'?",
    ],
    [["images", "--region", "us-eats-1"], "there is no region 'us-eats-1'"],
  ];
  for (const [argv, message] of typos) {
    const result = await run(argv);
    assertEquals(result.code, EXIT.usage, argv.join(" "));
    const error = argv.includes("--json") ? JSON.parse(result.err).error.message : result.err;
    assertMatch(error, new RegExp(`^(error: )?${message.replace(/[.?()$']/g, "\\$&")}`));
    assertEquals(result.out, "", argv.join(" "));
  }
  // Real values that match nothing are an empty answer, as before.
  const none = await run(["instances", "list", "--status", "booting", "--region", "us-west-1"]);
  assertEquals([none.code, none.out], [EXIT.ok, "(none)"]);
  assertEquals((await run(["capacity", "--gpu", "A6000", "--gpus", "4"])).code, EXIT.noCapacity);
  // A value some instance has needs no listing to be believed.
  emulator.clearRequests();
  const matched = await run(["instances", "list", "--region", "us-east-1", "--status", "booting"]);
  assertEquals([matched.code, asked(emulator)], [EXIT.ok, ["listInstances"]]);
});

Deno.test("known values: a launch value that names nothing is refused before the launch is sent", async () => {
  const { emulator, run } = await withKey();
  await run(["filesystems", "create", "data", "--region", "us-west-1"]);
  await run(["firewall", "rulesets", "create", "west", "--region", "us-west-1"]);
  emulator.clearRequests();
  const refusals: [string[], number, string][] = [
    [
      launchArgs("gpu_1x_a1"),
      EXIT.usage,
      "there is no instance type 'gpu_1x_a1'; did you mean 'gpu_1x_a10'?",
    ],
    [
      launchArgs("gpu_1x_a10", "us-eats-1"),
      EXIT.usage,
      "there is no region 'us-eats-1'; did you mean 'us-east-1'?",
    ],
    [
      launchArgs("gpu_1x_a10", "us-east-1", "K"),
      EXIT.notFound,
      "no SSH key has the id or name 'K'; did you mean 'k'?",
    ],
    [
      [...launchArgs(), "--filesystem", "dat"],
      EXIT.notFound,
      "no filesystem has the id or name 'dat'; did you mean 'data'?",
    ],
    [
      [...launchArgs(), "--filesystem", "data"],
      EXIT.usage,
      "the filesystem 'data' \\([0-9a-f]{32}\\) is in us-west-1, and a launch in us-east-1 can only use one of its own region",
    ],
    [
      [...launchArgs(), "--firewall-ruleset", "west"],
      EXIT.usage,
      "the firewall ruleset 'west' \\([0-9a-f]{32}\\) is in us-west-1, and a launch in us-east-1",
    ],
    [
      [...launchArgs(), "--image-family", "ubuntu-24-4"],
      EXIT.usage,
      "option '--image-family': us-east-1 has no image 'ubuntu-24-4'; did you mean 'ubuntu-24-04'\\?",
    ],
  ];
  for (const [argv, code, message] of refusals) {
    const result = await run(argv);
    assertEquals(result.code, code, `${argv.join(" ")}: ${result.err}`);
    assertMatch(result.err, new RegExp(`^error: ${message.replaceAll("?", "\\?")}`));
  }
  // Reads only: no launch was sent, so none of the launch slot was spent.
  assertEquals(emulator.requests.filter((request) => request.method !== "GET"), []);
  // Given by its id, the key is sent by its name, as the API takes it.
  const [key] = JSON.parse((await run(["ssh-keys", "list", "--json"])).out);
  const byId = await run(launchArgs("gpu_1x_a10", "us-east-1", key.id));
  assertEquals(byId.code, EXIT.ok, byId.err);
  assertEquals((emulator.requests.at(-1)!.body as { ssh_key_names: string[] }).ssh_key_names, [
    "k",
  ]);
});

Deno.test("known values: a name two SSH keys share is refused before the launch, listing both ids", async () => {
  const { emulator, run } = await withKey();
  const [first] = JSON.parse((await run(["ssh-keys", "list", "--json"])).out);
  emulator.clearRequests();
  const again = await run(["ssh-keys", "add", "k", "--public-key", "ssh-ed25519 BBBB k"]);
  assertEquals(again.code, EXIT.usage);
  assertEquals(
    again.err.split("\n")[0],
    `error: the SSH key ${first.id} has the name 'k' already: a launch names its key, and Lambda cannot tell two of one name apart; give another name, or '--allow-duplicate'`,
  );
  assertEquals(asked(emulator), ["listSSHKeys"]);
  const forced = await run([
    "ssh-keys",
    "add",
    "k",
    "--public-key",
    "ssh-ed25519 BBBB k",
    "--allow-duplicate",
    "--json",
  ]);
  assertEquals(forced.code, EXIT.ok, forced.err);
  const second = JSON.parse(forced.out);
  emulator.clearRequests();
  for (const ref of ["k", first.id]) {
    const launch = await run(launchArgs("gpu_1x_a10", "us-east-1", ref));
    assertEquals(launch.code, EXIT.usage);
    assertEquals(
      launch.err.split("\n")[0],
      `error: the SSH key name 'k' is shared by 2 SSH keys (${first.id}, ${second.id}), and a launch names its key, so Lambda cannot tell which: delete one with 'lambda ssh-keys delete <id>', or add the key again under a name of its own`,
    );
  }
  assertEquals(emulator.requests.filter((request) => request.method !== "GET"), []);
});

Deno.test("known values: a new instance name another instance has is refused unless --allow-duplicate", async () => {
  const { emulator, run } = await withKey();
  const [a] = await launched(run, "a");
  const [b] = await launched(run, "b");
  emulator.clearRequests();
  const message =
    `error: the instance ${a} has the name 'a' already: every command given that name would then need an id instead; give another name, or '--allow-duplicate'`;
  const launch = await run([...launchArgs(), "--name", "a"]);
  assertEquals([launch.code, launch.err.split("\n")[0]], [EXIT.usage, message]);
  const rename = await run(["instances", "rename", "b", "a"]);
  assertEquals([rename.code, rename.err.split("\n")[0]], [EXIT.usage, message]);
  assertEquals(emulator.requests.filter((request) => request.method !== "GET"), []);
  // Its own name is no clash; and --allow-duplicate goes ahead.
  assertEquals((await run(["instances", "rename", "a", "a"])).code, EXIT.ok);
  assertEquals((await run(["instances", "rename", b!, "a", "--allow-duplicate"])).code, EXIT.ok);
  assertEquals((await run([...launchArgs(), "--name", "a", "--allow-duplicate"])).code, EXIT.ok);
});

Deno.test("cli known values: a dry run's checks read their lists paced, so a rate-limited API answers them all", async () => {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock, rateLimit: {} });
  const run = cliRunner(emulator, { clock }, { fetch: emulator.fetch });
  await run(["ssh-keys", "add", "k", "--public-key", "ssh-ed25519 AAAA k"]);
  const dry = await run([...launchArgs(), "--dry-run"]);
  assertEquals(dry.code, EXIT.ok, dry.err);
  assertEquals(emulator.requests.filter((request) => request.status === 429).length, 0);
  assertEquals(emulator.instances().length, 0);
});

Deno.test("cli known values: a tag key no instance carries gets a warning with what was meant, not a bare (none)", async () => {
  const { run } = await withKey();
  await run([...launchArgs(), "--tag", "team=ml"]);
  const typo = await run(["instances", "list", "--tag", "tema=ml"]);
  assertEquals([typo.code, typo.out], [EXIT.ok, "(none)"]);
  assertEquals(typo.err, "warning: no instance listed has a tag 'tema'; did you mean 'team'?");
  const right = await run(["instances", "list", "--tag", "team=ml", "-q"]);
  assertEquals(right.err, "");
});
