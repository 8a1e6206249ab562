// terminate() after a lost answer: Lambda fails a retry that meets instances already terminating
// with a 500 for the whole call, so the client looks before it reports a failure.

import { assert, assertEquals, assertMatch, assertRejects } from "@std/assert";
import { emulatorClient, keyed, LAUNCH, testEmulator } from "./_emulator.ts";
import {
  InvalidResponseError,
  type LambdaCloudClient,
  NotFoundError,
  ServerError,
} from "../mod.ts";
import type { LambdaEmulator } from "../lib/testing/mod.ts";

async function twoInstances(): Promise<
  { emulator: LambdaEmulator; client: LambdaCloudClient; ids: [string, string] }
> {
  const emulator = testEmulator();
  const client = await keyed(emulatorClient(emulator));
  const first = (await client.instances.launch(LAUNCH)).instance_ids[0]!;
  const second = (await client.instances.launch(LAUNCH)).instance_ids[0]!;
  return { emulator, client, ids: [first, second] };
}

function terminateStatuses(emulator: LambdaEmulator): (number | undefined)[] {
  return emulator.requests
    .filter((request) => request.operationId === "terminateInstance")
    .map((request) => request.status);
}

Deno.test("terminate: a lost answer, then 'already terminating' on every retry, is a success", async () => {
  const { emulator, client, ids } = await twoInstances();
  emulator.faults.inject({ kind: "lost-answer", operation: "terminateInstance", times: 1 });
  const result = await client.instances.terminate(ids);
  assertEquals(
    result.terminated_instances.map((instance) => [instance.id, instance.status]),
    ids.map((id) => [id, "terminating"]),
  );
  // Carried out once; every retry was refused; no instance was left running.
  assertEquals(terminateStatuses(emulator)[0], undefined);
  assert(terminateStatuses(emulator).slice(1).every((status) => status === 500));
  assertEquals(emulator.instances().map((instance) => instance.status), [
    "terminating",
    "terminating",
  ]);
});

Deno.test("terminate: one instance already ending, one running: the running one is terminated", async () => {
  const { emulator, client, ids: [first, second] } = await twoInstances();
  await client.instances.terminate(first);
  const result = await client.instances.terminate([second, first]);
  assertEquals(
    result.terminated_instances.map((instance) => [instance.id, instance.status]).sort(),
    [[first, "terminating"], [second, "terminating"]].sort(),
  );
  assertEquals(emulator.instances().map((instance) => instance.status), [
    "terminating",
    "terminating",
  ]);
  // The last terminate named only the instance still running.
  const last = emulator.requests.filter((r) => r.operationId === "terminateInstance").at(-1)!;
  assertEquals([last.status, last.body], [200, { instance_ids: [second] }]);
});

Deno.test("terminate: a 500 that changed nothing is still thrown", async () => {
  const { emulator, client, ids } = await twoInstances();
  emulator.faults.inject({ kind: "server-error", operation: "terminateInstance", probability: 1 });
  const error = await assertRejects(() => client.instances.terminate(ids), ServerError);
  assertEquals(error.status, 500);
  assertEquals(emulator.instances().map((instance) => instance.status), ["booting", "booting"]);
  // It looked at both, found neither ending, and sent no second round of terminates.
  const operations = emulator.requests.map((request) => request.operationId);
  const firstRead = operations.indexOf("getInstance");
  assertEquals(operations.slice(firstRead), ["getInstance", "getInstance"]);
});

Deno.test("terminate: when an instance cannot be read, the original failure is thrown", async () => {
  const { emulator, client, ids: [first] } = await twoInstances();
  emulator.faults.inject({ kind: "server-error", operation: "terminateInstance", probability: 1 });
  emulator.faults.inject({
    kind: "server-error",
    status: 503,
    operation: "getInstance",
    probability: 1,
  });
  const error = await assertRejects(() => client.instances.terminate(first), ServerError);
  assertEquals(error.status, 500);
});

Deno.test("terminate: refusals are not second-guessed", async () => {
  const { emulator, client } = await twoInstances();
  await assertRejects(() => client.instances.terminate("0".repeat(32)), NotFoundError);
  assertEquals(emulator.requests.filter((r) => r.operationId === "getInstance").length, 0);
});

Deno.test("terminate: an abort while reading ends the call with the abort", async () => {
  const { emulator, client, ids: [first] } = await twoInstances();
  const controller = new AbortController();
  emulator.faults.inject({ kind: "server-error", operation: "terminateInstance", probability: 1 });
  const reason = new DOMException("stop", "AbortError");
  emulator.override("getInstance", () => {
    controller.abort(reason);
    return new Response("{}", { status: 503 });
  });
  const error = await client.instances.terminate(first, { signal: controller.signal }).catch((
    e,
  ) => e);
  assertEquals(error, reason);
});

Deno.test("terminate: an unreadable answer is a typed error, and never reported as done", async () => {
  const { emulator, client, ids: [first, second] } = await twoInstances();
  await client.instances.terminate(first);
  let calls = 0;
  emulator.override("terminateInstance", () => {
    calls += 1;
    return calls === 1 ? undefined : Response.json({ data: {} });
  });
  // The first answer (500: one is already terminating) changed nothing; every later one is
  // unreadable. The client looks, sends a terminate for the one still running, and cannot read
  // that answer either: it says so rather than claim the instance is terminating.
  const error = await assertRejects(
    () => client.instances.terminate([second, first]),
    InvalidResponseError,
  );
  assertMatch(error.message, /its data holds no 'terminated_instances' list/);
  assertEquals(emulator.instances().map((instance) => instance.status), ["terminating", "booting"]);
});
