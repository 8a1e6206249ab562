// Every safety rule of the command line once more, through the real Deno entrypoint: `deno run`
// on lib/cli/mod.ts in a child process, with the documented permissions and no terminal, against
// an emulator served on 127.0.0.1. The slower scenarios run side by side, each with its own
// emulator, so the file takes about as long as its slowest one.

import { assert, assertEquals, assertMatch } from "@std/assert";
import { launchArgs } from "./_cli.ts";
import { LAUNCH_TOKEN_KEY } from "../mod.ts";
import { lambda, withServedEmulator } from "./_entrypoint.ts";
import { hasScript, onTerminal } from "./_terminal.ts";

const LAUNCH = launchArgs();

Deno.test("entrypoint: a missing or doubled value is a usage error, and nothing is sent", async () => {
  await withServedEmulator({}, async ({ emulator, env, run }) => {
    // LAMBDA_BASE_URL is not set here: a forgotten --base-url value must not mean production.
    const key = { LAMBDA_API_KEY: env.LAMBDA_API_KEY! };
    const atEnd = await lambda(["regions", "--base-url"], { env: key });
    assertEquals([atEnd.code, atEnd.err.split("\n")[0]], [
      2,
      "error: option '--base-url' needs a value",
    ]);
    const empty = await lambda(["regions", "--base-url", ""], { env: key }); // "$UNSET" quoted
    assertEquals(empty.code, 2);
    const swallowed = await lambda(["--base-url", "instances", "list"], { env: key }); // unquoted
    assertEquals(
      swallowed.err.split("\n")[0],
      "error: option '--base-url' must be an http or https URL, such as http://127.0.0.1:8787/api/v1, received 'instances'",
    );
    const beforeOption = await lambda(["regions", "--base-url", "--json"], { env: key });
    assertEquals(beforeOption.code, 2);
    assertEquals(JSON.parse(beforeOption.err).error.code, "cli/usage");
    const twice = await run([...LAUNCH, "--type", "gpu_1x_a100_sxm4"]);
    assertEquals(
      twice.err.split("\n")[0],
      "error: option '--type' takes one value, received 'gpu_1x_a10' and 'gpu_1x_a100_sxm4'",
    );
    assertEquals(twice.code, 2);
    assertEquals(emulator.requests.length, 0);
  });
});

Deno.test("entrypoint: LAMBDA_BASE_URL set but not readable is said, not replaced by production", async () => {
  await withServedEmulator({}, async ({ emulator, run }) => {
    const result = await run(["regions"], {
      permissions: ["--allow-net=cloud.lambda.ai,127.0.0.1", "--allow-env=LAMBDA_API_KEY"],
    });
    assertEquals(result.code, 2);
    assertEquals(result.err.split("\n"), [
      "error: cannot read LAMBDA_BASE_URL (no permission), so where to send requests is unknown",
      "  suggestion: run it with --allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL, or pass --base-url",
    ]);
    assertEquals(emulator.requests.length, 0);
  });
});

