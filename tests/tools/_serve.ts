// Runs a `deno serve` handler (such as examples/deploy.ts) in a child process on a free port of
// 127.0.0.1, for as long as a caller needs it.

/** How to serve the file. */
export interface ServeOptions {
  /** Deno's permission flags for the handler. */
  permissions: string[];
  /** Its environment variables, besides the inherited ones. */
  env: Record<string, string>;
  /** The folder it runs in. */
  cwd?: string;
}

/**
 * Serves `file` with `deno serve --port=0`, waits until it says where it listens, hands that URL
 * (and what it has printed on stdout so far) to `use`, and stops it afterwards, whatever `use` did.
 */
export async function serveWithDeno<T>(
  file: string,
  options: ServeOptions,
  use: (url: string, stdout: () => string) => Promise<T>,
): Promise<T> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["serve", "--port=0", "--host=127.0.0.1", ...options.permissions, file],
    env: { NO_COLOR: "1", ...options.env },
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let printed = "";
  const reading = child.stdout.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (text) => void (printed += text) }),
  );
  const lines = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  try {
    // "deno serve: Listening on http://127.0.0.1:43117/"
    let said = "";
    for (;;) {
      const { value, done } = await lines.read();
      if (done) throw new Error(`deno serve ${file} stopped before listening: ${said.trim()}`);
      said += value;
      const url = /Listening on (http:\/\/\S+?)\/?\s/.exec(said)?.[1];
      if (url !== undefined) return await use(url, () => printed);
    }
  } finally {
    child.kill();
    await lines.cancel();
    await child.status;
    await reading;
  }
}
