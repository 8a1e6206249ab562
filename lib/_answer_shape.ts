// A success answer is handed on only when its `data` has the shape callers will use: a list where
// the spec says list, an object where it says object, and the one list an action's answer wraps
// (`terminated_instances`). Anything else is an answer the client cannot read, not a result that
// crashes the caller later with "cannot read properties of undefined".

import type { SpecOperation } from "./spec/types.ts";

/** What is wrong with the shape of `data`, in words; `undefined` when it fits the spec. */
export function shapeProblem(
  shape: SpecOperation["data"] | undefined,
  data: unknown,
): string | undefined {
  if (shape?.type === undefined) return undefined;
  if (shape.type === "array") return Array.isArray(data) ? undefined : "its data is not a list";
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return "its data is not an object";
  }
  return shape.list === undefined || Array.isArray((data as Record<string, unknown>)[shape.list])
    ? undefined
    : `its data holds no '${shape.list}' list`;
}
