// The emulator as a command: `deno run --allow-net=127.0.0.1 jsr:@lambda-cloud/client/testing`.

import { LambdaEmulator } from "./emulator.ts";
import type { EmulatorServer } from "./emulator.ts";

const USAGE = "Usage: emulator [--port N] [--seed N] [--api-key KEY] [--boot-seconds N] " +
  "[--no-rate-limit]";

/** Parses `args`, starts the server, prints its URL, and returns it. */
export async function runEmulatorCommand(
  args: readonly string[],
  print: (line: string) => void,
): Promise<EmulatorServer> {
  const values = new Map<string, string>();
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === "--no-rate-limit") continue;
    const value = args[index + 1];
    if (!["--port", "--seed", "--api-key", "--boot-seconds"].includes(arg) || value === undefined) {
      throw new TypeError(`Cannot start emulator: unknown or incomplete option '${arg}'. ${USAGE}`);
    }
    values.set(arg, value);
    index++;
  }
  const number = (name: string, fallback: number) => {
    const value = Number(values.get(name) ?? fallback);
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(
        `Cannot start emulator: '${name}' must be a whole number, received '${values.get(name)}'`,
      );
    }
    return value;
  };
  const apiKey = values.get("--api-key");
  const emulator = new LambdaEmulator({
    seed: number("--seed", 1),
    ...(apiKey === undefined ? {} : { apiKey }),
    rateLimit: args.includes("--no-rate-limit") ? false : {},
    timing: { bootMs: number("--boot-seconds", 120) * 1000 },
  });
  const server = await emulator.serve({ port: number("--port", 0) });
  print(`Lambda Cloud emulator on ${server.url} (API key: ${emulator.apiKey})`);
  return server;
}
