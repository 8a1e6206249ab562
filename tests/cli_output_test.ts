// The command line's output for people and scripts: columns, ids only, filters, money, the audit
// trail, and shell completions; names with their control characters escaped (JSON exact), and
// under --json every line JSON, the version and usage errors included.

import { assert, assertEquals, assertMatch } from "@std/assert";
import { testEmulator } from "./_emulator.ts";
import { FakeClock } from "./_fakes.ts";
import { cliRunner, launchArgs, launched } from "./_cli.ts";
import { EXIT } from "../lib/cli/mod.ts";
import { VERSION } from "../lib/version.ts";
import { completionScript, completionTable } from "../lib/cli/_completions.ts";
import { COMMANDS } from "../lib/cli/_registry.ts";

const HOUR = 3_600_000;

/** Three instances launched an hour apart on a virtual clock: a10 (2 h ago), a6000 (1 h), h100. */
async function fleet() {
  const clock = new FakeClock();
  clock.time = Date.parse("2026-03-01T09:00:00Z");
  const emulator = testEmulator({ clock, timing: { bootMs: 60_000 } });
  const run = cliRunner(emulator, { clock });
  await run(["ssh-keys", "add", "k"]);
  const launch = async (type: string, region: string, name: string, ...tags: string[]) => {
    const result = await run([
      ...launchArgs(type, region),
      "--name",
      name,
      ...tags.flatMap((t) => ["--tag", t]),
    ]);
    assertEquals(result.code, EXIT.ok, result.err);
    clock.time += HOUR;
  };
  await launch("gpu_1x_a10", "us-east-1", "a", "team=ml");
  await launch("gpu_1x_a6000", "us-west-1", "b", "team=web");
  await launch("gpu_1x_h100_pcie", "us-south-1", "c", "team=ml");
  const ids = emulator.instances().map((instance) => instance.id);
  return { clock, emulator, run, ids };
}

Deno.test("cli output: instances list shows price and uptime, the burn rate, and filters", async () => {
  const { run, ids } = await fleet();
  const list = await run(["instances", "list"]);
  assertEquals(list.out.split("\n").map((line) => line.replace(/ +/g, " ")), [
    "ID NAME STATUS TYPE REGION IP PRICE UPTIME",
    ...[["a", "gpu_1x_a10", "us-east-1", "$0.75/h", "3h 00m"], [
      "b",
      "gpu_1x_a6000",
      "us-west-1",
      "$0.80/h",
      "2h 00m",
    ], ["c", "gpu_1x_h100_pcie", "us-south-1", "$2.49/h", "1h 00m"]].map((
      [name, type, region, price, uptime],
      index,
    ) =>
      `${ids[index]} ${name} active ${type} ${region} ${
        /192\.222\.\d+\.\d+/.exec(list.out.split("\n")[index + 1]!)![0]
      } ${price} ${uptime}`
    ),
    "",
    "3 billed instance(s): $4.04/h in all, $96.96 a day. 'lambda costs' adds up what they have cost.",
  ]);
  assertEquals(
    (await run(["instances", "list", "-q", "--tag", "team=ml"])).out,
    `${ids[0]}\n${ids[2]}`,
  );
  assertEquals(
    (await run([
      "instances",
      "list",
      "--format",
      "name,private-ip",
      "--no-header",
      "--region",
      "us-west-1",
    ]))
      .out,
    `b  ${/10\.\d+\.\d+\.\d+/.exec((await run(["instances", "get", "b"])).out)![0]}`,
  );
  assertEquals(
    (await run(["instances", "list", "--status", "booting,terminated", "--type", "gpu_1x_a10"]))
      .out,
    "(none)",
  );
  assertEquals(
    (await run(["instances", "list", "--status", "active", "--no-header", "-q"])).out.split("\n")
      .length,
    3,
  );
  const json = JSON.parse((await run(["instances", "list", "--json", "--type", "gpu_1x_a10"])).out);
  assertEquals(json.map((instance: { id: string }) => instance.id), [ids[0]]);
});

