/**
 * The emulator: a stateful, seeded Lambda Cloud API v1 that answers in-process or on a socket.
 *
 * @module
 */

import type { Instance } from "../types/instances.ts";
import { checkNonNegativeInteger, checkNonNegativeNumber } from "../_validate.ts";
import { Admission } from "./_admission.ts";
import { ACCOUNT_HANDLERS } from "./_account.ts";
import { AUDIT_HANDLERS } from "./_audit.ts";
import { checkQuery, queryValues } from "../_rules/query.ts";
import { DroppedConnection } from "./_dropped.ts";
import { EmulatedError, notFound, validateWith } from "./_errors.ts";
import { FAULTS, type StruckCall } from "./_fault_behaviours.ts";
import { FaultRules } from "./_fault_rules.ts";
import { FIREWALL_HANDLERS } from "./_firewall.ts";
import { type Answer, errorAnswer, type Handler, newRequestId } from "./_handler.ts";
import { INSTANCE_HANDLERS } from "./_instances.ts";
import { SeededRandom } from "./_random.ts";
import type { RateLimitAnswer } from "./rate_limits.ts";
import { checkOptions } from "./_settings.ts";
import { EmulatorState } from "./_state.ts";
import { TICKET_HANDLERS } from "./_tickets.ts";
import type { Faults } from "./faults.ts";
import { matchOperation, methodsFor, type OperationId, OPERATIONS } from "./operations.ts";
import { OverrideTable } from "./_overrides.ts";
import type { EmulatorOverride, OverrideHandler, OverrideOptions } from "./overrides.ts";
import type { EmulatorOptions } from "./options.ts";
import type { EmulatorExchange, RecordedRequest } from "./requests.ts";
import type { EmulatorServer } from "./server.ts";

/** A request body larger than the emulator accepts. */
class BodyTooLarge extends Error {}

