/**
 * Instances: list, inspect, launch, rename, restart and terminate GPU instances. How a launch is
 * kept to one bill is told once, in the repository's `docs/launch-safety.md`.
 *
 * @module
 */

import { Resource } from "./_resource.ts";
import type { Transport } from "../transport/_transport.ts";
import { checkUpdateRequest } from "../_rules/instances.ts";
import {
  checkId,
  checkIdList,
  checkObject,
  checkOptionalString,
  snapshotBody,
} from "../_validate.ts";
import { launchAndWait } from "../launch/_and_wait.ts";
import { findByLaunchToken } from "../launch/_find.ts";
import { launchFirstAvailable } from "../workflows/_capacity.ts";
import type { InstanceOps } from "../launch/_ops.ts";
import { launch } from "../launch/_send.ts";
import { checkLaunchToken } from "../launch/_token.ts";
import type { LaunchAndWaitOptions, LaunchOptions } from "../launch/options.ts";
import type { RequestOptions } from "../options.ts";
import type {
  Instance,
  InstanceLaunchRequest,
  InstanceLaunchResponse,
  InstanceModificationRequest,
  InstanceRestartResponse,
  InstanceTerminateResponse,
  ListInstancesParams,
} from "../types/instances.ts";
import { checkWaitOptions, waitForInstance } from "../workflows/_wait.ts";
import type { WaitForInstanceOptions } from "../workflows/wait.ts";
import type { LaunchCandidate, LaunchFirstAvailableResult } from "../workflows/capacity.ts";

/**
 * `client.instances`: your instances and the operations on them.
 *
 * @example Launch an instance, then terminate it
 * ```ts ignore
 * import { LambdaCloudClient } from "@lambda-cloud/client";
 *
 * const client = new LambdaCloudClient();
 * const { instance_ids } = await client.instances.launch({
 *   region_name: "us-east-1",
 *   instance_type_name: "gpu_1x_a10",
 *   ssh_key_names: ["my-key"],
 *   name: "experiment-42",
 * });
 * await client.instances.terminate(instance_ids);
 * ```
 */
export class InstancesResource extends Resource {
  readonly #ops: InstanceOps;

  /**
   * @ignore Made by `LambdaCloudClient`.
   * @param transport The client's HTTP core.
   * @param ops The client's instance operations, which launches go through.
   */
  constructor(transport: Transport, ops: InstanceOps) {
    super(transport);
    this.#ops = ops;
  }

  /**
   * Lists your running instances (`GET /api/v1/instances`). Retried on transient failures.
   *
   * @param params Optional filters.
   * @param options Per-call options.
   * @returns The instances.
   * @throws {TypeError | RangeError} Before any request, when `params` is invalid.
   *
   * @example List the instances of one cluster
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const cluster = await client.instances.list({ cluster_id: "c0ffee" });
   * ```
   */
  async list(params?: ListInstancesParams, options?: RequestOptions): Promise<Instance[]> {
    const query = params === undefined ? {} : checkObject("list instances", "params", params);
    checkOptionalString("list instances", "cluster_id", query.cluster_id);
    return await this.transport.call<Instance[]>("listInstances", {
      query: { cluster_id: query.cluster_id as string | undefined },
    }, options);
  }

  /**
   * Retrieves one instance (`GET /api/v1/instances/{id}`). Retried on transient failures.
   *
   * @param id The instance's id.
   * @param options Per-call options.
   * @returns The instance.
   * @throws {TypeError | RangeError} Before any request, when `id` is not a valid id.
   *
   * @example Read an instance's IP address
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const instance = await client.instances.get("0920582c7ff041399e34823a0be62549");
   * console.log(instance.status, instance.ip ?? "no IP yet");
   * ```
   */
  get(id: string, options?: RequestOptions): Promise<Instance> {
    return this.#ops.get(id, options);
  }

  /**
   * Renames or retags an instance (`POST /api/v1/instances/{id}`). Setting the same name and tags
   * twice has the same effect as once, so this is retried on transient failures.
   *
   * @param id The instance's id.
   * @param body The new name and/or tags; at least one of them.
   * @param options Per-call options.
   * @returns The updated instance.
   * @throws {TypeError | RangeError} Before any request, when `id` or `body` is invalid.
   *
   * @example Tag an instance with its owner
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * await client.instances.update("0920582c7ff041399e34823a0be62549", {
   *   tags: [{ key: "owner", value: "ml-team" }],
   * });
   * ```
   */
  async update(
    id: string,
    body: InstanceModificationRequest,
    options?: RequestOptions,
  ): Promise<Instance> {
    body = snapshotBody("update instance", body);
    checkUpdateRequest(body);
    return await this.transport.call<Instance>("postInstance", { path: { id }, body }, options);
  }

