// Every test imports its helpers from here, so that moving to @std/assert and @std/testing once JSR
// is reachable touches this one file. The names and signatures follow @std/assert.

import { AssertionError } from "node:assert/strict";

export {
  deepStrictEqual as assertEquals,
  match as assertMatch,
  notStrictEqual as assertNotStrictEquals,
  ok as assert,
  strictEqual as assertStrictEquals,
} from "node:assert/strict";

// deno-lint-ignore no-explicit-any
type ErrorClass<E extends Error> = new (...args: any[]) => E;

/** Awaits `promise`, requires it to reject with an instance of `errorClass`, and returns the error. */
export async function assertRejects<E extends Error = Error>(
  promise: Promise<unknown> | (() => Promise<unknown>),
  errorClass?: ErrorClass<E>,
  messageIncludes?: string,
): Promise<E> {
  let error: unknown;
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (caught) {
    error = caught;
  }
  if (error === undefined) throw new AssertionError({ message: "Expected the promise to reject" });
  checkError(error, errorClass, messageIncludes);
  return error as E;
}

/** Calls `fn`, requires it to throw an instance of `errorClass`, and returns the error. */
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  errorClass?: ErrorClass<E>,
  messageIncludes?: string,
): E {
  let error: unknown;
  try {
    fn();
  } catch (caught) {
    error = caught;
  }
  if (error === undefined) throw new AssertionError({ message: "Expected the function to throw" });
  checkError(error, errorClass, messageIncludes);
  return error as E;
}

function checkError(
  error: unknown,
  errorClass: ErrorClass<Error> | undefined,
  messageIncludes: string | undefined,
): void {
  if (errorClass && !(error instanceof errorClass)) {
    throw new AssertionError({
      message: `Expected ${errorClass.name}, received ${
        error instanceof Error ? `${error.name}: ${error.message}` : String(error)
      }`,
    });
  }
  if (
    messageIncludes !== undefined &&
    !(error instanceof Error && error.message.includes(messageIncludes))
  ) {
    throw new AssertionError({
      message: `Expected the message to include '${messageIncludes}', received '${
        error instanceof Error ? error.message : String(error)
      }'`,
    });
  }
}
