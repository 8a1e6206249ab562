// What concerns the `lambda` process itself, through the real Deno entrypoint in child processes:
// a stdout whose reader has gone or whose disk is full, a stderr that cannot be written, and what
// the process says about the rate budget it could not share. (A terminal that hangs up, SIGHUP,
// is in cli_entrypoint_test.ts, beside SIGTERM.)
// Redirections to /dev/full need Linux.

import { assert, assertEquals, assertMatch } from "@std/assert";
import { launchArgs } from "./_cli.ts";
import {
  DENO_ENV,
  INSTALL_PERMISSIONS,
  lambda,
  type Served,
  withServedEmulator,
} from "./_entrypoint.ts";
import { LAUNCH_TOKEN_KEY } from "../mod.ts";

const CLI = new URL("../lib/cli/mod.ts", import.meta.url).pathname;
const LAUNCH = launchArgs();
const KEY = ["ssh-keys", "add", "k", "--public-key", "ssh-ed25519 AAAA k"];
const linux = Deno.build.os === "linux";

/** A generated key, printed to stdout as asked. */
const PRINTED_KEY = ["ssh-keys", "add", "g", "--print-private-key"];

/** The run failed, and stderr ends with a whole private key, after the error that says why. */
function assertKeyRescued({ code, err }: { code: number; err: string }): void {
  assertEquals(code, 1);
  assertMatch(
    err,
    /here it is\n-----BEGIN OPENSSH PRIVATE KEY-----\n[\s\S]*-----END OPENSSH PRIVATE KEY-----$/,
  );
}

/** Runs `lambda args` through bash with `redirect` applied to it, such as `>/dev/full`. */
function redirected(served: Served, redirect: string, args: readonly string[]) {
  return lambda([
    "-c",
    `exec "$0" "$@" ${redirect}`,
    Deno.execPath(),
    "run",
    ...INSTALL_PERMISSIONS,
    CLI,
    ...args,
  ], { env: served.env, program: "bash" });
}

/**
 * Runs `lambda args` with a stdout whose reader has gone (`| true`): the read end is closed before
 * the emulator answers `operation`, so that the answer can only be printed into a closed pipe.
 */
async function withReaderGone(
  served: Served,
  operation: "launchInstance" | "addSSHKey",
  args: string[],
) {
  const closed = Promise.withResolvers<void>();
  using _held = served.emulator.override(operation, async () => {
    await closed.promise;
    return undefined; // the emulator answers as usual
  }, { times: 1 });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...INSTALL_PERMISSIONS, CLI, ...args],
    clearEnv: true,
    env: { NO_COLOR: "1", ...DENO_ENV, ...served.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  await child.stdout.cancel();
  closed.resolve();
  const [{ code }, err] = await Promise.all([child.status, new Response(child.stderr).text()]);
  return { code, err: err.trimEnd() };
}

