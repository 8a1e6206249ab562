// `lambda auth` through the real entrypoint, with the permissions of the README's install line,
// against an emulator served on 127.0.0.1: a key piped in, a profile that holds the emulator's
// address, the file on disk (mode 600, and refused at 644), and on a pseudo-terminal (util-linux
// `script`) the prompt that does not echo what is typed.

import { assert, assertEquals, assertMatch } from "@std/assert";
import { installFlags, lambda, type Served, withServedEmulator } from "./_entrypoint.ts";
import { hasScript, startOnTerminal } from "./_terminal.ts";

/** A home of folders under .tmp (configuration and cache), with the install's permissions. */
interface Home {
  env: Record<string, string>;
  permissions: string[];
  /** The credentials file. */
  file: string;
}

/** A test that runs `body` in a new home, removed after, beside an emulator served on 127.0.0.1. */
function atHome(body: (home: Home, served: Served) => Promise<void>): () => Promise<void> {
  return async () => {
    await Deno.mkdir(".tmp", { recursive: true });
    const root = await Deno.realPath(await Deno.makeTempDir({ dir: ".tmp", prefix: "home-" }));
    const [config, cache] = [`${root}/config`, `${root}/cache`];
    const home = {
      env: { XDG_CONFIG_HOME: config, XDG_CACHE_HOME: cache },
      permissions: installFlags({ cache, config }),
      file: `${config}/lambda-cloud/credentials`,
    };
    try {
      await withServedEmulator({}, (served) => body(home, served));
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  };
}

const mode = async (path: string) => (await Deno.stat(path)).mode! & 0o777;
const linux = Deno.build.os === "linux";

Deno.test({
  name:
    "auth entrypoint: a key piped in, a profile with the emulator's address, list, status and logout",
  ignore: !linux,
  fn: atHome(async ({ env, permissions, file }, { emulator, server }) => {
    // Neither LAMBDA_API_KEY nor LAMBDA_BASE_URL: the profile holds both.
    const run = (args: string[], more: Record<string, string> = {}, stdin?: string) =>
      lambda(args, { permissions, env: { ...env, ...more }, ...(stdin ? { stdin } : {}) });
    const login = await run(
      ["auth", "login", "--profile", "emulator", "--base-url", server.url, "--with-key-stdin"],
      {},
      `${emulator.apiKey}\n`,
    );
    assertEquals(login.code, 0, login.err);
    assertEquals(login.out.split("\n"), [
      `Stored the key …tor as profile 'emulator', in ${file}`,
      `The API at ${server.url} accepted it.`,
    ]);
    assertEquals(await mode(file), 0o600);
    assertEquals(await mode(`${env.XDG_CONFIG_HOME}/lambda-cloud`), 0o700);
    assertMatch(await Deno.readTextFile(file), /\nLAMBDA_API_KEY_emulator=secret_emulator\n/);

    const byProfile = await run(["regions", "-q", "--profile", "emulator"]);
    assertEquals([byProfile.code, byProfile.out.split("\n").length], [0, 12], byProfile.err);
    const status = await run(["auth", "status"], { LAMBDA_PROFILE: "emulator" });
    assertEquals(status.out.split("\n"), [
      `Key:   …tor, from profile 'emulator' (LAMBDA_PROFILE) in ${file}`,
      `API:   ${server.url} (the profile's)`,
      "Works: yes, the API accepted it",
    ]);
    const list = await run(["auth", "list", "--json"]);
    assertEquals(JSON.parse(list.out), [{
      profile: "emulator",
      key: "…tor",
      base_url: server.url,
    }]);
    const logout = await run(["auth", "logout", "--profile", "emulator", "--yes"]);
    assertEquals(logout.code, 0, logout.err);
    assert(!(await Deno.readTextFile(file)).includes("emulator"));
    assertEquals(await mode(file), 0o600);
  }),
});

Deno.test({
  name:
    "auth entrypoint: a credentials file others may read (mode 644) is refused, naming chmod 600",
  ignore: !linux,
  fn: atHome(async ({ env, permissions, file }, { emulator, run }) => {
    await Deno.mkdir(`${env.XDG_CONFIG_HOME}/lambda-cloud`, { recursive: true, mode: 0o700 });
    await Deno.writeTextFile(file, `LAMBDA_API_KEY_default=${emulator.apiKey}\n`);
    await Deno.chmod(file, 0o644);
    const refused = await run(["regions"], {
      permissions,
      env: { ...env, LAMBDA_API_KEY: "" },
    });
    assertEquals(refused.code, 3);
    assertEquals(refused.err.split("\n"), [
      `error: ${file} may be read or changed by other users (mode 644): it is refused, and nothing was read from it`,
      `  suggestion: make it private to you: chmod 600 ${file}`,
    ]);
    assertEquals(emulator.requests.length, 0);
    await Deno.chmod(file, 0o600);
    const accepted = await run(["regions", "-q"], {
      permissions,
      env: { ...env, LAMBDA_API_KEY: "" },
    });
    assertEquals(accepted.code, 0, accepted.err);
  }),
});

/**
 * Runs `lambda args` on a pseudo-terminal (util-linux `script`), types `typed` once `prompt` shows
 * (typed earlier, the terminal would echo it before the prompt turns echo off), and returns all the
 * terminal showed.
 */
async function typedAtPrompt(
  args: string[],
  spawn: { env: Record<string, string>; permissions: string[] },
  prompt: string,
  typed: string,
): Promise<{ code: number; shown: string }> {
  const child = startOnTerminal(args, { ...spawn, env: { ...spawn.env, NO_COLOR: "1" } });
  const decoder = new TextDecoder();
  let shown = "";
  const reader = child.stdout.getReader();
  const writer = child.stdin.getWriter();
  let typedYet = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    shown += decoder.decode(value, { stream: true });
    if (!typedYet && shown.includes(prompt)) {
      typedYet = true;
      await writer.write(new TextEncoder().encode(`${typed}\r`));
      await writer.close();
    }
  }
  if (!typedYet) await writer.close();
  const { code } = await child.status;
  return { code, shown: shown.replaceAll("\r\n", "\n") };
}

Deno.test({
  name: "auth entrypoint: on a terminal, login asks for the key and does not echo what is typed",
  ignore: !hasScript,
  fn: atHome(async ({ env, permissions, file }, { emulator, server }) => {
    const prompt = "Paste your Lambda API key (it does not show as you type):";
    const { code, shown } = await typedAtPrompt(
      ["auth", "login", "--profile", "tty", "--base-url", server.url],
      { env: { ...env, LAMBDA_API_KEY: "" }, permissions },
      prompt,
      emulator.apiKey,
    );
    assertEquals(code, 0, shown);
    assert(shown.includes(prompt), shown);
    // The terminal showed the prompt and the outcome, never the key.
    assert(!shown.includes(emulator.apiKey), shown);
    assertMatch(shown, /Stored the key …tor as profile 'tty'/);
    assertMatch(await Deno.readTextFile(file), /\nLAMBDA_API_KEY_tty=secret_emulator\n/);
  }),
});
