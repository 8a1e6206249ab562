import { VERSION } from "../mod.ts";
import { assertStrictEquals } from "./_deps.ts";

Deno.test("VERSION matches the version in deno.json", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assertStrictEquals(VERSION, config.version);
});
