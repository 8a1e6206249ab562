// Commands for regions, images, SSH keys and filesystems.

import type { GeneratedSshKey, SshKey } from "../../mod.ts";
import { type FlagSpec, UsageError } from "./_args.ts";
import {
  type Command,
  type CommandContext,
  type CommandOutput,
  flag,
  flagFile,
  listCommand,
  type MustReach,
  requiredFlag,
  type SecretFile,
  takes,
} from "./_command.ts";
import { deleteCommand } from "./_delete.ts";
import { EXIT } from "./_exit.ts";
import {
  ALLOW_DUPLICATE_FLAG,
  checkKnown,
  checkListed,
  checkNewName,
  IMAGE_FAMILY,
  NEW_RESOURCE_REGION_FLAG,
  REGION,
  seenIn,
} from "./_known_values.ts";

/**
 * A generated private key, which must reach the user whatever becomes of stdout: Lambda keeps no
 * copy. Line by line (a line printed holds no line feed, see _output.ts), each exactly as it is,
 * a carriage return included, since it is the user's key and not text to show.
 */
export function privateKeyMustReach(id: unknown, privateKey: string): MustReach {
  return {
    lines: (privateKey.endsWith("\n") ? privateKey.slice(0, -1) : privateKey).split("\n"),
    fields: { ssh_key_id: id, private_key: privateKey },
    secret: true,
  };
}

/** The option that prints a generated private key to a pipe or a file. */
export const PRINT_KEY_FLAG: FlagSpec = {
  kind: "boolean",
  help: "print a generated private key even to a pipe or a file (a terminal shows it anyway)",
};

/**
 * Refuses, before anything is sent, to have Lambda generate a private key that would be printed
 * to a pipe or a file, unless `--print-private-key` says to. A pipe's reader may stop early
 * (`| head -1`), and nobody can tell: the rest of a key Lambda keeps no copy of would be lost,
 * with the run none the wiser. `generates` says whether the call would make a key to print;
 * `otherwise`, what else to do.
 */
export function checkPrintedKey(
  context: CommandContext,
  generates: boolean,
  otherwise: string,
): void {
  const printing = context.args.booleans.has("print-private-key");
  if (printing && !generates) {
    throw new UsageError(
      "'--print-private-key' only applies when Lambda generates a key pair that is not saved",
    );
  }
  if (generates && !printing && !context.dryRun && !context.io.stdoutIsTerminal) {
    throw new UsageError(
      `the generated private key would be printed to a pipe or a file, where a reader that stops early (| head -1) loses the rest for good, since Lambda keeps no copy: ${otherwise}, or '--print-private-key' to print it anyway`,
    );
  }
}

/** Opens the file for a generated private key before the key exists, so a bad path costs nothing. */
async function openKeyFile(context: CommandContext, path: string): Promise<SecretFile> {
  try {
    return await context.io.createSecretFile(path);
  } catch (error) {
    throw new UsageError(
      `cannot save a private key to '${path}': ${
        error instanceof Error ? error.message : String(error)
      }. Nothing was sent`,
    );
  }
}

async function addSshKey(context: CommandContext): Promise<CommandOutput> {
  const { client, args, io } = context;
  const name = args.positionals[0]!;
  const text = flag(args, "public-key");
  const path = flag(args, "public-key-file");
  const savePath = flag(args, "save-private-key");
  if (text !== undefined && path !== undefined) {
    throw new UsageError("give '--public-key' or '--public-key-file', not both");
  }
  const uploading = text !== undefined || path !== undefined;
  if (uploading && savePath !== undefined) {
    throw new UsageError("'--save-private-key' only applies when Lambda generates the pair");
  }
  if (!uploading && savePath === undefined && context.quiet) {
    throw new UsageError(
      "with '--quiet' the generated private key would not be shown: give '--save-private-key PATH'",
    );
  }
  checkPrintedKey(
    context,
    !uploading && savePath === undefined,
    "give '--save-private-key PATH'",
  );
  const publicKey = path === undefined
    ? text
    : (await flagFile(io, args, "public-key-file"))!.trim();
  const file = savePath === undefined || context.dryRun
    ? undefined
    : await openKeyFile(context, savePath);
  let key: SshKey | GeneratedSshKey;
  try {
    // After every check that needs no request, so that a mistake there sends nothing.
    checkNewName(
      context,
      "SSH key",
      name,
      await context.lookup.sshKeys(),
      "a launch names its key, and Lambda cannot tell two of one name apart",
    );
    key = await client.sshKeys.create(
      publicKey === undefined ? { name } : { name, public_key: publicKey },
      { signal: context.signal },
    );
  } catch (error) {
    await file?.discard();
    throw error;
  }
  const { private_key: privateKey, ...publicPart } = key as Partial<GeneratedSshKey> & SshKey;
  const added = `Added SSH key '${key.name}' (${key.id})`;
  if (privateKey === undefined) {
    await file?.discard();
    return { data: key, lines: [added], ids: [key.id] };
  }
  const mustReach = privateKeyMustReach(key.id, privateKey);
  const keyLines = mustReach.lines;
  if (file === undefined) {
    return {
      data: key,
      lines: [added, "Its private key, shown this once (Lambda keeps no copy):"],
      secretLines: keyLines,
      ids: [key.id],
      mustReach,
    };
  }
  try {
    await file.write(privateKey);
  } catch (error) {
    // Lambda keeps no copy: losing the key now would lose it for good, so show it once, whatever
    // the output: under --quiet stdout holds ids only, so the key goes to stderr with the warning.
    const reason = error instanceof Error ? error.message : String(error);
    const warning = `warning: could not save the private key to '${savePath}' (${reason}); ${
      context.quiet
        ? "here it is"
        : context.json
        ? "it is in the JSON output"
        : "it is printed above"
    }, this once, since Lambda keeps no copy`;
    return {
      data: key,
      lines: [added],
      secretLines: keyLines,
      ids: [key.id],
      warnings: [warning],
      exitCode: EXIT.failed,
      mustReach: { ...mustReach, offStdout: context.quiet },
    };
  }
  return {
    data: { ...publicPart, private_key_file: savePath },
    lines: [
      added,
      `Saved its private key to ${savePath} (readable by you only); Lambda keeps no copy.`,
    ],
    ids: [key.id],
  };
}

