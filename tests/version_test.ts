import { SPEC_VERSION, VERSION } from "../mod.ts";
import { OPERATIONS } from "../lib/spec/operations.ts";
import { assertEquals, assertMatch, assertStrictEquals } from "@std/assert";

Deno.test("VERSION matches the version in deno.json", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assertStrictEquals(VERSION, config.version);
});

Deno.test("the README's count of operations and spec version come from the table", async () => {
  const readme = await Deno.readTextFile("README.md");
  const count = Object.keys(OPERATIONS).length;
  assertMatch(
    readme,
    new RegExp(`all ${count} operations of Lambda's API \\(spec ${SPEC_VERSION}\\)`),
  );
  // Every "all N operations" in the README and in docs/ must say what the table says.
  const docs = [];
  for await (const entry of Deno.readDir("docs")) {
    if (entry.isFile && entry.name.endsWith(".md")) {
      docs.push(await Deno.readTextFile(`docs/${entry.name}`));
    }
  }
  const stated = [readme, ...docs].flatMap((text) =>
    [...text.matchAll(/all (\d+) operations/g)].map((match) => Number(match[1]))
  );
  assertEquals(stated.filter((number) => number !== count), []);
});
