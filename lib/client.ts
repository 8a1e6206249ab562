/**
 * The client: one object per API key, with a field per resource.
 *
 * @module
 */

import { Transport } from "./transport/_transport.ts";
import { describeValue } from "./_validate.ts";
import { checkRawRequest, type RawParts } from "./_rules/raw.ts";
import { type InstanceOps, instanceOps } from "./launch/_ops.ts";
import { launchRaw } from "./launch/_send.ts";
import type { LaunchOptions } from "./launch/options.ts";
import type { LambdaCloudClientOptions, RequestOptions } from "./options.ts";
import type { OperationResponse, RawRequest, RawRequestArgs } from "./raw_request.ts";
import { type OperationId, OPERATIONS } from "./spec/operations.ts";
import { AuditEventsResource } from "./resources/audit_events.ts";
import { FileSystemsResource } from "./resources/file_systems.ts";
import { FirewallRulesetsResource, FirewallRulesResource } from "./resources/firewall.ts";
import { ImagesResource } from "./resources/images.ts";
import { InstanceTypesResource } from "./resources/instance_types.ts";
import { InstancesResource } from "./resources/instances.ts";
import { RegionsResource } from "./resources/regions.ts";
import { SshKeysResource } from "./resources/ssh_keys.ts";
import { TicketsResource } from "./resources/tickets.ts";

/**
 * A client for the Lambda Cloud API.
 *
 * Making one sends nothing and reads nothing: the key (from `apiKey`, else `LAMBDA_API_KEY`) and
 * the base URL (from `baseUrl`, else `LAMBDA_BASE_URL`, else Lambda's) are read when the first
 * request goes out. The key is kept in a private field; it never
 * shows in `Deno.inspect`, `JSON.stringify`, `String()`, errors or hook events.
 *
 * @example List instances
 * ```ts ignore
 * // deno run --allow-net=cloud.lambda.ai --allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL list.ts
 * import { LambdaCloudClient } from "@lambda-cloud/client";
 *
 * const client = new LambdaCloudClient();
 * for (const instance of await client.instances.list()) {
 *   console.log(instance.id, instance.status, instance.ip);
 * }
 * ```
 *
 * @example Test your own code with a fake `fetch`
 * ```ts
 * import { LambdaCloudClient } from "@lambda-cloud/client";
 * import { assertEquals } from "@std/assert";
 *
 * const client = new LambdaCloudClient({
 *   apiKey: "secret_test",
 *   rateLimit: false,
 *   fetch: (request) => {
 *     assertEquals(new URL(request.url).pathname, "/api/v1/regions");
 *     return Promise.resolve(Response.json({ data: [{ name: "us-east-1", description: "Virginia, USA" }] }));
 *   },
 * });
 * const regions = await client.regions.list();
 * assertEquals(regions[0]?.name, "us-east-1");
 * ```
 */
export class LambdaCloudClient {
  /** Instances: list, get, update, launch, restart, terminate. */
  readonly instances: InstancesResource;
  /** Instance types, with prices and the regions that have capacity now. */
  readonly instanceTypes: InstanceTypesResource;
  /** Regions. */
  readonly regions: RegionsResource;
  /** SSH keys: list, create (upload or generate), delete. */
  readonly sshKeys: SshKeysResource;
  /** Filesystems: list, create, delete. */
  readonly fileSystems: FileSystemsResource;
  /** Machine images. */
  readonly images: ImagesResource;
  /** The legacy account-wide inbound firewall rules. */
  readonly firewallRules: FirewallRulesResource;
  /** Firewall rulesets per region, and the global ruleset. */
  readonly firewallRulesets: FirewallRulesetsResource;
  /** The account's audit trail, page by page or as one async iterable. */
  readonly auditEvents: AuditEventsResource;
  /** Support tickets and their attachments. */
  readonly tickets: TicketsResource;
  readonly #transport: Transport;
  readonly #instanceOps: InstanceOps;

