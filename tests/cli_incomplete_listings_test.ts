// The command line on listings that leave things out, in-process: an instance listed without its
// tags is read by id before its tags are replaced, and nothing is replaced while they stay
// unknown; a launch of unknown outcome gets advice that works though the listing has no tags, and
// one listed without a usable id is said to bill, with where to find it.

import { assert, assertEquals, assertMatch } from "@std/assert";
import { testEmulator } from "./_emulator.ts";
import { FakeClock } from "./_fakes.ts";
import { cliRunner, launchArgs } from "./_cli.ts";
import { EXIT } from "../lib/cli/mod.ts";
import { LAUNCH_TOKEN_KEY } from "../mod.ts";
import type { LambdaEmulator } from "../lib/testing/mod.ts";

/**
 * An emulator on a virtual clock whose next launch's answer is lost, and a command line on it
 * that has added the SSH key `k`.
 */
async function launchAnswerLost(): Promise<
  { emulator: LambdaEmulator; run: ReturnType<typeof cliRunner> }
> {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock });
  const run = cliRunner(emulator, { clock });
  await run(["ssh-keys", "add", "k"]);
  emulator.faults.inject({ kind: "lost-answer", operation: "launchInstance" });
  return { emulator, run };
}

Deno.test("cli incomplete listings: instances tag reads an instance listed without tags, and refuses when they stay unknown", async () => {
  const emulator = testEmulator();
  const run = cliRunner(emulator);
  await run(["ssh-keys", "add", "k"]);
  await run([...launchArgs(), "--name", "victim", "--tag", "team=ml", "--tag", "cost=42"]);
  const before = emulator.instances()[0]!.tags!;
  assertEquals(before.length, 3); // the two given and the launch token
  // The listing carries no tags: the instance is read by id, and the removal is asked about.
  emulator.faults.inject({ kind: "untagged", operation: "listInstances", times: 10 });
  const refused = await run(["instances", "tag", "victim", "owner=bob"]);
  assertEquals(refused.code, EXIT.usage);
  assertMatch(refused.err, /asks before it changes this, and there is no terminal to ask on/);
  const asked = await cliRunner(emulator, { terminal: true })([
    "instances",
    "tag",
    "victim",
    "owner=bob",
  ]);
  assertEquals(asked.questions, ["This removes 2 tag(s) from victim: team=ml, cost=42. Go ahead?"]);
  // Not even a read by id gives them: nothing is replaced, --yes or not.
  emulator.faults.inject({ kind: "untagged", operation: "getInstance", times: 10 });
  const unknown = await run(["instances", "tag", "victim", "owner=bob", "--yes"]);
  assertEquals(unknown.code, EXIT.failed);
  assertMatch(
    unknown.err,
    /^error: Cannot tag instance '[0-9a-f]{32}': the API did not say which tags it has, so changing them could remove tags unseen: nothing was changed/,
  );
  assertEquals(emulator.instances()[0]!.tags, before);
  assertEquals(emulator.requests.filter((request) => request.method === "POST").length, 2); // key, launch
});

