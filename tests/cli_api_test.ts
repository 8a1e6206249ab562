// `lambda api`: any operation by its operationId, from the same table as the client. Its answer is
// valid JSON even in text (control characters as JSON escapes), and a body is checked against the
// operation's fields, at any depth, before anything is sent, but otherwise sent as given.

import { assert, assertEquals, assertMatch } from "@std/assert";
import { testEmulator } from "./_emulator.ts";
import { EXIT } from "../lib/cli/mod.ts";
import { cliRunner, launchArgs, withKey } from "./_cli.ts";
import { FakeClock } from "./_fakes.ts";
import { LAUNCH_TOKEN_KEY } from "../mod.ts";
import { OPERATIONS } from "../lib/spec/operations.ts";

Deno.test("cli api: lists every operation, and calls one with path, query and body", async () => {
  const emulator = testEmulator();
  const run = cliRunner(emulator, { terminal: true, answer: true });
  const listing = await run(["api", "--json"]);
  assertEquals(listing.code, EXIT.ok);
  const operations = JSON.parse(listing.out) as { OPERATION: string; METHOD: string }[];
  assertEquals(operations.length, Object.keys(OPERATIONS).length);
  assert(operations.some((row) => row.OPERATION === "getInstance" && row.METHOD === "GET"));

  const added = await run(["api", "addSSHKey", "--body", '{"name": "laptop"}']);
  assertEquals(added.code, EXIT.ok);
  const key = JSON.parse(added.out) as { id: string; private_key: string };
  assertMatch(key.private_key, /PRIVATE KEY/);
  const page = await run(["api", "getAuditEvents", "--query", "resource_type=cloud.ssh_key"]);
  assertEquals(JSON.parse(page.out).data.length, 1);
  const deleted = await run(["api", "deleteSSHKey", "--path", `id=${key.id}`]);
  assertEquals([deleted.code, deleted.questions.length], [EXIT.ok, 1]);
  assertEquals(deleted.questions, [`Send DELETE /ssh-keys/${key.id} (deleteSSHKey)?`]);
  assertEquals(
    emulator.requests.filter((request) => request.operationId === "deleteSSHKey").length,
    1,
  );
});

