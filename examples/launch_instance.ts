// deno run --allow-net=cloud.lambda.ai,127.0.0.1 --allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL examples/launch_instance.ts <type> <region> <ssh-key-name>
// On the emulator: deno task example examples/launch_instance.ts gpu_1x_a10 us-east-1 laptop
//
// Launches one instance, billed from the moment it boots. Lambda has no idempotency key, so the
// client tags the launch with a token of its own: if the answer is lost (timeout, dropped
// connection, 5xx), it looks for that token and returns the instance it finds. It never sends the
// launch again: when it cannot find out, it says so, with the token to look for later.

// deno-lint-ignore-file no-console -- an example script reports on the console

import { InsufficientCapacityError, LambdaCloudClient, LaunchOutcomeUnknownError } from "../mod.ts";

const [type, region, sshKey] = Deno.args;
if (!type || !region || !sshKey) {
  console.error("Usage: launch_instance.ts <instance-type> <region> <ssh-key-name>");
  Deno.exit(2);
}

try {
  // LAMBDA_BASE_URL, when set, points the client at another API, such as the emulator.
  const baseUrl = Deno.env.get("LAMBDA_BASE_URL");
  const client = new LambdaCloudClient(baseUrl ? { baseUrl } : {});
  const name = `example-${crypto.randomUUID().slice(0, 8)}`;
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
  } else if (error instanceof LaunchOutcomeUnknownError && error.launchToken) {
    // The client could not find out whether the launch went through: the message says so, and
    // client.instances.findByLaunchToken() settles it later.
    console.error(error.message);
    console.error(`Later: client.instances.findByLaunchToken("${error.launchToken}")`);
  } else {
    // A stack trace would only bury the message.
    console.error(error instanceof Error ? error.message : error);
  }
  Deno.exit(1);
}
