// Commands for regions, images, SSH keys and filesystems.

import type { GeneratedSshKey } from "../types/ssh_keys.ts";
import { UsageError } from "./_args.ts";
import { type Command, flag, requiredFlag } from "./_command.ts";
import { table } from "./_table.ts";

/** The region, image, SSH key and filesystem commands. */
export const ACCOUNT_COMMANDS: Command[] = [
  {
    name: ["regions"],
    summary: "List regions",
    async run({ client }) {
      const regions = await client.regions.list();
      return {
        data: regions,
        lines: table(["region", "description"], regions.map((r) => [r.name, r.description])),
      };
    },
  },
  {
    name: ["images"],
    summary: "List images",
    flags: {
      region: { kind: "string", value: "REGION", help: "only this region" },
      family: { kind: "string", value: "FAMILY", help: "only this family" },
    },
    async run({ client, args }) {
      const region = flag(args, "region");
      const family = flag(args, "family");
      const images = (await client.images.list()).filter((image) =>
        (region === undefined || image.region.name === region) &&
        (family === undefined || image.family === family)
      );
      return {
        data: images,
        lines: table(
          ["id", "family", "version", "arch", "region"],
          images.map((i) => [i.id, i.family, i.version, i.architecture, i.region.name]),
        ),
      };
    },
  },
  {
    name: ["ssh-keys", "list"],
    summary: "List SSH keys",
    async run({ client }) {
      const keys = await client.sshKeys.list();
      return {
        data: keys,
        lines: table(
          ["id", "name", "public key"],
          keys.map((key) => [key.id, key.name, `${key.public_key.slice(0, 40)}…`]),
        ),
      };
    },
  },
  {
    name: ["ssh-keys", "add"],
    summary: "Add an SSH key, or have Lambda generate a pair",
    usage: "<name>",
    positionals: { min: 1, max: 1 },
    mutating: true,
    flags: {
      "public-key": { kind: "string", value: "KEY", help: "the public key text" },
      "public-key-file": { kind: "string", value: "PATH", help: "a .pub file to upload" },
      "save-private-key": {
        kind: "string",
        value: "PATH",
        help: "with neither of the above: where to save the generated private key (mode 600)",
      },
    },
    async run({ client, args, io }) {
      const name = args.positionals[0]!;
      const text = flag(args, "public-key");
      const path = flag(args, "public-key-file");
      if (text !== undefined && path !== undefined) {
        throw new UsageError("give '--public-key' or '--public-key-file', not both");
      }
      const publicKey = path === undefined ? text : (await io.readTextFile(path)).trim();
      const savePath = flag(args, "save-private-key");
      if (publicKey !== undefined && savePath !== undefined) {
        throw new UsageError("'--save-private-key' only applies when Lambda generates the pair");
      }
      const key = publicKey === undefined
        ? await client.sshKeys.create({ name })
        : await client.sshKeys.create({ name, public_key: publicKey });
      const privateKey = (key as Partial<GeneratedSshKey>).private_key;
      const lines = [`Added SSH key '${key.name}' (${key.id})`];
      if (privateKey !== undefined && savePath !== undefined) {
        await io.writeSecretFile(savePath, privateKey);
        lines.push(`Saved its private key to ${savePath}; Lambda keeps no copy.`);
      } else if (privateKey !== undefined) {
        lines.push(
          "Its private key, shown this once (Lambda keeps no copy):",
          privateKey.trimEnd(),
        );
      }
      return { data: key, lines };
    },
  },
  {
    name: ["ssh-keys", "delete"],
    summary: "Delete an SSH key",
    usage: "<id>",
    positionals: { min: 1, max: 1 },
    mutating: true,
    async run({ client, args }) {
      await client.sshKeys.delete(args.positionals[0]!);
      return { data: {}, lines: [`Deleted SSH key ${args.positionals[0]}`] };
    },
  },
  {
    name: ["filesystems", "list"],
    summary: "List filesystems",
    async run({ client }) {
      const filesystems = await client.fileSystems.list();
      return {
        data: filesystems,
        lines: table(
          ["id", "name", "region", "in use", "mount point"],
          filesystems.map((fs) => [
            fs.id,
            fs.name,
            fs.region.name,
            fs.is_in_use ? "yes" : "no",
            fs.mount_point,
          ]),
        ),
      };
    },
  },
  {
    name: ["filesystems", "create"],
    summary: "Create a filesystem",
    usage: "<name>",
    positionals: { min: 1, max: 1 },
    mutating: true,
    flags: { region: { kind: "string", value: "REGION", help: "its region (required)" } },
    async run({ client, args }) {
      const fs = await client.fileSystems.create({
        name: args.positionals[0]!,
        region: requiredFlag(args, "region"),
      });
      return {
        data: fs,
        lines: [`Created filesystem '${fs.name}' (${fs.id}) in ${fs.region.name}`],
      };
    },
  },
  {
    name: ["filesystems", "delete"],
    summary: "Delete a filesystem (it must not be mounted)",
    usage: "<id>",
    positionals: { min: 1, max: 1 },
    mutating: true,
    async run({ client, args }) {
      const { deleted_ids } = await client.fileSystems.delete(args.positionals[0]!);
      return { data: { deleted_ids }, lines: [`Deleted filesystem ${deleted_ids.join(", ")}`] };
    },
  },
];
