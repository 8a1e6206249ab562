// Bad input fails with a clear TypeError or RangeError before anything is sent.

import { LambdaCloudClient } from "../mod.ts";
import { assertRejects, assertStrictEquals, assertThrows } from "@std/assert";
import { fakeClient, FakeFetch } from "./_fakes.ts";

const VALID_LAUNCH = {
  region_name: "us-east-1",
  instance_type_name: "gpu_1x_a10",
  ssh_key_names: ["my-key"],
};

type Client = ReturnType<typeof fakeClient>["client"];

/** Requires `call` to reject with `errorClass` and `message`, having sent nothing. */
async function rejectsUnsent(
  call: (client: Client) => Promise<unknown>,
  errorClass: typeof TypeError | typeof RangeError,
  message: string,
): Promise<void> {
  const fake = new FakeFetch();
  const { client } = fakeClient(fake);
  const error = await assertRejects(() => call(client), errorClass);
  assertStrictEquals(error.message, message);
  assertStrictEquals(fake.requests.length, 0);
}

function launch(overrides: Record<string, unknown>) {
  return (client: Client) => client.instances.launch({ ...VALID_LAUNCH, ...overrides } as never);
}

Deno.test("launch needs exactly one SSH key", async () => {
  await rejectsUnsent(
    launch({ ssh_key_names: ["a", "b"] }),
    RangeError,
    "Cannot launch instance: 'ssh_key_names' must hold exactly one key, received 2",
  );
  await rejectsUnsent(
    launch({ ssh_key_names: [] }),
    RangeError,
    "Cannot launch instance: 'ssh_key_names' must hold exactly one key, received 0",
  );
  await rejectsUnsent(
    launch({ ssh_key_names: "my-key" }),
    TypeError,
    "Cannot launch instance: 'ssh_key_names' must be an array, received 'my-key'",
  );
  await rejectsUnsent(
    launch({ ssh_key_names: [""] }),
    RangeError,
    "Cannot launch instance: 'ssh_key_names[0]' must not be empty",
  );
});

Deno.test("launch needs a region and a type", async () => {
  await rejectsUnsent(
    launch({ region_name: undefined }),
    TypeError,
    "Cannot launch instance: 'region_name' must be a string, received undefined",
  );
  await rejectsUnsent(
    launch({ instance_type_name: "" }),
    RangeError,
    "Cannot launch instance: 'instance_type_name' must not be empty",
  );
  await rejectsUnsent(
    (client) => client.instances.launch(null as never),
    TypeError,
    "Cannot launch instance: 'body' must be an object, received null",
  );
});

Deno.test("launch takes quantity 1, as the API does, and refuses more in the API's words", async () => {
  const fake = new FakeFetch(Response.json({ data: { instance_ids: ["i"] } }));
  const { client } = fakeClient(fake);
  await client.instances.launch({ ...VALID_LAUNCH, quantity: 1 } as never, { launchToken: false });
  assertStrictEquals((fake.json(0) as { quantity: number }).quantity, 1);
  await rejectsUnsent(
    launch({ quantity: 2 }),
    RangeError,
    "Cannot launch instance: requested too many instances, 'quantity' must be 1 (one instance " +
      "per launch), received 2",
  );
  await rejectsUnsent(
    launch({ quantity: 0 }),
    RangeError,
    "Cannot launch instance: 'quantity' must be 1, received 0",
  );
  await rejectsUnsent(
    launch({ quantity: "1" }),
    TypeError,
    "Cannot launch instance: 'quantity' must be the whole number 1, received '1'",
  );
});

Deno.test("launch checks name, hostname and user_data", async () => {
  await rejectsUnsent(
    launch({ name: "x".repeat(65) }),
    RangeError,
    "Cannot launch instance: 'name' must hold at most 64 characters, received 65",
  );
  await rejectsUnsent(
    launch({ hostname: "Bad_Host" }),
    RangeError,
    "Cannot launch instance: 'hostname' must be lower-case letters, digits and '-', " +
      "not starting with '-', received 'Bad_Host'",
  );
  await rejectsUnsent(
    launch({ hostname: "-node" }),
    RangeError,
    "Cannot launch instance: 'hostname' must be lower-case letters, digits and '-', " +
      "not starting with '-', received '-node'",
  );
  await rejectsUnsent(
    launch({ hostname: "a".repeat(64) }),
    RangeError,
    "Cannot launch instance: 'hostname' must hold at most 63 characters, received 64",
  );
  await rejectsUnsent(
    launch({ user_data: "é".repeat(600_000) }),
    RangeError,
    "Cannot launch instance: 'user_data' must be at most 1048576 bytes, received 1200000",
  );
});

