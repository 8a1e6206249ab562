// Ctrl-C and SIGTERM, in-process on a virtual clock: the first stops the run, a second leaves at
// once, after last words that say what may be left billing (the launch token while launching, the
// instance while waiting), as JSON under --json. Ctrl-C during launch --wait, which terminates
// what it launched, is in cli_safety_test.ts; signals to the real process, in
// cli_entrypoint_test.ts.

import { assert, assertEquals } from "@std/assert";
import { testEmulator } from "./_emulator.ts";
import { FakeClock } from "./_fakes.ts";
import { cliRunner, launchArgs } from "./_cli.ts";
import { Interruption, listenForInterrupts } from "../lib/cli/_interrupts.ts";
import { LAUNCH_TOKEN_KEY } from "../mod.ts";
import type { LambdaEmulator } from "../lib/testing/mod.ts";

/**
 * The command line on an emulator whose instances take an hour to boot, its requests going through
 * `fetch`, which may call `twice()` to press Ctrl-C twice: the first stops the run, the second
 * leaves at once.
 */
function interruptible(
  fetch: (request: Request, twice: () => void, send: LambdaEmulator["fetch"]) => Promise<Response>,
): { emulator: LambdaEmulator; run: ReturnType<typeof cliRunner> } {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock, timing: { bootMs: 3_600_000 } });
  const controller = new AbortController();
  let leaving: ((code: number) => void) | undefined;
  const twice = () => {
    controller.abort(new Error("interrupted (Ctrl-C)"));
    leaving!(130);
  };
  const run = cliRunner(emulator, { clock }, {
    fetch: (request) => fetch(request, twice, emulator.fetch),
    rateLimit: false,
    interrupts: (leave) => {
      leaving = leave;
      return controller.signal;
    },
  });
  return { emulator, run };
}

Deno.test("cli interrupts: a second Ctrl-C says what may be left billing: the launch token, then the instance", async () => {
  const sentTokens: string[] = [];
  let stage: "launch" | "wait" | undefined;
  const { run } = interruptible(async (request, twice, send) => {
    const path = new URL(request.url).pathname;
    if (stage === "launch" && path.endsWith("/launch")) {
      const body = await request.clone().json();
      sentTokens.push(
        body.tags.find((tag: { key: string }) => tag.key === LAUNCH_TOKEN_KEY).value,
      );
      // Ctrl-C twice while the launch is in flight: the second leaves at once.
      twice();
    }
    const response = await send(request);
    if (stage === "wait" && request.method === "GET" && /\/instances\/\w+$/.test(path)) {
      twice();
      stage = undefined;
    }
    return response;
  });
  await run(["ssh-keys", "add", "k"]);
  stage = "launch";
  const inFlight = await run([...launchArgs(), "--wait"]);
  const [token] = sentTokens;
  assertEquals(inFlight.err.split("\n").slice(0, 2), [
    `error: interrupted again, so it left at once while launching: the launch may have gone through, and bills if it did (launch token '${token}')`,
    `  suggestion: Before launching again, look for it: lambda instances list --tag ${LAUNCH_TOKEN_KEY}=${token} (then terminate what it lists)`,
  ]);
  assertEquals(inFlight.progress.slice(0, 2), [
    `Launching with launch token '${token}': if this run is cut short, find it with 'lambda instances recover' or 'lambda instances list --tag ${LAUNCH_TOKEN_KEY}=${token}'`,
    `Stopping: finding out whether the launch with token '${token}' went through (Ctrl-C again to leave at once)`,
  ]);
});

Deno.test("cli interrupts: a second Ctrl-C during the wait names the instance, as JSON under --json", async () => {
  let armed = false;
  const { emulator, run } = interruptible(async (request, twice, send) => {
    const response = await send(request);
    if (armed && request.method === "GET" && /\/instances\/\w+$/.test(request.url)) {
      armed = false;
      twice();
    }
    return response;
  });
  await run(["ssh-keys", "add", "k"]);
  armed = true;
  const result = await run([...launchArgs(), "--wait", "--json"]);
  const id = emulator.instances()[0]!.id;
  const lines = result.err.split("\n").map((line) => JSON.parse(line));
  const error = lines.find((line) => line.error?.code === "cli/interrupted")!.error;
  assertEquals(error, {
    code: "cli/interrupted",
    message:
      `interrupted again, so it left at once: ${id} may still be running, and bills until terminated (it was not seen terminating)`,
    suggestion: `lambda instances terminate ${id}`,
    request_id: null,
    exit_code: 130,
    launch_token: emulator.instances()[0]!.tags!.find((tag) => tag.key === LAUNCH_TOKEN_KEY)!.value,
    instance_ids: [id],
  });
});

Deno.test("cli interrupts: Ctrl-C and SIGTERM stop the run; a second leaves at once, after its last words", () => {
  for (
    const [first, second, code] of [["SIGINT", "SIGINT", 130], ["SIGTERM", "SIGINT", 130], [
      "SIGTERM",
      "SIGTERM",
      143,
    ]] as const
  ) {
    const handlers = new Map<string, () => void>();
    const exits: number[] = [];
    const said: number[] = [];
    const signal = listenForInterrupts({
      addSignalListener: (name, handler) => handlers.set(name, handler),
      exit: (exitCode) => {
        exits.push(exitCode);
        return undefined as never;
      },
    })((exitCode) => said.push(exitCode));
    handlers.get(first)!();
    assert(signal.reason instanceof Interruption);
    assertEquals([signal.reason.signal, exits], [first, []]);
    handlers.get(second)!();
    assertEquals([said, exits], [[code], [code]]);
  }
  // Where SIGTERM and SIGHUP cannot be listened for (Windows), Ctrl-C still works.
  const handlers = new Map<string, () => void>();
  const signal = listenForInterrupts({
    addSignalListener: (name, handler) => {
      if (name !== "SIGINT") throw new TypeError("Windows only supports ctrl-c and ctrl-break");
      handlers.set(name, handler);
    },
    exit: () => undefined as never,
  })(() => {});
  handlers.get("SIGINT")!();
  assertEquals([signal.aborted, [...handlers.keys()]], [true, ["SIGINT"]]);
});
