// Regions, images, SSH keys and filesystems.

import { checkCreateFilesystemRequest } from "../_rules/file_systems.ts";
import type { CreateFilesystemRequest } from "../types/file_systems.ts";
import { checkCreateSshKeyRequest } from "../_rules/ssh_keys.ts";
import type { CreateSshKeyRequest, SshKey } from "../types/ssh_keys.ts";
import { isRecord } from "../_validate.ts";
import {
  EmulatedError,
  invalidAddress,
  invalidParameters,
  notFound,
  objectDoesNotExist,
  validateWith,
} from "./_errors.ts";
import { type Handler, type HandlerContext, ok } from "./_handler.ts";
import type { EmulatorState } from "./_state.ts";
import type { OperationId } from "./operations.ts";

/** The SSH wire encoding of a string: a 4-byte length, then the bytes. */
function wireString(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + bytes.length);
  new DataView(out.buffer).setUint32(0, bytes.length);
  out.set(bytes, 4);
  return out;
}

function base64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

/**
 * A key pair shaped like OpenSSH's ed25519 keys, from the seeded generator. It is well-formed
 * text, not a usable key: the emulator never runs SSH.
 */
function generateKeyPair(state: EmulatorState, name: string) {
  const type = new TextEncoder().encode("ssh-ed25519");
  const publicBlob = new Uint8Array([...wireString(type), ...wireString(state.random.bytes(32))]);
  const privateBody = base64(state.random.bytes(288)).replace(/.{70}/g, "$&\n");
  return {
    public_key: `ssh-ed25519 ${base64(publicBlob)} ${name}`,
    private_key:
      `-----BEGIN OPENSSH PRIVATE KEY-----\n${privateBody}\n-----END OPENSSH PRIVATE KEY-----\n`,
  };
}

function addSshKey({ state, request, body }: HandlerContext) {
  const sent = isRecord(body) ? body : {};
  const added = typeof sent.public_key === "string" && state.assumptions.publicKey === "trimmed"
    ? { ...sent, public_key: sent.public_key.trim() }
    : body;
  validateWith(() => checkCreateSshKeyRequest(added));
  // Production takes a second key under a name already used (SkyPilot #8221), and the spec puts
  // no rule on the key's text beyond its length: neither is refused here.
  const { name, public_key } = added as CreateSshKeyRequest;
  const id = state.random.id();
  const generated = public_key === undefined ? generateKeyPair(state, name) : undefined;
  const key: SshKey = { id, name, public_key: generated?.public_key ?? public_key! };
  state.sshKeys.set(id, key);
  state.audit(request, "ssh_key", "created", [id], { name, generated: generated !== undefined });
  return ok(generated ? { ...key, private_key: generated.private_key } : { ...key });
}

function deleteSshKey({ state, request, params }: HandlerContext) {
  const key = state.sshKeys.get(params.id!);
  if (!key) throw notFound("SSH key was not found.", "Check the SSH key ID and try again.");
  // `ssh-keys/key-in-use` is a code seen in the wild (users-and-pitfalls.md); when it is sent
  // (while a live instance names the key) is our assumption, and its status the `keyInUse` one.
  const user = state.liveInstances().find((record) => record.sshKeyNames.includes(key.name));
  if (user) {
    throw new EmulatedError(
      Number(state.assumptions.keyInUse),
      "ssh-keys/key-in-use",
      `SSH key '${key.name}' is in use by instance ${user.id}.`,
      "Terminate the instances that use it first.",
    );
  }
  state.sshKeys.delete(key.id);
  state.audit(request, "ssh_key", "deleted", [key.id]);
  return ok({});
}

function createFilesystem({ state, request, body }: HandlerContext) {
  validateWith(() => checkCreateFilesystemRequest(body));
  if (!state.billingAddressValid) throw invalidAddress();
  const { name, region: regionName } = body as CreateFilesystemRequest;
  const region = state.region(regionName);
  if (!region) throw invalidParameters(`Invalid request: region '${regionName}' does not exist`);
  const all = [...state.filesystems.values()];
  if (all.some((fs) => fs.name === name)) {
    throw new EmulatedError(
      400,
      "global/duplicate",
      `A filesystem named '${name}' already exists.`,
      "Choose another name.",
    );
  }
  if (all.length >= state.quota.filesystems) {
    throw new EmulatedError(
      400,
      "global/quota-exceeded",
      `Quota exceeded: at most ${state.quota.filesystems} filesystems.`,
      "Contact Support to increase your quota.",
    );
  }
  const id = state.random.id();
  const record = { id, name, region: { ...region }, created: state.now(), bytesUsed: 0 };
  state.filesystems.set(id, record);
  state.audit(request, "filesystem", "created", [id], { name, region: region.name });
  return ok(state.filesystemView(record));
}

function deleteFilesystem({ state, request, params }: HandlerContext) {
  const record = state.filesystems.get(params.id!);
  if (!record) throw objectDoesNotExist("Filesystem was not found.");
  if (state.filesystemView(record).is_in_use) {
    throw new EmulatedError(
      400,
      "filesystems/filesystem-in-use",
      `Filesystem '${record.name}' is mounted on a running instance.`,
      "Terminate the instances that use it first.",
    );
  }
  state.filesystems.delete(record.id);
  state.audit(request, "filesystem", "deleted", [record.id], { region: record.region.name });
  return ok({ deleted_ids: [record.id] });
}

/** The handlers for regions, images, SSH keys and filesystems. */
export const ACCOUNT_HANDLERS = {
  listRegions: ({ state }) => ok(state.catalog.regions.map((region) => ({ ...region }))),
  listImages: ({ state }) => ok(structuredClone(state.catalog.images)),
  listSSHKeys: ({ state }) => ok([...state.sshKeys.values()].map((key) => ({ ...key }))),
  addSSHKey: addSshKey,
  deleteSSHKey: deleteSshKey,
  listFilesystems: ({ state }) =>
    ok([...state.filesystems.values()].map((record) => state.filesystemView(record))),
  createFilesystem,
  filesystemDelete: deleteFilesystem,
} satisfies Partial<Record<OperationId, Handler>>;