Deno.test("cli output: lambda costs adds up what each instance has cost since launch", async () => {
  const { run, ids, clock } = await fleet();
  await run(["instances", "terminate", "b", "--yes"]);
  clock.time += HOUR;
  const costs = await run(["costs"]);
  assertEquals(costs.code, EXIT.ok, costs.err);
  assertEquals(costs.out.split("\n").map((line) => line.replace(/ +/g, " ")), [
    "ID NAME TYPE STATUS PRICE UPTIME COST",
    `${ids[0]} a gpu_1x_a10 active $0.75/h 4h 00m $3.00`,
    `${ids[2]} c gpu_1x_h100_pcie active $2.49/h 2h 00m $4.98`,
    "",
    "Now: $3.24/h ($77.76 a day) for 2 instance(s).",
    "Since launch: $7.98. Estimated from list prices, by the minute.",
  ]);
  const json = JSON.parse((await run(["costs", "--json"])).out);
  assertEquals([json.cents_per_hour, json.cents_since_launch], [324, 798]);
  assertEquals(json.instances[0].launched_at, "2026-03-01T09:00:00.000Z");
});

Deno.test("cli output: uptime and cost come from the launch journal, with no request for them", async () => {
  const { clock, emulator, run, ids } = await fleet();
  emulator.clearRequests();
  for (const argv of [["instances", "list"], ["instances", "list", "-q"], ["costs"]]) {
    assertEquals((await run(argv)).code, EXIT.ok);
  }
  // One listing each, whatever the account's history: the audit trail is not read.
  assertEquals(emulator.requests.map((request) => request.operationId), [
    "listInstances",
    "listInstances",
    "listInstances",
  ]);
  // Launched from elsewhere (another machine, the console): no uptime, and a pointer to the trail.
  const elsewhere = cliRunner(emulator, { clock });
  const list = await elsewhere(["instances", "list"]);
  assertMatch(list.out.split("\n")[1]!, new RegExp(`^${ids[0]} +a +active .* \\$0\\.75/h$`));
  assertMatch(
    list.out,
    /\nNo uptime for 3: launched from elsewhere \(not in this machine's launch journal; --audit-trail finds them\)\.$/,
  );
  assertMatch(
    (await elsewhere(["costs"])).out,
    /Since launch: \$0\.00, plus 3 instance\(s\) launched from elsewhere \(not in this machine's launch journal; --audit-trail finds them\)\./,
  );
});

Deno.test("cli output: --audit-trail finds launches from elsewhere in the trail, with progress, and says what it could not", async () => {
  const { clock, emulator, run, ids } = await fleet();
  clock.time += 31 * 86_400_000;
  await run(launchArgs("gpu_1x_a10", "us-west-1"));
  clock.time += HOUR;
  const elsewhere = cliRunner(emulator, { clock });
  const costs = await elsewhere(["costs", "--audit-trail"]);
  const rows = costs.out.split("\n").slice(1, 5).map((line) => line.replace(/ +/g, " "));
  assertEquals(rows.map((row) => row.endsWith(" ? ?")), [true, true, true, false]);
  assertMatch(rows[3]!, / 1h 00m \$0\.75$/);
  assertMatch(
    costs.out,
    /Since launch: \$0\.75, plus 3 instance\(s\) launched before the last 30 days of the audit trail\./,
  );
  assertEquals(costs.progress, [
    "Reading the audit trail for 4 launch time(s): page 1 (at most 120)",
  ]);
  // It stops as soon as every instance has its launch.
  emulator.clearRequests();
  const list = await elsewhere(["instances", "list", "--audit-trail", "--status", "active"]);
  assertMatch(list.out, new RegExp(`\n${ids[0]} +a +active .* \\$0\\.75/h$`, "m"));
  // The trail cannot be read: prices still show, and it says why.
  emulator.faults.inject({ kind: "server-error", operation: "getAuditEvents" });
  const failed = await elsewhere(["instances", "list", "--audit-trail", "--fail-fast"]);
  assertEquals(failed.code, EXIT.ok);
  assertMatch(failed.out, /\$0\.75\/h\n/);
  assertMatch(
    failed.err,
    /^Launch times unknown: the audit trail could not be read \(Cannot list audit events/,
  );
  // Where no uptime is shown, it is a mistake.
  const quiet = await elsewhere(["instances", "list", "--audit-trail", "-q"]);
  assertEquals(quiet.code, EXIT.usage);
});

Deno.test("cli output: --audit-trail reads no further than it must, and at most 120 pages", async () => {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock, pageSize: 1 }); // a page per event
  const run = cliRunner(emulator, { clock });
  await run(["ssh-keys", "add", "k"]);
  const [first] = await launched(run, "first");
  for (let rename = 0; rename < 125; rename++) {
    assertEquals((await run(["instances", "rename", first!, `first-${rename}`])).code, EXIT.ok);
  }
  const elsewhere = cliRunner(emulator, { clock });
  // The launch is the first event: one page.
  assertEquals((await elsewhere(["costs", "--audit-trail"])).progress.length, 1);
  // A launch after 125 other events is past the bound: said, not waited for.
  await launched(run, "last");
  const cut = await elsewhere(["costs", "--audit-trail"]);
  assertEquals(
    cut.progress.at(-1),
    "Reading the audit trail for 1 launch time(s): page 120 (at most 120)",
  );
  assertEquals(
    cut.err,
    "The audit trail was read for 120 pages, not to its end: the launch of 1 instance(s) may be in the rest",
  );
});

Deno.test("cli output: costs and the burn rate count only what bills: not terminating instances", async () => {
  const { run } = await fleet();
  const terminated = await run(["instances", "terminate", "a", "b", "c", "--yes", "--json"]);
  assertEquals(
    JSON.parse(terminated.out).map((instance: { status: string }) => instance.status),
    ["terminating", "terminating", "terminating"],
  );
  const costs = await run(["costs"]);
  assertMatch(costs.out, /^Now: \$0\.00\/h \(\$0\.00 a day\) for 0 instance\(s\)\.$/m);
  assertMatch(
    (await run(["instances", "list"])).out,
    /^0 billed instance\(s\): \$0\.00\/h in all, \$0\.00 a day\./m,
  );
  assertMatch(
    (await run(["costs", "--help"])).out,
    /\(those booting, active or unhealthy: Lambda bills until terminating\)/,
  );
});

Deno.test("cli output: audit is newest first, in a window, short names, and says when it cut", async () => {
  const { run, clock, ids } = await fleet();
  const audit = await run(["audit", "--limit", "2"]);
  assertEquals(audit.out.split("\n").map((line) => line.replace(/ +/g, " ")), [
    "TIME ACTION RESOURCE ACTOR",
    `2026-03-01T11:00:00.000Z instance.launched instance/${ids[2]} you@example.com`,
    `2026-03-01T10:00:00.000Z instance.launched instance/${ids[1]} you@example.com`,
  ]);
  assertEquals(
    audit.err,
    "Showing the newest 2 of 4 events since 2026-02-28T12:00:00.000Z (the last 24h; --since for more); raise --limit to see more",
  );
  const json = JSON.parse((await run(["audit", "--json", "-L", "1"])).out);
  assertMatch(json[0].resource_lrns[0], /^lrn:cloud:instance:[0-9a-f]{32}$/);
  const window = await run(["audit", "--since", "2026-03-01T09:30:00Z", "--until", "90m"]);
  assertEquals(window.out.split("\n").length, 2); // the header and the launch at 10:00
  assertEquals(window.err, "");
  clock.time += 48 * HOUR;
  assertEquals(
    (await run(["audit"])).err,
    `No events since 2026-03-02T12:00:00.000Z (the last 24h; --since for more)`,
  );
  const keyEvents = ["audit", "--since", "7d", "--resource-type", "cloud.ssh_key"];
  const [event] = JSON.parse((await run([...keyEvents, "--json"])).out);
  assertEquals(event.event_time, "2026-03-01T09:00:00.000Z");
  // A window that ends before it starts, or a limit of nothing, is a mistake; so is a number that
  // is not plain digits. The window said includes its end.
  for (
    const argv of [
      ["audit", "--since", "1d", "--until", "2d"],
      ["audit", "--limit", "0"],
      ["audit", "--limit", "1e2"],
      ["audit", "--limit", "0x10"],
      ["audit", "--limit", " 5"],
    ]
  ) {
    assertEquals((await run(argv)).code, EXIT.usage, argv.join(" "));
  }
  assertMatch(
    (await run(["audit", "--since", "3h", "--until", "2h"])).err,
    /^No events since 2026-03-\d\dT\d\d:00:00\.000Z until 2026-03-\d\dT\d\d:00:00\.000Z$/,
  );
});

Deno.test("cli output: completions cover every command and its options, in three shells", async () => {
  const table = new Map(completionTable(COMMANDS).map((entry) => [entry.patterns[0], entry.words]));
  assertEquals(table.get("")?.includes("instances"), true);
  assertEquals(table.get("firewall rulesets")?.sort(), [
    "add-rule",
    "create",
    "delete",
    "get",
    "list",
    "remove-rule",
    "update",
  ]);
  assert(table.get("instances launch")?.includes("--ssh-key"));
  assert(table.get("instances launch")?.includes("--dry-run"));
  assert(!table.get("regions")?.includes("--dry-run"));
  const run = cliRunner(testEmulator());
  for (const shell of ["bash", "zsh", "fish"]) {
    const script = await run(["completions", shell], { LAMBDA_API_KEY: "" }); // no key needed
    assertEquals(script.code, EXIT.ok);
    assertEquals(script.out, completionScript(shell, COMMANDS));
    assertMatch(script.out, /instances launch/);
  }
  assertEquals((await run(["completions", "powershell"])).code, EXIT.usage);
});

Deno.test("cli output: a name two things share is an error that lists their ids", async () => {
  const { run, ids } = await fleet();
  await run(["instances", "rename", ids[1]!, "a", "--allow-duplicate"]);
  for (const argv of [["instances", "get", "a"], ["instances", "terminate", "a", "--yes"]]) {
    const result = await run(argv);
    assertEquals([result.code, result.err.split("\n")[0]], [
      EXIT.usage,
      `error: the name 'a' is shared by 2 instances (${ids[0]}, ${ids[1]}): give the id instead`,
    ]);
  }
  assertEquals((await run(["instances", "get", ids[0]!, "-q"])).out, ids[0]);
});

Deno.test("cli output: tickets list says when --limit cut it", async () => {
  const run = cliRunner(testEmulator());
  for (const subject of ["one", "two"]) {
    await run([
      "tickets",
      "create",
      "--subject",
      subject,
      "--description",
      "d",
      "--type",
      "service_request",
    ]);
  }
  const cut = await run(["tickets", "list", "-L", "1", "--format", "subject"]);
  assertEquals(cut.out.split("\n").length, 2);
  assertEquals(cut.err, "Showing the first 1 tickets; there are more (raise --limit)");
  assertEquals((await run(["tickets", "list", "-q"])).err, "");
});

Deno.test("cli output: a server's long or hostile error text is quoted cut short, in linear time", async () => {
  const emulator = testEmulator();
  const run = cliRunner(emulator);
  // 200,000 dots that do not end the text: a pattern that backtracks took minutes on this.
  const suggestion = `${".".repeat(200_000)}x`;
  emulator.override("listRegions", () =>
    Response.json({
      error: { code: "global/invalid-parameters", message: "m".repeat(50_000), suggestion },
    }, { status: 400 }));
  const result = await run(["regions"]);
  assertEquals(result.code, EXIT.failed);
  const lines = result.err.split("\n");
  assert(lines.every((line) => line.length < 2500), lines.map((line) => line.length).join());
  assertMatch(lines[0]!, /^error: Cannot list regions: .*m{1000}…\. \.{1000}…$/);
});

Deno.test("cli output: names are shown with their control characters escaped; JSON stays exact", async () => {
  const emulator = testEmulator();
  const run = cliRunner(emulator);
  await run(["ssh-keys", "add", "k"]);
  const osc52 = "\x1b]52;c;bHMgLWxh\x07";
  const fake = `x\n${"f".repeat(32)}  scratch  active`;
  const [a, b] = await launched(run, osc52, fake);
  await run(["instances", "rename", b!, `${fake}\u202e\x9b`]);
  const list = await run(["instances", "list", "--format", "ID,NAME,STATUS"]);
  // Escaped before the columns are measured: they stay aligned.
  const names = ["\\x1b]52;c;bHMgLWxh\\x07", `x\\n${"f".repeat(32)}  scratch  active\\u202e\\x9b`];
  const width = Math.max(...names.map((name) => name.length));
  assertEquals(list.out.split("\n"), [
    `${"ID".padEnd(32)}  ${"NAME".padEnd(width)}  STATUS`,
    `${a}  ${names[0]!.padEnd(width)}  booting`,
    `${b}  ${names[1]!.padEnd(width)}  booting`,
  ]);
  const asked = await cliRunner(emulator, { terminal: true })(["instances", "terminate", a!]);
  assertEquals(asked.questions, [
    `Terminate '\\x1b]52;c;bHMgLWxh\\x07' ${a} (gpu_1x_a10, $0.75/h)? Its local disk is lost for good.`,
  ]);
  const json = JSON.parse((await run(["instances", "list", "--json"])).out);
  assertEquals(json.map((instance: { name: string }) => instance.name), [
    osc52,
    `${fake}\u202e\x9b`,
  ]);
  // Errors that quote a name escape it too.
  const missing = await run(["instances", "get", "no\x1b[2Jsuch"]);
  assertMatch(missing.err, /^error: no instance has the id or name 'no\\x1b\[2Jsuch'/);
});

Deno.test("cli output: under --json every line on stderr is JSON, rate-limit waits included", async () => {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock });
  const run = cliRunner(emulator, { clock });
  emulator.faults.inject({
    kind: "rate-limit",
    operation: "listRegions",
    times: 2,
    retryAfterSeconds: 5,
  });
  const result = await run(["regions", "--json"]);
  assertEquals(result.code, EXIT.ok);
  JSON.parse(result.out);
  const lines = result.err.split("\n").map((line) => JSON.parse(line));
  assertEquals(lines.length, 2);
  for (const line of lines) {
    assertMatch(line.progress, /^Rate limited by the API: trying again in \d+\.\d s/);
  }
  assertEquals(result.progress, []); // not a line rewritten in place
});

Deno.test("cli output: under --json, the version is JSON and a group named alone is a JSON usage error", async () => {
  const run = cliRunner(testEmulator());
  const version = await run(["--version", "--json"]);
  assertEquals([version.code, JSON.parse(version.out)], [EXIT.ok, {
    program: "lambda",
    version: VERSION,
    package: "@lambda-cloud/client",
  }]);
  assertEquals((await run(["--version"])).out, `lambda ${VERSION} (@lambda-cloud/client)`);
  const group = await run(["instances", "--json"]);
  assertEquals([group.code, group.out], [EXIT.usage, ""]);
  const { error } = JSON.parse(group.err);
  assertEquals(error, {
    code: "cli/usage",
    message:
      "'lambda instances' needs a command: list, get, launch, recover, rename, tag, restart, terminate, wait",
    suggestion: "Run 'lambda --help' for usage",
    request_id: null,
    exit_code: EXIT.usage,
  });
  // Help is text on stdout, as asked for, --json or not.
  const help = await run(["instances", "--help", "--json"]);
  assertEquals(help.code, EXIT.ok);
  assertMatch(help.out, /^lambda instances: 9 commands/);
});
