// `lambda auth` in-process: logging in (a key piped in or typed without echo, checked with one
// read), the order in which a key is chosen, a profile's own base URL, rotation, logging out, and
// every bad input, each of which leaves the other profiles as they were. The file on disk (its
// modes, the rename) is cli_credentials_file_test.ts's; the real entrypoint, cli_auth_entrypoint_test.ts's.

import { assert, assertEquals, assertMatch } from "@std/assert";
import { cliRunner, launchArgs, memoryFile, type TerminalSetup } from "./_cli.ts";
import { testEmulator } from "./_emulator.ts";
import { type CredentialsFile, EXIT } from "../lib/cli/mod.ts";
import { keyFingerprint } from "../lib/cli/_journal.ts";
import type { LambdaEmulator } from "../lib/testing/mod.ts";

const WHERE = "/home/u/.config/lambda-cloud/credentials";
const KEY = "secret_emulator"; // the test emulator's key
const OTHER = "secret_another_key_7f3a";

/** The command line on `emulator` with `file` for its profiles, and LAMBDA_API_KEY unset. */
function withFile(
  emulator: LambdaEmulator,
  file: CredentialsFile,
  setup: TerminalSetup = {},
  fetch: (request: Request) => Promise<Response> = emulator.fetch,
) {
  return cliRunner(emulator, { ...setup, env: { LAMBDA_API_KEY: "", ...setup.env } }, {
    fetch,
    rateLimit: false,
    credentials: file,
  });
}

/** A fetch to `emulator` that records where each request went, and with which Authorization. */
function recording(emulator: LambdaEmulator) {
  const sent: { url: string; authorization: string | null }[] = [];
  const fetch = (request: Request) => {
    sent.push({ url: request.url, authorization: request.headers.get("authorization") });
    return emulator.fetch(request);
  };
  return { sent, fetch };
}

/** The key lines of a credentials file, header comments dropped. */
function entries(file: { text: string | undefined }): string[] {
  return (file.text ?? "").split("\n").filter((line) => line !== "" && !line.startsWith("#"));
}

