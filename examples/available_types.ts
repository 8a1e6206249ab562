// deno run --allow-net=cloud.lambda.ai --allow-env=LAMBDA_API_KEY examples/available_types.ts
//
// Prints the instance types that have capacity right now, cheapest first, with their regions.

// deno-lint-ignore-file no-console -- an example script reports on the console

import { LambdaCloudClient } from "../mod.ts";

const client = new LambdaCloudClient();
const available = Object.values(await client.instanceTypes.list())
  .filter((item) => item.regions_with_capacity_available.length > 0)
  .sort((a, b) => a.instance_type.price_cents_per_hour - b.instance_type.price_cents_per_hour);

for (const { instance_type: type, regions_with_capacity_available: regions } of available) {
  const price = (type.price_cents_per_hour / 100).toFixed(2);
  console.log(`${type.name}\t$${price}/h\t${regions.map((region) => region.name).join(", ")}`);
}
