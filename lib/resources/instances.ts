/**
 * Instances: list, inspect, launch, rename, restart and terminate GPU instances. How a launch is
 * kept to one bill is told in the repository's `docs/launch-safety.md`, and kept in `lib/launch/`.
 *
 * @module
 */

import { Resource } from "./_resource.ts";
import type { Transport } from "../transport/_transport.ts";
import { checkListQuery, checkUpdateRequest } from "../_rules/instances.ts";
import { checkIdList } from "../_validate.ts";
import { launchAndWait } from "../launch/_and_wait.ts";
import { findByLaunchToken } from "../launch/_find.ts";
import type { InstanceOps } from "../launch/_ops.ts";
import { launch } from "../launch/_send.ts";
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
import { launchFirstAvailable } from "../workflows/_capacity.ts";
import { waitFor } from "../workflows/_wait.ts";
import type { WaitForInstanceOptions, WaitUntil } from "../workflows/wait.ts";
import type { LaunchCandidate, LaunchFirstAvailableResult } from "../workflows/capacity.ts";

/**
 * `client.instances`: your instances and the operations on them.
 *
 * @example Launch an instance, then terminate it
 * ```ts ignore
 * const { instance_ids } = await client.instances.launch(body);
 * await client.instances.terminate(instance_ids);
 * ```
 */
export class InstancesResource extends Resource {
  readonly #ops: InstanceOps;

  /** @ignore Made by `LambdaCloudClient`, with the instance operations launches go through. */
  constructor(transport: Transport, ops: InstanceOps) {
    super(transport);
    this.#ops = ops;
  }

  /**
   * Lists your running instances (`GET /api/v1/instances`), retried on transient failures.
   *
   * @param params Optional filters.
   * @returns The instances.
   *
   * @example List the instances of one cluster
   * ```ts ignore
   * const cluster = await client.instances.list({ cluster_id: "c0ffee" });
   * ```
   */
  async list(params?: ListInstancesParams, options?: RequestOptions): Promise<Instance[]> {
    return await this.transport.call("listInstances", { query: checkListQuery(params) }, options);
  }

  /**
   * Retrieves one instance (`GET /api/v1/instances/{id}`), retried on transient failures.
   *
   * @param id The instance's id.
   * @returns The instance.
   *
   * @example Read an instance's IP address
   * ```ts ignore
   * const instance = await client.instances.get("0920582c7ff041399e34823a0be62549");
   * ```
   */
  get(id: string, options?: RequestOptions): Promise<Instance> {
    return this.#ops.get(id, options);
  }

  /**
   * Renames or retags an instance (`POST /api/v1/instances/{id}`), retried on transient failures.
   *
   * @param id The instance's id.
   * @param body The new name and/or tags; at least one of them.
   * @returns The updated instance.
   *
   * @example Tag an instance with its owner
   * ```ts ignore
   * await client.instances.update(id, { tags: [{ key: "owner", value: "ml-team" }] });
   * ```
   */
  async update(
    id: string,
    body: InstanceModificationRequest,
    options?: RequestOptions,
  ): Promise<Instance> {
    return await this.sendChecked("postInstance", body, checkUpdateRequest, options, { id });
  }