Deno.test("auth: login stores a key piped in once one read accepts it, and status says where it came from", async () => {
  const emulator = testEmulator();
  const file = memoryFile(WHERE);
  const { sent, fetch } = recording(emulator);
  const login = await withFile(emulator, file, { stdin: `  ${KEY}\n` }, fetch)([
    "auth",
    "login",
    "--with-key-stdin",
  ]);
  assertEquals(login.code, EXIT.ok, login.err);
  assertEquals(login.out.split("\n"), [
    `Stored the key …tor as profile 'default', in ${WHERE}`,
    "The API at https://cloud.lambda.ai/api/v1 accepted it.",
  ]);
  // One cheap read, with the key as given less the white space around it.
  assertEquals(emulator.requests.map((request) => request.operationId), ["listRegions"]);
  assertEquals(sent.map((request) => request.authorization), [`Bearer ${KEY}`]);
  assertEquals(entries(file), [`LAMBDA_API_KEY_default=${KEY}`]);
  assertMatch(file.text!, /^# The profiles of `lambda auth`/);

  const status = await withFile(emulator, file)(["auth", "status"]);
  assertEquals(status.code, EXIT.ok, status.err);
  assertEquals(status.out.split("\n"), [
    `Key:   …tor, from profile 'default' in ${WHERE}`,
    "API:   https://cloud.lambda.ai/api/v1 (Lambda's)",
    "Works: yes, the API accepted it",
  ]);
  assert(!status.out.includes(KEY) && !login.out.includes(KEY) && !login.err.includes(KEY));
  // And every other command now finds the key there.
  assertEquals((await withFile(emulator, file)(["regions", "-q"])).code, EXIT.ok);
});

Deno.test("auth: on a terminal, login asks for the key (without echo) rather than take it as an argument", async () => {
  const emulator = testEmulator();
  const file = memoryFile(WHERE);
  const typed = await withFile(emulator, file, { terminal: true, typed: KEY })(["auth", "login"]);
  assertEquals(typed.code, EXIT.ok, typed.err);
  assertEquals(typed.questions, [
    "Paste your Lambda API key (it does not show as you type):",
  ]);
  assertEquals(entries(file), [`LAMBDA_API_KEY_default=${KEY}`]);
  // Nobody to ask, and nothing piped in: it says how, and stores nothing.
  const nobody = await withFile(emulator, memoryFile(WHERE))(["auth", "login"]);
  assertEquals(nobody.code, EXIT.usage);
  assertMatch(nobody.err, /^error: cannot ask for the key here .*'--with-key-stdin'/);
  // A key is never an argument, and one given as such is not repeated.
  const argument = await withFile(emulator, file)(["auth", "login", KEY]);
  assertEquals(argument.code, EXIT.usage);
  assertMatch(argument.err, /^error: 'auth login' takes no arguments: a key given as one/);
  assert(!argument.err.includes(KEY));
});

Deno.test("auth: which key is sent: --profile, then LAMBDA_API_KEY, then LAMBDA_PROFILE's profile, else 'default'", async () => {
  const emulator = testEmulator();
  const file = memoryFile(
    WHERE,
    `LAMBDA_API_KEY_default=${OTHER}\nLAMBDA_API_KEY_work=${KEY}\nLAMBDA_API_KEY_spare=${OTHER}x\n`,
  );
  const status = async (argv: string[], env: Record<string, string>) => {
    const result = await withFile(emulator, file, { env })(["auth", "status", "--json", ...argv]);
    const data = JSON.parse(result.out);
    return [data.source, data.profile, data.chosen_by, data.key, data.unused];
  };
  const both = { LAMBDA_API_KEY: KEY, LAMBDA_PROFILE: "spare" };
  assertEquals(await status(["--profile", "work"], both), [
    "profile",
    "work",
    "--profile",
    "…tor",
    ["LAMBDA_API_KEY", "LAMBDA_PROFILE"],
  ]);
  assertEquals(await status([], both), ["LAMBDA_API_KEY", null, null, "…tor", ["LAMBDA_PROFILE"]]);
  assertEquals(await status([], { LAMBDA_PROFILE: "spare" }), [
    "profile",
    "spare",
    "LAMBDA_PROFILE",
    "…f3ax",
    [],
  ]);
  assertEquals(await status([], {}), ["profile", "default", "default", "…7f3a", []]);

  // The same order for every command: the key that wins is the one sent.
  const { sent: requests, fetch } = recording(emulator);
  const sent = async (argv: string[], env: Record<string, string>) => {
    requests.length = 0;
    const result = await withFile(emulator, file, { env }, fetch)(["regions", "-q", ...argv]);
    return [result.code, requests[0]?.authorization];
  };
  assertEquals(await sent(["--profile", "work"], { LAMBDA_API_KEY: OTHER }), [
    EXIT.ok,
    `Bearer ${KEY}`,
  ]);
  assertEquals(await sent([], { LAMBDA_API_KEY: KEY, LAMBDA_PROFILE: "spare" }), [
    EXIT.ok,
    `Bearer ${KEY}`,
  ]);
  assertEquals(await sent([], { LAMBDA_PROFILE: "work" }), [EXIT.ok, `Bearer ${KEY}`]);
  assertEquals(await sent([], {}), [EXIT.auth, `Bearer ${OTHER}`]);
  // A status whose key is refused says so, and exits 3.
  const refused = await withFile(emulator, file)(["auth", "status"]);
  assertEquals(refused.code, EXIT.auth);
  assertMatch(refused.out, /\nWorks: no: Cannot list regions: invalid API key/);
});

Deno.test("auth: a profile's base URL goes with its key, and only with it", async () => {
  const emulator = testEmulator();
  const { sent, fetch } = recording(emulator);
  const file = memoryFile(WHERE);
  const run = (argv: string[], setup: TerminalSetup = {}) =>
    withFile(emulator, file, setup, fetch)(argv);
  const login = await run(
    [
      "auth",
      "login",
      "--profile",
      "emulator",
      "--base-url",
      "http://127.0.0.1:8787/api/v1",
      "--with-key-stdin",
    ],
    { stdin: KEY },
  );
  assertEquals(login.code, EXIT.ok, login.err);
  assertEquals(entries(file), [
    `LAMBDA_API_KEY_emulator=${KEY}`,
    "LAMBDA_BASE_URL_emulator='http://127.0.0.1:8787/api/v1'",
  ]);
  const where = async (argv: string[], env: Record<string, string> = {}) => {
    sent.length = 0;
    const result = await run(["regions", "-q", ...argv], { env });
    assertEquals(result.code, EXIT.ok, result.err);
    return new URL(sent[0]!.url).origin;
  };
  assertEquals(await where(["--profile", "emulator"]), "http://127.0.0.1:8787");
  // Over LAMBDA_BASE_URL, which goes with LAMBDA_API_KEY; under --base-url, which goes with either.
  const elsewhere = { LAMBDA_BASE_URL: "http://127.0.0.2:9000/api/v1" };
  assertEquals(await where(["--profile", "emulator"], elsewhere), "http://127.0.0.1:8787");
  assertEquals(
    await where([], { ...elsewhere, LAMBDA_PROFILE: "emulator" }),
    "http://127.0.0.1:8787",
  );
  assertEquals(await where([], { ...elsewhere, LAMBDA_API_KEY: KEY }), "http://127.0.0.2:9000");
  assertEquals(await where([], { LAMBDA_API_KEY: KEY }), "https://cloud.lambda.ai");
  assertEquals(
    await where(["--profile", "emulator", "--base-url", "http://localhost:1/api/v1"]),
    "http://localhost:1",
  );
  const status = await run(["auth", "status", "--profile", "emulator"]);
  assertEquals(status.out.split("\n")[1], "API:   http://127.0.0.1:8787/api/v1 (the profile's)");
  // Logging in again keeps the profile's base URL with the new key.
  assertEquals(
    (await run(["auth", "login", "--profile", "emulator", "--with-key-stdin"], { stdin: KEY }))
      .code,
    0,
  );
  assertEquals(entries(file)[1], "LAMBDA_BASE_URL_emulator='http://127.0.0.1:8787/api/v1'");
});

Deno.test("auth: login over a profile replaces its key, says so, and keeps every other line", async () => {
  const emulator = testEmulator();
  const file = memoryFile(
    WHERE,
    [
      "# mine",
      `LAMBDA_API_KEY_default=${OTHER}`,
      `LAMBDA_API_KEY_work="${OTHER}2"`,
      "LAMBDA_BASE_URL_work='http://127.0.0.1:9/api/v1'",
      "SOMETHING_ELSE=kept",
    ].join("\n"),
  );
  const rotated = await withFile(emulator, file, { stdin: KEY })([
    "auth",
    "login",
    "--with-key-stdin",
  ]);
  assertEquals(rotated.code, EXIT.ok, rotated.err);
  assertEquals(
    rotated.out.split("\n")[0],
    [
      `Replaced the key of profile 'default' (…7f3a) with …tor, in ${WHERE}: the old key is no longer kept`,
    ][0],
  );
  assertEquals(
    rotated.err,
    "Delete the old key at https://cloud.lambda.ai/api-keys once nothing else uses it.",
  );
  assertEquals(entries(file), [
    `LAMBDA_API_KEY_default=${KEY}`,
    `LAMBDA_API_KEY_work=${OTHER}2`,
    "LAMBDA_BASE_URL_work='http://127.0.0.1:9/api/v1'",
    "SOMETHING_ELSE=kept",
  ]);
  assert(!file.text!.includes(OTHER + "\n") && !file.text!.includes(`=${OTHER}\n`));
  const json = await withFile(emulator, file, { stdin: KEY, env: { LAMBDA_API_KEY: OTHER } })([
    "auth",
    "login",
    "--with-key-stdin",
    "--json",
  ]);
  // LAMBDA_API_KEY would still come first: said, lest the next command surprise.
  assertEquals(JSON.parse(json.err), {
    note:
      "LAMBDA_API_KEY is set, and comes before this profile unless a command names it with --profile default.",
  });
  assertEquals(JSON.parse(json.out), {
    profile: "default",
    key: "…tor",
    base_url: null,
    file: WHERE,
    replaced: null, // the same key again
  });
});

Deno.test("auth: a key the API refuses, or that cannot be checked, is not stored", async () => {
  const emulator = testEmulator();
  const file = memoryFile(WHERE, `LAMBDA_API_KEY_default=${KEY}\n`);
  const before = file.text;
  const refused = await withFile(emulator, file, { stdin: OTHER })([
    "auth",
    "login",
    "--profile",
    "work",
    "--with-key-stdin",
  ]);
  assertEquals(refused.code, EXIT.auth);
  assertMatch(refused.err, /^error: the key was not stored: Cannot list regions: invalid API key/);
  emulator.faults.inject({ kind: "server-error", status: 503, times: 10 });
  const down = await withFile(emulator, file, { stdin: KEY })([
    "auth",
    "login",
    "--profile",
    "work",
    "--with-key-stdin",
    "--fail-fast",
  ]);
  assertEquals(down.code, EXIT.unavailable, down.err);
  assertEquals([file.text, file.writes], [before, 0]);
});

Deno.test("auth: bad keys and names are refused before anything is sent, and never echoed", async () => {
  const emulator = testEmulator();
  const file = memoryFile(WHERE, `LAMBDA_API_KEY_default=${KEY}\nLAMBDA_API_KEY_work=${KEY}\n`);
  const before = file.text;
  const login = (stdin: string, ...argv: string[]) =>
    withFile(emulator, file, { stdin })(["auth", "login", "--with-key-stdin", ...argv]);
  const empty = await login(" \n");
  assertEquals([empty.code, empty.err.split("\n")[0]], [
    EXIT.auth,
    "error: the key read from standard input is empty",
  ]);
  for (const key of ["secret_abc def123", "secret_abc\ndef123", "secret_abc\u00e9def123"]) {
    const inside = await login(key);
    assertEquals(inside.code, EXIT.auth);
    assertMatch(inside.err, /^error: the key read from standard input is not a valid API key/);
    assert(!inside.err.includes("def123"));
  }
  const name = await login(KEY, "--profile", "team-prod");
  assertEquals(name.code, EXIT.usage);
  assertMatch(name.err, /^error: option '--profile' must be a profile name of letters, digits/);
  // A key with no dot, pasted where a profile name goes, is refused unquoted, however it is given.
  const pasted = "secret_team_0123456789abcdef0123456789abcdef";
  for (const chosen of [{ argv: ["--profile", pasted] }, { env: { LAMBDA_PROFILE: pasted } }]) {
    const run = await withFile(emulator, file, { env: chosen.env ?? {} })([
      "regions",
      ...chosen.argv ?? [],
    ]);
    assertEquals(run.code, EXIT.usage);
    assertMatch(run.err, /must be a profile name .*not starting 'secret_'/);
    assert(!run.err.includes("0123456789abcdef"));
  }
  const variable = await withFile(emulator, file, { env: { LAMBDA_PROFILE: "" } })(["regions"]);
  assertEquals(variable.code, EXIT.usage);
  assertMatch(
    variable.err,
    /^error: LAMBDA_PROFILE must be a profile name .*received 0 characters/,
  );
  assertEquals([file.text, file.writes, emulator.requests.length], [before, 0, 0]);
});

Deno.test("auth: an unknown profile is an error with a did-you-mean, whichever way it was named", async () => {
  const emulator = testEmulator();
  const file = memoryFile(WHERE, `LAMBDA_API_KEY_work=${KEY}\nLAMBDA_API_KEY_staging=${KEY}\n`);
  const flag = await withFile(emulator, file)(["regions", "--profile", "wrok"]);
  assertEquals(flag.code, EXIT.usage);
  assertEquals(flag.err.split("\n"), [
    `error: no profile 'wrok' (--profile) in ${WHERE}; did you mean 'work'?`,
    "  suggestion: 'lambda auth list' shows the 2 there are; 'lambda auth login --profile wrok' adds it",
  ]);
  const variable = await withFile(emulator, file, { env: { LAMBDA_PROFILE: "stagign" } })([
    "regions",
  ]);
  assertEquals(
    variable.err.split("\n")[0],
    `error: no profile 'stagign' (LAMBDA_PROFILE) in ${WHERE}; did you mean 'staging'?`,
  );
  // No default profile, and no LAMBDA_API_KEY: it names those there are.
  const none = await withFile(emulator, file)(["regions"]);
  assertEquals([none.code, none.err.split("\n")], [EXIT.auth, [
    "error: no API key: LAMBDA_API_KEY is not set, and there is no profile 'default' (there are: work, staging)",
    "  suggestion: name one: --profile work, or export LAMBDA_PROFILE=work",
  ]]);
  const logout = await withFile(emulator, file)(["auth", "logout", "--profile", "stagin", "--yes"]);
  assertEquals(logout.code, EXIT.usage);
  assertMatch(logout.err, /did you mean 'staging'\?/);
  assertEquals(emulator.requests.length, 0);
});

Deno.test("auth: a malformed or unreadable file is an error naming it, never quoting it, and is not rewritten", async () => {
  const emulator = testEmulator();
  for (
    const [text, line] of [
      [`LAMBDA_API_KEY_default=${KEY}\nsecret_pasted_alone\n`, 2],
      [`LAMBDA_API_KEY_default='${KEY}\n`, 1], // a quote never closed
      [`LAMBDA_API_KEY_default=${KEY}$HOME\n`, 1], // would be expanded from the environment
      [`lambda-api-key=${KEY}\n`, 1],
    ] as const
  ) {
    const file = memoryFile(WHERE, text);
    for (const argv of [["regions"], ["auth", "list"], ["auth", "login", "--with-key-stdin"]]) {
      const result = await withFile(emulator, file, { stdin: KEY })(argv);
      assertEquals(result.code, EXIT.auth, argv.join(" "));
      assertEquals(
        result.err.split("\n")[0],
        `error: cannot read the profiles in ${WHERE}: line ${line} is not NAME=value`,
      );
      assert(!result.err.includes(KEY.slice(3)));
    }
    assertEquals([file.text, file.writes], [text, 0]);
  }
  const unreadable: CredentialsFile = {
    where: WHERE,
    read: () => Promise.reject(new Error("Permission denied (os error 13)")),
    write: () => Promise.reject(new Error("not to be written")),
    locked: () => Promise.reject(new Error("not to be changed")),
  };
  const denied = await withFile(emulator, unreadable)(["regions"]);
  assertEquals([denied.code, denied.err], [
    EXIT.auth,
    `error: cannot read the profiles in ${WHERE}: Permission denied (os error 13)`,
  ]);
  assertEquals(emulator.requests.length, 0);
});

Deno.test("auth: logout asks, or needs --yes, and removes that profile only; list masks every key", async () => {
  const emulator = testEmulator();
  const file = memoryFile(
    WHERE,
    `LAMBDA_API_KEY_default=${OTHER}\nLAMBDA_API_KEY_work=${KEY}\nLAMBDA_BASE_URL_work='http://127.0.0.1:9/api/v1'\n`,
  );
  const list = await withFile(emulator, file)(["auth", "list"]);
  assertEquals(list.out.split("\n"), [
    "PROFILE  KEY    BASE URL",
    "default  …7f3a",
    "work     …tor   http://127.0.0.1:9/api/v1",
  ]);
  assertEquals((await withFile(emulator, file)(["auth", "list", "-q"])).out, "default\nwork");
  const script = await withFile(emulator, file)(["auth", "logout", "--profile", "work"]);
  assertEquals(script.code, EXIT.usage);
  const declined = await withFile(emulator, file, { terminal: true, answer: false })([
    "auth",
    "logout",
    "--profile",
    "work",
  ]);
  assertEquals(declined.code, EXIT.cancelled);
  assertEquals(declined.questions, [
    `Remove profile 'work' (key …tor) from ${WHERE}? This machine keeps no other copy.`,
  ]);
  assertEquals(file.writes, 0);
  const removed = await withFile(emulator, file, { env: { LAMBDA_PROFILE: "work" } })([
    "auth",
    "logout",
    "--yes",
  ]);
  assertEquals(removed.code, EXIT.ok, removed.err);
  assertEquals(removed.out, `Removed profile 'work' (key …tor) from ${WHERE}`);
  assertEquals(entries(file), [`LAMBDA_API_KEY_default=${OTHER}`]);
  const json = await withFile(emulator, file)(["auth", "list", "--json"]);
  assertEquals(JSON.parse(json.out), [{ profile: "default", key: "…7f3a", base_url: null }]);
  assert(!list.out.includes(OTHER) && !json.out.includes(OTHER));
  const empty = await withFile(emulator, memoryFile(WHERE))(["auth", "list"]);
  assertEquals([empty.out, empty.err], [
    "(none)",
    `No profiles in ${WHERE}: 'lambda auth login' adds one.`,
  ]);
  assertEquals(emulator.requests.length, 0);
});

Deno.test("auth: the launch journal tells a profile's key from another by its fingerprint, as it does LAMBDA_API_KEY's", async () => {
  const emulator = testEmulator();
  emulator.setCapacity("gpu_1x_a10", "us-east-1", 5);
  const api = "http://127.0.0.1:8787/api/v1";
  let journal = "";
  const options = {
    fetch: emulator.fetch,
    rateLimit: false as const,
    credentials: memoryFile(WHERE, `LAMBDA_API_KEY_work=${KEY}\nLAMBDA_BASE_URL_work='${api}'\n`),
    journal: {
      where: "(memory)",
      read: () => Promise.resolve(journal),
      append: (line: string) => Promise.resolve(void (journal += line)),
    },
  };
  const run = (argv: string[], env: Record<string, string> = {}) =>
    cliRunner(emulator, { env: { LAMBDA_API_KEY: "", ...env } }, options)(argv);
  await run(["ssh-keys", "add", "k", "--public-key", "ssh-ed25519 AAAA k", "--profile", "work"]);
  const launched = await run([...launchArgs(), "--profile", "work"]);
  assertEquals(launched.code, EXIT.ok, launched.err);
  const [sending] = journal.split("\n").filter((line) => line !== "").map((line) =>
    JSON.parse(line)
  );
  assertEquals([sending.api, sending.key], [api, await keyFingerprint(KEY)]);
  // An open launch of this key and API, as a killed run would leave it.
  journal += JSON.stringify({ ...sending, launch_token: "lost-token" }) + "\n";
  const mine = await run(["instances", "recover", "--json", "--profile", "work"]);
  assertEquals(mine.code, EXIT.failed, mine.err); // seconds old: left alone as running
  assertEquals(JSON.parse(mine.out).map((found: { launch_token: string }) => found.launch_token), [
    "lost-token",
  ]);
  // The same key through LAMBDA_API_KEY is the same account; another key is not.
  const same = await run(["instances", "recover", "--json"], {
    LAMBDA_API_KEY: KEY,
    LAMBDA_BASE_URL: api,
  });
  assertEquals(JSON.parse(same.out).length, 1);
  const other = await run(["instances", "recover", "--json"], {
    LAMBDA_API_KEY: OTHER,
    LAMBDA_BASE_URL: api,
  });
  assertEquals(JSON.parse(other.out), []);
  assertMatch(other.err, /1 other open launches were sent with another key/);
});

Deno.test("auth: a base URL that is not an API's (no /api/v1) is not stored, with the address it likely meant", async () => {
  const emulator = testEmulator();
  const file = memoryFile(WHERE);
  const argv = "auth login --with-key-stdin --base-url http://127.0.0.1:8787".split(" ");
  const login = await withFile(emulator, file, { stdin: `${KEY}\n` })(argv);
  assertEquals(login.code, EXIT.notFound);
  assertEquals(
    login.err.split("\n")[1],
    "  suggestion: Lambda's API, and the emulator's, ends in /api/v1: --base-url http://127.0.0.1:8787/api/v1?",
  );
  assertEquals(file.writes, 0);
});
