// deno run --lock=dev.lock --allow-read --allow-write --allow-run --allow-env bench/import_cost.ts
//
// What loading the client costs: `deno run` of a script that imports mod.ts against an empty
// script (interleaved, bench/_compare.ts), which is what a Deno Deploy cold start pays for it on top
// of the runtime's own start; and the size of the package bundled, minified and gzipped, against
// the other published JavaScript client for this API (npm lambda-cloud-node-api).
// deno-lint-ignore-file no-console

import { compare, table } from "./_compare.ts";

const here = (path: string) => new URL(path, import.meta.url).pathname;

async function denoRun(script: string): Promise<void> {
  const { success } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--no-config", script],
    stdout: "null",
    stderr: "null",
  }).output();
  if (!success) throw new Error(`deno run ${script} failed`);
}

/** Bundles `entry` minified into `dir`/`name` and returns its size, raw and gzipped, in bytes. */
async function bundledSize(
  entry: string,
  dir: string,
  name: string,
): Promise<{ raw: number; gzip: number }> {
  const output = `${dir}/${name}`;
  const { success, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--minify", "--lock=dev.lock", entry, "-o", output],
    cwd: here(".."),
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!success) throw new Error(new TextDecoder().decode(stderr));
  const bytes = await Deno.readFile(output);
  const gzipped = await new Response(
    new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip")),
  ).arrayBuffer();
  return { raw: bytes.length, gzip: gzipped.byteLength };
}

const work = await Deno.makeTempDir({ prefix: "lambda-bundle-" });
try {
  await Deno.writeTextFile(`${work}/peer.ts`, 'export * from "npm:lambda-cloud-node-api@1.0.1";\n');
  const client = await bundledSize("mod.ts", work, "client.js");
  const peer = await bundledSize(`${work}/peer.ts`, work, "peer.js");
  // What Deploy loads is closer to this: the graph already resolved into one prepared module.
  await Deno.writeTextFile(
    `${work}/import_bundle.ts`,
    'import * as client from "./client.js";\n' +
      'if (typeof client.LambdaCloudClient !== "function") throw new Error("no client");\n',
  );

  console.log(`Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores`);
  console.log("\n### `deno run` of a script\n");
  console.log(table(
    await compare([
      { name: "an empty script", run: () => denoRun(here("fixtures/empty.ts")) },
      { name: "a script that imports mod.ts", run: () => denoRun(here("fixtures/import_mod.ts")) },
      {
        name: "a script that imports mod.ts bundled and minified",
        run: () => denoRun(`${work}/import_bundle.ts`),
      },
    ], { rounds: 40, perBlock: 1, warmup: 3 }),
  ));

  console.log("\n### Bundled with `deno bundle --minify`\n");
  console.log("| package | minified | gzipped |\n| --- | --- | --- |");
  for (
    const [name, size] of [["@lambda-cloud/client (mod.ts)", client], [
      "lambda-cloud-node-api 1.0.1",
      peer,
    ]] as const
  ) {
    console.log(
      `| ${name} | ${(size.raw / 1024).toFixed(1)} KiB | ${(size.gzip / 1024).toFixed(1)} KiB |`,
    );
  }
} finally {
  await Deno.remove(work, { recursive: true });
}
