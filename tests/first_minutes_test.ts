// The first five minutes: the README's demo, the library and the emulator import nothing but the
// package's own files, so that the published graphs of mod.ts and lib/testing/mod.ts have no
// dependency at all (no jsr:, npm: or remote module: @std is for the tests, the examples, the
// tools and the command line), and the command line fetches nothing from npm. The npm packages
// that only development uses (the schema validator, the benchmark peer) are locked in dev.lock,
// which only the development tasks read; deno.json turns the default lockfile off, since Deno
// installs every npm package a lockfile names before it runs anything. dev.lock pins no JSR package:
// the offline copy of JSR's checksums are its own, and would fail where JSR itself answers.

import { assertEquals } from "@std/assert";

const OWN = new URL("../", import.meta.url).href;

/** What `deno info --json` reports of a module graph. */
interface Graph {
  modules: { specifier: string }[];
  redirects: Record<string, string>;
  npmPackages: Record<string, unknown>;
}

/**
 * `deno info --json entry` on a cache of its own, as on a fresh machine, so that any download
 * shows: the graph, and the downloads Deno announced. The environment is passed on, JSR_URL with
 * it, so that a graph with @std resolves where JSR is mirrored.
 */
async function graphOf(entry: string): Promise<{ graph: Graph; downloads: string[] }> {
  await Deno.mkdir(".tmp", { recursive: true });
  const cache = await Deno.realPath(await Deno.makeTempDir({ dir: ".tmp", prefix: "deno-dir-" }));
  try {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      env: { DENO_DIR: cache, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const said = new TextDecoder().decode(stderr);
    assertEquals(code, 0, said);
    return {
      graph: JSON.parse(new TextDecoder().decode(stdout)),
      downloads: said.split("\n").filter((line) => line.startsWith("Download ")),
    };
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
}

for (const entry of ["examples/quickstart.ts", "mod.ts", "lib/testing/mod.ts"]) {
  Deno.test(`first minutes: ${entry} imports only the package's own files`, async () => {
    const { graph, downloads } = await graphOf(entry);
    const outside = graph.modules.map((module) => module.specifier)
      .filter((specifier) => !specifier.startsWith(OWN));
    assertEquals(outside, []);
    assertEquals([graph.redirects, graph.npmPackages, downloads], [{}, {}, []]);
  });
}

Deno.test("first minutes: the command line fetches nothing from npm", async () => {
  const { graph, downloads } = await graphOf("lib/cli/mod.ts");
  assertEquals(graph.npmPackages, {});
  assertEquals(downloads.filter((line) => !line.includes("/@std/")), []);
});

Deno.test("first minutes: dev.lock pins no JSR package, whose checksums differ between JSR and its mirror", async () => {
  const lock = JSON.parse(await Deno.readTextFile("dev.lock"));
  assertEquals(Object.keys(lock.jsr ?? {}), []);
});
