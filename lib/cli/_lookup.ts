// Lists read at most once per run, and the names people type turned into the ids the API wants.

import type {
  Filesystem,
  FirewallRuleset,
  Instance,
  InstanceTypesItem,
  LambdaCloudClient,
  SshKey,
} from "../../mod.ts";
import { UsageError } from "./_args.ts";
import { didYouMean } from "./_suggest.ts";

/** Nothing has the id or name that was given: exit code 4, as for the API's 404. */
export class NoSuchResourceError extends Error {
  override name = "NoSuchResourceError";
}

// Lambda's ids are 32 lower-case hex digits: such a reference is used as it is, without a list.
const ID_PATTERN = /^[0-9a-f]{32}$/;

/** Whether `ref` is written as an id rather than a name. */
export function looksLikeId(ref: string): boolean {
  return ID_PATTERN.test(ref);
}

/** One kind of resource that can be named: what it is called, and what its id and name are. */
interface Kind<T> {
  /** In words, singular, such as "SSH key". */
  noun: string;
  id(item: T): string;
  name(item: T): string | undefined;
}

/** The item of `items` whose id is `ref`, else the one named `ref`; a clear error otherwise. */
export function pick<T>(kind: Kind<T>, ref: string, items: readonly T[]): T {
  const byId = items.find((item) => kind.id(item) === ref);
  if (byId !== undefined) return byId;
  const named = items.filter((item) => kind.name(item) === ref);
  if (named.length === 1) return named[0]!;
  if (named.length > 1) {
    throw new UsageError(
      `the name '${ref}' is shared by ${named.length} ${kind.noun}s (${
        named.map(kind.id).join(", ")
      }): give the id instead`,
    );
  }
  const names = items.map(kind.name).filter((name): name is string => name !== undefined);
  throw new NoSuchResourceError(
    `no ${kind.noun} has the id or name '${ref}'${didYouMean(ref, names)}`,
  );
}

/**
 * The lists a command needs, each fetched once per run and shared by the confirmation question, the
 * name lookups and the command itself.
 */
export class Lookup {
  readonly #cache = new Map<string, Promise<unknown>>();
  readonly #client: LambdaCloudClient;
  readonly #signal: () => AbortSignal;

  /**
   * @param client The client to read with.
   * @param signal The signal reads stop on, looked up at each read (Ctrl-C is armed late).
   */
  constructor(client: LambdaCloudClient, signal: () => AbortSignal) {
    this.#client = client;
    this.#signal = signal;
  }

  #once<T>(key: string, read: () => Promise<T>): Promise<T> {
    if (!this.#cache.has(key)) this.#cache.set(key, read());
    return this.#cache.get(key) as Promise<T>;
  }

  /** Every instance. */
  instances(): Promise<Instance[]> {
    return this.#once("instances", () => this.#client.instances.list({}, this.#options()));
  }

  /** Every instance type, with its price and where it has capacity. */
  instanceTypes(): Promise<InstanceTypesItem[]> {
    return this.#once(
      "types",
      async () => Object.values(await this.#client.instanceTypes.list(this.#options())),
    );
  }

  /** The instance with this id or unique name. */
  async instance(ref: string): Promise<Instance> {
    return pick(INSTANCE, ref, await this.instances());
  }

  /** The ids of these instances, named or by id; a list is read only when a name is given. */
  async instanceIds(refs: readonly string[]): Promise<string[]> {
    if (refs.every(looksLikeId)) return [...refs];
    const instances = await this.instances();
    return refs.map((ref) => pick(INSTANCE, ref, instances).id);
  }

  /** The id of the SSH key with this id or name. */
  sshKeyId(ref: string): Promise<string> {
    return this.#idOf(SSH_KEY, ref, () => this.#client.sshKeys.list(this.#options()));
  }

  /** The id of the filesystem with this id or name. */
  fileSystemId(ref: string): Promise<string> {
    return this.#idOf(FILESYSTEM, ref, () => this.#client.fileSystems.list(this.#options()));
  }

  /** The id of the firewall ruleset with this id or name. */
  rulesetId(ref: string): Promise<string> {
    return this.#idOf(RULESET, ref, () => this.#client.firewallRulesets.list(this.#options()));
  }

  /** `ref` when it is written as an id; else the id of what `read` lists under that name. */
  async #idOf<T>(kind: Kind<T>, ref: string, read: () => Promise<T[]>): Promise<string> {
    if (looksLikeId(ref)) return ref;
    return kind.id(pick(kind, ref, await this.#once(kind.noun, read)));
  }

  #options(): { signal: AbortSignal } {
    return { signal: this.#signal() };
  }
}

const INSTANCE: Kind<Instance> = {
  noun: "instance",
  id: (instance) => instance.id,
  name: (instance) => instance.name,
};
const SSH_KEY: Kind<SshKey> = {
  noun: "SSH key",
  id: (key) => key.id,
  name: (key) => key.name,
};
const FILESYSTEM: Kind<Filesystem> = {
  noun: "filesystem",
  id: (filesystem) => filesystem.id,
  name: (filesystem) => filesystem.name,
};
const RULESET: Kind<FirewallRuleset> = {
  noun: "firewall ruleset",
  id: (ruleset) => ruleset.id,
  name: (ruleset) => ruleset.name,
};
