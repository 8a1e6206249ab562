// Reads one environment variable without ever prompting, crashing, or needing more than that one
// variable's permission. This is the only place in lib/ that touches `Deno.*`.

interface DenoLike {
  env?: { get(name: string): string | undefined };
  permissions?: {
    querySync?(descriptor: { name: "env"; variable: string }): { state: string };
  };
}

interface ProcessLike {
  env?: Record<string, string | undefined>;
}

/** The globals `readEnv` looks at; a parameter so tests can stand in for other runtimes. */
export interface RuntimeGlobals {
  Deno?: DenoLike;
  process?: ProcessLike;
}

/**
 * Whether `name` may be read here without a prompt: always off Deno, and on Deno only when the
 * permission is granted ("prompt" can also mean "denied" under --no-prompt).
 */
export function mayReadEnv(
  name: string,
  runtime: RuntimeGlobals = globalThis as RuntimeGlobals,
): boolean {
  const deno = runtime.Deno;
  if (!deno?.env) return true;
  try {
    const state = deno.permissions?.querySync?.({ name: "env", variable: name }).state;
    return state === undefined || state === "granted";
  } catch {
    return false;
  }
}

/**
 * The value of `name`, or `undefined` when it is unset or cannot be read here: on Deno without
 * `--allow-env=<name>` (a TTY user is not prompted), or on a runtime with neither `Deno` nor
 * `process`.
 */
export function readEnv(
  name: string,
  runtime: RuntimeGlobals = globalThis as RuntimeGlobals,
): string | undefined {
  const deno = runtime.Deno;
  if (deno?.env) {
    if (!mayReadEnv(name, runtime)) return undefined;
    try {
      return deno.env.get(name);
    } catch {
      return undefined;
    }
  }
  try {
    return runtime.process?.env?.[name];
  } catch {
    return undefined;
  }
}
