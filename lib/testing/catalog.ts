/**
 * The emulator's catalogue: regions, instance types with prices and capacity, and images.
 *
 * @module
 */

import type { Image } from "../types/images.ts";
import type { InstanceType } from "../types/instance_types.ts";
import type { Region } from "../types/regions.ts";
import { SeededRandom } from "./_random.ts";

/**
 * An instance type the emulator offers, and how many more of it each region can launch now.
 *
 * @example One type, scarce in one region
 * ```ts
 * import type { CatalogInstanceType } from "@lambda-cloud/client/testing";
 *
 * const entry: CatalogInstanceType = {
 *   instance_type: {
 *     name: "gpu_1x_a10",
 *     description: "1x A10 (24 GB PCIe)",
 *     gpu_description: "A10 (24 GB PCIe)",
 *     price_cents_per_hour: 75,
 *     specs: { vcpus: 30, memory_gib: 200, storage_gib: 1400, gpus: 1 },
 *     architecture: "x86_64",
 *   },
 *   capacity: { "us-east-1": 1, "us-west-1": 0 },
 * };
 * ```
 */
export interface CatalogInstanceType {
  /** The type as `GET /instance-types` shows it. */
  instance_type: InstanceType;
  /**
   * Instances of this type each region can still launch. A launch takes one; terminating gives it
   * back. A region left out does not offer the type.
   */
  capacity: Record<string, number>;
}

/**
 * Everything the emulator sells: pass your own to `new LambdaEmulator({ catalog })`.
 *
 * @example Start from the default and empty one region
 * ```ts
 * import { defaultCatalog } from "@lambda-cloud/client/testing";
 *
 * const catalog = defaultCatalog();
 * for (const entry of catalog.instanceTypes) delete entry.capacity["us-east-1"];
 * ```
 */
export interface EmulatorCatalog {
  /** The regions. */
  regions: Region[];
  /** The instance types, with capacity per region. */
  instanceTypes: CatalogInstanceType[];
  /** The images, one entry per image and region. */
  images: Image[];
}

const REGIONS: Region[] = [
  { name: "us-west-1", description: "California, USA" },
  { name: "us-west-2", description: "Arizona, USA" },
  { name: "us-west-3", description: "Utah, USA" },
  { name: "us-south-1", description: "Texas, USA" },
  { name: "us-south-3", description: "Texas, USA" },
  { name: "us-midwest-1", description: "Illinois, USA" },
  { name: "us-east-1", description: "Virginia, USA" },
  { name: "us-east-3", description: "Washington DC, USA" },
  { name: "europe-central-1", description: "Germany" },
  { name: "asia-northeast-1", description: "Tokyo, Japan" },
  { name: "asia-south-1", description: "India" },
  { name: "me-west-1", description: "Israel" },
];

type TypeRow = [
  name: string,
  gpuDescription: string,
  gpus: number,
  priceCents: number,
  vcpus: number,
  memoryGib: number,
  storageGib: number,
  architecture: "x86_64" | "arm64",
  capacity: Record<string, number>,
];

