// deno run --allow-net=cloud.lambda.ai,127.0.0.1 --allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL examples/quickstart.ts [--launch]
// On the emulator: deno task example examples/quickstart.ts (add --launch for the whole story)
// On the emulator built into it, with no server at all: deno task demo
//
// The whole story of a GPU instance: capacity, an SSH key, launch, wait, IP, rename and tag,
// terminate, audit trail. Without LAMBDA_API_KEY it runs on the built-in emulator: no key, no
// network, nothing billed. With a key it only reads your account, unless you pass --launch, which
// launches the cheapest instance with capacity (billed by the minute) and terminates it at the end.
// LAMBDA_BASE_URL, when set with the key, points it at another API, such as a served emulator.
// deno-lint-ignore-file no-console

import { type Instance, type InstanceTypesItem, LambdaCloudClient } from "../mod.ts";
import { LambdaEmulator } from "../lib/testing/mod.ts";

/** How the story is told, and to whom. */
export interface QuickstartOptions {
  /** Where each line goes. */
  print: (line: string) => void;
  /** Run the billable part (launch to terminate); without it the story stops after reading. */
  launch: boolean;
  /** Time between status polls, in milliseconds. */
  pollIntervalMs: number;
  /** A note on where the story runs, for the first line. */
  where: string;
}

const dollars = (cents: number) => `$${(cents / 100).toFixed(2)}/h`;

/** Tells the story on `client`; returns the instance it launched, if any. */
export async function runQuickstart(
  client: LambdaCloudClient,
  options: QuickstartOptions,
): Promise<Instance | undefined> {
  const { print } = options;
  print(`Lambda Cloud quickstart, ${options.where}`);

  const types = Object.values(await client.instanceTypes.list())
    .filter((item) => item.regions_with_capacity_available.length > 0)
    .sort((a, b) => a.instance_type.price_cents_per_hour - b.instance_type.price_cents_per_hour);
  print(
    `1. Instance types with capacity now, cheapest first (${
      Math.min(types.length, 5)
    } of ${types.length}):`,
  );
  for (const item of types.slice(0, 5)) {
    const regions = item.regions_with_capacity_available.map((region) => region.name);
    print(
      `     ${item.instance_type.name.padEnd(24)} ${
        dollars(item.instance_type.price_cents_per_hour).padStart(9)
      }  ${regions.join(", ")}`,
    );
  }
  const cheapest: InstanceTypesItem | undefined = types[0];
  if (!options.launch) {
    const instances = await client.instances.list();
    print(
      `2. You have ${instances.length} instance(s) and ${
        (await client.sshKeys.list()).length
      } SSH key(s).`,
    );
    print("   Read-only so far. Pass --launch to launch the cheapest type and terminate it again.");
    return undefined;
  }
  if (!cheapest) {
    print("No instance type has capacity right now: nothing to launch. Try again later.");
    return undefined;
  }

  const keyName = `quickstart-${crypto.randomUUID().slice(0, 8)}`;
  const key = await client.sshKeys.create({ name: keyName });
  print(`2. Added SSH key '${keyName}' (a new pair; its private key is not kept by this demo)`);
  let instance: Instance | undefined;
  let launchedId: string | undefined;
  try {
    const region = cheapest.regions_with_capacity_available[0]!.name;
    const { instance_ids } = await client.instances.launch({
      region_name: region,
      instance_type_name: cheapest.instance_type.name,
      ssh_key_names: [keyName],
      name: "quickstart",
    });
    launchedId = instance_ids[0]!;
    print(`3. Launched ${cheapest.instance_type.name} in ${region}: instance ${launchedId}`);
    let lastStatus = "";
    instance = await client.instances.waitFor(launchedId, {
      until: "ip",
      interval: options.pollIntervalMs,
      onProgress: ({ instance, elapsedMs }) => {
        if (instance && instance.status !== lastStatus) {
          const lead = lastStatus === "" ? "4. Waiting for an IP:" : "   ...";
          print(`${lead} ${instance.status} after ${Math.round(elapsedMs / 1000)} s`);
          lastStatus = instance.status;
        }
      },
    });
    print(`5. It is active at ${instance.ip}: ssh -i <private key> ubuntu@${instance.ip}`);
    instance = await client.instances.update(launchedId, {
      name: "quickstart-demo",
      tags: [{ key: "purpose", value: "quickstart" }],
    });
    const tags = instance.tags?.map((tag) => `${tag.key}=${tag.value}`).join(", ");
    print(`6. Renamed it '${instance.name}' and tagged it ${tags}`);
  } finally {
    // Whatever happened above, a launched instance must not keep billing.
    if (launchedId !== undefined) {
      await client.instances.terminate(launchedId);
      const gone = await client.instances.waitFor(launchedId, {
        until: "terminated",
        interval: options.pollIntervalMs,
      });
      print(`7. Terminated it: ${gone?.status ?? "gone"}`);
    }
    await client.sshKeys.delete(key.id);
  }

  print("8. The audit trail of this run:");
  const ours = [key.id, launchedId].filter((id) => id !== undefined);
  try {
    const lastHour = { start: new Date(Date.now() - 3_600_000) };
    for await (const event of client.auditEvents.list(lastHour)) {
      if (!event.resource_lrns.some((lrn) => ours.some((id) => lrn.endsWith(`:${id}`)))) continue;
      const who = event.actor_email ?? "";
      print(`     ${event.event_time}  ${event.resource_name}.${event.action}  ${who}`);
    }
  } catch (error) {
    print(`     (not available: ${error instanceof Error ? error.message : String(error)})`);
  }
  return instance;
}

function readApiKey(): string | undefined {
  const granted = Deno.permissions.querySync({ name: "env", variable: "LAMBDA_API_KEY" }).state;
  return granted === "granted" ? Deno.env.get("LAMBDA_API_KEY")?.trim() || undefined : undefined;
}

if (import.meta.main) {
  try {
    const apiKey = readApiKey();
    const launch = Deno.args.includes("--launch");
    if (apiKey) {
      // Only read with a key: without one the story runs on the built-in emulator below.
      const baseUrl = Deno.env.get("LAMBDA_BASE_URL");
      await runQuickstart(new LambdaCloudClient({ apiKey, ...(baseUrl ? { baseUrl } : {}) }), {
        print: console.log,
        launch,
        pollIntervalMs: 5000,
        where: `on ${baseUrl ?? "the real API"}${
          launch ? (baseUrl ? "" : " (this launch is billed)") : ", read-only"
        }`,
      });
    } else {
      // The emulator at ten times the API's pace, with instances that boot in seconds.
      const pace = { requestIntervalMs: 100, launchIntervalMs: 1200 };
      const emulator = new LambdaEmulator({
        rateLimit: pace,
        timing: { bootMs: 4000, restartMs: 2000, terminateMs: 2000 },
      });
      const client = new LambdaCloudClient({
        apiKey: emulator.apiKey,
        fetch: emulator.fetch,
        rateLimit: pace,
      });
      await runQuickstart(client, {
        print: console.log,
        launch: true,
        pollIntervalMs: 1000,
        where: "on the built-in emulator (no LAMBDA_API_KEY set): nothing is billed",
      });
    }
  } catch (error) {
    // The message says what failed and Lambda's error code; a stack trace would only bury it.
    console.error(error instanceof Error ? error.message : error);
    Deno.exit(1);
  }
}
