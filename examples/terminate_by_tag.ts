// deno run --allow-net=cloud.lambda.ai --allow-env=LAMBDA_API_KEY examples/terminate_by_tag.ts <key> <value>
//
// Terminates every instance that carries the tag <key>=<value>, after listing them.

// deno-lint-ignore-file no-console -- an example script reports on the console

import { LambdaCloudClient } from "../mod.ts";

const [key, value] = Deno.args;
if (!key || value === undefined) {
  console.error("Usage: terminate_by_tag.ts <tag-key> <tag-value>");
  Deno.exit(2);
}

const client = new LambdaCloudClient();
const matching = (await client.instances.list())
  .filter((instance) => instance.tags?.some((tag) => tag.key === key && tag.value === value));

if (matching.length === 0) {
  console.log(`No instance is tagged ${key}=${value}.`);
} else {
  for (const instance of matching) {
    console.log(`Terminating ${instance.id} (${instance.name ?? ""})`);
  }
  const { terminated_instances } = await client.instances.terminate(matching.map((i) => i.id));
  console.log(`${terminated_instances.length} instance(s) now ${terminated_instances[0]?.status}.`);
}
