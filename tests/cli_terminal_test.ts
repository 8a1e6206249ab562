// What the real `lambda` writes to a terminal, through its Deno entrypoint in child processes: text
// that an instance's name or a server's message carries is shown, never obeyed and never hidden,
// in tables, details, ids (-q), JSON on stdout and stderr, and error messages; and the API key,
// typed where an id goes, never shows at all.

import { assert, assertEquals, assertMatch } from "@std/assert";
import { emulatorClient, keyed, LAUNCH } from "./_emulator.ts";
import { type ProcessRun, withServedEmulator } from "./_entrypoint.ts";

// C0 (ESC, BEL, CR), DEL, C1 (U+009B: the escape-sequence introducer in one character), bidi
// overrides and isolates, the line and paragraph separators, zero-width characters, the byte-order
// mark, a no-break space, and a tag character (outside the BMP).
const HOSTILE =
  "a\x1b[2J\x07\r\x7f\x9b31m\u202egnp\u2066\u2069\u2028\u2029\u200b\u200d\ufeff\u2060\u00a0\u{e0041}z";
const SHOWN =
  "a\\x1b[2J\\x07\\r\\x7f\\x9b31m\\u202egnp\\u2066\\u2069\\u2028\\u2029\\u200b\\u200d\\ufeff\\u2060\\xa0\\u{e0041}z";

/** A character a terminal obeys or that does not show: anything of the kind but a line feed. */
const UNSAFE = /[[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Zs}]--[ \n]]/v;

/** Neither stream holds a character that the terminal would obey or that would not show. */
function assertShownOnly(run: ProcessRun): void {
  for (const text of [run.out, run.err]) assert(!UNSAFE.test(text), JSON.stringify(text));
}

/** The last line of stderr, after the note that this process paces alone. */
function lastLine(run: ProcessRun): string | undefined {
  return run.err.split("\n").at(-1);
}

/** The JSON lines of stderr (the note that this process paces alone, then the error). */
function jsonError(run: ProcessRun): { message: string } {
  return run.err.split("\n").map((line) => JSON.parse(line)).at(-1).error;
}

Deno.test("terminal: a hostile name shows escaped in tables, details and errors, and JSON escapes it and reads back the same", async () => {
  await withServedEmulator({}, async ({ emulator, run }) => {
    const client = await keyed(emulatorClient(emulator));
    const [id] = (await client.instances.launch({ ...LAUNCH, name: HOSTILE })).instance_ids;
    const [table, details, json, missing, missingJson] = await Promise.all([
      run(["instances", "list", "--format", "id,name"]),
      run(["instances", "get", id!]),
      run(["instances", "list", "--json"]),
      run(["instances", "get", `no${HOSTILE}`]),
      run(["instances", "get", `no${HOSTILE}`, "--json"]),
    ]);
    for (const each of [table, details, json, missing, missingJson]) assertShownOnly(each);
    assertEquals(table.out.split("\n")[1], `${id}  ${SHOWN}`);
    assert(details.out.split("\n").includes(`name:        ${SHOWN}`), details.out);
    assertMatch(json.out, /"name": "a\\u001b\[2J\\u0007\\r\\u007f\\u009b31m\\u202egnp/);
    assertEquals(JSON.parse(json.out)[0].name, HOSTILE);
    const suggested = (name: string) =>
      `no instance has the id or name 'no${name}'; did you mean '${name}'?`;
    assertEquals(lastLine(missing), `error: ${suggested(SHOWN)}`);
    assertEquals(jsonError(missingJson).message, suggested(HOSTILE));
  });
});

Deno.test("terminal: a server's hostile text shows escaped in ids (-q) and tables, and in its error message on stderr", async () => {
  await withServedEmulator({}, async ({ emulator, run }) => {
    using _regions = emulator.override(
      "listRegions",
      () => Response.json({ data: [{ name: HOSTILE, description: HOSTILE }] }),
      { times: 3 },
    );
    const [quiet, table, json] = await Promise.all([
      run(["regions", "-q"]),
      run(["regions"]),
      run(["regions", "--json"]),
    ]);
    using _refused = emulator.override("listRegions", () =>
      Response.json(
        { error: { code: "global/invalid-parameters", message: HOSTILE } },
        { status: 400 },
      ), { times: 2 });
    const [refused, refusedJson] = await Promise.all([
      run(["regions"]),
      run(["regions", "--json"]),
    ]);
    for (const each of [quiet, table, json, refused, refusedJson]) assertShownOnly(each);
    assertEquals(quiet.out, SHOWN);
    assertEquals(table.out.split("\n")[1], `${SHOWN}  ${SHOWN}`);
    assertEquals(JSON.parse(json.out), [{ name: HOSTILE, description: HOSTILE }]);
    assertEquals(
      lastLine(refused),
      `error: Cannot list regions: invalid parameters (code 'global/invalid-parameters'): ${SHOWN}`,
    );
    assert(jsonError(refusedJson).message.includes(HOSTILE));
  });
});

Deno.test("terminal: the API key typed where an id goes never shows, in errors, --json or a dry run", async () => {
  await withServedEmulator({}, async ({ emulator, run }) => {
    const key = emulator.apiKey;
    const runs = await Promise.all([
      run(["instances", "get", key]),
      run(["instances", "get", key, "--json"]),
      run(["instances", "terminate", key, "--yes"]),
      run(["instances", "terminate", key, "--dry-run", "--json"]),
      run(["instances", "rename", key, "x", "--dry-run"]),
      run(["api", "getInstance", "--path", `id=${key}`]),
      run(["api", "postInstance", "--path", `id=${key}`, "--body", '{"name":"x"}', "--dry-run"]),
      run(["api", "postInstance", "--path", `id=${key}`, "--body", '{"name":"x"}', "--json"]),
    ]);
    for (const { out, err } of runs) {
      assert(!out.includes(key) && !err.includes(key), `${out}\n${err}`);
    }
    assertEquals(runs.map(({ code }) => code), [4, 4, 4, 4, 4, 4, 0, 4]);
    assertEquals(lastLine(runs[0]!), "error: no instance has the id or name '[REDACTED]'");
    // Sent as given, shown without it.
    assertMatch(
      runs[6]!.out,
      /^POST http:\/\/127\.0\.0\.1:\d+\/api\/v1\/instances\/\[REDACTED\]$/m,
    );
  });
});
