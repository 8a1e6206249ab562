// The smoke scenario every runtime runs against the emulator over loopback: list, launch, wait,
// terminate, a typed error, and the webhook receiver. Bundled with the client into plain
// JavaScript for each runtime.

import { LambdaCloudClient, NotFoundError } from "../../mod.ts";
import { runWebhookScenario } from "./webhooks.ts";

/** Runs the scenario; resolves with what happened, or throws. */
export async function runScenario(baseUrl: string, apiKey: string): Promise<string> {
  const client = new LambdaCloudClient({ baseUrl, apiKey, rateLimit: false });
  const [cheapest] = await client.instanceTypes.available({ gpus: 1 });
  if (!cheapest) throw new Error("no instance type with capacity");
  const key = await client.sshKeys.create({ name: `smoke-${crypto.randomUUID().slice(0, 8)}` });
  const { instance_ids } = await client.instances.launch({
    region_name: cheapest.region_name,
    instance_type_name: cheapest.instance_type_name,
    ssh_key_names: [key.name],
    name: "smoke",
  });
  const id = instance_ids[0]!;
  const active = await client.instances.waitFor(id, {
    until: "ip",
    interval: 100,
    timeout: 20_000,
  });
  await client.instances.terminate(id);
  const gone = await client.instances.waitFor(id, {
    until: "terminated",
    interval: 100,
    timeout: 20_000,
  });
  let typed = "no error";
  try {
    await client.instances.get("missing-instance");
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    typed = `${error.name} ${error.code}`;
  }
  if (typed !== "NotFoundError global/object-does-not-exist") throw new Error(`got ${typed}`);
  return `launched ${cheapest.instance_type_name} in ${cheapest.region_name}, active at ${active.ip}, ` +
    `${gone?.status ?? "gone"} after terminate; ${typed}; ${await runWebhookScenario()}`;
}