/** The region, image, SSH key and filesystem commands. */
export const ACCOUNT_COMMANDS: Command[] = [
  listCommand(
    {
      name: ["regions"],
      summary: "List regions",
      columns: ["REGION", "DESCRIPTION"],
      examples: ["lambda regions", "lambda regions -q"],
    },
    ({ client, signal }) => client.regions.list({ signal }),
    (r) => ({ REGION: r.name, DESCRIPTION: r.description }),
  ),
  listCommand(
    {
      name: ["images"],
      summary: "List images",
      flags: {
        region: { kind: "string", value: "REGION", help: "only this region", complete: "regions" },
        family: { kind: "string", value: "FAMILY", help: "only this family" },
      },
      columns: ["ID", "FAMILY", "VERSION", "ARCH", "REGION"],
      examples: ["lambda images --region us-east-1", "lambda images --family lambda-stack-24-04"],
    },
    async ({ client, args, lookup, signal }) => {
      const region = flag(args, "region");
      const family = flag(args, "family");
      const images = await client.images.list({ signal });
      const families = [...new Set(images.map((image) => image.family))];
      await checkKnown(IMAGE_FAMILY, family === undefined ? undefined : [family], () => families);
      await checkListed(
        REGION,
        lookup,
        region === undefined ? undefined : [region],
        seenIn(images, (image) => image.region.name),
      );
      return images.filter((image) =>
        (region === undefined || image.region.name === region) &&
        (family === undefined || image.family === family)
      );
    },
    (i) => ({
      ID: i.id,
      FAMILY: i.family,
      VERSION: i.version,
      ARCH: i.architecture,
      REGION: i.region.name,
    }),
  ),
  listCommand(
    {
      name: ["ssh-keys", "list"],
      summary: "List SSH keys",
      columns: ["ID", "NAME", "PUBLIC_KEY"],
      examples: ["lambda ssh-keys list", "lambda ssh-keys ls --format NAME --no-header"],
    },
    ({ client, signal }) => client.sshKeys.list({ signal }),
    (key) => ({ ID: key.id, NAME: key.name, PUBLIC_KEY: `${key.public_key.slice(0, 40)}…` }),
  ),
  {
    name: ["ssh-keys", "add"],
    summary: "Add an SSH key, or have Lambda generate a pair",
    ...takes("<name>"),
    mutating: true,
    flags: {
      "public-key": { kind: "string", value: "KEY", help: "the public key text" },
      "public-key-file": { kind: "string", value: "PATH", help: "a .pub file to upload" },
      "save-private-key": {
        kind: "string",
        value: "PATH",
        help: "with neither of the above: a new file for the generated private key (mode 600)",
      },
      "print-private-key": {
        kind: "boolean",
        help:
          "print the generated private key even to a pipe or a file (a terminal shows it anyway)",
      },
      "allow-duplicate": ALLOW_DUPLICATE_FLAG,
    },
    examples: [
      "lambda ssh-keys add laptop --public-key-file ~/.ssh/id_ed25519.pub",
      "lambda ssh-keys add ci --save-private-key ci.pem",
    ],
    run: addSshKey,
  },
  {
    ...deleteCommand(
      ["ssh-keys"],
      "SSH key",
      (context, ref) => context.lookup.sshKey(ref),
      (context, id) => context.client.sshKeys.delete(id, { signal: context.signal }),
      "laptop",
    ),
    completes: "ssh-keys",
  },
  listCommand(
    {
      name: ["filesystems", "list"],
      summary: "List filesystems",
      columns: ["ID", "NAME", "REGION", "IN_USE", "MOUNT_POINT"],
      examples: ["lambda filesystems list"],
    },
    ({ client, signal }) => client.fileSystems.list({ signal }),
    (fs) => ({
      ID: fs.id,
      NAME: fs.name,
      REGION: fs.region.name,
      IN_USE: fs.is_in_use ? "yes" : "no",
      MOUNT_POINT: fs.mount_point,
    }),
  ),
  {
    name: ["filesystems", "create"],
    summary: "Create a filesystem",
    ...takes("<name>"),
    mutating: true,
    flags: { region: NEW_RESOURCE_REGION_FLAG },
    examples: ["lambda filesystems create datasets --region us-east-1"],
    async run({ client, args, signal }) {
      const fs = await client.fileSystems.create({
        name: args.positionals[0]!,
        region: requiredFlag(args, "region"),
      }, { signal });
      return {
        data: fs,
        lines: [`Created filesystem '${fs.name}' (${fs.id}) in ${fs.region.name}`],
        ids: [fs.id],
      };
    },
  },
  deleteCommand(
    ["filesystems"],
    "filesystem",
    (context, ref) => context.lookup.fileSystem(ref),
    (context, id) => context.client.fileSystems.delete(id, { signal: context.signal }),
    "datasets",
    "Delete a filesystem and its data (it must not be mounted)",
  ),
];
