import {
  ApiError,
  AuthenticationError,
  ConflictError,
  ConnectionError,
  createApiError,
  InsufficientCapacityError,
  InvalidParametersError,
  InvalidResponseError,
  LambdaCloudError,
  NotFoundError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from "../mod.ts";
import { assert, assertEquals, assertStrictEquals } from "@std/assert";

function build(status: number, code?: string) {
  return createApiError({
    action: "do thing",
    status,
    code,
    body: {},
    headers: new Headers(),
  });
}

Deno.test("createApiError() picks the class by code before status", () => {
  const cases: [number, string | undefined, new (...args: never[]) => ApiError][] = [
    [401, "global/invalid-api-key", AuthenticationError],
    [403, "global/account-inactive", PermissionDeniedError],
    [403, "global/invalid-address", PermissionDeniedError],
    [403, "global/forbidden", PermissionDeniedError],
    [404, "global/not-found", NotFoundError],
    [400, "global/object-does-not-exist", NotFoundError],
    [400, "global/invalid-parameters", InvalidParametersError],
    [400, "instance-operations/launch/insufficient-capacity", InsufficientCapacityError],
    [400, "global/quota-exceeded", QuotaExceededError],
    [400, "global/duplicate", ConflictError],
    [409, "global/conflict", ConflictError],
    [400, "filesystems/filesystem-in-use", ConflictError],
    [400, "firewall-rulesets/firewall-ruleset-in-use", ConflictError],
    [400, "ssh-keys/key-in-use", ConflictError],
    [409, "global/internal-error", ServerError],
    [400, "provider/internal-unavailable", ServerError],
    [503, "provider/anything-new", ServerError],
  ];
  for (const [status, code, expected] of cases) {
    const error = build(status, code);
    assert(error instanceof expected, `${status} ${code} gave ${error.name}`);
    assertStrictEquals(error.code, code);
    assertStrictEquals(error.status, status);
  }
});

Deno.test("createApiError() falls back to the status for unknown or missing codes", () => {
  const cases: [number, new (...args: never[]) => ApiError][] = [
    [400, InvalidParametersError],
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [409, ConflictError],
    [422, InvalidParametersError],
    [429, RateLimitError],
    [500, ServerError],
    [502, ServerError],
    [504, ServerError],
  ];
  for (const [status, expected] of cases) {
    assert(build(status) instanceof expected, `status ${status}`);
    assert(build(status, "brand-new/code") instanceof expected, `status ${status} new code`);
  }
  const teapot = build(418, "brand-new/code");
  assertStrictEquals(teapot.constructor, ApiError);
  assertStrictEquals(teapot.code, "brand-new/code");
});

Deno.test("ApiError message puts the action first, then the code, message and suggestion", () => {
  const error = createApiError({
    action: "launch instance",
    status: 400,
    code: "instance-operations/launch/insufficient-capacity",
    apiMessage: "Not enough capacity to fulfill launch request.",
    suggestion: "Try another region.",
    requestId: "req_123",
    body: { error: {} },
    headers: new Headers(),
  });
  assertStrictEquals(
    error.message,
    "Cannot launch instance: insufficient capacity " +
      "(code 'instance-operations/launch/insufficient-capacity'): " +
      "Not enough capacity to fulfill launch request. Try another region",
  );
  assertStrictEquals(error.name, "InsufficientCapacityError");
  assertStrictEquals(error.requestId, "req_123");
  assertStrictEquals(error.apiMessage, "Not enough capacity to fulfill launch request.");
  assertStrictEquals(error.suggestion, "Try another region.");
  assert(error instanceof LambdaCloudError);
  assert(error instanceof Error);
});

Deno.test("ApiError message describes a body that is not the envelope", () => {
  const html = createApiError({
    action: "list instances",
    status: 429,
    body:
      "<html><head><title>Access denied | cloud.lambda.ai used Cloudflare</title></head></html>",
    headers: new Headers(),
  });
  assertStrictEquals(
    html.message,
    "Cannot list instances: rate limited (status 429): " +
      "HTML page 'Access denied | cloud.lambda.ai used Cloudflare'",
  );
  const empty = createApiError({
    action: "list instances",
    status: 502,
    body: "",
    headers: new Headers(),
  });
  assertStrictEquals(
    empty.message,
    "Cannot list instances: server error (status 502): empty response body",
  );
  const long = createApiError({
    action: "list instances",
    status: 500,
    body: "x".repeat(1000),
    headers: new Headers(),
  });
  assert(long.message.endsWith(`body '${"x".repeat(200)}…'`));
  const json = createApiError({
    action: "list instances",
    status: 500,
    body: { unexpected: true },
    headers: new Headers(),
  });
  assertStrictEquals(
    json.message,
    `Cannot list instances: server error (status 500): body '{"unexpected":true}'`,
  );
});

Deno.test("ApiError message of a hostile body: bounded, one line, and linear in its length", () => {
  const describe = (body: string, apiMessage?: string) =>
    createApiError({
      action: "get instance",
      status: 502,
      body,
      apiMessage,
      headers: new Headers(),
    })
      .message;
  // Each of these took minutes with patterns that backtrack (`<title[^>]*>`, `\.+$`); a regression
  // shows as a suite that does not finish, not as a timed assertion.
  const titles = "<title".repeat(400_000);
  assertStrictEquals(
    describe(titles),
    `Cannot get instance: server error (status 502): body '${titles.slice(0, 200)}…'`,
  );
  assertStrictEquals(
    describe(`<TITLE lang="en">\n  Bad\t gateway \n</Title>${"<title>".repeat(400_000)}`),
    "Cannot get instance: server error (status 502): HTML page 'Bad gateway'",
  );
  assertStrictEquals(
    describe(`<title>${"long ".repeat(100)}</title>`),
    `Cannot get instance: server error (status 502): HTML page '${"long ".repeat(40)}…'`,
  );
  // The server's message is quoted up to 1,000 characters; the error's apiMessage keeps it whole.
  assertStrictEquals(
    describe("", `Gateway ${".".repeat(2_000_000)}x...`),
    `Cannot get instance: server error (status 502): Gateway ${".".repeat(992)}…`,
  );
  assertStrictEquals(
    describe("", `Gateway down${".".repeat(2_000)}`),
    "Cannot get instance: server error (status 502): Gateway down",
  );
  const spaced = describe(`a${" ".repeat(5000)}b`);
  assertStrictEquals(spaced, "Cannot get instance: server error (status 502): body 'a …'");
});

Deno.test("ApiError appends a hint", () => {
  const error = createApiError({
    action: "launch instance",
    status: 503,
    body: "",
    headers: new Headers(),
    hint: "check first",
  });
  assert(error.message.endsWith("empty response body; check first"));
});

Deno.test("ConnectionError, TimeoutError and InvalidResponseError explain what happened", () => {
  const cause = new TypeError("error sending request: connection refused");
  const connection = new ConnectionError("list images", cause, "hint here");
  assertStrictEquals(
    connection.message,
    "Cannot list images: connection failed (error sending request: connection refused); hint here",
  );
  assertStrictEquals(connection.cause, cause);
  assertStrictEquals(connection.name, "ConnectionError");
  assertStrictEquals(
    new ConnectionError("x", "plain").message,
    "Cannot x: connection failed (plain)",
  );
  // A cause that cannot be read (a getter that throws) is passed over, never run into.
  class Hostile extends Error {
    override get cause(): unknown {
      throw new Error("not to be read");
    }
  }
  assertStrictEquals(
    new ConnectionError("x", new Hostile("log shipper failed")).message,
    "Cannot x: connection failed (log shipper failed)",
  );
  // Deno's fetch keeps where it could not connect, and why, in its error's cause.
  const where = new TypeError("error sending request for url (https://cloud.lambda.ai/api/v1/x)");
  assertStrictEquals(
    new ConnectionError("x", new TypeError("fetch failed", { cause: where })).message,
    "Cannot x: connection failed (fetch failed: error sending request for url (https://cloud.lambda.ai/api/v1/x))",
  );

  const timeout = new TimeoutError("list images", 1500);
  assertStrictEquals(timeout.message, "Cannot list images: no response within 1500 ms");
  assertStrictEquals(timeout.timeoutMs, 1500);
  assertStrictEquals(timeout.name, "TimeoutError");

  const invalid = new InvalidResponseError("list images", 200, '{"data": [', new Headers());
  assertStrictEquals(
    invalid.message,
    `Cannot list images: unexpected response (status 200): body '{"data": ['`,
  );
  assertStrictEquals(invalid.body, '{"data": [');
  assertEquals(invalid.status, 200);
});
