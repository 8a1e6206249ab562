/**
 * The emulator: a stateful, seeded Lambda Cloud API v1 that answers in-process or on a socket.
 *
 * @module
 */

import type { Instance } from "../types/instances.ts";
import type { TicketStatus } from "../types/tickets.ts";
import { checkNonNegativeInteger, checkNonNegativeNumber, checkOneOf } from "../_validate.ts";
import { enumValues, queryParam } from "../spec/lookup.ts";
import { Admission } from "./_admission.ts";
import { FaultRules } from "./_fault_rules.ts";
import { LateCalls } from "./_late_calls.ts";
import { OverrideTable } from "./_overrides.ts";
import { RequestPipeline } from "./_pipeline.ts";
import { SeededRandom } from "./_random.ts";
import { RequestLog } from "./_request_log.ts";
import { serveOnLoopback } from "./_serve.ts";
import { checkOptions } from "./_settings.ts";
import { EmulatorState } from "./_state.ts";
import { setTicketStatus } from "./_tickets.ts";
import { WebhookSender } from "./_webhook_sender.ts";
import type { Faults } from "./faults.ts";
import { type OperationId, OPERATIONS } from "./operations.ts";
import type { EmulatorOptions } from "./options.ts";
import type { EmulatorOverride, OverrideHandler, OverrideOptions } from "./overrides.ts";
import type { RecordedRequest } from "./requests.ts";
import type { EmulatorServer } from "./server.ts";
import type { EmulatorWebhooks } from "./webhooks.ts";

/**
 * An emulator of the Lambda Cloud API v1: every operation of the client's table (generated from
 * Lambda's OpenAPI spec, see `SPEC_VERSION`), with the same paths,
 * envelopes, status codes and error codes, state that ages on the emulator's clock, the API's rate
 * limits, and faults on demand. Nothing leaves the process unless you call `serve()`.
 *
 * @example Launch, jump ten minutes, see it active
 * ```ts
 * import { LambdaCloudClient } from "@lambda-cloud/client";
 * import { LambdaEmulator } from "@lambda-cloud/client/testing";
 *
 * const emulator = new LambdaEmulator({ rateLimit: false });
 * const client = new LambdaCloudClient({
 *   apiKey: emulator.apiKey,
 *   fetch: emulator.fetch,
 *   rateLimit: false,
 * });
 * await client.sshKeys.create({ name: "laptop" });
 * const { instance_ids } = await client.instances.launch({
 *   region_name: "us-east-1",
 *   instance_type_name: "gpu_1x_a10",
 *   ssh_key_names: ["laptop"],
 * });
 * emulator.advance(10 * 60_000);
 * const instance = await client.instances.get(instance_ids[0]!);
 * console.log(instance.status, instance.ip); // active 192.222.…
 * ```
 */
export class LambdaEmulator {
  /** The API key the emulator accepts. */
  readonly apiKey: string;
  /** Inject, count and clear faults. */
  readonly faults: Faults;
  /** The webhooks it sent, faults for them, and a way to wait for them: see `webhooks` options. */
  readonly webhooks: EmulatorWebhooks;
  readonly #webhooks: WebhookSender;
  readonly #state: EmulatorState;
  readonly #clock: { now(): number };
  #offsetMs = 0;
  readonly #overrides = new OverrideTable();
  readonly #log: RequestLog;
  readonly #late: LateCalls;
  readonly #pipeline: RequestPipeline;

