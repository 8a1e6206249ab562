// The command line's Deno terminal: output, the live progress line, permissions, prompts, files.

import { assertEquals } from "./_deps.ts";
import { denoIo, type DenoLike } from "../lib/cli/_deno_io.ts";

function fakeDeno(terminal: boolean, granted: string[]) {
  const decoder = new TextDecoder();
  const out: string[] = [];
  const err: string[] = [];
  const written: [string, string, unknown][] = [];
  const deno: DenoLike = {
    stdout: { writeSync: (bytes) => out.push(decoder.decode(bytes)) },
    stderr: { writeSync: (bytes) => err.push(decoder.decode(bytes)), isTerminal: () => terminal },
    stdin: { isTerminal: () => terminal },
    permissions: {
      querySync: ({ variable }) => ({ state: granted.includes(variable) ? "granted" : "prompt" }),
    },
    env: { get: (name) => `value of ${name}` },
    readTextFile: (path) => Promise.resolve(`contents of ${path}`),
    writeTextFile: (path, text, options) => {
      written.push([path, text, options]);
      return Promise.resolve();
    },
  };
  return { deno, out, err, written };
}

Deno.test("deno io: on a terminal, progress is one line rewritten in place, ended before output", async () => {
  const { deno, out, err } = fakeDeno(true, []);
  const questions: string[] = [];
  const io = denoIo(deno, (question) => questions.push(question) > 0);
  io.progress("booting after 1 s");
  io.progress("active after 9 s");
  io.stdout("done");
  io.progress("again");
  assertEquals(await io.confirm("Launch?"), true);
  io.stderr("warning");
  assertEquals(err, [
    "\r\x1b[Kbooting after 1 s",
    "\r\x1b[Kactive after 9 s",
    "\n",
    "\r\x1b[Kagain",
    "\n",
    "warning\n",
  ]);
  assertEquals([out, questions, io.isTerminal], [["done\n"], ["Launch?"], true]);
});

Deno.test("deno io: off a terminal, progress is plain lines; env only when granted; files", async () => {
  const { deno, err, written } = fakeDeno(false, ["LAMBDA_API_KEY"]);
  const io = denoIo(deno, () => false);
  io.progress("polling");
  assertEquals([err, io.isTerminal], [["polling\n"], false]);
  assertEquals(io.env("LAMBDA_API_KEY"), "value of LAMBDA_API_KEY");
  assertEquals(io.env("LAMBDA_BASE_URL"), undefined);
  assertEquals(await io.readTextFile("id.pub"), "contents of id.pub");
  await io.writeSecretFile("key.pem", "secret");
  assertEquals(written, [["key.pem", "secret", { mode: 0o600, createNew: true }]]);
});
