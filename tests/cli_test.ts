// The command line, end to end against the emulator: output, JSON, dry runs, prompts, exit codes.

import { SocketClock } from "./_loopback.ts";
import { assert, assertEquals, assertMatch } from "@std/assert";
import { testEmulator } from "./_emulator.ts";
import { FakeClock } from "./_fakes.ts";
import { EXIT } from "../lib/cli/mod.ts";
import { cliRunner, launchArgs } from "./_cli.ts";
import type { LambdaEmulator } from "../lib/testing/mod.ts";

function cli(
  emulator: LambdaEmulator,
  setup: { terminal?: boolean; answer?: boolean; clock?: FakeClock } = {},
) {
  const files = new Map([["id.pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFile me@host\n"]]);
  return { run: cliRunner(emulator, { ...setup, files }), files };
}

const LAUNCH = launchArgs();

Deno.test("cli: help for everything, and usage errors exit 2", async () => {
  const { run } = cli(testEmulator());
  const overview = await run([]);
  assertEquals(overview.code, EXIT.ok);
  assertMatch(
    overview.out,
    /^lambda: .*\n\nUsage:\n {2}lambda <command> \[options\]\n\nCommands:\n/,
  );
  for (
    const name of [
      "instances launch",
      "capacity",
      "ssh-keys add",
      "firewall rulesets create",
      "audit",
      "tickets attachments initiate",
    ]
  ) {
    assertMatch(overview.out, new RegExp(`\\n  ${name} `));
  }
  assertMatch(overview.out, /\nExit codes:\n {2}0 done/);
  const group = await run(["firewall", "rulesets"]);
  assertEquals(group.code, EXIT.usage);
  assertMatch(group.out, /Usage:\n {2}lambda firewall rulesets <command>/);
  assert(!group.out.includes("instances list"));
  const help = await run(["instances", "launch", "--help"]);
  assertEquals(help.code, EXIT.ok);
  // One layout for every command: summary, then Usage, Options, Global options, Examples.
  assertMatch(
    help.out,
    /^Launch one instance.*\n\nUsage:\n {2}lambda instances launch \[options\]\n\nOptions:\n[\s\S]*\n\nGlobal options:\n[\s\S]*\n\nExamples:\n {2}lambda instances launch/,
  );
  assertMatch(help.out, / {6}--ssh-key NAME +the one SSH key to install \(required\)/);
  assertMatch(help.out, / {2}-w, --wait +wait for its IP/);
  assertMatch(help.out, /--dry-run/);
  const regionsHelp = (await run(["regions", "--help"])).out;
  assert(!regionsHelp.includes("--dry-run") && !regionsHelp.includes("--yes"));
  assertMatch(regionsHelp, /\nColumns:\n {2}REGION, DESCRIPTION/);

  const unknown = await run(["instances", "explode"]);
  assertEquals([unknown.code, unknown.err], [
    EXIT.usage,
    "error: unknown command 'instances explode'; the commands of 'instances' are list, get, launch, recover, rename, tag, restart, terminate, wait\nRun 'lambda --help' for usage.",
  ]);
  const badFlag = await run(["instances", "list", "--colour"]);
  assertEquals(badFlag.code, EXIT.usage);
  assertMatch(
    badFlag.err,
    /unknown option '--colour'\nRun 'lambda instances list --help' for usage\./,
  );
  assertEquals(
    (await run(["instance", "lst"])).err.split("\n")[0],
    "error: unknown command 'instance lst'; did you mean 'instances list'?",
  );
  assertEquals(
    (await run(["instances", "list", "--regoin", "x"])).err.split("\n")[0],
    "error: unknown option '--regoin'; did you mean '--region'?",
  );
  assertEquals((await run(["--version"])).out, "lambda 0.1.0 (@lambda-cloud/client)");
  assertEquals((await run(["instances", "get"])).code, EXIT.usage);
  assertEquals((await run(["regions", "--dry-run"])).code, EXIT.usage);
  assertEquals(
    (await run(["instances", "launch", "--type", "x"])).err.split("\n")[0],
    "error: option '--region' is required",
  );
});

