// Calling code the caller gave us (hooks, progress printers) without letting its bugs in: a throw
// is swallowed, and so is a rejected promise from an async callback, which would otherwise be an
// unhandled rejection that ends the process right after a billable call.

/** Calls `callback` with `argument`, ignoring whatever it throws or rejects with. */
export function callSafely<A>(callback: ((argument: A) => unknown) | undefined, argument: A): void {
  if (callback === undefined) return;
  try {
    const result = callback(argument);
    if (typeof (result as PromiseLike<unknown> | undefined)?.then === "function") {
      (result as PromiseLike<unknown>).then(undefined, () => {});
    }
  } catch {
    // A logging or progress bug must never fail, or repeat, a call.
  }
}
