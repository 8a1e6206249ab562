// Every resource method: the HTTP method, the path, the query or body sent, and what it returns.

import { assertEquals, assertMatch, assertStrictEquals } from "@std/assert";
import { dataResponse, fakeClient, FakeFetch, sampleInstance } from "./_fakes.ts";
import { LAUNCH_TOKEN_KEY } from "../mod.ts";

const BASE = "https://cloud.lambda.ai/api/v1";

function setup(payload: unknown) {
  const fake = new FakeFetch(dataResponse(payload));
  const { client } = fakeClient(fake);
  const sent = () => ({
    method: fake.requests[0]!.method,
    url: fake.requests[0]!.url,
    body: fake.json(0),
    contentType: fake.requests[0]!.headers.get("content-type"),
  });
  return { client, sent };
}

Deno.test("instances.list() sends GET /instances and returns the instances", async () => {
  const { client, sent } = setup([sampleInstance()]);
  assertEquals<unknown>(await client.instances.list(), [sampleInstance()]);
  assertEquals(sent(), {
    method: "GET",
    url: `${BASE}/instances`,
    body: undefined,
    contentType: null,
  });
});

Deno.test("instances.list() passes cluster_id as a query parameter", async () => {
  const { client, sent } = setup([]);
  await client.instances.list({ cluster_id: "c 1&x" });
  assertStrictEquals(sent().url, `${BASE}/instances?cluster_id=c+1%26x`);
});

Deno.test("instances.get() sends GET /instances/{id}", async () => {
  const { client, sent } = setup(sampleInstance({ status: "booting", ip: undefined }));
  const instance = await client.instances.get("0920582c7ff041399e34823a0be62549");
  assertStrictEquals(instance.status, "booting");
  assertStrictEquals(sent().url, `${BASE}/instances/0920582c7ff041399e34823a0be62549`);
});

Deno.test("instances.get() encodes the id as one path segment", async () => {
  const { client, sent } = setup(sampleInstance());
  await client.instances.get("../ssh-keys");
  assertStrictEquals(sent().url, `${BASE}/instances/..%2Fssh-keys`);
});

Deno.test("instances.update() sends POST /instances/{id} with name and tags", async () => {
  const { client, sent } = setup(sampleInstance({ name: "renamed" }));
  const body = { name: "renamed", tags: [{ key: "team", value: "ml" }] };
  assertStrictEquals((await client.instances.update("abc", body)).name, "renamed");
  assertEquals(sent(), {
    method: "POST",
    url: `${BASE}/instances/abc`,
    body,
    contentType: "application/json",
  });
});

Deno.test("instances.launch() sends POST /instance-operations/launch with the body as given", async () => {
  const { client, sent } = setup({ instance_ids: ["i-1"] });
  const body = {
    region_name: "us-west-1",
    instance_type_name: "gpu_1x_a10",
    ssh_key_names: ["my-key"] as [string],
    file_system_names: ["datasets"],
    file_system_mounts: [{ mount_point: "/data/datasets", file_system_id: "fs-1" }],
    hostname: "node-1",
    name: "run 7",
    image: { family: "lambda-stack-24-04" },
    user_data: "#cloud-config\n",
    tags: [{ key: "run", value: "7" }],
    firewall_rulesets: [{ id: "fw-1" }],
  };
  assertEquals(await client.instances.launch(body, { launchToken: false }), {
    instance_ids: ["i-1"],
  });
  assertEquals(sent(), {
    method: "POST",
    url: `${BASE}/instance-operations/launch`,
    body,
    contentType: "application/json",
  });
});

Deno.test("instances.launch() adds a launch-token tag after the caller's, or keeps the caller's own", async () => {
  const first = setup({ instance_ids: ["i-1"] });
  const body = {
    region_name: "us-west-1",
    instance_type_name: "gpu_1x_a10",
    ssh_key_names: ["my-key"] as [string],
    tags: [{ key: "run", value: "7" }],
  };
  await first.client.instances.launch(body);
  const sentTags = (first.sent().body as { tags: { key: string; value: string }[] }).tags;
  assertEquals(sentTags[0], { key: "run", value: "7" });
  assertEquals(sentTags[1]?.key, LAUNCH_TOKEN_KEY);
  assertMatch(sentTags[1]!.value, /^[0-9a-f]{32}$/);
  assertEquals(body.tags.length, 1); // the caller's body is not changed

  const own = setup({ instance_ids: ["i-2"] });
  const tagged = { ...body, tags: [{ key: LAUNCH_TOKEN_KEY, value: "mine" }] };
  await own.client.instances.launch(tagged);
  assertEquals(own.sent().body, tagged);
});