Deno.test("cli: without an API key it says how to give one, and exits 3", async () => {
  const emulator = testEmulator();
  const { run } = cli(emulator);
  const result = await run(["regions"], { LAMBDA_API_KEY: "" });
  assertEquals(result.code, EXIT.auth);
  assertEquals(result.err.split("\n"), [
    "error: no API key: LAMBDA_API_KEY is not set",
    "  suggestion: create a key at https://cloud.lambda.ai/api-keys, then: export LAMBDA_API_KEY=<key>",
  ]);
  const unreadable = await cliRunner(emulator, { unreadable: ["LAMBDA_API_KEY"] })(["regions"]);
  assertEquals(unreadable.code, EXIT.auth);
  assertMatch(
    unreadable.err,
    /cannot read LAMBDA_API_KEY \(no permission\)\n.*--allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL/,
  );
  const wrong = await run(["regions"], { LAMBDA_API_KEY: "secret_wrong" });
  assertEquals(wrong.code, EXIT.auth);
  // Lambda's suggestion is in the message already: it is not said twice.
  assertMatch(
    wrong.err,
    /^error: Cannot list regions: invalid API key \(code 'global\/invalid-api-key'\): .*Check your API key.*\n {2}request id: [0-9a-f]{32}$/,
  );
  assertEquals(wrong.err.match(/Check your API key/g)?.length, 1);
});

Deno.test("cli: reads as tables and as JSON", async () => {
  const emulator = testEmulator();
  const { run } = cli(emulator);
  assertMatch((await run(["regions"])).out, /^REGION +DESCRIPTION\nus-west-1 +California, USA/);
  const types = await run(["types", "--available"]);
  assertMatch(
    types.out,
    /^TYPE +GPUS +PRICE +ARCH +CAPACITY IN\ngpu_1x_a10 +1 +\$0\.75\/h +x86_64 +us-west-1, us-south-1, us-east-1/,
  );
  assertMatch(
    (await run(["types", "--format", "type,capacity-in", "--no-header"])).out,
    /^gpu_1x_a10 +us-west-1/,
  );
  assert(!types.out.includes("gpu_4x_a6000"));
  const json = JSON.parse((await run(["regions", "--json"])).out);
  assertEquals(json.length, 12);
  assertMatch(
    (await run(["images", "--family", "ubuntu-24-04", "--region", "us-east-1"])).out,
    /ubuntu-24-04 +24\.04\.2 +x86_64 +us-east-1$/,
  );
  const capacity = await run(["capacity", "--gpu", "H100", "--max-price", "3"]);
  assertEquals(capacity.code, EXIT.ok);
  assertEquals(capacity.out.split("\n").length, 3);
  const none = await run(["capacity", "--gpu", "A6000", "--gpus", "4"]);
  assertEquals([none.code, none.out], [EXIT.noCapacity, "(none)"]);
  emulator.setCapacity("gpu_8x_b200_sxm6", "us-south-3", 0);
  emulator.faults.inject({
    kind: "server-error",
    operation: "listInstanceTypes",
    times: 1,
    skip: 1,
  });
  const waited = await run([
    "capacity",
    "--gpu",
    "B200",
    "--wait",
    "--interval",
    "10",
    "--timeout",
    "25",
  ]);
  assertEquals(waited.code, EXIT.noCapacity);
  assertMatch(waited.err, /Cannot wait for capacity: none matched in 25 s \(3 polls\)/);
  assertEquals(waited.progress.length, 3); // the failed check was retried by the client itself
});

Deno.test("cli: SSH keys are added, generated, saved, listed and deleted", async () => {
  const emulator = testEmulator();
  const { run, files } = cli(emulator);
  const uploaded = await run(["ssh-keys", "add", "laptop", "--public-key-file", "id.pub"]);
  assertMatch(uploaded.out, /^Added SSH key 'laptop' \([0-9a-f]{32}\)$/);
  const shown = await run(["ssh-keys", "add", "ci"]);
  assertMatch(shown.out, /shown this once.*\n-----BEGIN OPENSSH PRIVATE KEY-----/);
  const saved = await run(["ssh-keys", "add", "ci-2", "--save-private-key", "ci.pem"]);
  assertMatch(saved.out, /Saved its private key to ci\.pem/);
  assertMatch(files.get("ci.pem") ?? "", /^-----BEGIN OPENSSH PRIVATE KEY-----/);
  const list = await run(["ssh-keys", "list", "--json"]);
  const keys = JSON.parse(list.out) as { id: string; name: string }[];
  assertEquals(keys.map((key) => key.name), ["laptop", "ci", "ci-2"]);
  assertEquals(
    (await run(["ssh-keys", "delete", keys[0]!.id, "--yes"])).out,
    `Deleted SSH key ${keys[0]!.id}`,
  );
  const missing = await run(["ssh-keys", "delete", keys[0]!.id, "--yes"]);
  assertEquals(missing.code, EXIT.notFound);
  assertMatch(missing.err, /code 'global\/not-found'/);
  assertEquals(
    (await run(["ssh-keys", "delete", "ci", "-y"])).out,
    `Deleted SSH key ${keys[1]!.id}`,
  );
  const unknownName = await run(["ssh-keys", "delete", "c-2", "-y"]);
  assertEquals([unknownName.code, unknownName.err.split("\n")[0]], [
    EXIT.notFound,
    "error: no SSH key has the id or name 'c-2'; did you mean 'ci-2'?",
  ]);
});

