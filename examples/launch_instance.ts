// deno run --allow-net=cloud.lambda.ai --allow-env=LAMBDA_API_KEY examples/launch_instance.ts <type> <region> <ssh-key-name>
//
// Launches one instance, billed from the moment it boots. Lambda has no idempotency key, so the
// client tags the launch with a token of its own: if the answer is lost (timeout, dropped
// connection, 5xx), it looks for that token and returns the instance it finds. It never sends the
// launch again: when it cannot find out, it says so, with the token to look for later.

// deno-lint-ignore-file no-console -- an example script reports on the console

import {
  InsufficientCapacityError,
  LambdaCloudClient,
  LambdaCloudError,
  LaunchOutcomeUnknownError,
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
  // When the client could not find out whether the launch went through, the message says so and
  // names the launch token; client.instances.findByLaunchToken() settles it later.
  if (error instanceof LaunchOutcomeUnknownError && error.launchToken) {
    console.error(error.message);
    console.error(`Later: client.instances.findByLaunchToken("${error.launchToken}")`);
    Deno.exit(1);
  }
  console.error(error instanceof LambdaCloudError ? error.message : error);
  Deno.exit(1);
}