Deno.test("instances.restart() takes one id or many", async () => {
  const one = setup({ restarted_instances: [sampleInstance()] });
  assertEquals<unknown>(await one.client.instances.restart("i-1"), {
    restarted_instances: [sampleInstance()],
  });
  assertEquals(one.sent().body, { instance_ids: ["i-1"] });
  assertStrictEquals(one.sent().url, `${BASE}/instance-operations/restart`);
  const many = setup({ restarted_instances: [] });
  await many.client.instances.restart(["i-1", "i-2"]);
  assertEquals(many.sent().body, { instance_ids: ["i-1", "i-2"] });
});

Deno.test("instances.terminate() sends POST /instance-operations/terminate", async () => {
  const terminated = sampleInstance({ status: "terminating" });
  const { client, sent } = setup({ terminated_instances: [terminated] });
  assertEquals<unknown>(await client.instances.terminate(["i-1"]), {
    terminated_instances: [terminated],
  });
  assertEquals(sent(), {
    method: "POST",
    url: `${BASE}/instance-operations/terminate`,
    body: { instance_ids: ["i-1"] },
    contentType: "application/json",
  });
});

Deno.test("instanceTypes.list() returns the map keyed by type name", async () => {
  const item = {
    instance_type: sampleInstance().instance_type,
    regions_with_capacity_available: [{ name: "us-east-1", description: "Virginia, USA" }],
  };
  const { client, sent } = setup({ gpu_1x_a10: item });
  assertEquals<unknown>(await client.instanceTypes.list(), { gpu_1x_a10: item });
  assertStrictEquals(sent().url, `${BASE}/instance-types`);
});

Deno.test("regions.list() sends GET /regions", async () => {
  const { client, sent } = setup([{ name: "us-east-1", description: "Virginia, USA" }]);
  assertEquals(await client.regions.list(), [{ name: "us-east-1", description: "Virginia, USA" }]);
  assertStrictEquals(sent().url, `${BASE}/regions`);
});

Deno.test("sshKeys.list() sends GET /ssh-keys", async () => {
  const key = { id: "k-1", name: "laptop", public_key: "ssh-ed25519 AAAA" };
  const { client, sent } = setup([key]);
  assertEquals(await client.sshKeys.list(), [key]);
  assertStrictEquals(sent().url, `${BASE}/ssh-keys`);
});

Deno.test("sshKeys.create() uploads a public key", async () => {
  const key = { id: "k-1", name: "laptop", public_key: "ssh-ed25519 AAAA" };
  const { client, sent } = setup(key);
  assertEquals(
    await client.sshKeys.create({ name: "laptop", public_key: "ssh-ed25519 AAAA" }),
    key,
  );
  assertEquals(sent(), {
    method: "POST",
    url: `${BASE}/ssh-keys`,
    body: { name: "laptop", public_key: "ssh-ed25519 AAAA" },
    contentType: "application/json",
  });
});

Deno.test("sshKeys.create() without a public key returns the generated private key", async () => {
  const generated = {
    id: "k-2",
    name: "ci",
    public_key: "ssh-rsa AAAA",
    private_key: "-----BEGIN",
  };
  const { client, sent } = setup(generated);
  const key = await client.sshKeys.create({ name: "ci" });
  assertStrictEquals(key.private_key, "-----BEGIN");
  assertEquals(sent().body, { name: "ci" });
});

Deno.test("sshKeys.delete() sends DELETE /ssh-keys/{id} and resolves to undefined", async () => {
  const { client, sent } = setup({});
  assertStrictEquals(await client.sshKeys.delete("k-1"), undefined);
  assertEquals(sent(), {
    method: "DELETE",
    url: `${BASE}/ssh-keys/k-1`,
    body: undefined,
    contentType: null,
  });
});

Deno.test("fileSystems.list() uses the /file-systems spelling", async () => {
  const { client, sent } = setup([]);
  assertEquals(await client.fileSystems.list(), []);
  assertStrictEquals(sent().url, `${BASE}/file-systems`);
});

Deno.test("fileSystems.create() uses the /filesystems spelling", async () => {
  const created = { id: "fs-1", name: "datasets", mount_point: "/lambda/nfs/datasets" };
  const { client, sent } = setup(created);
  assertEquals(await client.fileSystems.create({ name: "datasets", region: "us-east-1" }), created);
  assertEquals(sent(), {
    method: "POST",
    url: `${BASE}/filesystems`,
    body: { name: "datasets", region: "us-east-1" },
    contentType: "application/json",
  });
});

Deno.test("fileSystems.delete() sends DELETE /filesystems/{id} and returns the deleted ids", async () => {
  const { client, sent } = setup({ deleted_ids: ["fs-1"] });
  assertEquals(await client.fileSystems.delete("fs-1"), { deleted_ids: ["fs-1"] });
  assertStrictEquals(sent().method, "DELETE");
  assertStrictEquals(sent().url, `${BASE}/filesystems/fs-1`);
});

Deno.test("images.list() sends GET /images", async () => {
  const { client, sent } = setup([]);
  assertEquals(await client.images.list(), []);
  assertStrictEquals(sent().url, `${BASE}/images`);
});