Deno.test("cli: --dry-run prints the launch it would send, key redacted, and sends nothing", async () => {
  const emulator = testEmulator();
  const { run } = cli(emulator);
  await run(["ssh-keys", "add", "k"]);
  emulator.clearRequests();
  const result = await run([...LAUNCH, "--name", "dry", "--tag", "team=ml", "--dry-run"]);
  assertEquals(result.code, EXIT.ok);
  assertMatch(
    result.out,
    /^Dry run: nothing was changed\. The request would be:\nPOST https:\/\/cloud\.lambda\.ai\/api\/v1\/instance-operations\/launch\n/,
  );
  assertMatch(result.out, /\nauthorization: Bearer \[REDACTED\]\n/);
  assertMatch(result.out, /"name": "dry"/);
  assertMatch(result.out, /"key": "lambda-cloud-client:launch-token"/);
  assert(!result.out.includes(emulator.apiKey));
  // What it reads to check what the launch names is all that is sent.
  assertEquals(emulator.requests.filter((request) => request.method !== "GET"), []);
  emulator.clearRequests();
  const id = "0".repeat(32);
  const json = JSON.parse(
    (await run(["instances", "terminate", id, "--dry-run", "--json"])).out,
  );
  assertEquals([json.dry_run, json.method, json.body], [true, "POST", { instance_ids: [id] }]);
  // Even an id is looked up, in case it is another instance's name; the read is all that is sent.
  assertEquals(emulator.requests.map((request) => request.method), ["GET"]);
  // A name needs a read to become an id; the read is all that is sent.
  const named = await run([...LAUNCH, "--name", "web"]);
  assertEquals(named.code, EXIT.ok);
  emulator.clearRequests();
  const byName = await run(["instances", "terminate", "web", "--dry-run"]);
  assertMatch(byName.out, /"instance_ids": \[\n\s+"[0-9a-f]{32}"/);
  assertEquals(emulator.requests.map((request) => request.method), ["GET"]);
  assertEquals(emulator.instances()[0]!.status, "booting");
});

Deno.test("cli: asks before launching on a terminal; no means nothing is sent", async () => {
  const emulator = testEmulator();
  await cli(emulator).run(["ssh-keys", "add", "k"]);
  emulator.clearRequests();
  const declined = await cli(emulator, { terminal: true, answer: false }).run(LAUNCH);
  assertEquals(declined.code, EXIT.cancelled);
  assertEquals(declined.questions, [
    "Launch gpu_1x_a10 in us-east-1 at $0.75/h ($18.00 a day)? It bills by the minute until terminated.",
  ]);
  // What it names is checked (the types, which give the price and where there is capacity, and
  // the keys): reads only.
  assertEquals(emulator.requests.map((request) => request.operationId), [
    "listInstanceTypes",
    "listSSHKeys",
  ]);
  const soldOut = await cli(emulator, { terminal: true }).run([
    ...LAUNCH.slice(0, 4),
    "--region",
    "us-east-3",
    "--ssh-key",
    "k",
    "--name",
    "a",
  ]);
  assertMatch(
    soldOut.questions[0]!,
    /^Launch gpu_1x_a10 'a' in us-east-3 .* no capacity for it in us-east-3/,
  );
  const typo = await cli(emulator, { terminal: true }).run([
    "instances",
    "launch",
    "--type",
    "gpu_1x_a11",
    "--region",
    "r",
    "--ssh-key",
    "k",
  ]);
  assertEquals(
    typo.err.split("\n")[0],
    "error: there is no instance type 'gpu_1x_a11'; did you mean 'gpu_1x_a10'? ('lambda types' lists them)",
  );
  emulator.clearRequests();
  const yes = await cli(emulator, { terminal: true, answer: false }).run([...LAUNCH, "--yes"]);
  assertEquals([yes.code, yes.questions.length], [EXIT.ok, 0]);
  const accepted = await cli(emulator, { terminal: true, answer: true }).run(LAUNCH);
  assertEquals(accepted.code, EXIT.ok);
  assertEquals(emulator.instances().length, 2);
  // Off a terminal a launch goes ahead, as scripts expect; nobody is asked.
  const scripted = await cli(emulator).run([...LAUNCH, "-q"]);
  assertEquals([scripted.code, scripted.out, scripted.questions], [
    EXIT.ok,
    emulator.instances()[2]!.id,
    [],
  ]);
});

Deno.test("cli: the instance lifecycle, with --wait and progress, then errors with their codes", async () => {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock, timing: { bootMs: 60_000 } });
  const { run } = cli(emulator, { clock });
  await run(["ssh-keys", "add", "k"]);
  const launched = await run([...LAUNCH, "--name", "one", "--tag", "team=ml", "--wait"]);
  assertEquals(launched.code, EXIT.ok, launched.err);
  assertMatch(launched.out, /^Launched [0-9a-f]{32}: active at 192\.222\.\d+\.\d+\n/);
  assertEquals(launched.progress.at(-1)?.endsWith("active after 60 s"), true);
  const id = emulator.instances()[0]!.id;

  assertMatch(
    (await run(["instances", "list"])).out,
    new RegExp(
      `^ID +NAME +STATUS +TYPE +REGION +IP +PRICE +UPTIME\\n${id} +one +active +gpu_1x_a10 +us-east-1 +192\\.222\\.\\d+\\.\\d+ +\\$0\\.75/h +1m\\n\\n1 billed instance\\(s\\): \\$0\\.75/h in all, \\$18\\.00 a day\\.`,
    ),
  );
  const got = (await run(["instances", "get", "one"])).out;
  assertMatch(got, /tags: +team=ml$/); // the launch-token tag is the client's own: not shown
  assert(!got.includes("launch-token"));
  assertEquals((await run(["instances", "rename", "one", "two"])).out, `Renamed ${id} to 'two'`);
  assertEquals(
    (await run(["instances", "tag", "two", "team=ml", "env=dev"])).out,
    `Tags of ${id}: team=ml, env=dev`,
  );
  // Removing a tag asks; off a terminal it needs --yes. The launch-token tag is kept either way.
  const refused = await run(["instances", "tag", id, "team=ml"]);
  assertEquals(refused.code, EXIT.usage);
  assertMatch(refused.err, /no terminal to ask on: nothing was changed\n {2}suggestion: add --yes/);
  assertEquals(
    (await run(["instances", "tag", id, "team=ml", "--yes"])).out,
    `Tags of ${id}: team=ml`,
  );
  assert(
    emulator.instances()[0]!.tags?.some((tag) => tag.key === "lambda-cloud-client:launch-token"),
  );
  assertEquals((await run(["instances", "tag", id, "nope"])).code, EXIT.usage);
  assertEquals((await run(["instances", "restart", id])).code, EXIT.usage); // asks first
  assertMatch((await run(["instances", "restart", id, "--yes"])).out, /booting/);
  const conflict = await run(["instances", "restart", id, "--yes"]);
  assertEquals(conflict.code, EXIT.failed);
  assertMatch(
    conflict.err,
    /\(code 'global\/conflict'\): .* Wait until the instance is active, then try again\n {2}request id: /,
  );
  const waited = await run(["instances", "wait", id, "--until", "ip"]);
  assertMatch(waited.out, new RegExp(`^${id} is active at 192`));
  const terminated = await run(["instances", "terminate", "two", "--wait", "--yes", "-q"]);
  assertEquals([terminated.code, terminated.out], [EXIT.ok, id]);
  assertMatch(terminated.progress.at(-1) ?? "", /terminated after 30 s$/);

  const missing = await run(["instances", "get", "0".repeat(32)]);
  assertEquals(missing.code, EXIT.notFound);
  assertMatch(
    missing.err,
    /\(code 'global\/object-does-not-exist'\): .*Check the instance ID and try again\n {2}request id: [0-9a-f]{32}$/,
  );
  emulator.setCapacity("gpu_1x_a10", "us-east-1", 0);
  assertEquals((await run(LAUNCH)).code, EXIT.noCapacity);
  assertEquals((await run([...LAUNCH, "--hostname", "Bad_Host"])).code, EXIT.usage);
  assertEquals((await run(["instances", "wait", id, "--until", "gone"])).code, EXIT.usage);
  emulator.faults.inject({ kind: "rate-limit", retryAfterSeconds: 600 });
  assertEquals((await run(["regions"])).code, EXIT.rateLimited);
  emulator.faults.inject({ kind: "drop", times: 3 });
  assertEquals((await run(["regions"])).code, EXIT.unavailable);
  const [other] = (JSON.parse(
    (await run([...launchArgs("gpu_1x_a10", "us-west-1"), "--json"])).out,
  )).instance_ids;
  emulator.setInstanceStatus(other, "unhealthy");
  assertEquals((await run(["instances", "wait", other])).code, EXIT.waitFailed);
});

