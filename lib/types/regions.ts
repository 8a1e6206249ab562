// The shapes of regions, as Lambda's API sends and takes them.

/**
 * A region code such as `us-east-1`. Lambda opens regions over time, so any string is accepted; list
 * the current ones with `client.regions.list()` rather than hard-coding them.
 */
export type RegionName =
  | "us-east-1"
  | "us-east-2"
  | "us-east-3"
  | "us-west-1"
  | "us-west-2"
  | "us-west-3"
  | "us-south-1"
  | "us-south-2"
  | "us-south-3"
  | "us-midwest-1"
  | "europe-central-1"
  | "asia-south-1"
  | "asia-northeast-1"
  | "asia-northeast-2"
  | "me-west-1"
  | (string & Record<never, never>);

/**
 * A Lambda Cloud region.
 */
export interface Region {
  /** The region code. */
  name: RegionName;
  /** The region description. */
  description: string;
}
