// Help and the habits people bring from gh and doctl: examples in every command's help, `lambda
// help …` and `lambda version`, the short forms `ls` and `rm`, and a "did you mean" that fixes the
// command's words (by verb, and by likely typo) without taking its arguments for part of its name.

import { assert, assertEquals, assertMatch } from "@std/assert";
import { cliRunner, launched, withKey } from "./_cli.ts";
import { testEmulator } from "./_emulator.ts";
import { withServedEmulator } from "./_entrypoint.ts";
import { COMMANDS } from "../lib/cli/_registry.ts";
import { aliasOf } from "../lib/cli/_names.ts";
import { EXIT } from "../lib/cli/mod.ts";
import { VERSION } from "../mod.ts";

Deno.test("cli help: every command's help has examples, one of which runs that command", async () => {
  const run = cliRunner(testEmulator());
  for (const command of COMMANDS) {
    const name = command.name.join(" ");
    const examples = command.examples ?? [];
    assert(examples.length > 0, `'${name}' has no examples`);
    // At least one runs it (another may show what goes with it, such as an emulator to start).
    const runs = examples.some((example) =>
      [name, aliasOf(command)].some((form) =>
        form !== undefined && new RegExp(`\\blambda ${form}( |$|\\))`).test(example)
      )
    );
    assert(runs, `no example of '${name}' runs it: ${examples.join("; ")}`);
    const help = await run([...command.name, "--help"]);
    assertEquals(help.code, EXIT.ok, name);
    assertMatch(
      help.out,
      new RegExp(`\\n\\nExamples:\\n {2}${examples[0]!.replace(/[$()|.*+?[\]\\]/g, "\\$&")}`),
    );
  }
});

Deno.test("cli help: lambda help and lambda version say what --help and --version say", async () => {
  const run = cliRunner(testEmulator());
  const noKey = { LAMBDA_API_KEY: "" }; // neither needs one
  for (const words of [[], ["instances"], ["instances", "launch"], ["firewall", "rules", "ls"]]) {
    const asked = await run(["help", ...words], noKey);
    assertEquals(asked.code, EXIT.ok, words.join(" "));
    assertEquals(asked.out, (await run([...words, "--help"], noKey)).out);
    // Text, as --help is, --json or not.
    assertEquals((await run(["help", ...words, "--json"], noKey)).out, asked.out);
  }
  assertMatch(
    (await run(["help"])).out,
    /\n {2}help +Show help for a command[^\n]*\n {2}version +Print the version\n/,
  );
  const typo = await run(["help", "instnces", "lanch"]);
  assertEquals([typo.code, typo.err.split("\n")[0]], [
    EXIT.usage,
    "error: unknown command 'instnces lanch'; did you mean 'instances launch'?",
  ]);
  assertEquals((await run(["version"], noKey)).out, `lambda ${VERSION} (@lambda-cloud/client)`);
  const json = JSON.parse((await run(["version", "--json"], noKey)).out);
  assertEquals(json, { program: "lambda", version: VERSION, package: "@lambda-cloud/client" });
  assertEquals(JSON.parse((await run(["--version", "--json"])).out), json);
  assertEquals((await run(["version", "-q"])).code, EXIT.usage);
});

Deno.test("cli help: ls and rm are the short forms of list, delete and terminate", async () => {
  const { emulator, run } = await withKey();
  const [id] = await launched(run, "train-1");
  assertEquals((await run(["instances", "ls", "-q"])).out, id);
  assertEquals((await run(["ssh-keys", "ls", "--format", "NAME", "--no-header"])).out, "k");
  const removed = await run(["instances", "rm", "train-1", "--yes", "-q"]);
  assertEquals([removed.code, removed.out], [EXIT.ok, id]);
  assertEquals(emulator.instances()[0]!.status, "terminating");
  assertEquals((await run(["ssh-keys", "rm", "k", "--yes"])).code, EXIT.ok);
  assertMatch(
    (await run(["instances", "terminate", "--help"])).out,
    /\n {2}\(or lambda instances rm\)\n/,
  );
  // Only where gh and doctl have them: `get` has no short form.
  assertEquals(
    aliasOf(COMMANDS.find((command) => command.name.join(" ") === "instances get")!),
    undefined,
  );
});

Deno.test("cli help: a mistyped command is fixed by its verb, and its arguments stay out of the name", async () => {
  const run = cliRunner(testEmulator());
  const first = async (argv: string[]) => {
    const result = await run(argv);
    assertEquals(result.code, EXIT.usage, argv.join(" "));
    return result.err.split("\n")[0];
  };
  for (
    const [command, args, meant] of [
      // Words from other tools: the verb this group has for them.
      ["instances delete", "train-1", "instances terminate"],
      ["ssh-keys remove", "laptop", "ssh-keys delete"],
      ["instances create", "--type gpu_1x_a10", "instances launch"],
      ["firewall global add", "--rule tcp:22:0.0.0.0/0", "firewall global add-rule"],
      // A typo of the verb, compared with the group's verbs only.
      ["instances trminate", "train-1", "instances terminate"],
      // Never a guess with the argument folded in.
      ["instances mv", "a b", "instances rename"],
      // A verb without its group, or a typo of one, gets the one command it ends.
      ["launch", "--type gpu_1x_a10", "instances launch"],
      ["lanch", "--type gpu_1x_a10", "instances launch"],
    ]
  ) {
    assertEquals(
      await first(`${command} ${args}`.split(" ")),
      `error: unknown command '${command}'; did you mean '${meant}'?`,
    );
  }
  // No likely verb: the group's commands.
  assertEquals(
    await first(["instances", "zap", "train-1"]),
    "error: unknown command 'instances zap'; the commands of 'instances' are list, get, launch, recover, rename, tag, restart, terminate, wait",
  );
  // No likely command at all: the first words there are.
  assertMatch(
    (await first(["frobnicate", "train-1"]))!,
    /^error: unknown command 'frobnicate'; the commands are instances, costs, types, /,
  );
});

Deno.test("cli help: through the entrypoint, help, version and rm", async () => {
  await withServedEmulator({}, async ({ emulator, run }) => {
    const help = await run(["help", "instances", "rm"]);
    assertEquals(help.code, 0, help.err);
    assertMatch(help.out, /^Terminate instances/);
    assertEquals((await run(["version"])).out, `lambda ${VERSION} (@lambda-cloud/client)`);
    const typo = await run(["instances", "rmove", "x"]);
    assertEquals(typo.code, 2);
    assertMatch(
      typo.err,
      /^error: unknown command 'instances rmove'; the commands of 'instances' are /,
    );
    assertEquals(emulator.requests.length, 0);
  });
});
