// The command line's Deno terminal: output, the live progress line, permissions, prompts, files.

import { assertEquals, assertRejects, assertThrows } from "@std/assert";
import { denoIo, type DenoLike } from "../lib/cli/_deno_io.ts";

function fakeDeno(terminal: boolean, granted: string[], typed = "", noColor = false) {
  const decoder = new TextDecoder();
  const out: string[] = [];
  const err: string[] = [];
  const opened: [string, unknown][] = [];
  const written = new Map<string, string>();
  const removed: string[] = [];
  let brokenPipe = false;
  let stdoutFails: Error | undefined;
  let stderrFails = false;
  let writesFail = false;
  const input = new TextEncoder().encode(typed);
  let read = 0;
  const deno: DenoLike = {
    stdout: {
      writeSync: (bytes) => {
        if (brokenPipe) throw Object.assign(new Error("Broken pipe"), { name: "BrokenPipe" });
        if (stdoutFails) throw stdoutFails;
        out.push(decoder.decode(bytes));
        return bytes.length;
      },
      isTerminal: () => terminal,
    },
    stderr: {
      // Takes at most 8 bytes a call, as a pipe may: the rest must be written after.
      writeSync: (bytes) => {
        if (stderrFails) throw new Error("No space left on device (os error 28)");
        err.push(decoder.decode(bytes.subarray(0, 8)));
        return Math.min(8, bytes.length);
      },
      isTerminal: () => terminal,
    },
    stdin: {
      isTerminal: () => terminal,
      readSync: (buffer) => {
        if (read >= input.length) return null;
        buffer[0] = input[read++]!;
        return 1;
      },
    },
    permissions: {
      querySync: (descriptor) => ({
        state: granted.includes("variable" in descriptor ? descriptor.variable : descriptor.path)
          ? "granted"
          : "prompt",
      }),
    },
    env: { get: (name) => `value of ${name}` },
    readTextFile: (path) => Promise.resolve(`contents of ${path}`),
    open: (path, options) => {
      opened.push([path, options]);
      let content = new Uint8Array(0);
      let position = 0;
      return Promise.resolve({
        // Takes at most 4 bytes a call, as a file may: the rest must be written after.
        write: (bytes) => {
          if (writesFail) return Promise.reject(new Error("File too large (os error 27)"));
          const chunk = bytes.subarray(0, 4);
          const grown = new Uint8Array(Math.max(content.length, position + chunk.length));
          grown.set(content);
          grown.set(chunk, position);
          content = grown;
          position += chunk.length;
          return Promise.resolve(chunk.length);
        },
        seek: (offset) => Promise.resolve(position = offset),
        truncate: (length) => {
          content = content.slice(0, length);
          return Promise.resolve();
        },
        close: () => {
          written.set(path, decoder.decode(content));
        },
      });
    },
    remove: (path) => {
      removed.push(path);
      return Promise.resolve();
    },
    noColor,
  };
  return {
    deno,
    out,
    err,
    opened,
    written,
    removed,
    breakPipe: () => brokenPipe = true,
    failStdout: (error: Error) => stdoutFails = error,
    failStderr: () => stderrFails = true,
    failWrites: () => writesFail = true,
  };
}

Deno.test("deno io: on a terminal, progress is one line rewritten in place, ended before output", async () => {
  const { deno, out, err } = fakeDeno(true, [], "y\n");
  const io = denoIo(deno);
  io.progress("booting");
  io.progress("active");
  io.stdout("done");
  io.progress("again");
  assertEquals(await io.confirm("Launch?"), true);
  io.stderr("warning");
  assertEquals(
    err.join(""),
    "\r\x1b[Kbooting\r\x1b[Kactive\n\r\x1b[Kagain\nLaunch? [y/N] warning\n",
  );
  assertEquals([out, io.isTerminal], [["done\n"], true]);
});

Deno.test("deno io: colour only on a terminal, and never with NO_COLOR", () => {
  assertEquals(denoIo(fakeDeno(true, []).deno).colour, { stdout: true, stderr: true });
  assertEquals(denoIo(fakeDeno(true, [], "", true).deno).colour, { stdout: false, stderr: false });
  assertEquals(denoIo(fakeDeno(false, []).deno).colour, { stdout: false, stderr: false });
});

