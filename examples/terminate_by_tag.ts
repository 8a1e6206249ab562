// deno run --allow-net=cloud.lambda.ai,127.0.0.1 --allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL examples/terminate_by_tag.ts <key> <value>
// On the emulator: deno task example examples/terminate_by_tag.ts team ml
//
// Terminates every instance that carries the tag <key>=<value>, after listing them.

// deno-lint-ignore-file no-console -- an example script reports on the console

import { LambdaCloudClient } from "../mod.ts";

const [key, value] = Deno.args;
if (!key || value === undefined) {
  console.error("Usage: terminate_by_tag.ts <tag-key> <tag-value>");
  Deno.exit(2);
}

try {
  // LAMBDA_BASE_URL, when set, points the client at another API, such as the emulator.
  const baseUrl = Deno.env.get("LAMBDA_BASE_URL");
  const client = new LambdaCloudClient(baseUrl ? { baseUrl } : {});
  const matching = (await client.instances.list())
    .filter((instance) => instance.tags?.some((tag) => tag.key === key && tag.value === value));

  if (matching.length === 0) {
    console.log(`No instance is tagged ${key}=${value}.`);
  } else {
    for (const instance of matching) {
      console.log(`Terminating ${instance.id} (${instance.name ?? ""})`);
    }
    const { terminated_instances } = await client.instances.terminate(matching.map((i) => i.id));
    console.log(
      `${terminated_instances.length} instance(s) now ${terminated_instances[0]?.status}.`,
    );
  }
} catch (error) {
  // The message says what failed and Lambda's error code; a stack trace would only bury it.
  console.error(error instanceof Error ? error.message : error);
  Deno.exit(1);
}