Deno.test("entrypoint: a host Deno may not reach is said at once, as nothing sent, not as a launch of unknown outcome", async () => {
  await withServedEmulator({}, async ({ emulator, run }) => {
    await run(["ssh-keys", "add", "k", "--print-private-key"]);
    emulator.clearRequests();
    const result = await run([...LAUNCH, "--yes"], {
      permissions: ["--allow-net=cloud.lambda.ai", "--allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL"],
    });
    assertEquals(result.code, 3, result.err);
    assertMatch(result.err, /before the request was sent \(Requires net access to "127\.0\.0\.1:/);
    assertMatch(result.err, /suggestion: Nothing was sent\. Deno allows this lambda to reach only/);
    assertEquals(emulator.requests.length, 0);
  });
});

Deno.test("entrypoint: destructive commands refuse without --yes when nobody can be asked", async () => {
  await withServedEmulator({}, async ({ emulator, run }) => {
    assertEquals((await run(["ssh-keys", "add", "k", "--print-private-key"])).code, 0);
    assertEquals(
      (await run(["firewall", "global", "set", "--rule", "tcp:22:0.0.0.0/0:SSH"])).code,
      0,
    );
    const launched = await run([...LAUNCH, "-q"]);
    const id = launched.out;
    emulator.clearRequests();
    for (const argv of [["instances", "terminate", id], ["ssh-keys", "delete", "k"]]) {
      const refused = await run(argv);
      assertEquals(refused.code, 2);
      assertMatch(
        refused.err,
        /no terminal to ask on: nothing was changed\n {2}suggestion: add --yes/,
      );
    }
    assertEquals(emulator.requests.length, 0);
    // No rule given would wipe the global ruleset: it reads what is there, and refuses.
    const wipe = await run(["firewall", "global", "set"]);
    assertEquals(wipe.code, 2);
    assertMatch(wipe.err, /--yes/);
    assertEquals(emulator.requests.map((request) => request.method), ["GET"]);
    assertEquals(emulator.instances()[0]!.status, "booting");
    const confirmed = await run(["instances", "terminate", id, "--yes", "-q"]);
    assertEquals([confirmed.code, confirmed.out], [0, id]);
  });
});

Deno.test("entrypoint: --json errors are one JSON object on stderr", async () => {
  await withServedEmulator({}, async ({ run }) => {
    const missing = await run(["instances", "get", "0".repeat(32), "--json"]);
    assertEquals([missing.code, missing.out], [4, ""]);
    // Every line is JSON: the note that this process paces alone (no --unstable-kv here), then
    // the error.
    const lines = missing.err.split("\n").map((line) => JSON.parse(line));
    assertMatch(lines[0].note, /rate budget shared with other lambda processes is unavailable/);
    const { error } = lines.at(-1);
    assertEquals(Object.keys(error), ["code", "message", "suggestion", "request_id", "exit_code"]);
    assertEquals([error.code, error.exit_code], ["global/object-does-not-exist", 4]);
    assertMatch(error.request_id, /^[0-9a-f]{32}$/);
  });
});

Deno.test("entrypoint: a private key is saved before it is shown, and never shown once saved", async () => {
  await Deno.mkdir(".tmp", { recursive: true });
  const dir = await Deno.realPath(await Deno.makeTempDir({ dir: ".tmp", prefix: "lambda-cli-" }));
  try {
    await withServedEmulator({}, async ({ emulator, env, run }) => {
      const permissions = [
        "--allow-net=127.0.0.1",
        "--allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL",
        `--allow-write=${dir}`,
      ];
      const nowhere = await run(["ssh-keys", "add", "a", "--save-private-key", `${dir}/no/a.pem`], {
        permissions,
      });
      assertEquals(nowhere.code, 2);
      assertMatch(nowhere.err, /cannot save a private key to .*: .*Nothing was sent/);
      const noPermission = await run(["ssh-keys", "add", "a", "--save-private-key", "x.pem"], {
        permissions,
      });
      assertMatch(noPermission.err, /no permission to write it: run lambda with --allow-write/);
      assertEquals(emulator.requests.length, 0);
      for (const json of [[], ["--json"]]) {
        const path = `${dir}/key${json.length}.pem`;
        const saved = await run([
          "ssh-keys",
          "add",
          `k${json.length}`,
          "--save-private-key",
          path,
          ...json,
        ], { permissions });
        assertEquals(saved.code, 0, saved.err);
        assert(!saved.out.includes("PRIVATE KEY"), saved.out);
        assertMatch(await Deno.readTextFile(path), /^-----BEGIN OPENSSH PRIVATE KEY-----/);
        assertEquals((await Deno.stat(path)).mode! & 0o777, 0o600);
      }
      const exists = await run(["ssh-keys", "add", "k2", "--save-private-key", `${dir}/key0.pem`], {
        permissions,
      });
      assertEquals(exists.code, 2); // never overwritten
      if (Deno.build.os === "linux") {
        // A file size limit of 0 (SIGXFSZ ignored, else it kills the process): room for the key is
        // reserved before Lambda makes it, so the limit strikes while nothing has been sent, and
        // no key is lost. No empty file is left behind.
        const path = `${dir}/full.pem`;
        const before = emulator.requests.length;
        const limited = await lambda([
          "-c",
          'trap "" XFSZ; ulimit -f 0; exec "$0" "$@"',
          Deno.execPath(),
          "run",
          ...permissions,
          new URL("../lib/cli/mod.ts", import.meta.url).pathname,
          "ssh-keys",
          "add",
          "k3",
          "--save-private-key",
          path,
        ], { env, program: "bash" });
        assertEquals(limited.code, 2, limited.err);
        assertMatch(
          limited.err,
          /^error: cannot save a private key to '.*full\.pem': cannot reserve room for the key \(File too large.*Nothing was sent/,
        );
        assertEquals(emulator.requests.length, before);
        assertEquals(await Deno.stat(path).then(() => true, () => false), false);
      }
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("entrypoint: launch --wait that fails terminates what it launched, unless --keep", async () => {
  const slow = { timing: { bootMs: 3_600_000 } };
  await Promise.all([
    // Time runs out.
    withServedEmulator(slow, async ({ emulator, run }) => {
      await run(["ssh-keys", "add", "k", "--print-private-key"]);
      const result = await run([...LAUNCH, "--wait", "--timeout", "1", "--interval", "0.2"]);
      const [instance] = emulator.instances();
      assertEquals(result.code, 8);
      assertMatch(
        result.err,
        new RegExp(
          `Cannot launch and wait for instance '${
            instance!.id
          }': .*; it was terminated, so it no longer bills`,
        ),
      );
      assertEquals(instance!.status, "terminating");
    }),
    // The instance turns unhealthy; with --keep it is kept, and the way to terminate it is said.
    withServedEmulator({
      ...slow,
      onResponse: (exchange) => {
        if (exchange.operationId === "launchInstance" && exchange.status === 200) unhealthy();
      },
    }, async ({ emulator, run }) => {
      unhealthy = () =>
        emulator.instances().forEach(({ id }) => emulator.setInstanceStatus(id, "unhealthy"));
      await run(["ssh-keys", "add", "k", "--print-private-key"]);
      const terminated = await run([...LAUNCH, "--wait", "--interval", "0.2"]);
      assertEquals(terminated.code, 8);
      assertMatch(terminated.err, /unhealthy.*it was terminated, so it no longer bills/);
      const kept = await run([...LAUNCH, "--wait", "--interval", "0.2", "--keep"]);
      assertEquals(kept.code, 8);
      const id = emulator.instances()[1]!.id;
      assertMatch(
        kept.err,
        new RegExp(
          `'${id}'.*left running as asked, and bills until terminated\n  suggestion: Terminate it when you are done: lambda instances terminate ${id}`,
        ),
      );
      assertEquals(emulator.instances().map((instance) => instance.status), [
        "terminating",
        "unhealthy",
      ]);
    }),
    // Ctrl-C while it boots.
    withServedEmulator({
      ...slow,
      onResponse: (exchange) => {
        if (exchange.operationId === "getInstance") child?.kill("SIGINT");
      },
    }, async ({ emulator, run }) => {
      await run(["ssh-keys", "add", "k", "--print-private-key"]);
      const result = await run([...LAUNCH, "--wait", "--interval", "0.2"], {
        started: (started) => child = started,
      });
      const [instance] = emulator.instances();
      assertEquals(result.code, 130);
      assertMatch(
        result.err,
        new RegExp(
          `'${instance!.id}': interrupted \\(Ctrl-C\\); it was terminated, so it no longer bills`,
        ),
      );
      assertEquals(instance!.status, "terminating");
    }),
  ]);
});

let unhealthy = () => {};
let child: Deno.ChildProcess | undefined;

Deno.test("entrypoint: SIGTERM or SIGHUP during launch --wait terminates what it launched, and says so", async () => {
  for (
    const [signal, code, why] of [
      // What `timeout`, a cancelled CI job and `docker stop` send.
      ["SIGTERM", 143, "stopped \\(SIGTERM\\)"],
      // What a terminal or an SSH session that closes sends.
      ["SIGHUP", 129, "hung up \\(SIGHUP\\)"],
    ] as const
  ) {
    let signalled: Deno.ChildProcess | undefined;
    await withServedEmulator({
      timing: { bootMs: 3_600_000 },
      // While the instance boots.
      onResponse: (exchange) => {
        if (exchange.operationId === "getInstance") signalled?.kill(signal);
      },
    }, async ({ emulator, run }) => {
      await run(["ssh-keys", "add", "k", "--print-private-key"]);
      const result = await run([...LAUNCH, "--wait", "--interval", "0.2"], {
        started: (started) => signalled = started,
      });
      const [instance] = emulator.instances();
      assertEquals(result.code, code, result.err);
      assertMatch(
        result.err,
        new RegExp(
          `Stopping: terminating ${
            instance!.id
          }[^\n]*\nerror: Cannot launch and wait for instance '${
            instance!.id
          }': ${why}; it was terminated, so it no longer bills$`,
        ),
      );
      assertEquals(instance!.status, "terminating");
    });
  }
});

Deno.test("entrypoint: a second Ctrl-C while the launch is in flight leaves at once, naming its token", async () => {
  let interrupted: Deno.ChildProcess | undefined;
  await withServedEmulator({ timing: { bootMs: 3_600_000 } }, async ({ emulator, run }) => {
    await run(["ssh-keys", "add", "k", "--print-private-key"]);
    let answered: Promise<unknown> = Promise.resolve();
    // The launch reaches the API and is slow to answer; the user presses Ctrl-C twice.
    let token = "";
    emulator.override("launchInstance", ({ body }) => {
      token = (body as { tags: { key: string; value: string }[] }).tags
        .find((tag) => tag.key === LAUNCH_TOKEN_KEY)!.value;
      const later = (async () => {
        interrupted?.kill("SIGINT");
        await new Promise((resolve) => setTimeout(resolve, 400));
        interrupted?.kill("SIGINT");
        await new Promise((resolve) => setTimeout(resolve, 400));
      })();
      answered = later;
      return later.then(() => undefined);
    }, { times: 1 });
    const result = await run([...LAUNCH, "--wait"], {
      started: (started) => interrupted = started,
    });
    await answered;
    assertEquals(result.code, 130, result.err);
    assertEquals(result.err.split("\n"), [
      // At the first request: a read that checks what the launch names.
      "Note: the rate budget shared with other lambda processes is unavailable (it needs --unstable-kv): pacing this one alone",
      `Launching with launch token '${token}': if this run is cut short, find it with 'lambda instances recover' or 'lambda instances list --tag ${LAUNCH_TOKEN_KEY}=${token}'`,
      "Note: no launch journal (no cache folder: XDG_CACHE_HOME and HOME unset, or not readable without --allow-env=XDG_CACHE_HOME,HOME): the line above is all that names this launch if the run is cut short",
      `Stopping: finding out whether the launch with token '${token}' went through (Ctrl-C again to leave at once)`,
      `error: interrupted again, so it left at once while launching: the launch may have gone through, and bills if it did (launch token '${token}')`,
      `  suggestion: Before launching again, look for it: lambda instances list --tag ${LAUNCH_TOKEN_KEY}=${token} (then terminate what it lists)`,
    ]);
  });
});

Deno.test("entrypoint: parallel invocations wait out the rate limit instead of failing", async () => {
  await withServedEmulator({ rateLimit: {} }, async ({ emulator, run }) => {
    // The API's limit of one request a second, shared by four processes; and however their starts
    // happen to fall, the first three requests to arrive are refused, as a busy key's would be.
    emulator.faults.inject({ kind: "rate-limit", retryAfterSeconds: 1, times: 3 });
    const results = await Promise.all([1, 2, 3, 4].map(() => run(["regions", "-q"])));
    assertEquals(
      results.map((result) => result.code),
      [0, 0, 0, 0],
      results.map((r) => r.err).join("\n"),
    );
    assert(results.every((result) => result.out.split("\n").length === 12));
    assert(emulator.requests.filter((request) => request.status === 429).length >= 3);
    // Without patience, a refused process exits 6 at once.
    emulator.faults.inject({ kind: "rate-limit", retryAfterSeconds: 1, times: 1 });
    assertEquals((await run(["regions", "--fail-fast"])).code, 6);
  });
});

Deno.test({
  name: "entrypoint: on a terminal, a launch asks with its price, and a terminate asks first",
  ignore: !hasScript,
  fn: async () => {
    await withServedEmulator({}, async ({ emulator, env, run }) => {
      await run(["ssh-keys", "add", "k", "--print-private-key"]);
      const plain = { ...env, NO_COLOR: "1" }; // its questions as plain text
      const declined = await onTerminal(LAUNCH, plain, "n");
      assertEquals(declined.code, 9);
      assertMatch(
        declined.shown,
        /Launch gpu_1x_a10 in us-east-1 at \$0\.75\/h \(\$18\.00 a day\)\? It bills by the minute until terminated\. \[y\/N\]/,
      );
      assertEquals(emulator.instances().length, 0);
      const id = (await run([...LAUNCH, "-q"])).out;
      const kept = await onTerminal(["instances", "terminate", id], plain, "n");
      assertEquals(kept.code, 9);
      assertMatch(kept.shown, new RegExp(`Terminate ${id} \\(gpu_1x_a10, \\$0\\.75/h\\)\\?`));
      assertEquals(emulator.instances()[0]!.status, "booting");
      const gone = await onTerminal(["instances", "terminate", id], plain, "y");
      assertEquals(gone.code, 0);
      assertEquals(emulator.instances()[0]!.status, "terminating");
    });
  },
});
