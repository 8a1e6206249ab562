// deno run --allow-net=cloud.lambda.ai,127.0.0.1 --allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL examples/list_instances.ts
// On the emulator: deno task example examples/list_instances.ts
//
// Lists your instances with their status, type, region and address.

// deno-lint-ignore-file no-console -- an example script reports on the console

import { LambdaCloudClient } from "../mod.ts";

try {
  // LAMBDA_BASE_URL, when set, points the client at another API, such as the emulator.
  const baseUrl = Deno.env.get("LAMBDA_BASE_URL");
  const client = new LambdaCloudClient(baseUrl ? { baseUrl } : {});
  const instances = await client.instances.list();
  if (instances.length === 0) console.log("No instances are running.");
  for (const instance of instances) {
    console.log(
      [
        instance.id,
        instance.name ?? "(no name)",
        instance.status,
        instance.instance_type.name,
        instance.region.name,
        instance.ip ?? "(no IP yet)",
      ].join("\t"),
    );
  }
} catch (error) {
  // The message says what failed and Lambda's error code; a stack trace would only bury it.
  console.error(error instanceof Error ? error.message : error);
  Deno.exit(1);
}
