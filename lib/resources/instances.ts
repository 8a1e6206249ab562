/**
 * Instances: list, inspect, launch, rename, restart and terminate GPU instances.
 *
 * @module
 */

import { Resource } from "./_resource.ts";
import { snapshotBody } from "../_validate.ts";
import { checkLaunchRequest, checkUpdateRequest } from "../_rules/instances.ts";
import {
  checkLaunchToken,
  chooseLaunchToken,
  findByLaunchToken,
  type LaunchDeps,
  launchDeps,
  launchOnce,
  takesFreshToken,
} from "../workflows/_launch.ts";
import type { LaunchOptions } from "../workflows/launch.ts";
import {
  checkId,
  checkIdList,
  checkObject,
  checkOptionalString,
  describeValue,
} from "../_validate.ts";
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
import { launchFirstAvailable } from "../workflows/_capacity.ts";
import { launchAndWait, readLaunchAndWaitOptions } from "../workflows/_launch_and_wait.ts";
import { terminateSettled } from "../workflows/_terminate.ts";
import type { WaitForInstanceOptions } from "../workflows/wait.ts";
import type { LaunchCandidate, LaunchFirstAvailableResult } from "../workflows/capacity.ts";
import type { LaunchAndWaitOptions } from "../workflows/launch_and_wait.ts";