Deno.test("launch accepts the limits themselves", async () => {
  const fake = new FakeFetch(Response.json({ data: { instance_ids: ["i"] } }));
  const { client } = fakeClient(fake);
  await client.instances.launch({
    ...VALID_LAUNCH,
    ssh_key_names: ["my-key"],
    name: "x".repeat(64),
    hostname: "a".repeat(63),
    user_data: "a".repeat(1024 * 1024),
    tags: [{ key: "k".repeat(55), value: "v".repeat(128) }],
  });
  assertStrictEquals(fake.requests.length, 1);
});

Deno.test("launch checks tags", async () => {
  await rejectsUnsent(
    launch({ tags: [{ key: "Team", value: "ml" }] }),
    RangeError,
    "Cannot launch instance: 'tags[0].key' must be 2 or more lower-case letters, digits, '-' " +
      "or ':', starting with a letter, received 'Team'",
  );
  await rejectsUnsent(
    launch({ tags: [{ key: "k".repeat(56), value: "v" }] }),
    RangeError,
    "Cannot launch instance: 'tags[0].key' must hold at most 55 characters, received 56",
  );
  await rejectsUnsent(
    launch({ tags: [{ key: "lambda-ai-owner", value: "me" }] }),
    RangeError,
    "Cannot launch instance: 'tags[0].key' must not start with 'lambda-ai-', which Lambda " +
      "reserves, received 'lambda-ai-owner'",
  );
  await rejectsUnsent(
    launch({ tags: [{ key: "ok", value: "v".repeat(129) }] }),
    RangeError,
    "Cannot launch instance: 'tags[0].value' must hold at most 128 characters, received 129",
  );
  await rejectsUnsent(
    launch({ tags: [{ key: "ok", value: 5 }] }),
    TypeError,
    "Cannot launch instance: 'tags[0].value' must be a string, received 5",
  );
  await rejectsUnsent(
    launch({ tags: { key: "ok", value: "v" } }),
    TypeError,
    "Cannot launch instance: 'tags' must be an array, received an object",
  );
});

Deno.test("launch checks image, mounts, filesystems and rulesets", async () => {
  await rejectsUnsent(
    launch({ image: { id: "a", family: "" } }),
    RangeError,
    "Cannot launch instance: 'image.family' must not be empty",
  );
  await rejectsUnsent(
    launch({ image: {} }),
    TypeError,
    "Cannot launch instance: 'image' must set 'id' or 'family', received neither",
  );
  await rejectsUnsent(
    launch({ image: { id: "" } }),
    RangeError,
    "Cannot launch instance: 'image.id' must not be empty",
  );
  await rejectsUnsent(
    launch({ file_system_mounts: [{ mount_point: "/etc/evil", file_system_id: "fs" }] }),
    RangeError,
    "Cannot launch instance: 'file_system_mounts[0].mount_point' must be a path under /home, " +
      "/lambda/nfs or /data, received '/etc/evil'",
  );
  await rejectsUnsent(
    launch({ file_system_names: [3] }),
    TypeError,
    "Cannot launch instance: 'file_system_names[0]' must be a string, received 3",
  );
  await rejectsUnsent(
    launch({ firewall_rulesets: ["fw-1"] }),
    TypeError,
    "Cannot launch instance: 'firewall_rulesets[0]' must be an object, received 'fw-1'",
  );
});

