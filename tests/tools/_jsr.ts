// How the tools that start Deno (the tests, an example) reach the @std packages from JSR.
//
// A machine that cannot reach JSR keeps an offline copy of them beside the clone, in ../shared/jsr,
// whose `with-mirror` serves it for as long as one command runs, with JSR_URL pointing at it (see
// ../shared/jsr/README.md). Where that copy is, Deno is started through `with-mirror`, which leaves
// the command alone when JSR_URL is already set; so `deno task test` works there with nothing to
// set. Where it is not, Deno is started as it is and reaches JSR itself.

/** The copy's runner: `../shared/jsr/with-mirror` from the repository's root. */
const WITH_MIRROR = new URL("../../../shared/jsr/with-mirror", import.meta.url);

/** Whether the offline copy of JSR is beside the clone (the task grants reading that one path). */
function mirrorBeside(): boolean {
  try {
    return Deno.statSync(WITH_MIRROR).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** A command that runs this Deno with `args`, under the JSR mirror when one is beside the clone. */
export function denoCommand(
  args: string[],
  options: Omit<Deno.CommandOptions, "args"> = {},
): Deno.Command {
  return mirrorBeside()
    ? new Deno.Command(WITH_MIRROR, { ...options, args: [Deno.execPath(), ...args] })
    : new Deno.Command(Deno.execPath(), { ...options, args });
}