// A just-launched instance can answer 404 for a moment before it is readable.
const LAUNCH_NOT_FOUND_GRACE_MS = 30_000;

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
   * const all = await client.instances.list();
   * const cluster = await client.instances.list({ cluster_id: "c0ffee" });
   * ```
   */
  async list(params?: ListInstancesParams, options?: RequestOptions): Promise<Instance[]> {
    const action = "list instances";
    const query = params === undefined ? {} : checkObject(action, "params", params);
    checkOptionalString(action, "cluster_id", query.cluster_id);
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
  async get(id: string, options?: RequestOptions): Promise<Instance> {
    return await this.transport.call<Instance>("getInstance", { path: { id } }, options);
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
   * Launches one instance (`POST /api/v1/instance-operations/launch`). Billing starts as soon as it
   * boots.
   *
   * A launch is sent again only after a failure that proves Lambda did not act on it: a 429, or a
   * connection that was never made. Lambda has no idempotency key, so the client makes its own:
   * each launch carries a tag `lambda-cloud-client:launch-token` with a random value. After a
   * failure whose outcome is unknown (a 5xx, a timeout, a dropped connection, an unreadable or
   * malformed answer, or an abort once the request was sent), the client lists instances and
   * looks for that tag, every 5 s for up to two minutes (`lookup`), through the rate limiter: found,
   * it returns those instances; not found, it throws a {@linkcode LaunchOutcomeUnknownError} with
   * the token, and never sends the launch again. The client-side limiter spaces launches 12 seconds
   * apart.
   *
   * @param body What to launch: region, type and exactly one SSH key, at least. A launch-token tag
   * of your own is used as it is.
   * @param options Per-call options; `launchToken` to pass your own token (or `false` to send the
   * body untouched); `lookup` to tune the search after an unknown outcome.
   * @returns The id of the launched instance, in `instance_ids`.
   * @throws {TypeError | RangeError} Before any request, when `body` breaks the API's rules.
   * @throws {LaunchOutcomeUnknownError} When the launch may have happened and its token was not
   * found.
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
   *   image: { family: "lambda-stack-24-04" },
   * });
   * ```
   */
  async launch(
    body: InstanceLaunchRequest,
    options: LaunchOptions = {},
  ): Promise<InstanceLaunchResponse> {
    body = snapshotBody("launch instance", body);
    checkLaunchRequest(body);
    return await launchOnce(this.#launchDeps, body, options);
  }

  /**
   * Finds the instances a launch made, by the launch token it carried: one listing
   * (`GET /api/v1/instances`). Use it to resolve a {@linkcode LaunchOutcomeUnknownError} later.
   * Terminated instances stay listed for a while, so check their status.
   *
   * @param token The launch token, such as `error.launchToken`.
   * @param options Per-call options.
   * @returns The instances that carry the token; empty only when no listed instance does.
   * @throws {TypeError | RangeError} Before any request, when `token` is not a token.
   * @throws {LaunchOutcomeUnknownError} When none carries it and the listing has no tags, so it
   * cannot tell (reason `untagged-listing`), or when one that carries it is listed without a
   * usable id (reason `listed-without-id`): it launched, but cannot be named.
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
  async findByLaunchToken(token: string, options?: RequestOptions): Promise<Instance[]> {
    checkLaunchToken("find launch", "token", token);
    return await findByLaunchToken(launchDeps(this.transport, options ?? {}), token);
  }

  /**
   * Launches the first candidate that has capacity, in order of preference: on
   * `insufficient-capacity` (capacity changes between a check and a launch), which proves nothing
   * was launched, it moves on to the next. Any other error stops it, a launch of unknown outcome
   * above all: moving on could launch a second instance elsewhere. Launches go through the
   * client's launch limiter, one per 12 seconds, and each is as safe as
   * {@linkcode InstancesResource.launch}.
   *
   * @param candidates (instance type, region) pairs, best first, such as the result of
   * `client.instanceTypes.available()`; an empty list is a {@linkcode NoCapacityError}.
   * @param body The rest of the launch body: SSH key, name, tags, image…
   * @param options Per-call options, as for `launch()`; a `launchToken` string is used for each
   * candidate in turn (only one of them can launch).
   * @returns The launched instance's id, where it launched, and every candidate tried.
   * @throws {TypeError | RangeError} Before any request, when a candidate or the body is invalid.
   * @throws {NoCapacityError} When no candidate had capacity, or there were none; `tried` lists
   * them, and nothing was launched.
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
   *   name: "h100-run",
   * });
   * console.log(`${launched.instance_type_name} in ${launched.region_name}`, launched.instance_ids);
   * ```
   */
  async launchFirstAvailable(
    candidates: readonly LaunchCandidate[],
    body: Omit<InstanceLaunchRequest, "region_name" | "instance_type_name">,
    options: LaunchOptions = {},
  ): Promise<LaunchFirstAvailableResult> {
    return await launchFirstAvailable(
      (full, launchOptions) => this.launch(full, launchOptions),
      candidates,
      body,
      options,
    );
  }

  /**
   * Restarts one or more instances (`POST /api/v1/instance-operations/restart`). A second restart
   * would reboot them again, so only a 429 is retried.
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
   * Terminates one or more instances (`POST /api/v1/instance-operations/terminate`). Terminating
   * twice ends in the same state, and a terminate that is not retried keeps billing, so this is
   * retried on transient failures. Lambda fails the whole call with a 500 when any instance is
   * already terminating, as a retry after a lost answer finds them; so after a server failure
   * each instance is read, those `terminating` or `terminated` count as done, and any still
   * running get one more terminate. The original error is thrown when none was found ending.
   *
   * @param instanceIds One id, or an array of ids.
   * @param options Per-call options.
   * @returns The terminated instances.
   * @throws {TypeError | RangeError} Before any request, when an id is invalid or none is given.
   *
   * @example Terminate every instance with a given tag
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const doomed = (await client.instances.list())
   *   .filter((instance) => instance.tags?.some((tag) => tag.key === "run" && tag.value === "7"))
   *   .map((instance) => instance.id);
   * if (doomed.length > 0) await client.instances.terminate(doomed);
   * ```
   */
  async terminate(
    instanceIds: string | readonly string[],
    options?: RequestOptions,
  ): Promise<InstanceTerminateResponse> {
    const ids = checkIdList("terminate instances", "instanceIds", instanceIds);
    return await terminateSettled(
      {
        terminate: (some, someOptions) =>
          this.transport.call<InstanceTerminateResponse>("terminateInstance", {
            body: { instance_ids: some },
          }, someOptions),
        get: (id, getOptions) => this.get(id, getOptions),
      },
      ids,
      options,
    );
  }

  /**
   * Waits until an instance is `active`, has an IP, or is terminated, polling `GET
   * /instances/{id}` every `interval` (5 s) within the client's rate limit, for up to `timeout`
   * (30 minutes). It fails fast with an {@linkcode InstanceWaitError} when the instance becomes
   * `unhealthy`, `preempted` or terminated while waited on to run, and on timeout; both carry the
   * last instance seen. Transient failures of a poll are waited out. When waiting for
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
  async waitFor(
    id: string,
    options: WaitForInstanceOptions = {},
  ): Promise<Instance | undefined> {
    const action = "wait for instance";
    checkId(action, "id", id);
    const settings = checkWaitOptions(action, options);
    return await waitForInstance(
      id,
      (signal) => this.get(id, { signal }),
      this.transport.clock,
      settings,
    );
  }

  /**
   * Launches one instance and waits until it is `active` (or has an IP), then returns it. Whatever
   * goes wrong after the launch was sent, it cleans up what the launch made, unless
   * `terminateOnFailure` is `false`: when the wait fails or is aborted, and when the launch is
   * aborted in flight and its launch token finds the instance. The cleanup takes at most a minute,
   * requests in flight included, and is not cut short by `signal`. The
   * {@linkcode LaunchWaitError} says whether termination succeeded. A 404 in the first 30 seconds
   * is taken as "not readable yet". A launch whose outcome stays unknown throws the
   * {@linkcode LaunchOutcomeUnknownError} with its token (nothing was found, or nothing with a
   * usable id, so nothing can be terminated); other errors of the launch itself are thrown as they
   * are. Once the instance is up, one listing by its launch token finds any extra instance a
   * gateway made by sending the launch on twice, and terminates it.
   *
   * @param body What to launch, as for {@linkcode InstancesResource.launch}.
   * @param options What to wait for and for how long, as for
   * {@linkcode InstancesResource.waitFor}, and the launch's `launchToken` and `lookup`. Each is
   * read once, before anything is sent.
   * @returns The running instance.
   * @throws {TypeError | RangeError} Before any request, when the body or an option is invalid, or
   * reading an option throws.
   * @throws {LaunchWaitError} When something was launched but did not get there.
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
  async launchAndWait(
    body: InstanceLaunchRequest,
    options: LaunchAndWaitOptions = {},
  ): Promise<Instance> {
    const action = "launch and wait";
    // Read once, here: no getter of the caller's runs between the launch and its cleanup.
    options = readLaunchAndWaitOptions(action, options);
    if (options.until !== undefined && options.until !== "active" && options.until !== "ip") {
      throw new RangeError(
        `Cannot ${action}: 'until' must be active or ip, received ${describeValue(options.until)}`,
      );
    }
    if ((options.launchToken as unknown) === false) {
      throw new RangeError(
        `Cannot ${action}: 'launchToken' must not be false: without it, an aborted launch could not be found and cleaned up`,
      );
    }
    const settings = {
      ...checkWaitOptions(action, options),
      notFoundGraceMs: LAUNCH_NOT_FOUND_GRACE_MS,
    };
    const checked = snapshotBody("launch instance", body);
    checkLaunchRequest(checked);
    // Chosen here, so that every error can name it.
    const token = chooseLaunchToken(checked, options.launchToken) ?? "";
    return await launchAndWait(
      {
        clock: this.transport.clock,
        launch: (launchBody, launchOptions, lookupAtLeastMs) =>
          launchOnce(this.#launchDeps, launchBody, launchOptions, lookupAtLeastMs),
        get: (id, signal) => this.get(id, signal === undefined ? {} : { signal }),
        terminate: (id, signal) => this.terminate(id, { signal }),
        findByToken: (launchToken, signal) => this.findByLaunchToken(launchToken, { signal }),
      },
      checked,
      token,
      settings,
      options,
      takesFreshToken(checked, options.launchToken),
    );
  }

  get #launchDeps(): LaunchDeps {
    return launchDeps(this.transport);
  }
}