Deno.test("cli api: mistakes are usage errors, and nothing is sent", async () => {
  const emulator = testEmulator();
  const run = cliRunner(emulator);
  const cases: [string[], RegExp][] = [
    [["api", "getInstanse"], /not an operation of Lambda's API.*did you mean 'getInstance'/i],
    [["api", "getInstance"], /getInstance needs --path id=/],
    [["api", "getInstance", "--path", "ticket_id=1"], /no path parameter 'ticket_id'/],
    [["api", "listRegions", "--query", "x=1"], /no query parameter 'x'/],
    [["api", "listRegions", "--body", "{}"], /listRegions takes no body/],
    [
      ["api", "addSSHKey", "--body", "{name"],
      /'--body' must be JSON \(not from character 2 of 5\)\n/,
    ],
    // Never quoted: a body may hold a key or user data.
    [
      ["api", "addSSHKey", "--body", "secret_body"],
      /'--body' must be JSON \(11 characters that are not\)\n/,
    ],
    [["api", "getInstance", "--path", "id"], /takes name=value/],
  ];
  for (const [argv, message] of cases) {
    const run1 = await run(argv);
    assertEquals(run1.code, EXIT.usage, argv.join(" "));
    assertMatch(run1.err, message);
  }
  // Off a terminal, a destructive call is refused without --yes.
  const refused = await run(["api", "terminateInstance", "--body", '{"instance_ids": ["x"]}']);
  assertMatch(refused.err, /--yes/);
  assertEquals(emulator.requests.length, 0);
});

Deno.test("cli api: one body only, from a file that can be read, and that holds JSON", async () => {
  const emulator = testEmulator();
  const files = new Map([["other.json", '{"name": "from-file"}'], ["bad.json", "{name:"]]);
  const run = cliRunner(emulator, { files });
  const cases: [string[], string][] = [
    [
      ["api", "addSSHKey", "--body", '{"name": "from-body"}', "--body-file", "other.json"],
      "error: give '--body' or '--body-file', not both",
    ],
    [
      ["api", "addSSHKey", "--body-file", "missing.json"],
      "error: option '--body-file': cannot read 'missing.json': no file missing.json",
    ],
    [
      ["api", "addSSHKey", "--body-file", "bad.json"],
      "error: option '--body-file': 'bad.json' must hold JSON (not from character 2 of 6)",
    ],
  ];
  for (const [argv, message] of cases) {
    const result = await run(argv);
    assertEquals([result.code, result.err.split("\n")[0]], [EXIT.usage, message]);
  }
  assertEquals(emulator.requests.length, 0);
});

Deno.test("cli api: a call that replaces tags or rules, or terminates, asks first, naming its target", async () => {
  const emulator = testEmulator();
  const run = cliRunner(emulator);
  await run(["ssh-keys", "add", "k"]);
  const launched = await run([...launchArgs(), "--name", "box", "--tag", "team=ml", "--json"]);
  const [id] = JSON.parse(launched.out).instance_ids as [string];
  const ruleset = JSON.parse(
    (await run(["firewall", "rulesets", "create", "web", "--region", "us-east-1", "--json"])).out,
  );
  emulator.clearRequests();
  // Off a terminal, refused without --yes: nothing is sent.
  for (
    const argv of [
      ["api", "postInstance", "--path", `id=${id}`, "--body", '{"tags": []}'],
      ["api", "postInstance", "--path", `id=${id}`, "--body", '{"name": "x", "tags": []}'],
      ["api", "updateFirewallRuleset", "--path", `id=${ruleset.id}`, "--body", '{"rules": []}'],
      ["api", "updateGlobalFirewallRuleset", "--body", '{"rules": []}'],
      ["api", "firewallRulesSet", "--body", '{"data": []}'],
      ["api", "terminateInstance", "--body", JSON.stringify({ instance_ids: [id] })],
    ]
  ) {
    const refused = await run(argv);
    assertEquals(refused.code, EXIT.usage, argv.join(" "));
    assertMatch(refused.err, /there is no terminal to ask on: nothing was changed/);
  }
  assertEquals(emulator.requests.filter((request) => request.method !== "GET"), []);
  assertEquals(emulator.instances()[0]!.tags!.length, 2);
  // A rename or a ruleset's new name replaces nothing: no question.
  const renamed = await run([
    "api",
    "postInstance",
    "--path",
    `id=${id}`,
    "--body",
    '{"name": "b"}',
  ]);
  assertEquals(renamed.code, EXIT.ok);
  const named = await run([
    "api",
    "updateFirewallRuleset",
    "--path",
    `id=${ruleset.id}`,
    "--body",
    '{"name": "web2"}',
  ]);
  assertEquals(named.code, EXIT.ok);
  // On a terminal, the question shows the path filled in, the instances named, and what goes.
  const ask = cliRunner(emulator, { terminal: true });
  const cases: [string[], string][] = [
    [
      ["api", "postInstance", "--path", `id=${id}`, "--body", '{"tags": []}'],
      `Send POST /instances/${id} (postInstance)? It replaces all of the instance's tags with: none, removing them all.`,
    ],
    [
      ["api", "terminateInstance", "--body", JSON.stringify({ instance_ids: [id] })],
      `Send POST /instance-operations/terminate (terminateInstance) for 'b' ${id} (gpu_1x_a10, $0.75/h)? Their local disks are lost for good.`,
    ],
    [
      ["api", "restartInstance", "--body", JSON.stringify({ instance_ids: [id] })],
      `Send POST /instance-operations/restart (restartInstance) for 'b' ${id} (gpu_1x_a10, $0.75/h)? Everything running on them is stopped.`,
    ],
    [
      ["api", "firewallRulesSet", "--body", '{"data": []}'],
      "Send PUT /firewall-rules (firewallRulesSet)? It replaces every legacy firewall rule with none, removing them all.",
    ],
    [
      ["api", "filesystemDelete", "--path", `id=${"0".repeat(32)}`],
      `Send DELETE /filesystems/${"0".repeat(32)} (filesystemDelete)?`,
    ],
    // A launch takes nothing away, but bills: asked on a terminal, with its price.
    [
      [
        "api",
        "launchInstance",
        "--body",
        '{"region_name": "us-east-1", "instance_type_name": "gpu_1x_a10", "ssh_key_names": ["k"]}',
      ],
      "Send POST /instance-operations/launch (launchInstance): gpu_1x_a10 in us-east-1 at $0.75/h ($18.00 a day)? It bills by the minute until terminated.",
    ],
  ];
  for (const [argv, question] of cases) {
    const asked = await ask(argv);
    assertEquals([asked.code, asked.questions], [EXIT.cancelled, [question]], argv.join(" "));
  }
  assertEquals(emulator.instances().map((instance) => instance.status), ["booting"]);
});

Deno.test("cli api: a launch carries a launch token, and one of unknown outcome exits 7 naming it", async () => {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock });
  const run = cliRunner(emulator, { clock });
  await run(["ssh-keys", "add", "k"]);
  const body = JSON.stringify({
    region_name: "us-east-1",
    instance_type_name: "gpu_1x_a10",
    ssh_key_names: ["k"],
  });
  const launched = await run(["api", "launchInstance", "--body", body]);
  assertEquals(launched.code, EXIT.ok, launched.err);
  assert(emulator.instances()[0]!.tags!.some((tag) => tag.key === LAUNCH_TOKEN_KEY));
  // The answer is lost, and the listing never shows the token: exit 7, with the token.
  for (const json of [false, true]) {
    emulator.faults.inject({ kind: "lost-answer", operation: "launchInstance" });
    using _hidden = emulator.override("listInstances", () => Response.json({ data: [] }));
    const lost = await run(["api", "launchInstance", "--body", body, ...json ? ["--json"] : []]);
    assertEquals(lost.code, EXIT.unavailable, lost.err);
    const token = emulator.instances().at(-1)!.tags!.find((tag) => tag.key === LAUNCH_TOKEN_KEY)!
      .value;
    if (json) {
      const error = JSON.parse(lost.err.split("\n").at(-1)!).error;
      assertEquals([error.exit_code, error.launch_token], [EXIT.unavailable, token]);
    } else {
      assertMatch(lost.err, new RegExp(`launch token '${token}'`));
      assertMatch(
        lost.err,
        new RegExp(`lambda instances list --tag ${LAUNCH_TOKEN_KEY}=${token}`),
      );
    }
  }
  assertEquals(
    emulator.requests.filter((request) => request.operationId === "launchInstance").length,
    3,
  );
});