Deno.test("process: the id of a launch whose stdout reader has gone goes to stderr, and the run fails", async () => {
  await withServedEmulator({}, async (served) => {
    await served.run(KEY);
    for (const extra of [[], ["-q"], ["--json"]]) {
      const result = await withReaderGone(served, "launchInstance", [...LAUNCH, ...extra]);
      const id = served.emulator.instances().at(-1)!.id;
      assertEquals(result.code, 1, result.err);
      const last = result.err.split("\n").at(-1)!;
      if (extra[0] === "--json") {
        const { error } = JSON.parse(last);
        assertEquals([error.code, error.instance_ids], ["cli/output-lost", [id]]);
      } else {
        assertEquals(last, id);
        assertMatch(result.err, /error: the output's reader has gone, and it held what exists/);
      }
    }
    // A generated key printed to it, likewise.
    assertKeyRescued(await withReaderGone(served, "addSSHKey", PRINTED_KEY));
  });
});

Deno.test({
  name:
    "process: a stdout on a full disk (> /dev/full) loses no launched id or private key, and fails",
  ignore: !linux,
  fn: async () => {
    await withServedEmulator({ timing: { bootMs: 300 } }, async (served) => {
      await served.run(KEY);
      for (const extra of [[], ["-q"], ["--wait", "--interval", "0.2"]]) {
        const result = await redirected(served, ">/dev/full", [...LAUNCH, ...extra]);
        assertEquals(result.code, 1, result.err);
        assertMatch(
          result.err,
          /error: cannot write the output \(No space left on device \(os error 28\)\), and it held what exists nowhere else; here it is\n[0-9a-f]{32}$/,
        );
        assertEquals(result.err.split("\n").at(-1), served.emulator.instances().at(-1)!.id);
      }
      assertKeyRescued(await redirected(served, ">/dev/full", PRINTED_KEY));
      const json = await redirected(served, ">/dev/full", [
        "ssh-keys",
        "add",
        "h",
        "--json",
        "--print-private-key",
      ]);
      const { error } = JSON.parse(json.err.split("\n").at(-1)!);
      assertEquals([json.code, error.code], [1, "cli/output-lost"]);
      assertMatch(error.private_key, /^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
      // A listing that cannot be written fails too, with the reason.
      const list = await redirected(served, ">/dev/full", ["regions"]);
      assertEquals(list.code, 1);
      assertMatch(list.err, /error: cannot write the output \(No space left on device/);
    });
  },
});

Deno.test("process: off a terminal (| head -1), a generated key is printed only when asked, else nothing is sent", async () => {
  await withServedEmulator({}, async ({ emulator, run }) => {
    const refused = await run(["ssh-keys", "add", "k"]);
    assertEquals(refused.code, 2);
    assertMatch(
      refused.err,
      /^error: the generated private key would be printed to a pipe or a file/,
    );
    assertEquals(emulator.requests.length, 0);
    const asked = await run(["ssh-keys", "add", "k", "--print-private-key"]);
    assertEquals(asked.code, 0);
    assertMatch(
      asked.out,
      /-----BEGIN OPENSSH PRIVATE KEY-----[\s\S]*-----END OPENSSH PRIVATE KEY-----$/,
    );
  });
});

Deno.test({
  name: "process: a stderr that cannot be written (2>/dev/full) changes no exit code",
  ignore: !linux,
  fn: async () => {
    await withServedEmulator({ timing: { bootMs: 300 } }, async (served) => {
      await served.run(KEY);
      for (
        const [args, code] of [
          [["instances", "get", "nosuch"], 4],
          [["instances", "terminate", "nosuch"], 2],
          [["regions", "--bogus"], 2],
          // The note that this process paces alone is lost; the run is not.
          [["regions"], 0],
        ] as const
      ) {
        const result = await redirected(served, "2>/dev/full", [...args]);
        assertEquals(result.code, code, args.join(" "));
      }
      const launched = await redirected(served, "2>/dev/full", [
        ...LAUNCH,
        "--wait",
        "--interval",
        "0.2",
      ]);
      const [instance] = served.emulator.instances();
      assertEquals(launched.code, 0);
      assertEquals(instance!.status, "active");
      assertMatch(launched.out, new RegExp(`^Launched ${instance!.id}: active at `));
    });
  },
});

Deno.test("process: a rate budget that cannot be shared is said once, with why", async () => {
  await Deno.mkdir(".tmp", { recursive: true });
  const cache = await Deno.realPath(await Deno.makeTempDir({ dir: ".tmp", prefix: "cache-" }));
  try {
    await withServedEmulator({}, async ({ run }) => {
      const env = INSTALL_PERMISSIONS.map((flag) =>
        flag.startsWith("--allow-env=") ? `${flag},XDG_CACHE_HOME` : flag
      );
      for (
        const [permissions, why] of [
          [env, "it needs --unstable-kv"],
          [
            ["--unstable-kv", ...env, `--allow-read=${cache}`],
            `no permission to read and write ${cache}/lambda-cloud: --allow-read --allow-write=${cache}/lambda-cloud`,
          ],
        ] as const
      ) {
        const result = await run(["instances", "list", "--json", "--region", "us-east-1"], {
          permissions: [...permissions],
          env: { XDG_CACHE_HOME: cache },
        });
        assertEquals(result.code, 0, result.err);
        // Once, though the run sent two requests (the list, and the regions that tell a region
        // no instance is in from a typo).
        assertEquals(result.err.split("\n").map((line) => JSON.parse(line)), [{
          note:
            `Note: the rate budget shared with other lambda processes is unavailable (${why}): pacing this one alone`,
        }]);
      }
      const shared = await run(["regions"], {
        permissions: ["--unstable-kv", ...env, `--allow-read=${cache}`, `--allow-write=${cache}`],
        env: { XDG_CACHE_HOME: cache },
      });
      assertEquals([shared.code, shared.err], [0, ""]);
      assert((await Deno.stat(`${cache}/lambda-cloud/rate-limit.kv`)).isFile);
    });
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});

Deno.test("process: a launch killed (SIGKILL) as it is sent leaves its token on stderr and an open journal entry, which recover resolves", async () => {
  await Deno.mkdir(".tmp", { recursive: true });
  const cache = await Deno.realPath(await Deno.makeTempDir({ dir: ".tmp", prefix: "cache-" }));
  try {
    await withServedEmulator({}, async (served) => {
      const permissions = [
        "--allow-net=cloud.lambda.ai,127.0.0.1",
        "--allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL,XDG_CACHE_HOME,HOME",
        "--allow-read",
        `--allow-write=${cache}`,
      ];
      const spawn = { permissions, env: { XDG_CACHE_HOME: cache } };
      await served.run(KEY, spawn);
      // The launch reaches the API, and the process is killed before it can hear back; the
      // emulator carries the launch out all the same.
      let child: Deno.ChildProcess | undefined;
      using _killed = served.emulator.override("launchInstance", () => {
        child!.kill("SIGKILL");
        return undefined;
      }, { times: 1 });
      const killed = await served.run(LAUNCH, { ...spawn, started: (started) => child = started });
      assertEquals(killed.code, 137, killed.err);
      const id = served.emulator.instances()[0]!.id;
      const token = served.emulator.instances()[0]!.tags!.find((tag) =>
        tag.key === LAUNCH_TOKEN_KEY
      )!
        .value;
      assertEquals(
        killed.err.split("\n").find((line) => line.startsWith("Launching")),
        `Launching with launch token '${token}': if this run is cut short, find it with 'lambda instances recover' or 'lambda instances list --tag ${LAUNCH_TOKEN_KEY}=${token}'`,
      );
      const journal = await Deno.readTextFile(`${cache}/lambda-cloud/launches.jsonl`);
      assertEquals(journal.trim().split("\n").map((line) => JSON.parse(line).event), ["sending"]);
      assertEquals((await Deno.stat(`${cache}/lambda-cloud/launches.jsonl`)).mode! & 0o777, 0o600);
      // Its last sign of life is seconds old: left alone, since a run may still wait on it, unless
      // the user knows it is gone.
      const waiting = await served.run(["instances", "recover", "--terminate", "--yes"], spawn);
      assertEquals(waiting.code, 1);
      assertMatch(waiting.err, /left alone as running: .* '--force' includes them/);
      assertMatch(waiting.out, new RegExp(`${token} .* running +${id} `));
      assertEquals(served.emulator.instances()[0]!.status, "booting");
      const recovered = await served.run(
        ["instances", "recover", "--terminate", "--yes", "--force"],
        spawn,
      );
      assertEquals(recovered.code, 0, recovered.err);
      assertMatch(recovered.out, new RegExp(`${token} .* terminated now +${id} `));
      assertEquals(served.emulator.instances()[0]!.status, "terminating");
      const after = await served.run(["instances", "recover", "-q"], spawn);
      assertEquals([after.code, after.out], [0, ""]);
    });
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});