  /**
   * Launches one instance (`POST /api/v1/instance-operations/launch`), which bills from boot. It
   * is sent at most once: it carries a launch-token tag, and after a failure whose outcome is
   * unknown the client looks for that token (for two minutes by default) rather than send it
   * again. Launches are spaced 12 seconds apart.
   *
   * @param body What to launch: region, type and exactly one SSH key, at least.
   * @param options Per-call options; `launchToken`, `lookup` and `onLaunchToken` shape the token
   * and the search after an unknown outcome.
   * @returns The id of the launched instance, in `instance_ids`.
   * @throws {TypeError | RangeError} Before any request, when `body` breaks the API's rules.
   * @throws {LaunchOutcomeUnknownError} When the launch may have happened and its token was not
   * found: look again with {@linkcode InstancesResource.findByLaunchToken}.
   * @throws {UnidentifiedInstanceError} When it launched, but is listed without a usable id.
   * @throws {LaunchAbortedError} When the signal aborted after the launch was sent, and the
   * launch happened anyway.
   *
   * @example Launch with a name and tags, so that the instance can be found again
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const { instance_ids } = await client.instances.launch({
   *   region_name: "us-west-1",
   *   instance_type_name: "gpu_1x_a10",
   *   ssh_key_names: ["my-key"],
   *   name: "train-run-7",
   *   tags: [{ key: "run", value: "7" }],
   * }, { onLaunchToken: (token) => console.error(`launch token ${token}`) });
   * ```
   */
  launch(body: InstanceLaunchRequest, options?: LaunchOptions): Promise<InstanceLaunchResponse> {
    return launch(this.#ops, body, options);
  }

  /**
   * Finds the instances a launch made, by the launch token it carried: one listing
   * (`GET /api/v1/instances`), and a read of each instance it lists without tags. Use it to
   * resolve a {@linkcode LaunchOutcomeUnknownError} later. Terminated instances stay listed for a
   * while, so check their status.
   *
   * @param token The launch token, such as `error.launchToken`.
   * @param options Per-call options.
   * @returns The instances that carry the token; empty only when no listed instance does.
   * @throws {TypeError | RangeError} Before any request, when `token` is not a token.
   * @throws {LaunchOutcomeUnknownError} When none carries it and some instance's tags cannot be
   * seen, so it cannot tell (reason `untagged-listing`).
   * @throws {UnidentifiedInstanceError} When one that carries it is listed without a usable id.
   *
   * @example Did that launch happen after all?
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const found = await client.instances.findByLaunchToken("5f0c5a4bd3c84a7f9a1c2b3d4e5f6a7b");
   * console.log(found.map((instance) => `${instance.id} ${instance.status}`));
   * ```
   */
  async findByLaunchToken(token: string, options: RequestOptions = {}): Promise<Instance[]> {
    checkLaunchToken("find launch", "token", token);
    return await findByLaunchToken(this.#ops, token, options);
  }

  /**
   * Launches the first candidate that has capacity, in order of preference. It moves on only
   * after an `insufficient-capacity` refusal, which proves nothing was launched; any other error
   * stops it. Each launch is as safe as {@linkcode InstancesResource.launch}.
   *
   * @param candidates (instance type, region) pairs, best first, such as the result of
   * `client.instanceTypes.available()`; an empty list is a {@linkcode NoCapacityError}.
   * @param body The rest of the launch body: SSH key, name, tags, image…
   * @param options Per-call options, as for `launch()`; a `launchToken` string is used for each
   * candidate in turn (only one of them can launch).
   * @returns The launched instance's id, where it launched, and every candidate tried.
   * @throws {TypeError | RangeError} Before any request, when a candidate or the body is invalid.
   * @throws {NoCapacityError} When no candidate had capacity; nothing was launched.
   * @throws {LaunchOutcomeUnknownError} When a launch may have happened and was not found; no
   * further candidate was tried.
   *
   * @example The cheapest H100 that will launch
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const candidates = await client.instanceTypes.available({ gpu: "H100" });
   * const launched = await client.instances.launchFirstAvailable(candidates, {
   *   ssh_key_names: ["my-key"],
   * });
   * console.log(`${launched.instance_type_name} in ${launched.region_name}`, launched.instance_ids);
   * ```
   */
  launchFirstAvailable(
    candidates: readonly LaunchCandidate[],
    body: Omit<InstanceLaunchRequest, "region_name" | "instance_type_name">,
    options?: LaunchOptions,
  ): Promise<LaunchFirstAvailableResult> {
    return launchFirstAvailable(this.#ops, candidates, body, options);
  }

  /**
   * Restarts one or more instances (`POST /api/v1/instance-operations/restart`). A second restart
   * would reboot them again, so only a refusal is retried.
   *
   * @param instanceIds One id, or an array of ids.
   * @param options Per-call options.
   * @returns The restarted instances.
   * @throws {TypeError | RangeError} Before any request, when an id is invalid or none is given.
   *
   * @example Restart an instance
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const { restarted_instances } = await client.instances.restart("0920582c7ff041399e34823a0be62549");
   * ```
   */
  async restart(
    instanceIds: string | readonly string[],
    options?: RequestOptions,
  ): Promise<InstanceRestartResponse> {
    return await this.transport.call<InstanceRestartResponse>("restartInstance", {
      body: { instance_ids: checkIdList("restart instances", "instanceIds", instanceIds) },
    }, options);
  }

  /**
   * Terminates one or more instances (`POST /api/v1/instance-operations/terminate`), retried on
   * transient failures: terminating twice ends in the same state, and a terminate not retried
   * keeps billing. Lambda fails the whole call with a 500 when any instance is already
   * terminating, as a retry after a lost answer finds them; so after a failure of unknown outcome
   * each instance is read, those `terminating` or `terminated` count as done, and any still
   * running get one more terminate. The original error is thrown when none was found ending.
   *
   * @param instanceIds One id, or an array of ids.
   * @param options Per-call options.
   * @returns The terminated instances.
   * @throws {TypeError | RangeError} Before any request, when an id is invalid or none is given.
   *
   * @example Terminate two instances
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * await client.instances.terminate(["0920582c7ff041399e34823a0be62549", "6e1f0a55d0e74a36"]);
   * ```
   */
  async terminate(
    instanceIds: string | readonly string[],
    options?: RequestOptions,
  ): Promise<InstanceTerminateResponse> {
    const ids = checkIdList("terminate instances", "instanceIds", instanceIds);
    return await this.#ops.terminate(ids, options);
  }

  /**
   * Waits until an instance is `active`, has an IP, or is terminated, polling
   * `GET /instances/{id}` every `interval` (5 s) within the client's rate limit, for up to
   * `timeout` (30 minutes). It fails fast with an {@linkcode InstanceWaitError} when the instance
   * becomes `unhealthy`, `preempted` or terminated while waited on to run, and on timeout; both
   * carry the last instance seen. Transient failures of a poll are waited out. When waiting for
   * termination, a 404 means the instance is gone and resolves with `undefined`.
   *
   * @param id The instance's id.
   * @param options What to wait for, for how long, and how to report progress.
   * @returns The instance once it got there; `undefined` when waiting for termination and it is
   * gone.
   * @throws {TypeError | RangeError} Before any request, when the id or an option is invalid.
   *
   * @example Wait for an IP, with a progress line
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const instance = await client.instances.waitFor("0920582c7ff041399e34823a0be62549", {
   *   until: "ip",
   *   onProgress: ({ instance, elapsedMs }) => console.log(instance?.status, elapsedMs),
   * });
   * console.log(`ssh ubuntu@${instance.ip}`);
   * ```
   */
  waitFor(
    id: string,
    options: WaitForInstanceOptions & { until: "terminated" },
  ): Promise<Instance | undefined>;
  /**
   * Waits until an instance is `active` (the default) or has an IP.
   *
   * @param id The instance's id.
   * @param options What to wait for, for how long, and how to report progress.
   * @returns The instance once it got there.
   *
   * @example Wait until active
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const instance = await client.instances.waitFor("0920582c7ff041399e34823a0be62549");
   * ```
   */
  waitFor(
    id: string,
    options?: WaitForInstanceOptions & { until?: "active" | "ip" },
  ): Promise<Instance>;
  async waitFor(id: string, options: WaitForInstanceOptions = {}): Promise<Instance | undefined> {
    checkId("wait for instance", "id", id);
    const settings = checkWaitOptions("wait for instance", options);
    const read = (signal: AbortSignal) => this.get(id, { signal });
    return await waitForInstance(id, read, this.#ops.clock, settings);
  }

  /**
   * Launches one instance and waits until it is `active` (or has an IP), then returns it. Whatever
   * goes wrong after the launch was sent, it terminates what the launch made (unless
   * `terminateOnFailure` is `false`), for at most a minute, not cut short by `signal`; extra
   * instances a gateway made by sending the launch on twice are terminated too.
   *
   * @param body What to launch, as for {@linkcode InstancesResource.launch}.
   * @param options What to wait for and for how long, as for
   * {@linkcode InstancesResource.waitFor}, and the launch's `launchToken`, `lookup` and
   * `onLaunchToken`. Each is read once, before anything is sent.
   * @returns The running instance.
   * @throws {TypeError | RangeError} Before any request, when the body or an option is invalid, or
   * reading an option throws.
   * @throws {LaunchWaitError} When something was launched but did not get there; it says whether
   * it was terminated.
   * @throws {LaunchOutcomeUnknownError} When the launch's outcome stays unknown (nothing found to
   * terminate).
   *
   * @example Launch and get an address to SSH to
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const instance = await client.instances.launchAndWait(
   *   { region_name: "us-east-1", instance_type_name: "gpu_1x_a10", ssh_key_names: ["my-key"] },
   *   { until: "ip" },
   * );
   * console.log(instance.ip);
   * ```
   */
  launchAndWait(body: InstanceLaunchRequest, options?: LaunchAndWaitOptions): Promise<Instance> {
    return launchAndWait(this.#ops, body, options);
  }
}
