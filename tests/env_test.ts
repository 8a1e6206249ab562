// The key from LAMBDA_API_KEY and the address from LAMBDA_BASE_URL: read only when needed, only with
// permission, never with a prompt.

import { LambdaCloudClient, LambdaCloudError } from "../mod.ts";
import { readEnv } from "../lib/_env.ts";
import { assertRejects, assertStrictEquals } from "@std/assert";
import { dataResponse, FakeFetch } from "./_fakes.ts";

/** Runs `fn` with the variable `name` set to `value` (unset for `undefined`), restoring it after. */
function withVariable(
  name: "LAMBDA_API_KEY" | "LAMBDA_BASE_URL",
  value: string | undefined,
  fn: () => Promise<void>,
): () => Promise<void> {
  const set = (to: string | undefined) =>
    to === undefined ? Deno.env.delete(name) : Deno.env.set(name, to);
  return async () => {
    const before = Deno.env.get(name);
    set(value);
    try {
      await fn();
    } finally {
      set(before);
    }
  };
}

/**
 * A client, with no limiter, of a fake API that answers one call with an empty list; its key from
 * LAMBDA_API_KEY unless `apiKey` is given.
 */
function answeringOnce(apiKey?: string): { fake: FakeFetch; client: LambdaCloudClient } {
  const fake = new FakeFetch(dataResponse([]));
  const key = apiKey === undefined ? {} : { apiKey };
  return { fake, client: new LambdaCloudClient({ fetch: fake.fetch, rateLimit: false, ...key }) };
}

Deno.test(
  "LAMBDA_API_KEY is used when apiKey is absent and the permission is granted",
  { permissions: { env: ["LAMBDA_API_KEY", "LAMBDA_BASE_URL"] } },
  withVariable("LAMBDA_API_KEY", "secret_from_env\n", async () => {
    const { fake, client } = answeringOnce();
    await client.regions.list();
    assertStrictEquals(fake.requests[0]!.headers.get("authorization"), "Bearer secret_from_env");
  }),
);

Deno.test(
  "making a client reads nothing from the environment",
  { permissions: { env: false } },
  () => {
    // With env denied, any read at construction would throw NotCapable here.
    new LambdaCloudClient();
    new LambdaCloudClient({ rateLimit: false, maxRetries: 0 });
  },
);

Deno.test(
  "an explicit apiKey needs no env permission at all: it is sent, to Lambda's API",
  { permissions: { env: false } },
  async () => {
    const { fake, client } = answeringOnce("secret_x");
    await client.regions.list();
    assertStrictEquals(fake.requests[0]!.headers.get("authorization"), "Bearer secret_x");
    assertStrictEquals(fake.requests[0]!.url, "https://cloud.lambda.ai/api/v1/regions");
  },
);

Deno.test(
  "without env permission the client neither prompts nor crashes: it names both fixes",
  { permissions: { env: false } },
  async () => {
    const fake = new FakeFetch();
    const client = new LambdaCloudClient({ fetch: fake.fetch, rateLimit: false });
    const error = await assertRejects(() => client.instances.list(), LambdaCloudError);
    assertStrictEquals(
      error.message,
      "Cannot list instances: no API key found. Pass { apiKey } to new LambdaCloudClient(), " +
        "or set LAMBDA_API_KEY and run with --allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL",
    );
    assertStrictEquals(fake.requests.length, 0);
    assertStrictEquals(readEnv("LAMBDA_API_KEY"), undefined);
  },
);

Deno.test(
  "an empty LAMBDA_API_KEY counts as missing",
  { permissions: { env: ["LAMBDA_API_KEY"] } },
  withVariable("LAMBDA_API_KEY", "  ", async () => {
    const client = new LambdaCloudClient({ fetch: new FakeFetch().fetch, rateLimit: false });
    await assertRejects(() => client.regions.list(), LambdaCloudError, "no API key found");
  }),
);

Deno.test("readEnv() falls back to process.env where there is no Deno", () => {
  const env = { LAMBDA_API_KEY: "secret_node" };
  assertStrictEquals(readEnv("LAMBDA_API_KEY", { process: { env } }), "secret_node");
  assertStrictEquals(readEnv("LAMBDA_API_KEY", {}), undefined);
  assertStrictEquals(readEnv("LAMBDA_API_KEY", { process: {} }), undefined);
});

