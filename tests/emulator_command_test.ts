// `deno task emulator`: help, clean errors, every flag, and a ready-to-paste export line, in
// process and through the real entrypoint.

import { assert, assertEquals, assertMatch, assertRejects, assertStrictEquals } from "@std/assert";
import { ConflictError, LambdaCloudClient, RateLimitError } from "../mod.ts";
import { EMULATOR_USAGE, emulatorMain, runEmulatorCommand } from "../lib/testing/_command.ts";

const ENTRYPOINT = new URL("../lib/testing/mod.ts", import.meta.url).pathname;
/** The served emulator's key unless --api-key says otherwise. */
const DEFAULT_KEY = "secret_emulator";

/** A client of the emulator served at `url`, unpaced and never retrying: each refusal shows. */
function clientOf(url: string, apiKey = DEFAULT_KEY): LambdaCloudClient {
  return new LambdaCloudClient({ baseUrl: url, apiKey, rateLimit: false, maxRetries: 0 });
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    output: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) },
  };
}

Deno.test("command: starts a server, prints its URL, its key and a ready-to-paste export line", async () => {
  const lines: string[] = [];
  await using server = (await runEmulatorCommand(
    ["--port=0", "--seed", "9", "--api-key=secret_cli", "--no-rate-limit"],
    (line) => lines.push(line),
  ))!;
  assertEquals(lines, [
    `Lambda Cloud emulator on ${server.url} (API key: secret_cli)`,
    "Point a client or the lambda command at it:",
    "",
    `  export LAMBDA_BASE_URL=${server.url} LAMBDA_API_KEY=secret_cli`,
  ]);
  const client = clientOf(server.url, "secret_cli");
  assertEquals((await client.regions.list()).length, 12);
});