  /**
   * Creates a client. Options are checked here, so a typo fails at once rather than at the first
   * request.
   *
   * @param options The client's options; see {@linkcode LambdaCloudClientOptions}.
   * @throws {TypeError | RangeError} When an option is invalid, or when `baseUrl` is plain `http:`
   * to a host other than loopback without `allowInsecureHttp`.
   */
  constructor(options: LambdaCloudClientOptions = {}) {
    const transport = new Transport(options);
    this.#transport = transport;
    this.#instanceOps = instanceOps(transport);
    this.instances = new InstancesResource(transport, this.#instanceOps);
    this.instanceTypes = new InstanceTypesResource(transport);
    this.regions = new RegionsResource(transport);
    this.sshKeys = new SshKeysResource(transport);
    this.fileSystems = new FileSystemsResource(transport);
    this.images = new ImagesResource(transport);
    this.firewallRules = new FirewallRulesResource(transport);
    this.firewallRulesets = new FirewallRulesetsResource(transport);
    this.auditEvents = new AuditEventsResource(transport);
    this.tickets = new TicketsResource(transport);
  }

  /**
   * Calls any operation of Lambda's API by its `operationId`, with the client's authentication,
   * rate limits, timeouts, retries (as the operation's policy allows) and typed errors: for an
   * operation that has no method yet, or to send a body exactly as given. Path parameters are
   * checked and encoded, and path or query names the operation does not have are refused (a
   * mistyped filter would otherwise be ignored, and act on everything); the body is sent as it is,
   * with none of the checks that the resource methods add. A launch is never sent twice after it
   * may have acted: it carries a launch token only when `launchToken` asks for one (or the body
   * has one), and then a lost answer is looked for as `instances.launch()` does; without one, an
   * unknown outcome throws a {@linkcode LaunchOutcomeUnknownError} with reason `no-token`.
   *
   * @param id The operation, as Lambda's OpenAPI spec names it, such as `"getInstance"`.
   * @param args Its path parameters (by the spec's names), query and body, required when it has
   * path parameters or a body; then per-call options (for a launch, those of `launch()`).
   * @returns The answer's `data` (the whole answer where it pages, as audit events do).
   * @throws {TypeError | RangeError} Before any request, when `id` names no operation, a path
   * parameter is missing or invalid, a path or query name is unknown, a query value is not a
   * string (or a list of them), or a body is given to an operation that takes none.
   *
   * @example Get an instance by operation id
   * ```ts
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   * import { LambdaEmulator } from "@lambda-cloud/client/testing";
   *
   * const emulator = new LambdaEmulator({ rateLimit: false });
   * const client = new LambdaCloudClient({ apiKey: emulator.apiKey, fetch: emulator.fetch });
   * const regions = await client.request("listRegions");
   * const page = await client.request("getAuditEvents", { query: { resource_type: "cloud.instance" } });
   * console.log(regions.length, page.data.length); // 12 0
   * ```
   */
  request<Id extends OperationId>(
    id: Id,
    ...args: RawRequestArgs<Id>
  ): Promise<OperationResponse<Id>> {
    const [params, options] = args as [RawRequest<Id> | undefined, LaunchOptions | undefined];
    if (typeof id !== "string" || !Object.hasOwn(OPERATIONS, id)) {
      return Promise.reject(
        new RangeError(
          `Cannot send request: 'id' must be an operationId of Lambda's API, such as 'getInstance', received ${
            describeValue(id)
          }`,
        ),
      );
    }
    let parts: RawParts;
    try {
      parts = checkRawRequest(id, params);
    } catch (error) {
      return Promise.reject(error);
    }
    if (id === "launchInstance") {
      return launchRaw(this.#instanceOps, parts.body, options) as Promise<
        OperationResponse<Id>
      >;
    }
    return this.#transport.call<OperationResponse<Id>>(
      id,
      parts as RawRequest<Id>,
      options as RequestOptions | undefined,
    );
  }

  /**
   * The base URL requests go to, without a trailing slash: the `baseUrl` option, else
   * `LAMBDA_BASE_URL` (read once, when first needed, as the key is), else Lambda's.
   *
   * @throws {LambdaCloudError} When the key comes from `LAMBDA_API_KEY` but `LAMBDA_BASE_URL` may
   * not be read (Deno without `--allow-env` for it), so that where requests go cannot be told.
   * @throws {TypeError} When `LAMBDA_BASE_URL` is not a URL the `baseUrl` option would accept.
   */
  get baseUrl(): string {
    return this.#transport.baseUrl;
  }

  /**
   * What `JSON.stringify` shows of the client: its base URL (`null` when it cannot be told, see
   * {@linkcode LambdaCloudClient.baseUrl}), never its key.
   *
   * @returns A plain object with the base URL.
   *
   * @example Show a client safely in logs
   * ```ts
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient({ apiKey: "secret_example" });
   * console.log(JSON.stringify(client)); // {"baseUrl":"https://cloud.lambda.ai/api/v1"}
   * ```
   */
  toJSON(): { baseUrl: string | null } {
    try {
      return { baseUrl: this.baseUrl };
    } catch {
      return { baseUrl: null };
    }
  }
}
