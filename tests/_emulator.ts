// Emulators for tests. Each one logs every answer it gives to .schema/responses.jsonl when the
// test run may write there (deno task test grants it), so that tests/tools/check_schema.ts can
// check every answer of the suite against Lambda's OpenAPI spec.

import { LambdaCloudClient, type LambdaCloudClientOptions } from "../mod.ts";
import { FakeClock } from "./_fakes.ts";
import { type EmulatorExchange, type EmulatorOptions, LambdaEmulator } from "../lib/testing/mod.ts";

const LOG_DIR = ".schema";
const LOG_FILE = `${LOG_DIR}/responses.jsonl`;
const logging = Deno.permissions.querySync({ name: "write", path: LOG_DIR }).state === "granted";

function logExchange(exchange: EmulatorExchange): void {
  const line = JSON.stringify({
    operationId: exchange.operationId,
    status: exchange.status,
    fault: exchange.fault,
    overridden: exchange.overridden || undefined,
    body: exchange.body,
  });
  Deno.mkdirSync(LOG_DIR, { recursive: true });
  Deno.writeTextFileSync(LOG_FILE, line + "\n", { append: true });
}

/** A test emulator: a fixed clock by default, and every answer logged for the schema check. */
export function testEmulator(options: EmulatorOptions = {}): LambdaEmulator {
  return new LambdaEmulator({
    clock: { now: () => Date.parse("2026-01-01T00:00:00Z") },
    rateLimit: false,
    ...options,
    onResponse: (exchange) => {
      if (logging) logExchange(exchange);
      options.onResponse?.(exchange);
    },
  });
}

/**
 * A client that talks to `emulator` in-process, on a virtual clock (backoff costs no real time),
 * with its limiter off unless told otherwise.
 */
export function emulatorClient(
  emulator: LambdaEmulator,
  options: LambdaCloudClientOptions = {},
): LambdaCloudClient {
  return new LambdaCloudClient({
    apiKey: emulator.apiKey,
    fetch: emulator.fetch,
    rateLimit: false,
    random: () => 0,
    clock: new FakeClock(),
    ...options,
  });
}

/** Adds the SSH key `k`, which {@linkcode LAUNCH} names, through `client`; returns the client. */
export async function keyed(client: LambdaCloudClient): Promise<LambdaCloudClient> {
  await client.sshKeys.create({ name: "k" });
  return client;
}

/** A launch body the default emulator accepts, once an SSH key named `k` exists. */
export const LAUNCH = {
  region_name: "us-east-1",
  instance_type_name: "gpu_1x_a10",
  ssh_key_names: ["k"] as [string],
};

/** A minute, in the milliseconds of the emulator's clock. */
export const MINUTE = 60_000;

/** A firewall rule that lets SSH in from anywhere. */
export const SSH_RULE = {
  protocol: "tcp" as const,
  port_range: [22, 22] as [number, number],
  source_network: "0.0.0.0/0",
  description: "SSH",
};

/** Sends a raw request to the emulator, to reach it with bodies the client would refuse. */
export async function raw(
  emulator: LambdaEmulator,
  method: string,
  path: string,
  body?: unknown,
  authorization: string | null = `Bearer ${emulator.apiKey}`,
): Promise<{ status: number; json: { error?: Record<string, string>; data?: unknown } }> {
  const headers = new Headers();
  if (authorization !== null) headers.set("authorization", authorization);
  const response = await emulator.fetch(`https://cloud.lambda.ai/api/v1${path}`, {
    method,
    headers,
    body: body === undefined ? null : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}
