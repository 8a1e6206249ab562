// Helpers for the launch tests (launch_*_test.ts): an emulator and a client on one clock, what the
// emulator was asked, the launch token a launch carried, and clients whose listings or answers
// show what a gateway or a proxy might.

import { assertRejects } from "@std/assert";
import {
  type LambdaCloudClient,
  type LambdaCloudClientOptions,
  LAUNCH_TOKEN_KEY,
  LaunchWaitError,
} from "../mod.ts";
import type { LambdaEmulator } from "../lib/testing/mod.ts";
import { emulatorClient, keyed, LAUNCH, testEmulator } from "./_emulator.ts";
import {
  dataResponse,
  errorResponse,
  fakeClient,
  FakeClock,
  FakeFetch,
  sampleInstance,
} from "./_fakes.ts";

/** An emulator and a client on one virtual clock, with the SSH key the launches use. */
export async function setup(
  options: LambdaCloudClientOptions = {},
): Promise<{ clock: FakeClock; emulator: LambdaEmulator; client: LambdaCloudClient }> {
  const clock = new FakeClock();
  const emulator = testEmulator({ clock, timing: { bootMs: 60_000 } });
  const client = await keyed(emulatorClient(emulator, { clock, ...options }));
  emulator.clearRequests();
  return { clock, emulator, client };
}

/**
 * What launchAndWait() of {@linkcode LAUNCH} through `client` fails with when its caller gives up
 * ("stop") at the first progress it hears of, once the instance is launched: what its cleanup did.
 */
export function givenUpAtFirstProgress(client: LambdaCloudClient): Promise<LaunchWaitError> {
  const controller = new AbortController();
  return assertRejects(
    () =>
      client.instances.launchAndWait(LAUNCH, {
        signal: controller.signal,
        onProgress: () => controller.abort(new Error("stop")),
      }),
    LaunchWaitError,
  );
}

/** Each request the emulator was sent, as its operation and the status it answered. */
export const operations = (emulator: LambdaEmulator): string[] =>
  emulator.requests.map((request) => `${request.operationId} ${request.status ?? "dropped"}`);

/** How many launches the emulator was sent. */
export const launches = (emulator: LambdaEmulator): number =>
  emulator.requests.filter((request) => request.operationId === "launchInstance").length;

/** The launch token a recorded launch body carried. */
export function tokenOf(body: unknown): string | undefined {
  const tags = (body as { tags?: { key: string; value: string }[] }).tags;
  return tags?.find((tag) => tag.key === LAUNCH_TOKEN_KEY)?.value;
}

/**
 * A client of `emulator` whose requests go through `fetch`, which passes them on to the emulator
 * or answers them itself; on `clock`, else on a virtual clock of its own.
 */
export function through(
  emulator: LambdaEmulator,
  fetch: (request: Request) => Promise<Response>,
  clock: FakeClock = new FakeClock(),
): LambdaCloudClient {
  return emulatorClient(emulator, { clock, fetch });
}

/** A fake API whose first answer, a launch's, is lost to a `status`, and a client of it. */
export function lostLaunch(
  status = 500,
  options: LambdaCloudClientOptions = {},
): { fake: FakeFetch; client: LambdaCloudClient; clock: FakeClock } {
  const fake = new FakeFetch(errorResponse(status, {}));
  return { fake, ...fakeClient(fake, options) };
}

/** A client whose listings show the emulator's instances and `more`, each carrying `token()`. */
export function listingAlso(
  emulator: LambdaEmulator,
  clock: FakeClock,
  more: (token: string) => Record<string, unknown>[],
  onList?: (request: Request) => Promise<Response> | undefined,
  onOther?: (request: Request) => Promise<Response | undefined>,
): LambdaCloudClient {
  return through(emulator, async (request) => {
    const isList = request.method === "GET" &&
      new URL(request.url).pathname.endsWith("/instances");
    if (!isList) return await onOther?.(request) ?? await emulator.fetch(request);
    const instead = onList?.(request);
    if (instead) return await instead;
    const { data } = await (await emulator.fetch(request)).json();
    const token = tokenOf(
      emulator.requests.find((r) => r.operationId === "launchInstance")!.body,
    )!;
    return Response.json({ data: [...data, ...more(token)] });
  }, clock);
}

/**
 * A client whose launch answer is lost (a 500), and whose lookup then lists the launch twice: as
 * "i-ok", and with the unusable id `badId`.
 */
export function listedBesideUnusable(
  badId: string,
): { fake: FakeFetch; client: LambdaCloudClient } {
  const { fake, client } = lostLaunch();
  fake.push(() => {
    const tags = [{ key: LAUNCH_TOKEN_KEY, value: tokenOf(fake.json(0)) }];
    return dataResponse([
      sampleInstance({ id: "i-ok", tags }),
      { ...sampleInstance({ tags }), id: badId },
    ]);
  });
  return { fake, client };
}
