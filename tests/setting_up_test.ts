// What a newcomer meets setting up: `deno task test` says how far it got while it runs, the
// install from a clone that docs/cli.md gives runs without a warning, and the PATH the README sets
// does not lead into npx's cache, which npm may clean at any time.

import { assert, assertEquals, assertMatch } from "@std/assert";
import { CLI, DENO_ENV } from "./_entrypoint.ts";
import { hasScript } from "./_terminal.ts";

const README = await Deno.readTextFile("README.md");
const CLI_DOC = await Deno.readTextFile("docs/cli.md");
const RUN_TESTS = new URL("./tools/run_tests.ts", import.meta.url).pathname;
const JSR_MIRROR = new URL("../../shared/jsr/with-mirror", import.meta.url).pathname;

/** A scratch folder under .tmp, removed after `use`. */
async function scratch<T>(use: (dir: string) => Promise<T>): Promise<T> {
  await Deno.mkdir(".tmp", { recursive: true });
  const dir = await Deno.realPath(await Deno.makeTempDir({ dir: ".tmp", prefix: "setup-" }));
  try {
    return await use(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

Deno.test({
  name: "set-up: deno task test shows how far it got while it runs",
  ignore: !hasScript,
  fn: () =>
    scratch(async (dir) => {
      await Deno.writeTextFile(
        `${dir}/a_test.ts`,
        'Deno.test("one", () => {});\nDeno.test("two", () => {});\n',
      );
      // As the test task runs it (its own permissions), on tests outside this repository's config.
      const command = [
        Deno.execPath(),
        "run",
        "--allow-run",
        `--allow-read=${JSR_MIRROR}`,
        "--allow-write=.schema,.tmp,.coverage",
        RUN_TESTS,
        "deno",
        "test",
        "--no-config",
        "a_test.ts",
      ];
      const piped = await new Deno.Command(command[0]!, {
        args: command.slice(1),
        cwd: dir,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const lines = text(piped.stdout).split("\n");
      // Off a terminal (CI), a line at once, then the summary.
      assertEquals(lines[0], "Testing: type-checking, 0 s");
      assertMatch(lines[1]!, /^Tests: 2 passed, 0 failed, in \d+ s/);
      // On a terminal, one line rewritten in place as each test ends, cleared before the summary.
      const quoted = command.map((word) => `'${word}'`).join(" ");
      const live = await new Deno.Command("script", {
        args: ["-qec", quoted, "/dev/null"],
        cwd: dir,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      const shown = text(live.stdout);
      for (const passed of [1, 2]) {
        assert(
          shown.includes(
            `\r\x1b[KTesting: ${passed} passed, 0 failed so far, file 1 (./a_test.ts), `,
          ),
          JSON.stringify(shown),
        );
      }
      assert(shown.includes("\r\x1b[KTests: 2 passed, 0 failed"), JSON.stringify(shown));
    }),
});

/** The permission flags of the README's `deno install -g -n lambda …` line, as a shell reads them. */
function installFlags(home: string): string[] {
  const line = README.split("\n").find((line) => line.startsWith("deno install -g -n lambda "))!;
  // "${XDG_CACHE_HOME:-$HOME/.cache}/lambda-cloud", with neither variable set but HOME.
  return line.split(/\s+/).slice(5, -1).map((flag) =>
    flag.replaceAll(/"\$\{XDG_\w+:-\$HOME(\/[^}]+)\}(\/[^"]*)"/g, `${home}$1$2`)
  );
}

Deno.test("set-up: the install from a clone that docs/cli.md gives warns of nothing, and runs", () =>
  scratch(async (dir) => {
    // "From a clone, install `[flags ]lib/cli/mod.ts` in place of `jsr:@lambda-cloud/client/cli`".
    const clone = new RegExp(
      "From a clone, install `([^`]*?)lib/cli/mod\\.ts` in place of `jsr:@lambda-cloud/client/cli`"
        .replaceAll(" ", "\\s+"),
    ).exec(CLI_DOC);
    assert(clone, "docs/cli.md does not say how to install from a clone");
    const extra = clone[1]!.split(/\s+/).filter((flag) => flag !== "");
    const home = `${dir}/home`;
    const installed = await new Deno.Command(Deno.execPath(), {
      args: [
        "install",
        "-g",
        "--root",
        `${dir}/root`,
        "-n",
        "lambda",
        ...extra,
        ...installFlags(home),
        CLI,
      ],
      env: { HOME: home, NO_COLOR: "1", ...DENO_ENV },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const said = text(installed.stderr) + text(installed.stdout);
    assertEquals(installed.code, 0, said);
    assert(!/warning/i.test(said), said);
    const version = await new Deno.Command(`${dir}/root/bin/lambda`, {
      args: ["version"],
      env: {
        HOME: home,
        PATH: `${Deno.execPath().replace(/\/[^/]+$/, "")}:/usr/bin:/bin`,
        ...DENO_ENV,
      },
      stdout: "piped",
    }).output();
    assertMatch(text(version.stdout), /^lambda \d+\.\d+\.\d+ \(@lambda-cloud\/client\)\n$/);
  }));

Deno.test("set-up: the PATH the README sets never leads into npx's cache", () => {
  const paths = README.split("\n").filter((line) => /^export PATH=/.test(line));
  assert(paths.length > 0);
  // npx's cache (~/.npm/_npx) can be cleaned at any time, and the installed `lambda` runs `deno`.
  for (const line of paths) assert(!line.includes("npx"), line);
  assertMatch(
    README,
    /cp "\$\(npx --yes deno@[\d.]+ eval 'console\.log\(Deno\.execPath\(\)\)'\)" ~\/\.deno\/bin\//,
  );
});
