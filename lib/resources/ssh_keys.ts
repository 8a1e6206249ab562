/**
 * SSH keys: the public keys that can log in to instances.
 *
 * @module
 */

import { Resource } from "./_resource.ts";
import { checkCreateSshKeyRequest } from "../_rules/ssh_keys.ts";
import type { RequestOptions } from "../options.ts";
import type { CreateSshKeyRequest, GeneratedSshKey, SshKey } from "../types/ssh_keys.ts";

/**
 * `client.sshKeys`: list, add, generate and delete SSH keys.
 *
 * @example Make sure a key exists before launching
 * ```ts ignore
 * import { LambdaCloudClient } from "@lambda-cloud/client";
 *
 * const client = new LambdaCloudClient();
 * const keys = await client.sshKeys.list();
 * if (!keys.some((key) => key.name === "laptop")) {
 *   await client.sshKeys.create({ name: "laptop", public_key: "ssh-ed25519 AAAA… me@laptop" });
 * }
 * ```
 */
export class SshKeysResource extends Resource {
  /**
   * Lists your SSH keys (`GET /api/v1/ssh-keys`). Retried on transient failures.
   *
   * @param options Per-call options.
   * @returns The keys.
   *
   * @example Print key names
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * console.log((await client.sshKeys.list()).map((key) => key.name));
   * ```
   */
  list(options?: RequestOptions): Promise<SshKey[]> {
    return this.transport.call<SshKey[]>("listSSHKeys", {}, options);
  }

  /**
   * Adds an SSH key (`POST /api/v1/ssh-keys`). With `public_key`, stores that key; without it,
   * Lambda generates a pair and returns the private key, once. Not retried after an ambiguous
   * failure, since a second send could add the key twice; only a 429 is retried.
   *
   * @param body The key's name and, optionally, its public key.
   * @param options Per-call options.
   * @returns The stored key, with `private_key` when Lambda generated it.
   * @throws {TypeError | RangeError} Before any request, when `name` or `public_key` is invalid.
   *
   * @example Upload an existing public key
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const publicKey = await Deno.readTextFile(`${Deno.env.get("HOME")}/.ssh/id_ed25519.pub`);
   * const key = await client.sshKeys.create({ name: "laptop", public_key: publicKey.trim() });
   * ```
   */
  create(
    body: CreateSshKeyRequest & { public_key: string },
    options?: RequestOptions,
  ): Promise<SshKey>;
  /**
   * Generates a key pair (no `public_key`): the answer holds `private_key`, shown this once.
   *
   * @param body The key's name.
   * @param options Per-call options.
   * @returns The stored key with its `private_key`.
   *
   * @example Generate a key pair
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const { private_key } = await client.sshKeys.create({ name: "ci-runner" });
   * ```
   */
  create(
    body: CreateSshKeyRequest & { public_key?: undefined },
    options?: RequestOptions,
  ): Promise<GeneratedSshKey>;
  /**
   * Uploads `public_key` when given, or generates a key pair when not.
   *
   * @param body The key's name and, optionally, its public key.
   * @param options Per-call options.
   * @returns The stored key, with `private_key` when Lambda generated it.
   *
   * @example Upload a key that may be absent
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * const publicKey: string | undefined = undefined;
   * const key = await client.sshKeys.create({ name: "laptop", public_key: publicKey });
   * if ("private_key" in key) console.log("generated a new pair");
   * ```
   */
  create(body: CreateSshKeyRequest, options?: RequestOptions): Promise<SshKey | GeneratedSshKey>;
  async create(
    body: CreateSshKeyRequest,
    options?: RequestOptions,
  ): Promise<SshKey | GeneratedSshKey> {
    return await this.sendChecked("addSSHKey", body, checkCreateSshKeyRequest, options);
  }

  /**
   * Deletes an SSH key (`DELETE /api/v1/ssh-keys/{id}`). Retried on transient failures.
   *
   * @param id The key's id (not its name).
   * @param options Per-call options.
   * @throws {TypeError | RangeError} Before any request, when `id` is not a valid id.
   *
   * @example Delete every key with a given name
   * ```ts ignore
   * import { LambdaCloudClient } from "@lambda-cloud/client";
   *
   * const client = new LambdaCloudClient();
   * for (const key of await client.sshKeys.list()) {
   *   if (key.name === "old-laptop") await client.sshKeys.delete(key.id);
   * }
   * ```
   */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.transport.call<unknown>("deleteSSHKey", { path: { id } }, options);
  }
}
