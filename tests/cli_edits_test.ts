// Tags and firewall rules edited in place (`instances tag --add/--remove`, `firewall … add-rule` and
// `remove-rule`) beside the commands that replace them, and what a replace or a removal takes away:
// asked about first, and listed by a dry run.

import { assert, assertEquals, assertMatch } from "@std/assert";
import { cliRunner, launchArgs, withKey } from "./_cli.ts";
import { withServedEmulator } from "./_entrypoint.ts";
import { testEmulator } from "./_emulator.ts";
import { EXIT } from "../lib/cli/mod.ts";
import { LAUNCH_TOKEN_KEY } from "../mod.ts";

/** The tags of the instance named `name`, as `key=value` (the launch token's left out). */
async function tagsOf(run: ReturnType<typeof cliRunner>, name: string): Promise<string[]> {
  const { tags } = JSON.parse((await run(["instances", "get", name, "--json"])).out);
  return tags.filter((tag: { key: string }) => tag.key !== LAUNCH_TOKEN_KEY)
    .map((tag: { key: string; value: string }) => `${tag.key}=${tag.value}`);
}

Deno.test("cli edits: instances tag --add keeps the other tags, --remove takes one away", async () => {
  const { emulator, run } = await withKey();
  const launch = await run([...launchArgs(), "--name", "x", "--tag", "owner=me"]);
  assertEquals(launch.code, EXIT.ok, launch.err);
  const token = () =>
    (emulator.instances()[0]!.tags ?? []).filter((tag) => tag.key === LAUNCH_TOKEN_KEY).length;
  assertEquals(token(), 1);
  // Nothing is removed: no question, and no --yes needed where nobody can be asked.
  const added = await run(["instances", "tag", "x", "--add", "team=ml", "--add", "cost=42"]);
  assertEquals([added.code, added.out], [
    EXIT.ok,
    `Tags of ${emulator.instances()[0]!.id}: owner=me, team=ml, cost=42`,
  ]);
  assertEquals(await tagsOf(run, "x"), ["owner=me", "team=ml", "cost=42"]);
  // A removal asks first, like a replace that removes: refused without a terminal or --yes.
  const refused = await run(["instances", "tag", "x", "--remove", "cost"]);
  assertEquals(refused.code, EXIT.usage);
  assertMatch(refused.err, /no terminal to ask on: nothing was changed/);
  const asked = await cliRunner(emulator, { terminal: true, answer: true })([
    "instances",
    "tag",
    "x",
    "--remove",
    "cost",
    "--add",
    "team=infra",
  ]);
  assertEquals(asked.questions, [
    "This removes 2 tag(s) from x: team=ml, cost=42. Go ahead?",
  ]);
  assertEquals(await tagsOf(run, "x"), ["owner=me", "team=infra"]);
  assertEquals(token(), 1); // the client's own tag stays
  // A key that is not there is a typo, not a removal done: nothing is sent.
  emulator.clearRequests();
  const typo = await run(["instances", "tag", "x", "--remove", "ownr", "--yes"]);
  assertEquals(typo.code, EXIT.notFound);
  assertEquals(
    typo.err.split("\n")[0],
    "error: instance 'x' has no tag 'ownr'; did you mean 'owner'? (its tags: owner=me, team=infra): nothing was changed",
  );
  const mixed = await run(["instances", "tag", "x", "a=b", "--add", "c=d"]);
  assertEquals(mixed.code, EXIT.usage);
  assertMatch(
    mixed.err,
    /give key=value arguments \(they replace every tag\) or '--add'\/'--remove', not both/,
  );
  assertEquals(emulator.requests.filter((request) => request.method !== "GET"), []);
});

