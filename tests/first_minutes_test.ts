// The first five minutes: the README's demo, and what people import, never fetch the npm packages
// that only development uses (the schema validator, the benchmark peer). Those are locked in
// dev.lock, which only the development tasks read; deno.json turns the default lockfile off, since
// Deno installs every npm package a lockfile names before it runs anything.

import { assert, assertEquals } from "./_deps.ts";
import { DENO_ENV } from "./_entrypoint.ts";

Deno.test("first minutes: the demo and the published entrypoints fetch nothing from npm", async () => {
  await Deno.mkdir(".tmp", { recursive: true });
  // A cache of its own, as on a fresh machine, so that any download would show.
  const cache = await Deno.realPath(await Deno.makeTempDir({ dir: ".tmp", prefix: "deno-dir-" }));
  try {
    for (
      const entry of ["examples/quickstart.ts", "mod.ts", "lib/cli/mod.ts", "lib/testing/mod.ts"]
    ) {
      const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
        args: ["info", "--json", entry],
        clearEnv: true,
        env: { ...DENO_ENV, DENO_DIR: cache, NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const said = new TextDecoder().decode(stderr);
      assertEquals(code, 0, said);
      // The library, the emulator and the demo download nothing at all; the command line, only
      // the @std packages it names (from JSR, or the mirror JSR_URL points at).
      const downloads = said.split("\n").filter((line) => line.includes("Download"));
      const allowed = entry === "lib/cli/mod.ts" ? /\/@std\/[a-z-]+\// : /$^/;
      assert(downloads.every((line) => allowed.test(line)), `${entry}: ${said}`);
      assertEquals(JSON.parse(new TextDecoder().decode(stdout)).npmPackages, {}, entry);
    }
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});
