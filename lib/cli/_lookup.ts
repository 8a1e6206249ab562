// Lists read at most once per run, and the names people type turned into the ids the API wants.

import type {
  Filesystem,
  FirewallRuleset,
  Instance,
  InstanceTypesItem,
  LambdaCloudClient,
  Region,
  SshKey,
} from "../../mod.ts";
import { UsageError } from "./_args.ts";
import { didYouMean } from "./_suggest.ts";

/** Nothing has the id or name that was given: exit code 4, as for the API's 404. */
export class NoSuchResourceError extends Error {
  override name = "NoSuchResourceError";
}

// Lambda's ids are 32 lower-case hex digits. A reference written so is only ever an id: a name
// that looks like one never stands in for it, or a stale id could select a teammate's instance
// named with it.
const ID_PATTERN = /^[0-9a-f]{32}$/;

/** One kind of resource that can be named: what it is called, and what its id and name are. */
interface Kind<T> {
  /** In words, singular, such as "SSH key". */
  noun: string;
  id(item: T): string;
  name(item: T): string | undefined;
}

/** What a reference stands for: its id, and the item when the list holds it. */
export interface Resolved<T> {
  id: string;
  item: T | undefined;
}

/**
 * The item of `items` whose id is `ref`, else the one named `ref`. A reference written as an id is
 * an id: when nothing listed has it, it is sent as it is for the API to answer, unless an item
 * merely has it as its name, which is an error that names that item. Anything else is a clear error.
 */
export function resolve<T>(kind: Kind<T>, ref: string, items: readonly T[]): Resolved<T> {
  const byId = items.find((item) => kind.id(item) === ref);
  if (byId !== undefined) return { id: ref, item: byId };
  const named = items.filter((item) => kind.name(item) === ref);
  if (ID_PATTERN.test(ref)) {
    if (named.length === 0) return { id: ref, item: undefined };
    throw new NoSuchResourceError(
      `no ${kind.noun} has the id '${ref}': it is only the name of the ${kind.noun} ${
        named.map((item) => kind.id(item)).join(", ")
      }, and a reference written as an id is always an id (give that id to mean it)`,
    );
  }
  if (named.length === 1) return { id: kind.id(named[0]!), item: named[0]! };
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

  /** What `ref` (an id or a unique name) stands for among the instances. */
  async resolveInstance(ref: string): Promise<Resolved<Instance>> {
    return resolve(INSTANCE, ref, await this.instances());
  }

  /** The instance with this id or unique name, read by id when the list does not hold it. */
  async instance(ref: string): Promise<Instance> {
    const { id, item } = await this.resolveInstance(ref);
    return item ?? await this.#client.instances.get(id, this.#options());
  }

  /** The ids of these instances, named or by id. */
  async instanceIds(refs: readonly string[]): Promise<string[]> {
    const instances = await this.instances();
    return refs.map((ref) => resolve(INSTANCE, ref, instances).id);
  }

  /** Every region. */
  regions(): Promise<Region[]> {
    return this.#once("regions", () => this.#client.regions.list(this.#options()));
  }

  /** Every SSH key. */
  sshKeys(): Promise<SshKey[]> {
    return this.#once("keys", () => this.#client.sshKeys.list(this.#options()));
  }

  /** Every filesystem. */
  fileSystems(): Promise<Filesystem[]> {
    return this.#once("filesystems", () => this.#client.fileSystems.list(this.#options()));
  }

  /** Every firewall ruleset. */
  rulesets(): Promise<FirewallRuleset[]> {
    return this.#once("rulesets", () => this.#client.firewallRulesets.list(this.#options()));
  }

  /** What `ref` stands for among the SSH keys. */
  async sshKey(ref: string): Promise<Resolved<SshKey>> {
    return resolve(SSH_KEY, ref, await this.sshKeys());
  }

  /** What `ref` stands for among the filesystems. */
  async fileSystem(ref: string): Promise<Resolved<Filesystem>> {
    return resolve(FILESYSTEM, ref, await this.fileSystems());
  }

  /** What `ref` stands for among the firewall rulesets. */
  async ruleset(ref: string): Promise<Resolved<FirewallRuleset>> {
    return resolve(RULESET, ref, await this.rulesets());
  }

  /** The id of the firewall ruleset with this id or name. */
  async rulesetId(ref: string): Promise<string> {
    return (await this.ruleset(ref)).id;
  }

  #options(): { signal: AbortSignal } {
    return { signal: this.#signal() };
  }
}

/** The kind of the items that carry their id and name as `id` and `name`, called `noun`. */
function named<T extends { id: string; name?: string | undefined }>(noun: string): Kind<T> {
  return { noun, id: (item) => item.id, name: (item) => item.name };
}

const INSTANCE = named<Instance>("instance");
const SSH_KEY = named<SshKey>("SSH key");
const FILESYSTEM = named<Filesystem>("filesystem");
const RULESET = named<FirewallRuleset>("firewall ruleset");
