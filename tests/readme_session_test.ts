// The command-line session of docs/cli.md, as written, with the permissions of the README's
// install line: every `lambda` line of the session block in order, through the real entrypoint, against an emulator
// on 127.0.0.1. Only the emulator differs: a free port instead of 8787, instances that boot in half
// a second instead of 10, and no rate limit on its side (each new process would wait a second or
// so for the last one's; cli_entrypoint_test.ts covers that wait).

import { assert, assertEquals, assertMatch } from "@std/assert";
import { installFlags, lambda, withServedEmulator } from "./_entrypoint.ts";

// The session, its sample output and the emulator line that starts it live in the command line's
// own page; the install line stays in the README, where .ci/run reads it too.
const CLI_DOC = await Deno.readTextFile("docs/cli.md");
const MARKER =
  "<!-- tests/readme_session_test.ts runs the lambda lines of the next block, in order -->";

/** The session block: its export line and its `lambda` command lines, comments dropped. */
function session(): { exports: string; commands: string[][] } {
  if (!CLI_DOC.includes(MARKER)) throw new Error("docs/cli.md has no session marker");
  const block = CLI_DOC.slice(CLI_DOC.indexOf(MARKER)).split("```")[1]!;
  const lines = block.split("\n").map((line) => line.replace(/\s+#.*$/, "").trim());
  return {
    exports: lines.find((line) => line.startsWith("export "))!,
    commands: lines.filter((line) => line.startsWith("lambda ")).map((line) =>
      line.split(/\s+/).slice(1)
    ),
  };
}

/** The session's sample output of `instances list` and `costs`, spaces collapsed. */
function sampleOutput(): string[] {
  const after = CLI_DOC.slice(CLI_DOC.indexOf(MARKER));
  const text = after.slice(after.indexOf("```text") + 7);
  return text.slice(0, text.indexOf("```")).trim().split("\n").map((line) =>
    line.replace(/ +/g, " ")
  );
}

Deno.test("docs/cli.md: the command-line session runs as written, on the emulator", async () => {
  const { exports, commands } = session();
  assertEquals(
    exports,
    "export LAMBDA_API_KEY=secret_emulator LAMBDA_BASE_URL=http://127.0.0.1:8787/api/v1",
  );
  assert(CLI_DOC.includes("deno task emulator --port 8787 --boot-seconds 10"));
  assertEquals(commands.map((argv) => argv.slice(0, 2).join(" ")), [
    "ssh-keys add",
    "capacity --gpu",
    "instances launch",
    "instances list",
    "costs",
    "instances rename",
    "instances terminate",
    "audit",
  ]);
  await Deno.mkdir(".tmp", { recursive: true });
  const cwd = await Deno.realPath(await Deno.makeTempDir({ dir: ".tmp", prefix: "session-" }));
  try {
    await withServedEmulator(
      { timing: { bootMs: 500 } },
      async ({ emulator, env }) => {
        const outputs: string[] = [];
        // Its own cache folder, as XDG_CACHE_HOME gives it: the launch journal gives the uptime.
        const cache = `${cwd}/cache`;
        for (const argv of commands) {
          // The session keeps no profiles, and runs without HOME, so each command paces itself
          // alone (cli_shared_budget_test.ts covers the shared budget).
          const result = await lambda(argv, {
            env: { ...env, XDG_CACHE_HOME: cache },
            cwd,
            permissions: installFlags({ cache, config: ".tmp/no-config" }),
          });
          assertEquals(result.code, 0, `lambda ${argv.join(" ")}: ${result.err}`);
          outputs.push(result.out);
        }
        const [instance] = emulator.instances();
        assertEquals([instance!.name, instance!.status], ["train-2", "terminating"]);
        assertEquals((await Deno.stat(`${cwd}/laptop.pem`)).mode! & 0o777, 0o600);
        assertMatch(
          outputs[7]!,
          /instance\.terminate[\s\S]*instance\.update[\s\S]*instance\.launch[\s\S]*ssh_key\.create/,
        );
        // The sample output is what the commands print, but for times and money so far.
        const sample = sampleOutput();
        const printed = [...outputs[3]!.split("\n"), "", ...outputs[4]!.split("\n")]
          .map((line) => line.replace(/ +/g, " "));
        assertEquals(sample.length, printed.length);
        const neutral = (line: string) =>
          line.replace(/\b\d+m\b/g, "UPTIME").replace(/\$0\.\d\d\b(?!\/h)/g, "$COST");
        assertEquals(sample.map(neutral), printed.map(neutral));
      },
    );
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
