// The API's error answers, as the emulator throws them from a handler.

/** An answer in Lambda's error envelope, thrown by a handler and sent by the dispatcher. */
export class EmulatedError extends Error {
  readonly status: number;
  readonly code: string;
  readonly suggestion: string | undefined;

  constructor(status: number, code: string, message: string, suggestion?: string) {
    super(message);
    this.name = "EmulatedError";
    this.status = status;
    this.code = code;
    this.suggestion = suggestion;
  }
}

/** 400 `global/invalid-parameters`. */
export function invalidParameters(message: string, suggestion?: string): EmulatedError {
  return new EmulatedError(400, "global/invalid-parameters", message, suggestion);
}

/** `global/object-does-not-exist`, the code most lookups by id answer with. */
export function objectDoesNotExist(
  message: string,
  suggestion = "Check the ID and try again.",
  status = 404,
): EmulatedError {
  return new EmulatedError(status, "global/object-does-not-exist", message, suggestion);
}

/** 404 `global/not-found`, used by SSH keys, tickets and unknown paths. */
export function notFound(
  message = "The requested resource was not found.",
  suggestion?: string,
): EmulatedError {
  return new EmulatedError(404, "global/not-found", message, suggestion);
}

/** 403 `global/invalid-address`: launches and filesystem creation on a bad billing address. */
export function invalidAddress(): EmulatedError {
  return new EmulatedError(
    403,
    "global/invalid-address",
    "Your billing address is invalid.",
    "Make sure your billing address is valid. Contact Support if problems continue.",
  );
}

/**
 * `global/unknown`, "An unknown error occurred.": what production answers where its own code
 * fails, as users reported it (SkyPilot #3410, #8221). No report gives the status: the callers'
 * assumptions choose it.
 */
export function unknownError(status: number): EmulatedError {
  return new EmulatedError(status, "global/unknown", "An unknown error occurred.");
}

/**
 * Runs one of the client's own body checks and turns its TypeError or RangeError into the API's
 * 400, with the client's wording minus its "Cannot <action>: " prefix.
 */
export function validateWith(check: () => void): void {
  try {
    check();
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) {
      throw invalidParameters(error.message.replace(/^Cannot [^:]+: /, "Invalid request: "));
    }
    throw error;
  }
}
