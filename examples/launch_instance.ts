// deno run --allow-net=cloud.lambda.ai --allow-env=LAMBDA_API_KEY examples/launch_instance.ts <type> <region> <ssh-key-name>
//
// Launches one instance, billed from the moment it boots. A launch that fails without a clear
// answer (timeout, dropped connection, 5xx) is not retried by the client; this script then looks
// for the instance by its unique name instead of launching a second one.

// deno-lint-ignore-file no-console -- an example script reports on the console

import {
  ConnectionError,
  InsufficientCapacityError,
  InvalidResponseError,
  LambdaCloudClient,
  ServerError,
  TimeoutError,
} from "../mod.ts";

const [type, region, sshKey] = Deno.args;
if (!type || !region || !sshKey) {
  console.error("Usage: launch_instance.ts <instance-type> <region> <ssh-key-name>");
  Deno.exit(2);
}

const client = new LambdaCloudClient();
const name = `example-${crypto.randomUUID().slice(0, 8)}`;

try {
  const { instance_ids } = await client.instances.launch({
    region_name: region,
    instance_type_name: type,
    ssh_key_names: [sshKey],
    name,
  });
  console.log(`Launched ${name}: ${instance_ids.join(", ")}`);
} catch (error) {
  if (error instanceof InsufficientCapacityError) {
    console.error(`No capacity for ${type} in ${region}; nothing was launched.`);
    Deno.exit(1);
  }
  const ambiguous = error instanceof TimeoutError || error instanceof ConnectionError ||
    error instanceof ServerError || error instanceof InvalidResponseError;
  if (!ambiguous) throw error;
  // The launch may have gone through: look before trying again.
  const found = (await client.instances.list()).filter((instance) => instance.name === name);
  if (found.length > 0) {
    console.log(`The launch did go through: ${found.map((i) => i.id).join(", ")}`);
  } else {console.error(
      `The launch failed (${(error as Error).message}); no instance named ${name}.`,
    );}
}