Deno.test("command: a key the shell would read otherwise is quoted in the export line", async () => {
  const lines: string[] = [];
  await using _server =
    (await runEmulatorCommand(["--api-key", "it's$1"], (line) => lines.push(line)))!;
  assertMatch(lines.at(-1)!, / LAMBDA_API_KEY='it'\\''s\$1'$/);
});

Deno.test("command: the rate-limit flags reach the emulator", async () => {
  const lines: string[] = [];
  await using server = (await runEmulatorCommand(
    [
      "--request-interval-ms",
      "60000",
      "--request-burst",
      "1",
      "--rate-limit-body",
      "json",
      "--retry-after",
      "--count-refused",
      "--launch-interval-ms",
      "100",
      "--launch-burst",
      "2",
    ],
    (line) => lines.push(line),
  ))!;
  const client = clientOf(server.url);
  await client.regions.list();
  await client.regions.list(); // the burst of one
  const error = await assertRejects(() => client.regions.list(), RateLimitError);
  assertEquals(error.code, "global/rate-limit-exceeded"); // the JSON form
  assertStrictEquals(error.retryAfterMs !== undefined, true);
});

Deno.test("command: --assume, --boot-seconds and --count-invalid-launches reach the emulator", async () => {
  await using server = (await runEmulatorCommand(
    ["--assume", "reterminate=200,keyInUse=400", "--boot-seconds", "0", "--no-rate-limit"],
    () => {},
  ))!;
  const client = clientOf(server.url);
  const key = await client.sshKeys.create({ name: "k" });
  const [id] = (await client.instances.launch({
    region_name: "us-east-3",
    instance_type_name: "gpu_8x_h100_sxm5",
    ssh_key_names: ["k"],
  })).instance_ids;
  assertEquals((await client.instances.get(id!)).status, "active"); // 0 s, whatever the type
  const inUse = await assertRejects(() => client.sshKeys.delete(key.id), ConflictError);
  assertEquals(inUse.status, 400);
  await client.instances.terminate(id!);
  const again = { instance_ids: [id] };
  assertEquals(await post(server.url, "/instance-operations/terminate", again), 200); // not 500

  await using limited = (await runEmulatorCommand(
    ["--count-invalid-launches", "--request-interval-ms", "0"],
    () => {},
  ))!;
  const bad = { region_name: "us-east-1", instance_type_name: "gpu_1x_a10", ssh_key_names: [] };
  assertEquals([
    await post(limited.url, "/instance-operations/launch", bad),
    await post(limited.url, "/instance-operations/launch", bad),
  ], [400, 429]);
});

/** The status of a POST to the served emulator at `url`. */
async function post(url: string, path: string, body: unknown): Promise<number> {
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${DEFAULT_KEY}` },
    body: JSON.stringify(body),
  });
  await response.body?.cancel();
  return response.status;
}

Deno.test("command: --help prints the usage; bad options are one clean line and exit 2", async () => {
  const help = capture();
  assertStrictEquals(await emulatorMain(["--help"], help.output), undefined);
  assertEquals(help.out, [EMULATOR_USAGE]);
  for (
    const flag of [
      "--port",
      "--seed",
      "--boot-seconds",
      "--no-rate-limit",
      "--rate-limit-body",
      "--count-invalid-launches",
      "--assume",
    ]
  ) {
    assert(EMULATOR_USAGE.includes(flag), flag);
  }
  for (
    const [args, message] of [
      [["--verbose"], "error: Cannot start emulator: unknown option '--verbose'"],
      [["--port"], "error: Cannot start emulator: '--port' needs a value"],
      [["--port", "0", "--port=1"], "error: Cannot start emulator: '--port' is given twice"],
      [["--verbose=1"], "error: Cannot start emulator: unknown option '--verbose=1'"],
      [
        ["--port="],
        "error: Cannot start emulator: '--port' must be a whole number up to 65535, received ''",
      ],
      [
        ["--port", "-1"],
        "error: Cannot start emulator: '--port' must be a whole number up to 65535, received '-1'",
      ],
      [
        ["--port", "70000"],
        "error: Cannot start emulator: '--port' must be a whole number up to 65535, received '70000'",
      ],
      [
        ["--seed", "1.5"],
        "error: Cannot start emulator: '--seed' must be a whole number, received '1.5'",
      ],
      [
        ["--rate-limit-body", "xml"],
        "error: Cannot start emulator: '--rate-limit-body' must be text, html or json, received 'xml'",
      ],
      [
        ["--assume", "reterminate"],
        "error: Cannot start emulator: '--assume' takes NAME=CHOICE pairs separated by commas, received 'reterminate'",
      ],
      [
        ["--assume", "reterminate=201"],
        "error: Cannot create emulator: 'assumptions.reterminate' must be one of 500, 200, received '201'",
      ],
      [
        ["--api-key", "has space"],
        "error: Cannot create emulator: 'apiKey' must be printable ASCII without spaces, received 'has space'",
      ],
    ] as const
  ) {
    const bad = capture();
    assertEquals(await emulatorMain(args, bad.output), 2);
    assertEquals(bad.err, [message, "Run with --help to see the options."]);
    assertEquals(bad.out, []);
  }
});

Deno.test("command: a port already taken is one line and exit 1", async () => {
  const taken = capture();
  await using server = (await runEmulatorCommand([], () => {}))!;
  assertEquals(await emulatorMain(["--port", String(server.port)], taken.output), 1);
  assertEquals(taken.err.length, 1);
  assertMatch(
    taken.err[0]!,
    new RegExp(
      `^error: Cannot start emulator on port ${server.port}: .*: leave out --port for a free one$`,
    ),
  );
});

Deno.test("command: through the real entrypoint, --help exits 0 and a bad flag exits 2 without a stack", async () => {
  const run = async (...args: string[]) => {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "--allow-net=127.0.0.1", ENTRYPOINT, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    return { code, out: decode(stdout), err: decode(stderr) };
  };
  const help = await run("--help");
  assertEquals([help.code, help.out, help.err], [0, EMULATOR_USAGE + "\n", ""]);
  const bad = await run("--bogus");
  assertEquals([bad.code, bad.out], [2, ""]);
  assertEquals(
    bad.err,
    "error: Cannot start emulator: unknown option '--bogus'\nRun with --help to see the options.\n",
  );
});

Deno.test("command: through the real entrypoint, it serves and prints the export line", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--allow-net=127.0.0.1", ENTRYPOINT, "--no-rate-limit"],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  try {
    let text = "";
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    while (!text.includes("export ")) text += (await reader.read()).value ?? "";
    const exported = /export LAMBDA_BASE_URL=(\S+) LAMBDA_API_KEY=(\S+)\n/.exec(text);
    assert(exported, text);
    const client = clientOf(exported[1]!, exported[2]!);
    assertEquals((await client.regions.list()).length, 12);
    await reader.cancel();
  } finally {
    child.kill();
    await child.status;
  }
});
