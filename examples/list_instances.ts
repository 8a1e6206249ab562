// deno run --allow-net=cloud.lambda.ai --allow-env=LAMBDA_API_KEY examples/list_instances.ts
//
// Lists your instances with their status, type, region and address.

// deno-lint-ignore-file no-console -- an example script reports on the console

import { LambdaCloudClient } from "../mod.ts";

const client = new LambdaCloudClient();
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