const API_PREFIX = "/api/v1";
// Complete by type: an operation added to the table without a handler here fails type checking.
const HANDLERS: Readonly<Record<OperationId, Handler>> = {
  ...INSTANCE_HANDLERS,
  ...ACCOUNT_HANDLERS,
  ...FIREWALL_HANDLERS,
  ...AUDIT_HANDLERS,
  ...TICKET_HANDLERS,
};
const LOGGED_BODY_LIMIT = 64 * 1024;

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
  readonly #state: EmulatorState;
  readonly #faultRules: FaultRules;
  readonly #overrides = new OverrideTable();
  readonly #clock: { now(): number };
  #offsetMs = 0;
  readonly #admission: Admission;
  readonly #tooManyForm: Required<RateLimitAnswer>;
  readonly #onResponse: ((exchange: EmulatorExchange) => void) | undefined;
  readonly #requests: RecordedRequest[] = [];
  readonly #requestLogLimit: number;
  readonly #maxBodyBytes: number;
  // Calls that a `late` or `gateway-timeout` fault carries out after their answer was lost.
  #deferred: { at: number; run: () => void }[] = [];

  /**
   * Creates an emulator with a fresh account: no instances, keys, filesystems or rulesets, the
   * default firewall rules (SSH open), and the catalogue's capacity.
   *
   * @param options See {@linkcode EmulatorOptions}.
   * @throws {TypeError | RangeError} When an option is invalid.
   */
  constructor(options: EmulatorOptions = {}) {
    const settings = checkOptions(options);
    this.apiKey = settings.apiKey;
    this.#clock = settings.clock;
    this.#state = new EmulatorState({ ...settings.account, now: () => this.now() });
    this.#faultRules = new FaultRules(new SeededRandom(settings.account.seed ^ 0x5eed));
    this.faults = this.#faultRules;
    this.#admission = new Admission(
      settings.apiKey,
      this.#state,
      settings.rateLimits,
      settings.tooManyForm,
    );
    this.#tooManyForm = settings.tooManyForm;
    this.#onResponse = settings.onResponse;
    this.#requestLogLimit = settings.requestLogLimit;
    this.#maxBodyBytes = settings.maxBodyBytes;
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
    return this.#requests;
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
    this.#requests.length = 0;
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
    this.#settle();
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
    this.#settle();
    return this.#deferred.length;
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
    return this.#handle(request, undefined);
  }

  async #handle(request: Request, closing: AbortSignal | undefined): Promise<Response> {
    // Rate limits count arrivals, as a server does: read the time before waiting for the body.
    const arrivedAt = this.now();
    this.#settle();
    const url = new URL(request.url);
    const path = url.pathname;
    const apiPath = path.startsWith(API_PREFIX + "/") ? path.slice(API_PREFIX.length) : undefined;
    // HEAD is answered as the GET it shadows, without the body, as HTTP servers do.
    const isHead = request.method === "HEAD";
    const matched = apiPath === undefined
      ? undefined
      : matchOperation(isHead ? "GET" : request.method, apiPath);
    const operationId = matched?.operation.id;
    let text: string;
    let tooLarge = false;
    try {
      text = await readBody(request, this.#maxBodyBytes, closing);
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error;
      text = "";
      tooLarge = true;
    }
    const record: RecordedRequest = {
      operationId,
      method: request.method,
      path,
      params: { ...matched?.params },
      query: url.searchParams,
      headers: Object.fromEntries(
        [...request.headers].map(([name, value]) => [
          name,
          name === "authorization" ? "[REDACTED]" : value,
        ]),
      ),
      // Large bodies are not kept whole: the log is for assertions, not for holding uploads.
      body: text.length > LOGGED_BODY_LIMIT
        ? `(a body of ${text.length} characters, not kept)`
        : parseBody(text),
      time: arrivedAt,
      status: undefined,
      fault: undefined,
      overridden: false,
    };
    this.#record(record);
    if (request.method === "OPTIONS") return this.#options(record, apiPath);
    const fault = tooLarge ? undefined : this.#faultRules.draw(operationId);
    record.fault = fault?.kind;
    const send = (answer: Answer) => {
      record.status = answer.status;
      this.#onResponse?.({
        operationId,
        method: request.method,
        path,
        status: answer.status,
        body: answer.body,
        fault: fault?.kind,
        overridden: false,
      });
      const body = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
      const all = {
        "content-type": typeof answer.body === "string" ? "text/html" : "application/json",
        ...answer.headers,
      };
      return isHead
        ? withoutBody(new Response(body, { status: answer.status, headers: all }))
        : new Response(body, { status: answer.status, headers: all });
    };
    if (tooLarge) {
      return send(errorAnswer(
        new EmulatedError(
          413,
          "global/invalid-parameters",
          `The request body is larger than ${this.#maxBodyBytes} bytes.`,
        ),
        newRequestId(),
      ));
    }
    const behaviour = fault && FAULTS[fault.kind];
    const struck: StruckCall | undefined = fault && {
      rule: fault,
      operationId,
      params: record.params,
      request,
      closing,
      state: this.#state,
      now: () => this.now(),
      tooManyForm: this.#tooManyForm,
    };
    if (behaviour?.strikes === "before") return send(behaviour.reply(struck!));
    const requestId = newRequestId();
    const refused = this.#admission.admit(request, matched?.operation, arrivedAt, requestId);
    if (refused) return send(refused);
    if (this.#overrides.has(matched!.operation.id)) {
      const response = await this.#overrides.answer({
        operationId: matched!.operation.id,
        request: new Request(request.url, {
          method: request.method,
          headers: request.headers,
          body: text === "" || isHead || request.method === "GET" ? null : text,
        }),
        params: { ...matched!.params },
        query: url.searchParams,
        body: parseBody(text),
      });
      if (response) {
        record.status = response.status;
        record.overridden = true;
        this.#onResponse?.({
          operationId,
          method: request.method,
          path,
          status: response.status,
          body: parseBody(await response.clone().text()),
          fault: fault?.kind,
          overridden: true,
        });
        return isHead ? withoutBody(response) : response;
      }
    }
    if (behaviour?.strikes === "later") {
      // The backend finishes the call after the client has stopped listening.
      this.#deferred.push({
        at: this.now() + (fault!.delayMs ?? behaviour.delayMs),
        run: () => this.#run(request, url, matched!, text, requestId),
      });
      return send(behaviour.reply(struck!));
    }
    const answer = this.#run(request, url, matched!, text, requestId);
    if (behaviour?.strikes === "after") return send(await behaviour.reply(answer, struck!));
    return send(answer);
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
  serve(options: { port?: number; hostname?: string } = {}): Promise<EmulatorServer> {
    const deno = (globalThis as { Deno?: typeof Deno }).Deno;
    if (typeof deno?.serve !== "function") {
      return Promise.reject(
        new TypeError(
          "Cannot start emulator server: Deno.serve is not available here; pass emulator.fetch " +
            "to the client instead",
        ),
      );
    }
    const hostname = options.hostname ?? "127.0.0.1";
    // Aborted by close(), so that a request whose body never finishes cannot hold the server open.
    const closing = new AbortController();
    const server = deno.serve({
      port: options.port ?? 0,
      hostname,
      onListen: () => {},
      onError: () => new Response(null, { status: 500 }),
    }, async (request) => {
      try {
        return await this.#handle(request, closing.signal);
      } catch (error) {
        if (!(error instanceof DroppedConnection)) throw error;
        // A body that fails at once makes the server cut the connection, as a dropped one would.
        return new Response(
          new ReadableStream({ start: (controller) => controller.error(error) }),
          { headers: { "content-type": "application/json" } },
        );
      }
    });
    const port = server.addr.port;
    const host = hostname.includes(":") ? `[${hostname}]` : hostname;
    let closed: Promise<void> | undefined;
    const close = () => {
      closing.abort(new DroppedConnection("The emulator server is closing"));
      return closed ??= server.shutdown().then(() => server.finished);
    };
    return Promise.resolve({
      url: `http://${host}:${port}${API_PREFIX}`,
      port,
      close,
      [Symbol.asyncDispose]: close,
    });
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

  /**
   * OPTIONS, as an HTTP server answers it: 204 with the methods the path allows in `Allow`,
   * without asking for a key or counting against the rate limits (a browser's preflight carries
   * no credentials); 404 on a path that names no operation.
   */
  #options(record: RecordedRequest, apiPath: string | undefined): Response {
    const methods = apiPath === undefined ? [] : methodsFor(apiPath);
    const exchange = (status: number, body: unknown) => {
      record.status = status;
      this.#onResponse?.({
        operationId: undefined,
        method: "OPTIONS",
        path: record.path,
        status,
        body,
        fault: undefined,
        overridden: false,
      });
    };
    if (methods.length === 0) {
      const answer = errorAnswer(notFound(), newRequestId());
      exchange(answer.status, answer.body);
      return Response.json(answer.body, { status: answer.status });
    }
    const allow = [...new Set([...methods, ...(methods.includes("GET") ? ["HEAD"] : [])])]
      .concat("OPTIONS").sort().join(", ");
    exchange(204, undefined);
    return new Response(null, { status: 204, headers: { allow } });
  }

  /** Runs an admitted call's handler. */
  #run(
    request: Request,
    url: URL,
    matched: NonNullable<ReturnType<typeof matchOperation>>,
    text: string,
    requestId: string,
  ): Answer {
    try {
      const id = matched.operation.id;
      validateWith(() => checkQuery(id, queryValues(id, url.searchParams)));
      const handler = HANDLERS[id];
      let body: unknown;
      if (text.trim() !== "") {
        try {
          body = JSON.parse(text);
        } catch {
          throw new EmulatedError(
            400,
            "global/invalid-parameters",
            "The request body is not valid JSON.",
          );
        }
      }
      return handler({
        state: this.#state,
        request,
        params: matched.params,
        query: url.searchParams,
        body,
      });
    } catch (error) {
      if (error instanceof EmulatedError) return errorAnswer(error, requestId);
      throw error;
    }
  }

  /** Carries out the deferred calls whose time has come, oldest first. */
  #settle(): void {
    const now = this.now();
    if (!this.#deferred.some((call) => call.at <= now)) return;
    const due = this.#deferred.filter((call) => call.at <= now).sort((a, b) => a.at - b.at);
    this.#deferred = this.#deferred.filter((call) => call.at > now);
    for (const call of due) call.run();
  }

  #record(record: RecordedRequest): void {
    this.#requests.push(record);
    const excess = this.#requests.length - this.#requestLogLimit;
    if (excess > 0) this.#requests.splice(0, excess);
  }
}

