// `lambda api`: any operation by its operationId, from the same table as the client.

import { assert, assertEquals, assertMatch } from "./_deps.ts";
import { testEmulator } from "./_emulator.ts";
import { EXIT } from "../lib/cli/mod.ts";
import { cliRunner } from "./_cli.ts";
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
  assertMatch(deleted.questions[0]!, /DELETE \/ssh-keys\/\{id\} \(deleteSSHKey\)/);
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
    [["api", "addSSHKey", "--body", "{name"], /'--body' must be JSON/],
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
