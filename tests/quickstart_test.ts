// The README's main command: the quickstart story, run here on a virtual clock with the API's
// real rate limits on both sides.

import { assert, assertEquals, assertMatch } from "@std/assert";
import { emulatorClient, testEmulator } from "./_emulator.ts";
import { FakeClock } from "./_fakes.ts";
import { runQuickstart } from "../examples/quickstart.ts";

function setup() {
  const clock = new FakeClock();
  clock.time = Date.now(); // the story asks for the last hour of audit events
  const emulator = testEmulator({ clock, rateLimit: {} });
  const client = emulatorClient(emulator, { clock, rateLimit: {} });
  return { emulator, client };
}

Deno.test("the quickstart tells the whole story, cleans up, and never meets a 429", async () => {
  const { emulator, client } = setup();
  const lines: string[] = [];
  const instance = await runQuickstart(client, {
    print: (line) => lines.push(line),
    launch: true,
    pollIntervalMs: 5000,
    where: "in a test",
  });
  const text = lines.join("\n");
  assertMatch(
    text,
    /^1\. Instance types with capacity now, cheapest first \(5 of 9\):\n +gpu_1x_a10 +\$0\.75\/h/m,
  );
  assertMatch(text, /^4\. Waiting for an IP: booting after 1 s\n +\.\.\. active after 121 s$/m);
  assertMatch(
    text,
    new RegExp(`^5\\. It is active at ${instance!.ip!.replaceAll(".", "\\.")}:`, "m"),
  );
  assertMatch(text, /^6\. Renamed it 'quickstart-demo' and tagged it purpose=quickstart$/m);
  assertMatch(text, /^7\. Terminated it: terminated$/m);
  assertEquals(
    lines.slice(lines.indexOf("8. The audit trail of this run:") + 1).map((line) =>
      line.split(/\s+/)[2]
    ),
    [
      "ssh_key.created",
      "instance.launched",
      "instance.updated",
      "instance.terminated",
      "ssh_key.deleted",
    ],
  );
  assertEquals(emulator.instances().map((item) => item.status), ["terminated"]);
  assert(emulator.requests.every((request) => request.status !== 429));
});

Deno.test("the quickstart only reads when not told to launch", async () => {
  const { emulator, client } = setup();
  const lines: string[] = [];
  assertEquals(
    await runQuickstart(client, {
      print: (line) => lines.push(line),
      launch: false,
      pollIntervalMs: 1,
      where: "x",
    }),
    undefined,
  );
  assertMatch(lines.join("\n"), /You have 0 instance\(s\) and 0 SSH key\(s\)\.\n.*Pass --launch/);
  assert(emulator.requests.every((request) => request.method === "GET"));
});