  /**
   * Creates an emulator with a fresh account: no instances, keys, filesystems or rulesets, the
   * default firewall rules (SSH open), and the catalogue's capacity.
   *
   * @param options See {@linkcode EmulatorOptions}.
   * @throws {TypeError | RangeError} When an option is invalid.
   */
  constructor(options: EmulatorOptions = {}) {
    const settings = checkOptions(options);
    const now = () => this.now();
    this.apiKey = settings.apiKey;
    this.#clock = settings.clock;
    this.#webhooks = new WebhookSender(
      settings.webhooks,
      now,
      new SeededRandom(settings.account.seed ^ 0x4ebb00c5),
      settings.requestLogLimit,
    );
    this.webhooks = this.#webhooks;
    this.#state = new EmulatorState({
      ...settings.account,
      now,
      ticketEvent: (type, ticket) => this.#webhooks.send(type, ticket),
    });
    const faults = new FaultRules(new SeededRandom(settings.account.seed ^ 0x5eed));
    this.faults = faults;
    this.#log = new RequestLog(settings.requestLogLimit, settings.onResponse);
    this.#late = new LateCalls(now);
    this.#pipeline = new RequestPipeline({
      state: this.#state,
      faults,
      overrides: this.#overrides,
      admission: new Admission(
        settings.apiKey,
        this.#state,
        settings.rateLimits,
        settings.tooManyForm,
      ),
      late: this.#late,
      log: this.#log,
      tooManyForm: settings.tooManyForm,
      maxBodyBytes: settings.maxBodyBytes,
      now,
    });
  }

  /**
   * The emulator's current time: its clock plus every `advance()`.
   *
   * @returns Milliseconds since the epoch.
   *
   * @example Time moves when told to
   * ```ts
   * import { LambdaEmulator } from "@lambda-cloud/client/testing";
   *
   * const emulator = new LambdaEmulator({ clock: { now: () => 0 } });
   * emulator.advance(1000);
   * console.log(emulator.now()); // 1000
   * ```
   */
  now(): number {
    return this.#clock.now() + this.#offsetMs;
  }

  /**
   * Moves the emulator's time forward: instances boot, terminate and vanish as if `ms` had
   * passed, and rate limits refill.
   *
   * @param ms How far to move, in milliseconds.
   * @throws {RangeError} When `ms` is negative or not finite.
   *
   * @example Skip a boot
   * ```ts
   * import { LambdaEmulator } from "@lambda-cloud/client/testing";
   *
   * const emulator = new LambdaEmulator();
   * emulator.advance(5 * 60_000);
   * ```
   */
  advance(ms: number): void {
    this.#offsetMs += checkNonNegativeNumber("advance emulator time", "ms", ms);
  }

  /**
   * The requests received so far, oldest first.
   *
   * @example Assert that exactly one launch went out
   * ```ts
   * import { LambdaEmulator } from "@lambda-cloud/client/testing";
   *
   * const emulator = new LambdaEmulator();
   * const launches = emulator.requests.filter((r) => r.operationId === "launchInstance");
   * console.log(launches.length); // 0
   * ```
   */
  get requests(): readonly RecordedRequest[] {
    return this.#log.requests;
  }

  /**
   * Forgets the recorded requests.
   *
   * @example Start a test phase with an empty log
   * ```ts
   * import { LambdaEmulator } from "@lambda-cloud/client/testing";
   *
   * const emulator = new LambdaEmulator();
   * emulator.clearRequests();
   * ```
   */
  clearRequests(): void {
    this.#log.clear();
  }

  /**
   * Every instance the API would list now, straight from the emulator's state: no request, no
   * rate limit, no fault.
   *
   * @returns The instances, as `GET /instances` shows them.
   *
   * @example Check that nothing is left running
   * ```ts
   * import { LambdaEmulator } from "@lambda-cloud/client/testing";
   *
   * const emulator = new LambdaEmulator();
   * console.log(emulator.instances().filter((i) => i.status !== "terminated").length); // 0
   * ```
   */
  instances(): Instance[] {
    this.#late.settle();
    return this.#state.visibleInstances().map((record) => this.#state.view(record));
  }

  /**
   * How many calls a `late` or `gateway-timeout` fault still has to carry out: they land once the
   * emulator's time reaches them (see `advance()`).
   *
   * @example Let every late launch land
   * ```ts
   * import { LambdaEmulator } from "@lambda-cloud/client/testing";
   *
   * const emulator = new LambdaEmulator();
   * emulator.advance(60_000);
   * console.log(emulator.pendingCalls, emulator.instances().length); // 0 0
   * ```
   */
  get pendingCalls(): number {
    return this.#late.pending;
  }

  /**
   * Makes an instance fail the way real ones do: `unhealthy` (until restarted) or `preempted` (it
   * gives its capacity back). `"active"` clears either.
   *
   * @param id The instance's id.
   * @param status What happens to it.
   * @throws {RangeError} When no such instance exists.
   *
   * @example An instance that dies while booting
   * ```ts
   * import { LambdaEmulator } from "@lambda-cloud/client/testing";
   *
   * const emulator = new LambdaEmulator();
   * // after a launch: emulator.setInstanceStatus(id, "unhealthy");
   * ```
   */
  setInstanceStatus(id: string, status: "unhealthy" | "preempted" | "active"): void {
    const record = this.#state.findInstance(id);
    if (!record) {
      throw new RangeError(`Cannot set instance status: no instance '${id}' in the emulator`);
    }
    if (status === "active") {
      delete record.forcedStatus;
      return;
    }
    record.forcedStatus = status;
    if (status === "preempted") this.#state.releaseCapacity(record);
  }

  /**
   * Gives a ticket a new status, as Lambda's support does (the API can only set `solved`), and
   * sends its webhook: `ticket.resolved` for `solved` and `confirm_solved`, else
   * `ticket.status_changed`; nothing when the status is the one it has.
   *
   * @param id The ticket's id.
   * @param status Its new status.
   * @throws {RangeError} When no such ticket exists, or the status is not one of the API's.
   *
   * @example Support puts a ticket on hold
   * ```ts
   * import { LambdaEmulator } from "@lambda-cloud/client/testing";
   *
   * const emulator = new LambdaEmulator();
   * // after a ticket is created: emulator.setTicketStatus(id, "on_hold");
   * ```
   */
  setTicketStatus(id: string, status: TicketStatus): void {
    const record = this.#state.tickets.get(id);
    if (!record) {
      throw new RangeError(`Cannot set ticket status: no ticket '${id}' in the emulator`);
    }
    checkOneOf(
      "set ticket status",
      "status",
      status,
      enumValues(queryParam("listTickets", "status")),
    );
    setTicketStatus(this.#state, record, status);
  }

  /**
   * Sets how many more instances of a type a region can launch now; 0 makes launches answer
   * `insufficient-capacity`.
   *
   * @param instanceType The type's name.
   * @param region The region's name.
   * @param count Instances that can still launch.
   * @throws {RangeError} When the type is unknown or `count` is negative.
   *
   * @example Make H100s scarce
   * ```ts
   * import { LambdaEmulator } from "@lambda-cloud/client/testing";
   *
   * const emulator = new LambdaEmulator();
   * emulator.setCapacity("gpu_8x_h100_sxm5", "us-east-3", 0);
   * ```
   */
  setCapacity(instanceType: string, region: string, count: number): void {
    const entry = this.#state.catalog.instanceTypes.find((item) =>
      item.instance_type.name === instanceType
    );
    if (!entry) {
      throw new RangeError(
        `Cannot set capacity: no instance type '${instanceType}' in the catalog`,
      );
    }
    entry.capacity[region] = checkNonNegativeInteger("set capacity", "count", count);
  }

  /**
   * Turns the account inactive (every call answers 403 `global/account-inactive`) or back, or
   * makes its billing address invalid (launches and filesystem creation answer 403
   * `global/invalid-address`).
   *
   * @param account What to change.
   *
   * @example An account whose card expired
   * ```ts
   * import { LambdaEmulator } from "@lambda-cloud/client/testing";
   *
   * const emulator = new LambdaEmulator();
   * emulator.setAccount({ active: false });
   * ```
   */
  setAccount(account: { active?: boolean; billingAddressValid?: boolean }): void {
    if (account.active !== undefined) this.#state.active = account.active;
    if (account.billingAddressValid !== undefined) {
      this.#state.billingAddressValid = account.billingAddressValid;
    }
  }

  /**
   * The in-process handler, shaped like `fetch`: pass it as `new LambdaCloudClient({ fetch })`.
   * No socket is opened. Any host is accepted; the path must start with `/api/v1`.
   *
   * @param input A `Request`, or a URL.
   * @param init Request options, as for `fetch`.
   * @returns The emulator's answer. Rejects with a `TypeError` when a fault drops the connection.
   *
   * @example Call it directly
   * ```ts
   * import { LambdaEmulator } from "@lambda-cloud/client/testing";
   *
   * const emulator = new LambdaEmulator();
   * const response = await emulator.fetch("https://cloud.lambda.ai/api/v1/regions", {
   *   headers: { authorization: `Bearer ${emulator.apiKey}` },
   * });
   * console.log((await response.json()).data.length); // 12
   * ```
   */
  readonly fetch = (input: Request | URL | string, init?: RequestInit): Promise<Response> =>
    this.handle(input instanceof Request && init === undefined ? input : new Request(input, init));

  /**
   * Answers one request. `fetch` and `serve()` both come here.
   *
   * @param request The request.
   * @returns The answer. Rejects with a `TypeError` when a fault drops the connection.
   *
   * @example Use it as a `Deno.serve` handler
   * ```ts ignore
   * import { LambdaEmulator } from "@lambda-cloud/client/testing";
   *
   * const emulator = new LambdaEmulator();
   * Deno.serve({ port: 8080 }, (request) => emulator.handle(request));
   * ```
   */
  handle(request: Request): Promise<Response> {
    return this.#pipeline.handle(request, undefined);
  }

  /**
   * Starts a real HTTP server on loopback (Deno only), for the client's socket paths and for
   * tools in other languages. Close it with `close()` or `await using`.
   *
   * @param options Where to listen: port 0 (the default) picks a free port.
   * @returns The running server, with its base URL.
   *
   * @example Serve on a free port
   * ```ts
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   * import { LambdaEmulator } from "@lambda-cloud/client/testing";
   *
   * const emulator = new LambdaEmulator({ rateLimit: false });
   * await using server = await emulator.serve();
   * const client = new LambdaCloudClient({ baseUrl: server.url, apiKey: emulator.apiKey, rateLimit: false });
   * console.log((await client.regions.list()).length); // 12
   * ```
   */
  async serve(options: { port?: number; hostname?: string } = {}): Promise<EmulatorServer> {
    const server = await serveOnLoopback(
      (request, closing) => this.#pipeline.handle(request, closing),
      options,
    );
    // Retries and late deliveries go out without waiting for a settle() nobody calls.
    const stopSending = this.#webhooks.keepSending();
    let closed: Promise<void> | undefined;
    const close = () => closed ??= Promise.all([server.close(), stopSending()]).then(() => {});
    return { url: server.url, port: server.port, close, [Symbol.asyncDispose]: close };
  }

  /**
   * Puts `handler` in front of the emulator for `operationId`, until restored: it sees each call
   * (after authentication and the rate limits) and answers with a `Response`, or returns
   * `undefined` to let the emulator answer. The newest override is asked first. See
   * {@linkcode OverrideCall} for what it is given, and `overrides.ts` for how it meets faults.
   *
   * @param operationId The operation to answer.
   * @param handler What to answer.
   * @param options `times`: how many calls it answers before it restores itself.
   * @returns A handle: `calls`, `active`, `restore()`; `using` restores it at the end of the scope.
   * @throws {TypeError | RangeError} When the operation is unknown or an argument is invalid.
   *
   * @example A launch that lands in no region, for one test
   * ```ts
   * import { LambdaEmulator } from "@lambda-cloud/client/testing";
   *
   * const emulator = new LambdaEmulator();
   * using override = emulator.override("launchInstance", () =>
   *   Response.json({
   *     error: {
   *       code: "instance-operations/launch/insufficient-capacity",
   *       message: "Not enough capacity to fulfill launch request.",
   *     },
   *   }, { status: 400 }));
   * console.log(override.active); // true
   * ```
   */
  override(
    operationId: OperationId,
    handler: OverrideHandler,
    options: OverrideOptions = {},
  ): EmulatorOverride {
    return this.#overrides.add(
      operationId,
      handler,
      options,
      (id) => OPERATIONS.some((operation) => operation.id === id),
    );
  }

  /**
   * Takes back every override, as msw's `server.resetHandlers()` does: the emulator answers
   * everything itself again.
   *
   * @example Between tests
   * ```ts
   * import { LambdaEmulator } from "@lambda-cloud/client/testing";
   *
   * const emulator = new LambdaEmulator();
   * emulator.override("listRegions", () => Response.json({ data: [] }));
   * emulator.restoreOverrides();
   * ```
   */
  restoreOverrides(): void {
    this.#overrides.clear();
  }
}
