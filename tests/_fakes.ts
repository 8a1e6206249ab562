// Test doubles: a fetch that records requests and answers from a script, and a clock that jumps.

import type { KvAtomicLike, KvLike, LambdaCloudClientOptions } from "../mod.ts";
import { LambdaCloudClient } from "../mod.ts";
import { FakeClock as VirtualClock } from "../lib/testing/mod.ts";

/** One scripted answer: a Response, an error to throw, or a function of the request. */
export type Reply = Response | Error | ((request: Request) => Response | Promise<Response>);

/** A fetch that answers requests in order from a queue of replies, and records each request. */
export class FakeFetch {
  readonly requests: Request[] = [];
  readonly bodies: (string | undefined)[] = [];
  readonly #replies: Reply[];

  constructor(...replies: Reply[]) {
    this.#replies = replies;
  }

  /** Adds replies to the end of the queue. */
  push(...replies: Reply[]): void {
    this.#replies.push(...replies);
  }

  /** The fetch to hand to the client. */
  readonly fetch = async (request: Request): Promise<Response> => {
    this.requests.push(request);
    this.bodies.push(request.body === null ? undefined : await request.clone().text());
    const reply = this.#replies.shift();
    if (reply === undefined) throw new Error(`FakeFetch: no reply left for ${request.url}`);
    if (reply instanceof Error) throw reply;
    return typeof reply === "function" ? await reply(request) : reply;
  };

  /** The JSON body of request `index`. */
  json(index: number): unknown {
    const body = this.bodies[index];
    return body === undefined ? undefined : JSON.parse(body);
  }
}

/**
 * The public virtual clock (lib/testing/fake_clock.ts), started at 1,000,000 ms, with `time` to
 * read and move it. Every wait is recorded in `sleeps`.
 */
export class FakeClock extends VirtualClock {
  constructor() {
    super(1_000_000);
  }

  /** The current time; setting it moves the clock forward to it. */
  get time(): number {
    return this.now();
  }

  set time(value: number) {
    this.advance(value - this.now());
  }
}

/** `{"data": payload}` as Lambda sends it. */
export function dataResponse(payload: unknown, init: ResponseInit = {}): Response {
  return Response.json({ data: payload }, init);
}

/** Lambda's error envelope. */
export function errorResponse(
  status: number,
  error: { code?: string; message?: string; suggestion?: string; request_id?: string },
  headers?: HeadersInit,
): Response {
  return Response.json({ error }, { status, ...(headers ? { headers } : {}) });
}

let keyCounter = 0;

/**
 * A client wired to fakes: its own key (so no two tests share a limiter), no rate limiting unless
 * asked, a fake clock, and no jitter.
 */
export function fakeClient(
  fake: FakeFetch,
  options: LambdaCloudClientOptions = {},
): { client: LambdaCloudClient; clock: FakeClock } {
  const clock = options.clock instanceof FakeClock ? options.clock : new FakeClock();
  const client = new LambdaCloudClient({
    apiKey: `secret_test_${++keyCounter}`,
    fetch: fake.fetch,
    clock,
    rateLimit: false,
    random: () => 1,
    ...options,
  });
  return { client, clock };
}

/** A complete instance as the API returns it. */
export function sampleInstance(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const available = { available: true };
  return {
    id: "0920582c7ff041399e34823a0be62549",
    name: "My Instance",
    ip: "198.51.100.2",
    private_ip: "10.0.2.100",
    status: "active",
    ssh_key_names: ["my-key"],
    file_system_names: [],
    region: { name: "us-west-1", description: "California, USA" },
    instance_type: {
      name: "gpu_1x_a10",
      description: "1x A10 (24 GB PCIe)",
      gpu_description: "A10 (24 GB PCIe)",
      price_cents_per_hour: 75,
      specs: { vcpus: 30, memory_gib: 200, storage_gib: 1400, gpus: 1 },
      architecture: "x86_64",
    },
    hostname: "10-0-2-100",
    actions: {
      migrate: available,
      rebuild: available,
      restart: available,
      cold_reboot: available,
      power_cycle: available,
      terminate: available,
    },
    tags: [],
    ...overrides,
  };
}

/**
 * Runs `fn` while recording every unhandled promise rejection, and returns them once the jobs `fn`
 * left behind have run: a test that must prove none escaped asserts the list is empty.
 */
export async function unhandledRejections(fn: () => Promise<void>): Promise<unknown[]> {
  const unhandled: unknown[] = [];
  const listener = (event: PromiseRejectionEvent) => {
    unhandled.push(event.reason);
    event.preventDefault();
  };
  globalThis.addEventListener("unhandledrejection", listener);
  try {
    await fn();
    await new Promise((resolve) => setTimeout(resolve, 0));
  } finally {
    globalThis.removeEventListener("unhandledrejection", listener);
  }
  return unhandled;
}

/**
 * An in-memory stand-in for `Deno.Kv` (the part `kvRateLimitStore` uses), answering at once, so
 * that several "processes" sharing it run deterministically on a FakeClock. `failures` are thrown,
 * in order, by the next operations; while `stalled`, operations never answer.
 */
export class FakeKv implements KvLike {
  readonly entries = new Map<string, { value: unknown; versionstamp: string; expireIn?: number }>();
  readonly failures: Error[] = [];
  stalled = false;
  /** Operations answered (get or commit), failed or not. */
  operations = 0;
  #version = 0;

  get(key: readonly string[]): Promise<{ value: unknown; versionstamp: string | null }> {
    return this.#answer(() => {
      const entry = this.entries.get(JSON.stringify(key));
      return entry
        ? { value: structuredClone(entry.value), versionstamp: entry.versionstamp }
        : { value: null, versionstamp: null };
    });
  }

  atomic(): KvAtomicLike {
    const checks: { key: readonly string[]; versionstamp: string | null }[] = [];
    const sets: { key: readonly string[]; value: unknown; expireIn?: number | undefined }[] = [];
    const operation: KvAtomicLike = {
      check: (...more) => {
        checks.push(...more);
        return operation;
      },
      set: (key, value, options) => {
        sets.push({ key, value: structuredClone(value), expireIn: options?.expireIn });
        return operation;
      },
      commit: () =>
        this.#answer(() => {
          const fresh = checks.every((check) =>
            (this.entries.get(JSON.stringify(check.key))?.versionstamp ?? null) ===
              check.versionstamp
          );
          if (!fresh) return { ok: false };
          const versionstamp = String(++this.#version).padStart(20, "0");
          for (const { key, value, expireIn } of sets) {
            this.entries.set(JSON.stringify(key), {
              value,
              versionstamp,
              ...(expireIn === undefined ? {} : { expireIn }),
            });
          }
          return { ok: true };
        }),
    };
    return operation;
  }

  #answer<T>(act: () => T): Promise<T> {
    if (this.stalled) return new Promise<T>(() => {});
    this.operations++;
    const failure = this.failures.shift();
    return failure ? Promise.reject(failure) : Promise.resolve(act());
  }
}

/** A reply that hangs until its request is aborted. */
export const hang = (request: Request): Promise<Response> =>
  new Promise<Response>((_, reject) =>
    request.signal.addEventListener("abort", () => reject(request.signal.reason), { once: true })
  );
