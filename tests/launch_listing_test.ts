// The lookup for a launch of unknown outcome against listings that do not show what it looks for:
// instances listed without tags are read by id (once each, not once per round); tags that
// neither listing nor read shows, or show in a form the spec does not have, are never read as
// "not launched"; an instance listed with the launch token but without a usable id is reported as
// billing, never as nothing, and the one beside it with a usable id is named. findByLaunchToken()
// follows the same rules.

import {
  LAUNCH_TOKEN_KEY,
  LaunchOutcomeUnknownError,
  ServerError,
  UnidentifiedInstanceError,
} from "../mod.ts";
import { assert, assertEquals, assertMatch, assertRejects } from "@std/assert";
import { LAUNCH } from "./_emulator.ts";
import { dataResponse, sampleInstance } from "./_fakes.ts";
import { launches, listedBesideUnusable, lostLaunch, setup, through, tokenOf } from "./_launch.ts";

Deno.test("a listing without tags: instances are read by id, and the launch is found", async () => {
  const { emulator, client } = await setup();
  const other = (await client.instances.launch(LAUNCH)).instance_ids[0]!;
  emulator.faults.inject({ kind: "lost-answer", operation: "launchInstance" });
  emulator.faults.inject({ kind: "untagged", operation: "listInstances", probability: 1 });
  const { instance_ids } = await client.instances.launch(LAUNCH, { lookup: { timeout: 10_000 } });
  assertEquals(instance_ids.length, 1);
  assert(instance_ids[0] !== other);
  assertEquals([launches(emulator), emulator.instances().length], [2, 2]);
  // Each untagged instance was read once, not once per round.
  const reads = emulator.requests.filter((request) => request.operationId === "getInstance");
  assert(reads.length <= 2, `${reads.length} reads`);
});

Deno.test("tags that neither listing nor read shows: the launch is reported, never resent", async () => {
  const { emulator, client } = await setup();
  emulator.faults.inject({ kind: "lost-answer", operation: "launchInstance" });
  emulator.faults.inject({
    kind: "untagged",
    operation: ["listInstances", "getInstance"],
    probability: 1,
  });
  const error = await assertRejects(
    () => client.instances.launch(LAUNCH, { lookup: { timeout: 10_000 } }),
    LaunchOutcomeUnknownError,
  );
  assertEquals(error.reason, "untagged-listing");
  assertMatch(error.message, /the instance listing carries no tags/);
  assertEquals([launches(emulator), emulator.instances().length], [1, 1]);
  // Read once in the whole lookup, however many rounds it took.
  assertEquals(emulator.requests.filter((r) => r.operationId === "getInstance").length, 1);
  await assertRejects(
    () => client.instances.findByLaunchToken(error.launchToken!),
    LaunchOutcomeUnknownError,
    "carries no tags",
  );
  emulator.faults.clear();
  const found = await client.instances.findByLaunchToken(error.launchToken!);
  assertEquals(found.map((instance) => instance.id), emulator.instances().map((i) => i.id));
});

Deno.test("tags in a form the spec does not have may hide the token: never read as 'not launched'", async () => {
  type Tag = { key: string; value: string };
  const forms: ((tag: Tag) => unknown)[] = [
    (tag) => `${tag.key}=${tag.value}`,
    (tag) => ({ Key: tag.key, Value: tag.value }),
    (tag) => ({ key: tag.key, value: [tag.value] }),
  ];
  for (const odd of forms) {
    const { emulator, client } = await setup();
    await client.instances.launch(LAUNCH);
    const token = tokenOf(emulator.requests[0]!.body)!;
    // Listings and reads alike show each instance's tags in the odd form.
    const oddly = through(emulator, async (request) => {
      const { data } = await (await emulator.fetch(request)).json();
      const show = (instance: { tags: Tag[] }) => ({ ...instance, tags: instance.tags.map(odd) });
      return Response.json({ data: Array.isArray(data) ? data.map(show) : show(data) });
    });
    const error = await assertRejects(
      () => oddly.instances.findByLaunchToken(token),
      LaunchOutcomeUnknownError,
    );
    assertEquals(error.reason, "untagged-listing");
    assertEquals((await client.instances.findByLaunchToken(token)).length, 1);
  }
  // The token in the spec's form is found, whatever form the instance's other tags take.
  const { emulator, client } = await setup();
  const { instance_ids } = await client.instances.launch(LAUNCH);
  const token = tokenOf(emulator.requests[0]!.body)!;
  const beside = through(emulator, async (request) => {
    const { data } = await (await emulator.fetch(request)).json();
    const show = (instance: { tags: Tag[] }) => ({
      ...instance,
      tags: [...instance.tags, { key: "team", value: null }, "owner=me"],
    });
    return Response.json({ data: data.map(show) });
  });
  const found = await beside.instances.findByLaunchToken(token);
  assertEquals(found.map((instance) => instance.id), instance_ids);
});

