// Regions, images, SSH keys and filesystems.

import { checkCreateFilesystemRequest } from "../_rules/file_systems.ts";
import type { CreateFilesystemRequest } from "../types/file_systems.ts";
import { checkCreateSshKeyRequest } from "../_rules/ssh_keys.ts";
import type { CreateSshKeyRequest, SshKey } from "../types/ssh_keys.ts";
import {
  EmulatedError,
  invalidParameters,
  notFound,
  objectDoesNotExist,
  validateWith,
} from "./_errors.ts";
import { type Handler, type HandlerContext, ok } from "./_handler.ts";
import type { EmulatorState } from "./_state.ts";
import type { OperationId } from "./operations.ts";

const PUBLIC_KEY =
  /^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-\S+) [A-Za-z0-9+/]+={0,3}( .*)?$/;

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
  validateWith(() => checkCreateSshKeyRequest(body));
  const { name, public_key } = body as CreateSshKeyRequest;
  if ([...state.sshKeys.values()].some((key) => key.name === name)) {
    throw invalidParameters(
      `An SSH key named '${name}' already exists.`,
      "Choose another name, or delete the existing key first.",
    );
  }
  if (public_key !== undefined && !PUBLIC_KEY.test(public_key.trim())) {
    throw invalidParameters(
      "Invalid request: 'public_key' is not an OpenSSH public key",
      "Paste the contents of your .pub file, such as 'ssh-ed25519 AAAA… you@host'.",
    );
  }
  const id = state.random.id();
  const generated = public_key === undefined ? generateKeyPair(state, name) : undefined;
  const key: SshKey = { id, name, public_key: generated?.public_key ?? public_key!.trim() };
  state.sshKeys.set(id, key);
  state.audit(request, "ssh_key", "create", [id], { name, generated: generated !== undefined });
  return ok(generated ? { ...key, private_key: generated.private_key } : { ...key });
}

function deleteSshKey({ state, request, params }: HandlerContext) {
  if (!state.sshKeys.delete(params.id!)) {
    throw notFound("SSH key was not found.", "Check the SSH key ID and try again.");
  }
  state.audit(request, "ssh_key", "delete", [params.id!]);
  return ok({});
}

function createFilesystem({ state, request, body }: HandlerContext) {
  validateWith(() => checkCreateFilesystemRequest(body));
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
  state.audit(request, "filesystem", "create", [id], { name }, region.name);
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
  state.audit(request, "filesystem", "delete", [record.id], {}, record.region.name);
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
