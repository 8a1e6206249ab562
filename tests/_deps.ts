// Every test imports its helpers from here, so that moving to @std/assert and @std/testing once JSR
// is reachable touches this one file.

export {
  deepEqual as assertEquals,
  equal as assertStrictEquals,
  match as assertMatch,
  notEqual as assertNotEquals,
  ok as assert,
  rejects as assertRejects,
  throws as assertThrows,
} from "node:assert/strict";
