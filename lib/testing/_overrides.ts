// The overrides in place, newest first: each call to an operation asks them in turn, and the
// first that returns a Response answers it.

import { checkNonNegativeInteger, describeValue } from "../_validate.ts";
import type { OperationId } from "./operations.ts";
import type {
  EmulatorOverride,
  OverrideCall,
  OverrideHandler,
  OverrideOptions,
} from "./overrides.ts";

/** What the table keeps of an override: the handle given out, and what only the table uses. */
interface Entry {
  readonly override: EmulatorOverride;
  readonly handler: OverrideHandler;
  /** Counts one answer; the override restores itself once its `times` are used up. */
  readonly answered: () => void;
}

/** The overrides of one emulator. */
export class OverrideTable {
  #entries: Entry[] = [];

  /** Puts `handler` in front of the others for `operationId`. */
  add(
    operationId: OperationId,
    handler: OverrideHandler,
    options: OverrideOptions,
    known: (id: string) => boolean,
  ): EmulatorOverride {
    const action = "override emulator operation";
    if (!known(operationId)) {
      throw new RangeError(
        `Cannot ${action}: 'operationId' names no operation, received ${
          describeValue(operationId)
        }`,
      );
    }
    if (typeof handler !== "function") {
      throw new TypeError(
        `Cannot ${action}: 'handler' must be a function, received ${describeValue(handler)}`,
      );
    }
    const times = options.times === undefined
      ? Infinity
      : checkNonNegativeInteger(action, "times", options.times);
    let calls = 0;
    const isIn = () => this.#entries.includes(entry);
    const restore = () => {
      this.#entries = this.#entries.filter((item) => item !== entry);
    };
    const override: EmulatorOverride = {
      operationId,
      get calls() {
        return calls;
      },
      get active() {
        return isIn();
      },
      restore,
      [Symbol.dispose]: restore,
    };
    const entry: Entry = {
      override,
      handler,
      answered: () => {
        if (++calls >= times) restore();
      },
    };
    if (times > 0) this.#entries.unshift(entry);
    return override;
  }

  /** Whether any override waits for `operationId`: with none, a call costs nothing more. */
  has(operationId: OperationId): boolean {
    return this.#entries.some((entry) => entry.override.operationId === operationId);
  }

  /** The first answer an override gives to `call`, or `undefined` when none answers. */
  async answer(call: OverrideCall): Promise<Response | undefined> {
    for (const entry of [...this.#entries]) {
      if (entry.override.operationId !== call.operationId || !entry.override.active) continue;
      let answer: unknown;
      try {
        answer = await entry.handler(call);
      } catch (error) {
        answer = failure(
          call.operationId,
          `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
        );
      }
      if (answer === undefined) continue;
      if (!(answer instanceof Response)) {
        answer = failure(call.operationId, `returned ${describeValue(answer)}, not a Response`);
      }
      entry.answered();
      return answer as Response;
    }
    return undefined;
  }

  /** Takes every override back. */
  clear(): void {
    this.#entries = [];
  }
}

function failure(operationId: OperationId, what: string): Response {
  return new Response(`The emulator's override of ${operationId} ${what}\n`, {
    status: 500,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}