// Prices and specs follow Lambda's public price list of 2025-2026; capacity is invented, with
// the big H100 and B200 machines scarce as they usually are.
const TYPES: TypeRow[] = [
  ["gpu_1x_a10", "A10 (24 GB PCIe)", 1, 75, 30, 200, 1400, "x86_64", {
    "us-east-1": 4,
    "us-west-1": 2,
    "us-south-1": 1,
  }],
  ["gpu_1x_a6000", "RTX A6000 (48 GB)", 1, 80, 14, 100, 512, "x86_64", { "us-west-1": 2 }],
  ["gpu_2x_a6000", "RTX A6000 (48 GB)", 2, 160, 28, 200, 1024, "x86_64", { "us-west-1": 1 }],
  ["gpu_4x_a6000", "RTX A6000 (48 GB)", 4, 320, 56, 400, 2048, "x86_64", { "us-west-1": 0 }],
  ["gpu_1x_a100_sxm4", "A100 (40 GB SXM4)", 1, 129, 30, 200, 512, "x86_64", {
    "us-east-1": 1,
    "us-west-2": 2,
  }],
  ["gpu_8x_a100_80gb_sxm4", "A100 (80 GB SXM4)", 8, 1432, 240, 1800, 19500, "x86_64", {
    "us-east-1": 0,
    "us-midwest-1": 1,
  }],
  ["gpu_1x_gh200", "GH200 (96 GB)", 1, 149, 64, 432, 4096, "arm64", {
    "us-east-3": 2,
    "us-west-3": 0,
  }],
  ["gpu_1x_h100_pcie", "H100 (80 GB PCIe)", 1, 249, 26, 200, 1024, "x86_64", {
    "us-west-3": 1,
    "us-south-1": 1,
  }],
  ["gpu_1x_h100_sxm5", "H100 (80 GB SXM5)", 1, 329, 26, 225, 2816, "x86_64", {
    "us-south-3": 1,
  }],
  ["gpu_2x_h100_sxm5", "H100 (80 GB SXM5)", 2, 638, 52, 450, 5632, "x86_64", { "us-south-3": 0 }],
  ["gpu_8x_h100_sxm5", "H100 (80 GB SXM5)", 8, 2392, 208, 1800, 22528, "x86_64", {
    "us-south-3": 0,
    "us-east-3": 1,
  }],
  ["gpu_8x_b200_sxm6", "B200 (180 GB SXM6)", 8, 4792, 208, 2900, 22528, "x86_64", {
    "us-south-3": 0,
  }],
];

type ImageRow = [family: string, name: string, version: string, architecture: "x86_64" | "arm64"];

const IMAGES: ImageRow[] = [
  ["lambda-stack-24-04", "Lambda Stack 24.04", "24.04.2", "x86_64"],
  ["lambda-stack-22-04", "Lambda Stack 22.04", "22.04.5", "x86_64"],
  ["ubuntu-24-04", "Ubuntu 24.04 LTS", "24.04.2", "x86_64"],
  ["ubuntu-22-04", "Ubuntu 22.04 LTS", "22.04.5", "x86_64"],
  ["lambda-stack-24-04-arm64", "Lambda Stack 24.04 (arm64)", "24.04.2", "arm64"],
];

/** The family a launch without `image` gets, per architecture. */
export const DEFAULT_IMAGE_FAMILY: Readonly<Record<string, string>> = {
  x86_64: "lambda-stack-24-04",
  arm64: "lambda-stack-24-04-arm64",
};

/**
 * A realistic catalogue: 12 regions, 12 instance types at Lambda's list prices with capacity in
 * some regions and none in others, and Lambda Stack and Ubuntu images in every region. A fresh copy
 * each call, so changing it is safe; the image ids are the same every time.
 *
 * @returns A new catalogue.
 *
 * @example What the default sells
 * ```ts
 * import { defaultCatalog } from "@lambda-cloud/client/testing";
 *
 * const catalog = defaultCatalog();
 * console.log(catalog.regions.length, catalog.instanceTypes.map((entry) => entry.instance_type.name));
 * ```
 */
export function defaultCatalog(): EmulatorCatalog {
  const random = new SeededRandom(0x1a3bda);
  const images: Image[] = [];
  for (const region of REGIONS) {
    for (const [family, name, version, architecture] of IMAGES) {
      images.push({
        id: random.uuid(), // UUIDs, as in the spec's examples
        created_time: "2025-06-02T17:00:00.000Z",
        updated_time: "2026-09-15T17:00:00.000Z",
        name,
        description: `${name}, with NVIDIA drivers${
          family.startsWith("lambda") ? " and CUDA" : ""
        }`,
        family,
        version,
        architecture,
        region: { ...region },
      });
    }
  }
  return {
    regions: REGIONS.map((region) => ({ ...region })),
    instanceTypes: TYPES.map((
      [name, gpu, gpus, price, vcpus, memory, storage, architecture, capacity],
    ) => ({
      instance_type: {
        name,
        description: `${gpus}x ${gpu}`,
        gpu_description: gpu,
        price_cents_per_hour: price,
        specs: { vcpus, memory_gib: memory, storage_gib: storage, gpus },
        architecture,
      },
      capacity: { ...capacity },
    })),
    images,
  };
}