Deno.test("cli incomplete listings: a launch of unknown outcome with an untagged listing gets advice that works", async () => {
  const { emulator, run } = await launchAnswerLost();
  emulator.faults.inject({ kind: "untagged", operation: "listInstances", times: 1000 });
  // Reads by id give no tags either, for the launch's own lookup.
  const blindReads = emulator.faults.inject({
    kind: "untagged",
    operation: "getInstance",
    times: 1000,
  });
  const launch = await run([...launchArgs(), "--name", "job-7"]);
  blindReads.remove();
  assertEquals(launch.code, EXIT.unavailable);
  const token = emulator.instances()[0]!.tags!.find((tag) => tag.key === LAUNCH_TOKEN_KEY)!.value;
  const [message, suggestion] = launch.err.split("\n");
  assertMatch(message!, new RegExp(`launch token '${token}' cannot be seen; it may still appear`));
  assert(!launch.err.includes("client.instances"), launch.err); // no library advice on a CLI
  assertEquals(
    suggestion,
    `  suggestion: The instance listing carries no tags. Before launching again, look for it: lambda instances list --tag ${LAUNCH_TOKEN_KEY}=${token} (which reads each instance's tags by id), or look for a new instance ('job-7', gpu_1x_a10 in us-east-1) in 'lambda instances list', and check its tags with 'lambda instances get <id>'`,
  );
  // The suggested line finds it, though the listing has no tags.
  const found = await run(["instances", "list", "--tag", `${LAUNCH_TOKEN_KEY}=${token}`, "-q"]);
  assertEquals([found.code, found.out, found.err], [EXIT.ok, emulator.instances()[0]!.id, ""]);
  // Where not even a read by id gives tags, the list says so rather than print "(none)" alone.
  emulator.faults.inject({ kind: "untagged", operation: "getInstance", times: 1000 });
  const blind = await run(["instances", "list", "--tag", `${LAUNCH_TOKEN_KEY}=${token}`]);
  assertEquals(blind.out, "(none)");
  assertMatch(
    blind.err,
    /^warning: the API gave no tags for 1 instance\(s\) \([0-9a-f]{32}\), listed or read one by one \(at most 20 a run\), so whether they carry the tag cannot be told/,
  );
});

Deno.test("cli incomplete listings: a launch listed without a usable id is said to bill, with where to find it", async () => {
  const { emulator, run } = await launchAnswerLost();
  // The listing shows the launched instance, its id mangled into a number.
  emulator.override("listInstances", () =>
    Response.json({
      data: emulator.instances().map((instance) => ({ ...instance, id: 7 })),
    }));
  const launch = await run(launchArgs());
  const token = emulator.instances()[0]!.tags!.find((tag) => tag.key === LAUNCH_TOKEN_KEY)!.value;
  const [message, suggestion] = launch.err.split("\n");
  assertEquals(launch.code, EXIT.unavailable);
  assertMatch(
    message!,
    new RegExp(`launch token '${token}' is listed without a usable id \\(received 7\\); it bills`),
  );
  assertEquals(
    suggestion,
    `  suggestion: It launched, and bills until terminated, but Lambda listed it without a usable id: find it in Lambda's console by its tag ${LAUNCH_TOKEN_KEY}=${token}, and terminate it there`,
  );
  assertEquals(emulator.requests.filter((r) => r.operationId === "launchInstance").length, 1);
});

Deno.test("cli incomplete listings: instances list --tag reads at most 20 instances listed without tags, with progress, and says which it could not tell", async () => {
  const emulator = testEmulator();
  emulator.setCapacity("gpu_1x_a10", "us-east-1", 30);
  const run = cliRunner(emulator);
  await run(["ssh-keys", "add", "k"]);
  await run([...launchArgs(), "--tag", "team=ml", "-q"]);
  for (let index = 0; index < 24; index++) await run([...launchArgs(), "-q"]);
  const wanted = emulator.instances()[0]!.id;
  emulator.faults.inject({ kind: "untagged", operation: "listInstances" });
  emulator.clearRequests();
  const result = await run(["instances", "list", "--tag", "team=ml", "-q"]);
  assertEquals([result.code, result.out], [EXIT.ok, wanted]);
  assertEquals(emulator.requests.filter((r) => r.operationId === "getInstance").length, 20);
  assertEquals(result.progress.length, 20);
  assertMatch(
    result.progress[19]!,
    /^Reading the tags of [0-9a-f]{32} \(20 of 20\): the listing gave none$/,
  );
  assertMatch(
    result.err,
    /^warning: the API gave no tags for 5 instance\(s\) \([0-9a-f]{32}, [0-9a-f]{32}, [0-9a-f]{32}, …\), listed or read one by one \(at most 20 a run\)/,
  );
});
