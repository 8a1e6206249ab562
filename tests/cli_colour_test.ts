// Colour for statuses and errors, on a terminal only: never with NO_COLOR, into a pipe, or under
// --json; and never from the text itself: an escape sequence in a name stays shown, not obeyed,
// even beside the command line's own colour.

import { assert, assertEquals } from "@std/assert";
import { cliRunner, launchArgs, launched, withKey } from "./_cli.ts";
import { withServedEmulator } from "./_entrypoint.ts";
import { hasScript, onTerminal } from "./_terminal.ts";
import { EXIT } from "../lib/cli/mod.ts";

const GREEN = "\x1b[32m";
const YELLOW = "\x1b[33m";
const RESET = "\x1b[0m";

Deno.test("cli colour: a status is coloured in a table, and the word error, where the stream takes colour", async () => {
  const { emulator, run: plain } = await withKey();
  const [id] = await launched(plain, "\x1b[32mfake");
  const run = cliRunner(emulator, { colour: true });
  const list = await run(["instances", "list", "--format", "ID,NAME,STATUS"]);
  assertEquals(list.out.split("\n"), [
    "ID                                NAME          STATUS",
    // The name's escape shows as text; only the status is coloured, by the command line itself.
    `${id}  \\x1b[32mfake  ${YELLOW}booting${RESET}`,
  ]);
  emulator.advance(60_000);
  assertEquals(
    (await run(["instances", "list", "--format", "STATUS,ID"])).out.split("\n")[1],
    `${GREEN}active${RESET}  ${id}`,
  );

  const missing = await run(["instances", "get", "nope"]);
  assertEquals(missing.code, EXIT.notFound);
  assert(
    missing.err.startsWith("\x1b[1;31merror:\x1b[0m no instance has the id or name 'nope'"),
    missing.err,
  );
  // Under --json, never; nor where the stream takes none.
  const json = await run(["instances", "list", "--json"]);
  assert(
    !json.out.includes("\x1b") &&
      !(await run(["instances", "get", "nope", "--json"])).err.includes("\x1b"),
  );
  const off = await plain(["instances", "list", "--format", "STATUS"]);
  assertEquals(off.out, "STATUS\nactive");
  assert(!(await plain(["instances", "get", "nope"])).err.includes("\x1b"));
  assert(!(await run(["instances", "list", "-q"])).out.includes("\x1b"));
});

Deno.test({
  name: "cli colour: through the entrypoint, on a terminal, not with NO_COLOR, not into a pipe",
  ignore: !hasScript,
  fn: async () => {
    await withServedEmulator({}, async ({ env, run }) => {
      await run(["ssh-keys", "add", "k", "--print-private-key"]);
      await run(launchArgs());
      const args = ["instances", "list", "--format", "STATUS"];
      assert((await onTerminal(args, env)).shown.includes(`${YELLOW}booting${RESET}`));
      assert(
        (await onTerminal(["instances", "get", "nope"], env)).shown.includes(
          "\x1b[1;31merror:\x1b[0m",
        ),
      );
      const noColor = (await onTerminal(args, { ...env, NO_COLOR: "1" })).shown;
      assert(noColor.includes("booting") && !noColor.includes(YELLOW), JSON.stringify(noColor));
      const piped = await run(args, { env: { ...env, NO_COLOR: "" } });
      assertEquals(piped.out, "STATUS\nbooting");
      assert(!piped.err.includes("\x1b"));
    });
  },
});