Deno.test("deno io: a question goes to stderr, never stdout, and only y or yes is yes", async () => {
  for (
    const [typed, answer] of [["y\n", true], ["YES\n", true], ["n\n", false], ["\n", false], [
      "",
      false,
    ], ["yep\n", false]] as const
  ) {
    const { deno, out, err } = fakeDeno(true, [], typed);
    assertEquals(await denoIo(deno).confirm("Terminate?"), answer, JSON.stringify(typed));
    assertEquals([out, err.join("")], [[], "Terminate? [y/N] "]);
  }
});

Deno.test("deno io: off a terminal, progress is plain lines; env only when granted, else an error", () => {
  const { deno, err } = fakeDeno(false, ["LAMBDA_API_KEY"]);
  const io = denoIo(deno);
  io.progress("polling");
  assertEquals([err.join(""), io.isTerminal], ["polling\n", false]);
  assertEquals(io.env("LAMBDA_API_KEY"), "value of LAMBDA_API_KEY");
  assertThrows(() => io.env("LAMBDA_BASE_URL"), Error, "no permission to read LAMBDA_BASE_URL");
});

Deno.test("deno io: a closed stdout (| head) ends the output quietly", () => {
  const { deno, out, breakPipe } = fakeDeno(false, []);
  const io = denoIo(deno);
  io.stdout("first");
  breakPipe();
  io.stdout("second");
  io.stdout("third");
  assertEquals(out, ["first\n"]);
});

Deno.test("deno io: any failed stdout write loses stdout, keeping why; a failed stderr write is let go", async () => {
  const { deno, out, failStdout, failStderr } = fakeDeno(true, [], "y\n");
  const io = denoIo(deno);
  io.stdout("first");
  assertEquals([io.stdoutLost?.(), io.stdoutError?.()], [false, undefined]);
  const full = Object.assign(new Error("No space left on device (os error 28)"), { name: "Other" });
  failStdout(full);
  io.stdout("second"); // > /dev/full: no throw, but lost, and why is kept
  io.stdout("third");
  assertEquals([out, io.stdoutLost?.(), io.stdoutError?.()], [["first\n"], true, full]);
  // 2>/dev/full, or a terminal that hung up: nothing to tell, nothing thrown.
  failStderr();
  io.stderr("error: not found");
  io.progress("booting");
  // A question that could not be shown is not answered yes, though "y" waits on stdin.
  assertEquals(await io.confirm("Terminate?"), false);
});

Deno.test("deno io: a secret file is created new, mode 600, before it is written, or removed", async () => {
  const { deno, opened, written, removed, failWrites } = fakeDeno(false, [
    "key.pem",
    "other.pem",
    "third.pem",
    "fourth.pem",
    "id.pub",
  ]);
  const io = denoIo(deno);
  assertEquals(await io.readTextFile("id.pub"), "contents of id.pub");
  await assertRejects(() => io.readTextFile("/etc/shadow"), Error, "--allow-read");
  const file = await io.createSecretFile("key.pem");
  assertEquals(opened, [["key.pem", { write: true, createNew: true, mode: 0o600 }]]);
  await file.write("secret");
  assertEquals(written.get("key.pem"), "secret");
  await (await io.createSecretFile("other.pem")).discard();
  assertEquals(removed, ["other.pem"]);
  // A write that fails once the room for the key was reserved: the file is removed.
  const failing = await io.createSecretFile("third.pem");
  failWrites();
  await assertRejects(() => failing.write("x"), Error, "File too large");
  assertEquals(removed, ["other.pem", "third.pem"]); // half a key is no key
  // Room for the key is reserved before Lambda makes it: a full disk or a file size limit
  // fails there, while nothing has been asked of Lambda yet.
  await assertRejects(
    () => io.createSecretFile("fourth.pem"),
    Error,
    "cannot reserve room for the key (File too large (os error 27))",
  );
  assertEquals(removed, ["other.pem", "third.pem", "fourth.pem"]);
  await assertRejects(() => io.createSecretFile("/etc/key.pem"), Error, "--allow-write");
});
