// The file of `lambda auth`'s profiles on disk, through the Deno namespace itself in a folder of
// .tmp: where it goes on each platform, mode 600 in a folder of 700, refused unread when others may
// read it, and replaced whole by a rename, so that a failure leaves the old file as it was.

import { assert, assertEquals, assertRejects } from "@std/assert";
import {
  type CredentialsDeno,
  credentialsFile,
  CredentialsUnavailableError,
} from "../lib/cli/_credentials_file.ts";
import { CliError } from "../lib/cli/_report.ts";
import { Profiles } from "../lib/cli/_profiles.ts";

/** The Deno namespace with `env` for environment, every permission granted unless `denied`. */
function denoWith(
  env: Record<string, string>,
  overrides: Partial<CredentialsDeno> = {},
  denied: readonly string[] = [],
): CredentialsDeno {
  return {
    build: { os: "linux" },
    env: { get: (name) => env[name] },
    permissions: {
      querySync: (descriptor) => ({
        state: denied.includes(descriptor.name) ? "prompt" : "granted",
      }),
    },
    mkdir: (path, options) => Deno.mkdir(path, options),
    open: (path, options) => Deno.open(path, options),
    rename: (from, to) => Deno.rename(from, to),
    remove: (path) => Deno.remove(path),
    ...overrides,
  };
}

/** A fresh configuration folder under .tmp, removed after `body`. */
async function inConfigFolder(body: (config: string) => Promise<void>): Promise<void> {
  await Deno.mkdir(".tmp", { recursive: true });
  const config = await Deno.realPath(await Deno.makeTempDir({ dir: ".tmp", prefix: "config-" }));
  try {
    await body(config);
  } finally {
    await Deno.remove(config, { recursive: true });
  }
}

const mode = async (path: string) => (await Deno.stat(path)).mode! & 0o777;
const linux = Deno.build.os !== "windows";

Deno.test("credentials file: in the user's configuration folder, as each platform names it", () => {
  const where = (env: Record<string, string>, os = "linux") =>
    credentialsFile(denoWith(env, { build: { os } })).where;
  assertEquals(
    where({ XDG_CONFIG_HOME: "/x/config", HOME: "/home/u" }),
    "/x/config/lambda-cloud/credentials",
  );
  assertEquals(where({ HOME: "/home/u" }), "/home/u/.config/lambda-cloud/credentials");
  assertEquals(
    where({ APPDATA: "C:\\Users\\u\\AppData\\Roaming" }, "windows"),
    "C:\\Users\\u\\AppData\\Roaming\\lambda-cloud\\credentials",
  );
});

Deno.test("credentials file: without a folder, or permission to use it, it says which flag is missing", async () => {
  const none = credentialsFile(denoWith({}));
  const error = await assertRejects(() => none.read(), CredentialsUnavailableError);
  assertEquals(
    error.why,
    "no configuration folder: XDG_CONFIG_HOME and HOME unset, or not readable without --allow-env=XDG_CONFIG_HOME,HOME",
  );
  const windows = credentialsFile(denoWith({}, { build: { os: "windows" } }));
  await assertRejects(() => windows.read(), CredentialsUnavailableError, "--allow-env=APPDATA");
  const unwritable = credentialsFile(denoWith({ HOME: "/home/u" }, {}, ["write"]));
  const why = await assertRejects(() => unwritable.write("x"), CredentialsUnavailableError);
  assertEquals(
    why.why,
    "no permission to read and write /home/u/.config/lambda-cloud: --allow-read --allow-write=/home/u/.config/lambda-cloud",
  );
});

Deno.test({
  name: "credentials file: created with mode 600 in a folder of 700, and replaced whole",
  ignore: !linux,
  fn: () =>
    inConfigFolder(async (config) => {
      const file = credentialsFile(denoWith({ XDG_CONFIG_HOME: config }));
      assertEquals(await file.read(), undefined);
      await file.write("A=1\n");
      assertEquals(await mode(`${config}/lambda-cloud`), 0o700);
      assertEquals(await mode(file.where), 0o600);
      await file.write("A=2\nB=3\n");
      assertEquals(await file.read(), "A=2\nB=3\n");
      assertEquals(await mode(file.where), 0o600);
      // Nothing is left beside it.
      assertEquals(
        (await Array.fromAsync(Deno.readDir(`${config}/lambda-cloud`))).map((entry) => entry.name),
        ["credentials"],
      );
    }),
});