Deno.test("beside an instance listed without a usable id, one with a usable id is named, to terminate", async () => {
  const { client } = listedBesideUnusable(" ");
  const error = await assertRejects(
    () => client.instances.launch(LAUNCH),
    UnidentifiedInstanceError,
  );
  assertEquals(error.instanceIds, ["i-ok"]);
  assertMatch(error.message, /beside 'i-ok', which bills too/);
});

Deno.test("ids a server chose, however long, are quoted in a message cut short", async () => {
  const { fake, client } = lostLaunch();
  fake.push(() => {
    const tags = [{ key: LAUNCH_TOKEN_KEY, value: tokenOf(fake.json(0)) }];
    return dataResponse([
      { ...sampleInstance({ tags }), id: "x ".repeat(100_000) },
      sampleInstance({ id: "i".repeat(100_000), tags }),
    ]);
  });
  const error = await assertRejects(
    () => client.instances.launch(LAUNCH),
    UnidentifiedInstanceError,
  );
  assertEquals(error.listedIds, ["x ".repeat(100_000)]);
  assert(error.message.length < 4000, `${error.message.length} characters`);
  assertEquals(error.instanceIds, ["i".repeat(100_000)]); // the data itself is whole
});

Deno.test("an instance listed with the launch token but without a usable id is reported, never 'not launched'", async () => {
  for (const id of [12345, undefined, "", "..", " ", "i 1"]) {
    // launch(): the answer is lost, and the lookup's listing shows the launch with a bad id.
    const { fake, client } = lostLaunch();
    fake.push(() => {
      const tags = [{ key: LAUNCH_TOKEN_KEY, value: tokenOf(fake.json(0)) }];
      return dataResponse([sampleInstance({ id: "other" }), { ...sampleInstance({ tags }), id }]);
    });
    const error = await assertRejects(
      () => client.instances.launch(LAUNCH, { lookup: { timeout: 60_000 } }),
      UnidentifiedInstanceError,
    );
    assertEquals([error.listedIds, error.launchToken], [[id], tokenOf(fake.json(0))]);
    assert(error.cause instanceof ServerError);
    assertMatch(
      error.message,
      new RegExp(
        `^Cannot launch instance: it launched, but after HTTP 500 it cannot be named: an instance with launch token '${error.launchToken}' is listed without a usable id \\(received ${
          typeof id === "string" ? `'${id.replace(".", "\\.")}'` : String(id)
        }\\); it bills until terminated`,
      ),
    );
    assertEquals(fake.requests.length, 2); // found at the first listing, and not sent again

    // findByLaunchToken(): never an empty answer for a launch that is listed.
    fake.push(
      dataResponse([{
        ...sampleInstance({ tags: [{ key: LAUNCH_TOKEN_KEY, value: "tok" }] }),
        id,
      }]),
    );
    const found = await assertRejects(
      () => client.instances.findByLaunchToken("tok"),
      UnidentifiedInstanceError,
      "Cannot find launch: an instance with launch token 'tok' is listed without a usable id",
    );
    assertEquals([found.listedIds, found.launchToken, found.request], [[id], "tok", undefined]);
  }

  // launchAndWait(): nothing it can terminate, so the error names the token and says it bills.
  const { fake, client } = lostLaunch(502);
  fake.push(() =>
    dataResponse([{ status: "booting", tags: [{ key: LAUNCH_TOKEN_KEY, value: "job-3" }] }])
  );
  const error = await assertRejects(
    () => client.instances.launchAndWait(LAUNCH, { launchToken: "job-3" }),
    UnidentifiedInstanceError,
    "it bills until terminated",
  );
  assertEquals([error.listedIds, error.launchToken], [[undefined], "job-3"]);
});

Deno.test("an untagged listing's instance read by id is named by that id", async () => {
  // The read shows the token; its own id field is junk, but it was read by "i-7".
  const { fake, client } = lostLaunch();
  fake.push(
    dataResponse([{ ...sampleInstance({ id: "i-7" }), tags: undefined }]),
    () =>
      dataResponse({
        ...sampleInstance({ tags: [{ key: LAUNCH_TOKEN_KEY, value: tokenOf(fake.json(0)) }] }),
        id: 7,
      }),
  );
  assertEquals((await client.instances.launch(LAUNCH)).instance_ids, ["i-7"]);
});