Deno.test("readEnv() reads only when the permission is granted, and survives a throwing read", () => {
  const env = { get: (name: string) => `value of ${name}` };
  const state = (value: string) => ({ querySync: () => ({ state: value }) });
  assertStrictEquals(
    readEnv("LAMBDA_API_KEY", { Deno: { env, permissions: state("granted") } }),
    "value of LAMBDA_API_KEY",
  );
  assertStrictEquals(
    readEnv("LAMBDA_API_KEY", { Deno: { env, permissions: state("prompt") } }),
    undefined,
  );
  assertStrictEquals(
    readEnv("LAMBDA_API_KEY", { Deno: { env, permissions: state("denied") } }),
    undefined,
  );
  // Deno Deploy and older runtimes may lack querySync: then the read itself decides.
  assertStrictEquals(readEnv("LAMBDA_API_KEY", { Deno: { env } }), "value of LAMBDA_API_KEY");
  const throwing = {
    get: (): string => {
      throw new Error("NotCapable");
    },
  };
  assertStrictEquals(readEnv("LAMBDA_API_KEY", { Deno: { env: throwing } }), undefined);
  const throwingQuery = {
    querySync: (): { state: string } => {
      throw new Error("no permissions API");
    },
  };
  assertStrictEquals(
    readEnv("LAMBDA_API_KEY", { Deno: { env, permissions: throwingQuery } }),
    undefined,
  );
});

Deno.test(
  "LAMBDA_API_KEY is read when the first request goes out, not when the client is made",
  { permissions: { env: ["LAMBDA_API_KEY", "LAMBDA_BASE_URL"] } },
  withVariable("LAMBDA_API_KEY", "secret_at_construction", async () => {
    const { fake, client } = answeringOnce();
    // A Deploy function sets its secrets after the module (and the client) loaded.
    Deno.env.set("LAMBDA_API_KEY", "secret_at_first_request");
    await client.regions.list();
    assertStrictEquals(
      fake.requests[0]!.headers.get("authorization"),
      "Bearer secret_at_first_request",
    );
  }),
);

Deno.test(
  "LAMBDA_BASE_URL is where requests go when baseUrl is absent, read when the first request goes out",
  { permissions: { env: ["LAMBDA_API_KEY", "LAMBDA_BASE_URL"] } },
  withVariable(
    "LAMBDA_API_KEY",
    "secret_from_env",
    withVariable("LAMBDA_BASE_URL", "https://elsewhere.example/api/v1", async () => {
      const { fake, client } = answeringOnce();
      Deno.env.set("LAMBDA_BASE_URL", "http://127.0.0.1:8787/api/v1/");
      await client.regions.list();
      assertStrictEquals(fake.requests[0]!.url, "http://127.0.0.1:8787/api/v1/regions");
      assertStrictEquals(client.baseUrl, "http://127.0.0.1:8787/api/v1");
      assertStrictEquals(JSON.stringify(client), '{"baseUrl":"http://127.0.0.1:8787/api/v1"}');
      // Read once: the client keeps where it sent its first request.
      Deno.env.set("LAMBDA_BASE_URL", "https://third.example/api/v1");
      fake.push(dataResponse([]));
      await client.regions.list();
      assertStrictEquals(fake.requests[1]!.url, "http://127.0.0.1:8787/api/v1/regions");
    }),
  ),
);

Deno.test(
  "LAMBDA_BASE_URL is held to baseUrl's checks, and a baseUrl given is never overridden by it",
  { permissions: { env: ["LAMBDA_API_KEY", "LAMBDA_BASE_URL"] } },
  withVariable("LAMBDA_API_KEY", "secret_from_env", async () => {
    for (
      const [value, message] of [
        ["", "Cannot list regions: 'LAMBDA_BASE_URL' is not a valid URL, received ''"],
        [
          "http://emulator.internal:8787/api/v1",
          "Cannot list regions: refusing to send the API key over plain http: to 'emulator.internal:8787'; use https:, or pass allowInsecureHttp: true if you accept that risk",
        ],
      ]
    ) {
      await withVariable("LAMBDA_BASE_URL", value, async () => {
        const { fake, client } = answeringOnce();
        const error = await assertRejects(() => client.regions.list(), TypeError);
        assertStrictEquals(error.message, message);
        assertStrictEquals(fake.requests.length, 0);
      })();
    }
    await withVariable("LAMBDA_BASE_URL", "http://127.0.0.1:1/api/v1", async () => {
      const fake = new FakeFetch(dataResponse([]));
      const client = new LambdaCloudClient({
        fetch: fake.fetch,
        rateLimit: false,
        baseUrl: "https://given.example/api/v1",
      });
      await client.regions.list();
      assertStrictEquals(fake.requests[0]!.url, "https://given.example/api/v1/regions");
    })();
  }),
);

Deno.test(
  "a key from LAMBDA_API_KEY without permission to read LAMBDA_BASE_URL is an error, never production by default",
  { permissions: { env: ["LAMBDA_API_KEY"] } },
  withVariable("LAMBDA_API_KEY", "secret_from_env", async () => {
    const { fake, client } = answeringOnce();
    const error = await assertRejects(() => client.regions.list(), LambdaCloudError);
    assertStrictEquals(
      error.message,
      "Cannot list regions: the API key comes from LAMBDA_API_KEY, but whether LAMBDA_BASE_URL is set cannot be told (no permission to read it), so where to send requests is unknown: run with --allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL, or pass { baseUrl }",
    );
    assertStrictEquals(fake.requests.length, 0);
    assertStrictEquals(JSON.stringify(client), '{"baseUrl":null}');
  }),
);
