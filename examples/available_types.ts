// deno run --allow-net=cloud.lambda.ai,127.0.0.1 --allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL --allow-read=.env examples/available_types.ts
// On the emulator: deno task example examples/available_types.ts
//
// Prints the instance types that have capacity right now, cheapest first, with their regions.
// LAMBDA_API_KEY may come from a .env file in the folder it runs in, loaded by @std/dotenv, so no
// --env-file is needed: which of the two to use is in docs/options.md, "A .env file".

// deno-lint-ignore-file no-console -- an example script reports on the console

import "@std/dotenv/load";
import { LambdaCloudClient } from "../mod.ts";

try {
  // LAMBDA_BASE_URL, when set, points the client at another API, such as the emulator.
  const baseUrl = Deno.env.get("LAMBDA_BASE_URL");
  const client = new LambdaCloudClient(baseUrl ? { baseUrl } : {});
  const available = Object.values(await client.instanceTypes.list())
    .filter((item) => item.regions_with_capacity_available.length > 0)
    .sort((a, b) => a.instance_type.price_cents_per_hour - b.instance_type.price_cents_per_hour);

  for (const { instance_type: type, regions_with_capacity_available: regions } of available) {
    const price = (type.price_cents_per_hour / 100).toFixed(2);
    console.log(`${type.name}\t$${price}/h\t${regions.map((region) => region.name).join(", ")}`);
  }
} catch (error) {
  // The message says what failed and Lambda's error code; a stack trace would only bury it.
  console.error(error instanceof Error ? error.message : error);
  Deno.exit(1);
}