  /**
   * Launches one instance (`POST /api/v1/instance-operations/launch`), billed from boot, sent at
   * most once: after a failure of unknown outcome, its launch token is looked for instead.
   *
   * @param body What to launch: region, type and exactly one SSH key, at least.
   * @param options Per-call options, with `launchToken`, `lookup` and `onLaunchToken`.
   * @returns The id of the launched instance, in `instance_ids`.
   * @throws {LaunchOutcomeUnknownError} When it may have launched and its token was not found.
   * @throws {UnidentifiedInstanceError} When it launched, but is listed without a usable id.
   * @throws {LaunchAbortedError} When aborted after it was sent, and it launched anyway.
   *
   * @example Launch, saying the token before it is sent
   * ```ts ignore
   * const { instance_ids } = await client.instances.launch(
   *   { region_name: "us-west-1", instance_type_name: "gpu_1x_a10", ssh_key_names: ["my-key"] },
   *   { onLaunchToken: (token) => console.error(`launch token ${token}`) },
   * );
   * ```
   */
  launch(body: InstanceLaunchRequest, options?: LaunchOptions): Promise<InstanceLaunchResponse> {
    return launch(this.#ops, body, options);
  }

  /**
   * The instances a launch made, by the launch token it carried: one listing, and when it shows
   * none, a read of each instance it lists without tags.
   *
   * @param token The launch token, such as `error.launchToken`.
   * @returns The instances that carry it; empty only when no listed instance does.
   * @throws {LaunchOutcomeUnknownError} When none is seen and some instance's tags cannot be.
   * @throws {UnidentifiedInstanceError} When one that carries it is listed without a usable id.
   *
   * @example Did that launch happen after all?
   * ```ts ignore
   * const found = await client.instances.findByLaunchToken(error.launchToken);
   * ```
   */
  findByLaunchToken(token: string, options: RequestOptions = {}): Promise<Instance[]> {
    return findByLaunchToken(this.#ops, token, options);
  }

  /**
   * Launches the first candidate that has capacity, best first, moving on only after an
   * `insufficient-capacity` refusal and a listing that shows nothing carrying its launch token
   * (a refusal may hide a launch a gateway sent on twice); each launch is as safe as `launch()`,
   * and each tried candidate keeps the launch token its launch carried.
   *
   * @param candidates (instance type, region) pairs, such as `client.instanceTypes.available()`.
   * @param body The rest of the launch body: SSH key, name, tags, image…
   * @param options Per-call options, as for `launch()`.
   * @returns The launched instance's id, where it launched, and every candidate tried (with the
   *   launch token of each).
   * @throws {NoCapacityError} When no candidate had capacity; nothing was launched.
   *
   * @example The cheapest H100 that will launch
   * ```ts ignore
   * const candidates = await client.instanceTypes.available({ gpu: "H100" });
   * const launched = await client.instances.launchFirstAvailable(candidates, { ssh_key_names: ["k"] });
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
   * Restarts instances (`POST /api/v1/instance-operations/restart`); a second restart would
   * reboot them again, so only a refusal is retried.
   *
   * @param instanceIds One id, or an array of ids.
   * @returns The restarted instances.
   *
   * @example Restart an instance
   * ```ts ignore
   * await client.instances.restart("0920582c7ff041399e34823a0be62549");
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
   * Terminates instances (`POST /api/v1/instance-operations/terminate`), retried on transient
   * failures; after one of unknown outcome, those read `terminating` count as done.
   *
   * @param instanceIds One id, or an array of ids.
   * @returns The terminated instances.
   *
   * @example Terminate two instances
   * ```ts ignore
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
   * Waits until an instance is `active` (the default), has an IP, or is terminated (a 404 counts),
   * polling every 5 s for up to 30 minutes; an `InstanceWaitError` when it dies or time is up.
   *
   * @param id The instance's id.
   * @param options What to wait for, for how long, and how to report progress.
   * @returns The instance once it got there; `undefined` once it is gone, when waiting for that.
   *
   * @example Wait for an IP
   * ```ts ignore
   * const { ip } = await client.instances.waitFor(id, { until: "ip" });
   * ```
   */
  waitFor<Until extends WaitUntil = "active">(
    id: string,
    options: WaitForInstanceOptions & { until?: Until } = {},
  ): Promise<Until extends "terminated" ? Instance | undefined : Instance> {
    const get = (id: string, signal: AbortSignal) => this.get(id, { signal });
    return waitFor(this.#ops.clock, get, id, options) as Promise<Instance>;
  }

  /**
   * Launches one instance and waits until it is `active` (or has an IP); on any failure once it
   * was sent, it terminates what the launch made, unless `terminateOnFailure` is `false`.
   *
   * @param body What to launch, as for `launch()`.
   * @param options What to wait for, as for `waitFor()`, and the launch's options, read once.
   * @returns The running instance.
   * @throws {LaunchWaitError} When it launched but did not get there.
   * @throws {LaunchOutcomeUnknownError} When the launch's outcome stays unknown.
   *
   * @example Launch and get an address to SSH to
   * ```ts ignore
   * const instance = await client.instances.launchAndWait(body, { until: "ip" });
   * ```
   */
  launchAndWait(body: InstanceLaunchRequest, options?: LaunchAndWaitOptions): Promise<Instance> {
    return launchAndWait(this.#ops, body, options);
  }
}