/**
 * Reads a request body as text, up to `limit` bytes; a larger one is a {@linkcode BodyTooLarge},
 * and `closing` (the server shutting down) ends a body that never finishes.
 */
async function readBody(
  request: Request,
  limit: number,
  closing: AbortSignal | undefined,
): Promise<string> {
  if (request.body === null) return "";
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > limit) {
    await request.body.cancel().catch(() => {});
    throw new BodyTooLarge();
  }
  const reader = request.body.getReader();
  let onClose = () => {};
  const stop = new Promise<never>((_, reject) => {
    onClose = () => reject(closing?.reason);
    if (closing?.aborted) onClose();
    closing?.addEventListener("abort", onClose, { once: true });
  });
  stop.catch(() => {}); // only read when racing a chunk
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), stop]);
      if (done) break;
      size += value.byteLength;
      if (size > limit) throw new BodyTooLarge();
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  } finally {
    closing?.removeEventListener("abort", onClose);
    reader.releaseLock();
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

function parseBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `response` as a HEAD answer: the same status and headers, and the length its body had. */
async function withoutBody(response: Response): Promise<Response> {
  const headers = new Headers(response.headers);
  headers.set("content-length", String((await response.arrayBuffer()).byteLength));
  return new Response(null, { status: response.status, headers });
}