Deno.test({
  name: "credentials file: one that others may read is refused, unread, naming chmod 600",
  ignore: !linux,
  fn: () =>
    inConfigFolder(async (config) => {
      let reads = 0;
      const file = credentialsFile(denoWith({ XDG_CONFIG_HOME: config }, {
        open: async (path, options) => {
          const handle = await Deno.open(path, options);
          return {
            stat: () => handle.stat(),
            get readable() {
              reads++;
              return handle.readable;
            },
            write: (bytes) => handle.write(bytes),
            syncData: () => handle.syncData(),
            lock: (exclusive) => handle.lock(exclusive),
            close: () => handle.close(),
          };
        },
      }));
      await file.write("LAMBDA_API_KEY_default=secret_x\n");
      for (const loose of [0o644, 0o640, 0o604, 0o620]) {
        await Deno.chmod(file.where, loose);
        const error = await assertRejects(() => file.read(), CliError);
        assertEquals(error.exitCode, 3);
        assertEquals(
          error.message,
          `${file.where} may be read or changed by other users (mode ${
            loose.toString(8)
          }): it is refused, and nothing was read from it`,
        );
        assertEquals(error.suggestion, `make it private to you: chmod 600 ${file.where}`);
      }
      assertEquals(reads, 0);
      await Deno.chmod(file.where, 0o600);
      assertEquals(await file.read(), "LAMBDA_API_KEY_default=secret_x\n");
      assertEquals(reads, 1);
    }),
});

Deno.test({
  name: "credentials file: a write that fails leaves the old file as it was, and nothing beside it",
  ignore: !linux,
  fn: () =>
    inConfigFolder(async (config) => {
      const env = { XDG_CONFIG_HOME: config };
      const good = credentialsFile(denoWith(env));
      await good.write("A=old\n");
      const failing: Partial<CredentialsDeno>[] = [
        { rename: () => Promise.reject(new Error("rename failed")) },
        {
          open: async (path, options) => {
            const handle = await Deno.open(path, options);
            return {
              stat: () => handle.stat(),
              get readable() {
                return handle.readable;
              },
              write: () => Promise.reject(new Error("No space left on device")),
              syncData: () => handle.syncData(),
              lock: (exclusive) => handle.lock(exclusive),
              close: () => handle.close(),
            };
          },
        },
      ];
      for (const overrides of failing) {
        await assertRejects(() => credentialsFile(denoWith(env, overrides)).write("A=new\n"));
        assertEquals(await good.read(), "A=old\n");
        const names = (await Array.fromAsync(Deno.readDir(`${config}/lambda-cloud`))).map((
          entry,
        ) => entry.name);
        assertEquals(names, ["credentials"]);
      }
      assert((await Deno.stat(good.where)).isFile);
    }),
});

Deno.test({
  name: "credentials file: logins and logouts at once all land, each change made under its lock",
  ignore: !linux,
  fn: () =>
    inConfigFolder(async (config) => {
      const profiles = () => new Profiles(credentialsFile(denoWith({ XDG_CONFIG_HOME: config })));
      await profiles().save("old", { apiKey: "secret_old" });
      // Each run read the file before any other changed it, as runs started together do.
      const runs = ["work", "staging", "prod", "old"].map((name) => ({ name, run: profiles() }));
      await Promise.all(runs.map(({ run }) => run.names()));
      await Promise.all(runs.map(({ name, run }) =>
        name === "old" ? run.remove(name) : run.save(name, { apiKey: `secret_${name}` })
      ));
      assertEquals((await profiles().names()).sort(), ["prod", "staging", "work"]);
    }),
});