Deno.test("cli edits: firewall add-rule and remove-rule keep the rules they are not given", async () => {
  const emulator = testEmulator();
  const run = cliRunner(emulator);
  const rules = async (group: string[]) => (await run([...group, "--json"])).out;
  assertEquals(
    (await run(["firewall", "rules", "set", "--rule", "tcp:22:0.0.0.0/0:SSH"])).code,
    EXIT.ok,
  );
  const added = await run([
    "firewall",
    "rules",
    "add-rule",
    "--rule",
    "tcp:8888:10.0.0.0/8:notebooks",
  ]);
  assertEquals(added.code, EXIT.ok, added.err);
  assertEquals(added.out.split("\n"), [
    "PROTOCOL  PORTS  SOURCE      DESCRIPTION",
    "tcp       22     0.0.0.0/0   SSH",
    "tcp       8888   10.0.0.0/8  notebooks",
  ]);
  // The same rule again takes the place of the one in force: a new description, no duplicate.
  await run(["firewall", "rules", "add-rule", "--rule", "tcp:22:0.0.0.0/0:ssh from anywhere"]);
  assertEquals(JSON.parse(await rules(["firewall", "rules", "list"])).length, 2);
  const removed = await run([
    "firewall",
    "rules",
    "remove-rule",
    "--rule",
    "tcp:8888:10.0.0.0/8",
    "--yes",
  ]);
  assertEquals(removed.code, EXIT.ok, removed.err);
  assertEquals(removed.out.split("\n").slice(1), ["tcp       22     0.0.0.0/0  ssh from anywhere"]);
  const asked = await cliRunner(emulator, { terminal: true })([
    "firewall",
    "rules",
    "remove-rule",
    "--rule",
    "tcp:22:0.0.0.0/0",
  ]);
  assertEquals([asked.code, asked.questions], [EXIT.cancelled, [
    "This removes 1 rule(s) from the legacy rules: tcp 22 from 0.0.0.0/0. Go ahead?",
  ]]);
  // A rule that is not in force is a mistake, found before any question: nothing is sent.
  emulator.clearRequests();
  const missing = await run([
    "firewall",
    "rules",
    "remove-rule",
    "--rule",
    "tcp:23:0.0.0.0/0",
    "--yes",
  ]);
  assertEquals(missing.code, EXIT.notFound);
  assertEquals(
    missing.err.split("\n")[0],
    "error: no rule 'tcp 23 from 0.0.0.0/0' in the legacy rules; did you mean 'tcp 22 from 0.0.0.0/0'? (in force: tcp 22 from 0.0.0.0/0): nothing was changed",
  );
  const none = await run(["firewall", "global", "add-rule"]);
  assertEquals([none.code, none.err.split("\n")[0]], [
    EXIT.usage,
    "error: 'firewall global add-rule' needs at least one '--rule'",
  ]);
  const bad = await run(["firewall", "global", "add-rule", "--rule", "tcp:70000:0.0.0.0/0"]);
  assertEquals(bad.code, EXIT.usage);
  assertEquals(emulator.requests.filter((request) => request.method !== "GET"), []);
  // A ruleset, by name, and the global ruleset, the same way.
  await run([
    "firewall",
    "rulesets",
    "create",
    "web",
    "--region",
    "us-east-1",
    "--rule",
    "tcp:443:0.0.0.0/0",
  ]);
  assertEquals(
    (await run(["firewall", "rulesets", "add-rule", "web", "--rule", "tcp:80:0.0.0.0/0"])).code,
    EXIT.ok,
  );
  assertEquals(
    (await run([
      "firewall",
      "rulesets",
      "remove-rule",
      "web",
      "--rule",
      "tcp:443:0.0.0.0/0",
      "--yes",
    ])).code,
    EXIT.ok,
  );
  assertMatch(
    (await run(["firewall", "rulesets", "get", "web"])).out,
    /\ntcp +80 +0\.0\.0\.0\/0 *$/,
  );
  const before = JSON.parse(await rules(["firewall", "global", "get"])).rules.length;
  assertEquals(
    (await run(["firewall", "global", "add-rule", "--rule", "udp:53:10.0.0.0/8"])).code,
    EXIT.ok,
  );
  assertEquals(JSON.parse(await rules(["firewall", "global", "get"])).rules.length, before + 1);
});

Deno.test("cli edits: a dry run of a replace or a removal lists what it would remove", async () => {
  const { emulator, run } = await withKey();
  await run([
    "firewall",
    "rules",
    "set",
    "--rule",
    "tcp:22:0.0.0.0/0:SSH",
    "--rule",
    "tcp:443:0.0.0.0/0",
  ]);
  await run([...launchArgs(), "--name", "x", "--tag", "owner=me", "--tag", "team=ml"]);
  emulator.clearRequests();
  const replace = await run([
    "firewall",
    "rules",
    "set",
    "--rule",
    "tcp:443:0.0.0.0/0",
    "--dry-run",
  ]);
  assertEquals(replace.code, EXIT.ok, replace.err);
  assertEquals(
    replace.out.split("\n").at(-1),
    "This removes 1 rule(s) from the legacy rules: tcp 22 from 0.0.0.0/0.",
  );
  const json = JSON.parse(
    (await run(["instances", "tag", "x", "team=ml", "--dry-run", "--json"])).out,
  );
  assertEquals([json.method, json.removes], ["POST", ["owner=me"]]);
  const removal = await run([
    "firewall",
    "rules",
    "remove-rule",
    "--rule",
    "tcp:443:0.0.0.0/0",
    "--dry-run",
    "--json",
  ]);
  assertEquals(JSON.parse(removal.out).removes, ["tcp 443 from 0.0.0.0/0"]);
  // Nothing removed, nothing listed.
  const adding = await run(["instances", "tag", "x", "--add", "a=b", "--dry-run"]);
  assert(!adding.out.includes("removes"), adding.out);
  assertEquals(emulator.requests.filter((request) => request.method !== "GET"), []);
});

Deno.test("cli edits: through the entrypoint, a rule added and removed from the global ruleset", async () => {
  await withServedEmulator({}, async ({ emulator, run }) => {
    const added = await run([
      "firewall",
      "global",
      "add-rule",
      "--rule",
      "tcp:8888:10.0.0.0/8:nb",
      "-q",
    ]);
    assertEquals(added.code, 0, added.err);
    const dry = await run([
      "firewall",
      "global",
      "remove-rule",
      "--rule",
      "tcp:8888:10.0.0.0/8",
      "--dry-run",
    ]);
    assertEquals(dry.code, 0, dry.err);
    assertMatch(
      dry.out,
      /\nThis removes 1 rule\(s\) from the global ruleset \(it applies to every instance\): tcp 8888 from 10\.0\.0\.0\/8\.$/,
    );
    const refused = await run([
      "firewall",
      "global",
      "remove-rule",
      "--rule",
      "tcp:8888:10.0.0.0/8",
    ]);
    assertEquals(refused.code, 2);
    const removed = await run([
      "firewall",
      "global",
      "remove-rule",
      "--rule",
      "tcp:8888:10.0.0.0/8",
      "--yes",
    ]);
    assertEquals(removed.code, 0, removed.err);
    assertEquals(emulator.requests.filter((request) => request.method !== "GET").length, 2);
  });
});