Deno.test("ids must be non-empty strings, and never a dot segment", async () => {
  await rejectsUnsent(
    (client) => client.instances.get(""),
    RangeError,
    "Cannot get instance: 'id' must not be empty",
  );
  await rejectsUnsent(
    (client) => client.instances.get(42 as never),
    TypeError,
    "Cannot get instance: 'id' must be a string, received 42",
  );
  await rejectsUnsent(
    (client) => client.sshKeys.delete(".."),
    RangeError,
    "Cannot delete SSH key: 'id' is not a valid id, received '..'",
  );
  await rejectsUnsent(
    (client) => client.fileSystems.delete(" "),
    RangeError,
    "Cannot delete filesystem: 'id' is not a valid id, received ' '",
  );
  await rejectsUnsent(
    (client) => client.instances.update(".", { name: "x" }),
    RangeError,
    "Cannot update instance: 'id' is not a valid id, received '.'",
  );
  // encodeURIComponent would throw a bare URIError; URLSearchParams would send U+FFFD instead.
  await rejectsUnsent(
    (client) => client.instances.get("ab\uD800"),
    RangeError,
    "Cannot get instance: 'id' must be well-formed Unicode text, received a lone surrogate",
  );
  await rejectsUnsent(
    (client) => client.instances.terminate(["ok", "\uDC00x"]),
    RangeError,
    "Cannot terminate instances: 'instanceIds[1]' must be well-formed Unicode text, received a lone surrogate",
  );
  await rejectsUnsent(
    (client) => client.instances.list({ cluster_id: "\uD83D" }),
    RangeError,
    "Cannot list instances: 'cluster_id' must be well-formed Unicode text, received a lone surrogate",
  );
});

Deno.test("restart and terminate need at least one valid id", async () => {
  await rejectsUnsent(
    (client) => client.instances.terminate([]),
    RangeError,
    "Cannot terminate instances: 'instanceIds' must hold at least one id, received 0",
  );
  await rejectsUnsent(
    (client) => client.instances.restart(["ok", ""]),
    RangeError,
    "Cannot restart instances: 'instanceIds[1]' must not be empty",
  );
  await rejectsUnsent(
    (client) => client.instances.terminate(undefined as never),
    TypeError,
    "Cannot terminate instances: 'instanceIds' must be an array, received undefined",
  );
});

Deno.test("update takes an empty body, as the spec does, and checks what it sets", async () => {
  const fake = new FakeFetch(Response.json({ data: { id: "i-1" } }));
  const { client } = fakeClient(fake);
  await client.instances.update("i-1", {});
  assertStrictEquals(fake.bodies[0], "{}");
  await rejectsUnsent(
    (client) => client.instances.update("i-1", { name: "x".repeat(65) }),
    RangeError,
    "Cannot update instance: 'name' must hold at most 64 characters, received 65",
  );
  await rejectsUnsent(
    (client) => client.instances.update("i-1", { tags: [{ key: "x", value: "" }] }),
    RangeError,
    "Cannot update instance: 'tags[0].key' must be 2 or more lower-case letters, digits, '-' " +
      "or ':', starting with a letter, received 'x'",
  );
});

Deno.test("SSH key and filesystem bodies are checked", async () => {
  await rejectsUnsent(
    (client) => client.sshKeys.create({ name: "" }),
    RangeError,
    "Cannot create SSH key: 'name' must not be empty",
  );
  await rejectsUnsent(
    (client) => client.sshKeys.create({ name: "k", public_key: "x".repeat(4097) }),
    RangeError,
    "Cannot create SSH key: 'public_key' must hold at most 4096 characters, received 4097",
  );
  await rejectsUnsent(
    (client) => client.fileSystems.create({ name: "1data", region: "us-east-1" }),
    RangeError,
    "Cannot create filesystem: 'name' must be letters, then letters, digits or '-', received '1data'",
  );
  await rejectsUnsent(
    (client) => client.fileSystems.create({ name: "data" } as never),
    TypeError,
    "Cannot create filesystem: 'region' must be a string, received undefined",
  );
  await rejectsUnsent(
    (client) => client.instances.list({ cluster_id: "" }),
    RangeError,
    "Cannot list instances: 'cluster_id' must not be empty",
  );
});

Deno.test("per-call options are checked", async () => {
  await rejectsUnsent(
    (client) => client.regions.list({ timeout: 0 }),
    RangeError,
    "Cannot list regions: 'timeout' must be between 1 and 2147483647 milliseconds, received 0",
  );
  await rejectsUnsent(
    (client) => client.regions.list({ maxRetries: 1.5 }),
    RangeError,
    "Cannot list regions: 'maxRetries' must be a whole number, received 1.5",
  );
});