Deno.test("cli api: lambda api prints valid JSON in text, with DEL, C1 and bidi controls as JSON escapes", async () => {
  const { emulator, run } = await withKey();
  const name = "ev\x1b]52;c;SGVsbG8=\x07il\x9b31m\u202egnp.exe\x7f x";
  await run([...launchArgs(), "--name", name]);
  const id = emulator.instances()[0]!.id;
  const got = await run(["api", "getInstance", "--path", `id=${id}`]);
  assertEquals(got.code, EXIT.ok);
  // deno-lint-ignore no-control-regex
  assert(!/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]/.test(got.out), got.out);
  assertMatch(
    got.out,
    /"name": "ev\\u001b\]52;c;SGVsbG8=\\u0007il\\u009b31m\\u202egnp\.exe\\u007f x"/,
  );
  assertEquals(JSON.parse(got.out).name, name);
});

Deno.test("cli api: lambda api refuses body fields the operation does not take, at any depth, before sending", async () => {
  const { emulator, run } = await withKey();
  await run([...launchArgs(), "--name", "t1"]);
  const id = emulator.instances()[0]!.id;
  emulator.clearRequests();
  for (
    const [argv, message] of [
      [
        ["api", "postInstance", "--path", `id=${id}`, "--body", '{"nmae": "x"}'],
        "error: Cannot update instance: 'body' of postInstance has no 'nmae' (it takes name, tags)",
      ],
      [
        ["api", "createFilesystem", "--body", '{"name": "fs", "regoin": "us-east-1"}'],
        "error: Cannot create filesystem: 'body' of createFilesystem has no 'regoin' (it takes name, region)",
      ],
      [
        [
          "api",
          "postInstance",
          "--path",
          `id=${id}`,
          "--body",
          '{"tags": [{"key": "team", "value": "ml", "colour": "red"}]}',
        ],
        "error: Cannot update instance: 'body.tags[0]' of postInstance has no 'colour' (it takes key, value)",
      ],
    ] as const
  ) {
    const result = await cliRunner(emulator, { terminal: true, answer: true })([...argv]);
    assertEquals([result.code, result.err.split("\n")[0]], [EXIT.usage, message]);
    assertEquals(result.questions, []); // refused before it asks
  }
  assertEquals(emulator.requests.length, 0);
  assertEquals(emulator.instances()[0]!.name, "t1");
});

Deno.test("cli api: lambda api takes a launch's quantity, which the API holds to one", async () => {
  const { emulator } = await withKey();
  const run = cliRunner(emulator, { terminal: true, answer: true });
  const body = (quantity: number) =>
    JSON.stringify({
      region_name: "us-east-1",
      instance_type_name: "gpu_1x_a10",
      ssh_key_names: ["k"],
      quantity,
    });
  // Sent as given, as every body of `lambda api` is: the API refuses it, and nothing launches.
  const two = await run(["api", "launchInstance", "--body", body(2)]);
  assertEquals(two.code, EXIT.failed, two.err);
  assertMatch(two.err, /Requested too many instances/);
  assertEquals(emulator.instances().length, 0);
  const one = await run(["api", "launchInstance", "--body", body(1)]);
  assertEquals(one.code, EXIT.ok, one.err);
  assertEquals(emulator.instances().length, 1);
});
