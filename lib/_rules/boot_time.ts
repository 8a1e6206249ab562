// How long an instance takes from launch to `active`, by its type: the model the emulator boots its
// instances by, and that a wait's default timeout can follow. A pure function of the type's name
// (or its GPU count and model), with no state and no import, so that the library and the emulator
// can share it without either importing the other.
//
// What it rests on: "8:A100 takes about 15 minutes … 8:H100 a little over 20 minutes"
// (dstackai/dstack#2353, after #2342 met 25 minutes for an 8x H100), and Lambda's own "A100
// types can take up to 15 minutes to launch". The rest is a guess: a type with one GPU (or none)
// boots in 2 minutes, as the emulator always assumed; between one and eight GPUs the time grows in
// a straight line; a model with no record at eight GPUs (B200 aside, taken as an H100) boots as
// the A100 does.

const MINUTE = 60_000;

/** One GPU or none. */
const ONE_GPU_MS = 2 * MINUTE;

/** Eight GPUs, by model, as users recorded them (B200: a guess, as the H100). */
const EIGHT_GPUS_MS: ReadonlyMap<string, number> = new Map([
  ["a100", 15 * MINUTE],
  ["h100", 22 * MINUTE],
  ["b200", 22 * MINUTE],
]);

/** Eight GPUs of a model with no record. */
const EIGHT_GPUS_OTHER_MS = 15 * MINUTE;

/** Lambda's names of GPU types: `gpu_<count>x_<model>`, then anything (`_80gb_sxm4`). */
const TYPE_NAME = /^gpu_(\d+)x_([a-z]+\d*)/;

/** How many GPUs a type has, and of which model, such as `{ gpus: 8, model: "h100" }`. */
export interface GpuShape {
  /** How many GPUs; 0 for a type without any. */
  readonly gpus: number;
  /** The GPU model in lower case, as Lambda's type names spell it: `a100`, `h100`, `gh200`. */
  readonly model: string;
}

/**
 * How long an instance of a type is expected to take from launch to `active`, in milliseconds:
 * 2 minutes with one GPU, rising in a straight line to 15 minutes for 8x A100 and 22 for 8x H100
 * or B200 (15 for eight of any other model). A name that is not of Lambda's form
 * `gpu_<count>x_<model>…` counts as one GPU.
 *
 * @param type The type's name, such as `gpu_8x_h100_sxm5`, or its GPU count and model.
 * @returns The expected boot time in milliseconds, rounded to the second.
 *
 * @example The expected boot of three types
 * ```ts
 * import { expectedBootMs } from "./boot_time.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(expectedBootMs("gpu_1x_a10"), 120_000); // 2 minutes
 * assertEquals(expectedBootMs("gpu_8x_a100_80gb_sxm4"), 900_000); // 15 minutes
 * assertEquals(expectedBootMs({ gpus: 8, model: "h100" }), 1_320_000); // 22 minutes
 * ```
 */
export function expectedBootMs(type: string | GpuShape): number {
  const { gpus, model } = typeof type === "string" ? gpuShape(type) : type;
  if (!(gpus > 1)) return ONE_GPU_MS;
  const eight = EIGHT_GPUS_MS.get(model) ?? EIGHT_GPUS_OTHER_MS;
  const ms = ONE_GPU_MS + (eight - ONE_GPU_MS) * (gpus - 1) / 7;
  return Math.round(ms / 1000) * 1000;
}

function gpuShape(name: string): GpuShape {
  const match = TYPE_NAME.exec(name);
  return match ? { gpus: Number(match[1]), model: match[2]! } : { gpus: 0, model: "" };
}