Deno.test("cli: filesystems, firewall, audit and tickets", async () => {
  const emulator = testEmulator();
  const { run } = cli(emulator);
  const fs = await run(["filesystems", "create", "data", "--region", "us-east-1", "--json"]);
  const fsId = JSON.parse(fs.out).id;
  assertMatch((await run(["filesystems", "list"])).out, /data +us-east-1 +no +\/lambda\/nfs\/data/);
  assertEquals((await run(["filesystems", "delete", fsId])).code, EXIT.usage); // no --yes
  assertEquals(
    (await run(["filesystems", "delete", "data", "-y"])).out,
    `Deleted filesystem ${fsId}`,
  );

  const rules = await run([
    "firewall",
    "rules",
    "set",
    "--rule",
    "tcp:22:0.0.0.0/0:SSH",
    "--rule",
    "tcp:8000-8100:10.0.0.0/8:a:b",
    "--rule",
    "icmp::0.0.0.0/0",
  ]);
  assertEquals(rules.code, EXIT.ok); // nothing was there to remove: nothing to ask
  assertEquals(rules.out.split("\n"), [
    "PROTOCOL  PORTS      SOURCE      DESCRIPTION",
    "tcp       22         0.0.0.0/0   SSH",
    "tcp       8000-8100  10.0.0.0/8  a:b",
    "icmp      all        0.0.0.0/0",
  ]);
  assertEquals(
    (await run(["firewall", "rules", "list", "--json"])).out.includes('"port_range"'),
    true,
  );
  assertEquals(
    (await run(["firewall", "rules", "set", "--rule", "tcp:99999:0.0.0.0/0"])).code,
    EXIT.usage,
  );
  assertEquals((await run(["firewall", "rules", "set", "--rule", "tcp"])).code, EXIT.usage);
  // A bare address is stored as its /32: setting the same rules again removes nothing, so a script
  // may repeat it without --yes.
  const again = ["firewall", "rules", "set", "--rule", "tcp:443:1.2.3.4:web"];
  assertEquals((await run([...again, "--yes"])).code, EXIT.ok);
  assertEquals((await run(again)).code, EXIT.ok);
  assertEquals(
    (await run(["firewall", "rules", "set", "--rule", "tcp:443:1.2.3.5"])).code,
    EXIT.usage,
  );
  const created = await run([
    "firewall",
    "rulesets",
    "create",
    "web",
    "--region",
    "us-east-1",
    "--rule",
    "tcp:443:0.0.0.0/0:HTTPS",
    "--json",
  ]);
  const rulesetId = JSON.parse(created.out).id;
  assertMatch((await run(["firewall", "rulesets", "list"])).out, /web +us-east-1 +1 +0/);
  assertMatch(
    (await run(["firewall", "rulesets", "update", "web", "--name", "web-2"])).out,
    /'web-2'/,
  );
  const narrowing = ["firewall", "rulesets", "update", "web-2", "--rule", "tcp:80:0.0.0.0/0"];
  const dropping = await run(narrowing);
  assertEquals(dropping.code, EXIT.usage); // would remove tcp 443: needs --yes off a terminal
  const asked = await cliRunner(emulator, { terminal: true, answer: false })(narrowing);
  assertEquals(asked.questions, [
    "This removes 1 rule(s) from the ruleset: tcp 443 from 0.0.0.0/0. Go ahead?",
  ]);
  assertEquals((await run(["firewall", "rulesets", "update", rulesetId])).code, EXIT.usage);
  assertMatch(
    (await run(["firewall", "rulesets", "get", rulesetId])).out,
    /name: +web-2[\s\S]*tcp +443/,
  );
  assertEquals((await run(["firewall", "rulesets", "delete", rulesetId, "--yes"])).code, EXIT.ok);
  assertMatch(
    (await run(["firewall", "global", "set", "--rule", "tcp:22:0.0.0.0/0:SSH"])).out,
    /tcp +22/,
  );
  assertMatch((await run(["firewall", "global", "get"])).out, /SSH$/);
  // No rule given removes every global rule: it asks, and off a terminal it refuses without --yes.
  const wipe = await run(["firewall", "global", "set"]);
  assertEquals(wipe.code, EXIT.usage);
  assertMatch(wipe.err, /--yes/);
  assertMatch((await run(["firewall", "global", "get"])).out, /SSH$/);

  // The affected instance by name, as wherever ids are taken: the ticket gets its id.
  await run(["ssh-keys", "add", "k", "--public-key", "ssh-ed25519 AAAA k"]);
  await run([...launchArgs(), "--name", "slow-box"]);
  const ticket = await run([
    "tickets",
    "create",
    "--subject",
    "Slow GPU",
    "--description",
    "HW slowdown",
    "--type",
    "incident",
    "--severity",
    "sev_2",
    "--priority",
    "high",
    "--instance-id",
    "slow-box",
  ]);
  const ticketId = /Opened ticket ([0-9a-f]{32})/.exec(ticket.out)![1]!;
  const sent = emulator.requests.find((request) => request.operationId === "createTicket");
  assertEquals((sent?.body as { instance_id?: string }).instance_id, emulator.instances()[0]!.id);
  assertEquals(
    (await run([
      "tickets",
      "create",
      "--subject",
      "s",
      "--description",
      "d",
      "--type",
      "incident",
      "--instance-id",
      "nosuch",
    ]))
      .code,
    EXIT.notFound,
  );
  assertEquals(
    (await run(["tickets", "create", "--subject", "s", "--description", "d", "--type", "incident"]))
      .code,
    EXIT.usage,
  );
  await run([
    "tickets",
    "update",
    ticketId,
    "--comment",
    "Still slow",
    "--solved",
    "--severity",
    "sev_3",
    "--priority",
    "low",
  ]);
  assertEquals((await run(["tickets", "update", ticketId])).code, EXIT.usage);
  assertMatch((await run(["tickets", "get", ticketId])).out, /status: +solved[\s\S]*Still slow/);
  assertMatch(
    (await run(["tickets", "list", "--status", "solved", "--type", "incident"])).out,
    /solved +incident +sev_3 +Slow GPU/,
  );
  const upload = await run([
    "tickets",
    "attachments",
    "initiate",
    ticketId,
    "--filename",
    "a.log",
    "--content-type",
    "text/plain",
    "--size",
    "12",
  ]);
  const attachmentId = /attachment: +([0-9a-f]{32})/.exec(upload.out)![1]!;
  assertEquals(
    (await run([
      "tickets",
      "attachments",
      "initiate",
      ticketId,
      "--filename",
      "a",
      "--content-type",
      "text/plain",
    ])).code,
    EXIT.usage,
  );
  assertEquals(
    (await run(["tickets", "attachments", "complete", ticketId, attachmentId])).out,
    "a.log: uploaded",
  );
  assertMatch(
    (await run(["tickets", "attachments", "list", ticketId])).out,
    /a\.log +12 +uploaded/,
  );
  assertMatch(
    (await run(["tickets", "attachments", "download-url", ticketId, attachmentId])).out,
    /^https:\/\/.*a\.log/,
  );
  assertEquals(
    (await run(["tickets", "attachments", "delete", ticketId, attachmentId, "--yes"])).code,
    EXIT.ok,
  );
});

Deno.test("cli: --base-url and LAMBDA_BASE_URL reach an emulator over a socket", async () => {
  const emulator = testEmulator();
  await using server = await emulator.serve();
  const run = cliRunner(emulator, {
    env: { LAMBDA_BASE_URL: "http://127.0.0.1:1/api/v1" },
    clock: new SocketClock(),
  }, { rateLimit: false });
  const reached = await run(["regions", "--base-url", server.url]);
  assertEquals(reached.code, EXIT.ok);
  assertMatch(reached.out, /us-west-1/);
  assertEquals((await run(["regions", "--base-url="])).code, EXIT.usage);
  assertEquals((await run(["regions"])).code, EXIT.unavailable); // LAMBDA_BASE_URL: nobody there
});
