// The shapes of machine images, as Lambda's API sends and takes them.

import type { Architecture } from "./instance_types.ts";
import type { Region } from "./regions.ts";

/**
 * An available machine image in Lambda Cloud.
 */
export interface Image {
  /** The unique identifier (ID) for an image. */
  id: string;
  /** The date and time that the image was created, as an ISO 8601 timestamp. */
  created_time: string;
  /** The date and time that the image was last updated, as an ISO 8601 timestamp. */
  updated_time: string;
  /** The human-readable identifier for an image. */
  name: string;
  /** Additional information about the image. */
  description: string;
  /** The family the image belongs to, such as `ubuntu-lts`. */
  family: string;
  /** The image version. */
  version: string;
  /** The CPU architecture the image supports. */
  architecture: Architecture;
  /** The region in which this image is available. */
  region: Region;
}