Deno.test("client options are checked when the client is made", () => {
  const cases: [Record<string, unknown>, typeof TypeError | typeof RangeError, string][] = [
    [
      { apiKey: "" },
      TypeError,
      "'apiKey' must be a non-empty string or a function, received an empty string",
    ],
    [{ apiKey: 42 }, TypeError, "'apiKey' must be a non-empty string or a function, received 42"],
    [{ baseUrl: "not a url" }, TypeError, "'baseUrl' is not a valid URL, received 'not a url'"],
    [{ baseUrl: "ftp://x/api" }, TypeError, "'baseUrl' must use https: or http:, received 'ftp:'"],
    [
      { baseUrl: "https://u:p@x/api" },
      TypeError,
      "'baseUrl' must not hold credentials, a query or a fragment",
    ],
    // new URL() drops a bare "?" or "#", which would end up in front of every path.
    [
      { baseUrl: "https://x/api/v1?" },
      TypeError,
      "'baseUrl' must not hold credentials, a query or a fragment",
    ],
    [
      { baseUrl: new URL("https://x/api/v1#") },
      TypeError,
      "'baseUrl' must not hold credentials, a query or a fragment",
    ],
    [{ timeout: -1 }, RangeError, "'timeout' must be a finite number of zero or more, received -1"],
    [{ timeout: "5s" }, TypeError, "'timeout' must be a number, received '5s'"],
    [
      { maxRetries: Infinity },
      RangeError,
      "'maxRetries' must be a finite number of zero or more, received Infinity",
    ],
    [{ fetch: "fetch" }, TypeError, "'fetch' must be a function, received 'fetch'"],
    [
      { hooks: { onRequest: () => {}, onRetry: "log" as never } },
      TypeError,
      "'hooks.onRetry' must be a function, received 'log'",
    ],
    [
      { userAgent: "bad\nagent" },
      TypeError,
      "'userAgent' must be printable ASCII text, received 'bad\nagent'",
    ],
    [
      { rateLimit: { requestIntervalMs: -5 } },
      RangeError,
      "'rateLimit.requestIntervalMs' must be a finite number of zero or more, received -5",
    ],
    [
      { backoff: { maxDelayMs: NaN } },
      TypeError,
      "'backoff.maxDelayMs' must be a number, received NaN",
    ],
  ];
  for (const [options, errorClass, message] of cases) {
    const error = assertThrows(() => new LambdaCloudClient(options as never), errorClass);
    assertStrictEquals(error.message, `Cannot create client: ${message}`);
  }
});

Deno.test("plain http: is refused except to loopback or with allowInsecureHttp", () => {
  const error = assertThrows(
    () => new LambdaCloudClient({ baseUrl: "http://api.example.com/api/v1" }),
    TypeError,
  );
  assertStrictEquals(
    error.message,
    "Cannot create client: refusing to send the API key over plain http: to 'api.example.com'; " +
      "use https:, or pass allowInsecureHttp: true if you accept that risk",
  );
  for (const host of ["localhost:8080", "127.0.0.1", "127.3.4.5:1", "[::1]:9000"]) {
    new LambdaCloudClient({ baseUrl: `http://${host}/api/v1` });
  }
  const insecure = new LambdaCloudClient({
    baseUrl: "http://10.0.0.5/api/v1",
    allowInsecureHttp: true,
  });
  assertStrictEquals(insecure.baseUrl, "http://10.0.0.5/api/v1");
});

Deno.test("a mistyped filter is refused, never dropped to act on everything", async () => {
  await rejectsUnsent(
    (client) => client.instances.list({ clusterId: "c" } as never),
    TypeError,
    "Cannot list instances: 'params' has no 'clusterId' (it takes cluster_id)",
  );
  await rejectsUnsent(
    (client) => client.instances.list({ signal: AbortSignal.abort() } as never),
    TypeError,
    "Cannot list instances: 'params' has no 'signal' (it takes cluster_id)",
  );
  await rejectsUnsent(
    (client) => client.instanceTypes.available({ maxPriceCentsPerHr: 100 } as never),
    TypeError,
    "Cannot find available instance types: 'filter' has no 'maxPriceCentsPerHr' (it takes gpu, gpus, region, architecture, maxPriceCentsPerHour, instanceType)",
  );
  await rejectsUnsent(
    (client) => client.instanceTypes.waitForCapacity({ GPU: "A10" } as never),
    TypeError,
    "Cannot wait for capacity: 'filter' has no 'GPU' (it takes gpu, gpus, region, architecture, maxPriceCentsPerHour, instanceType)",
  );
});
