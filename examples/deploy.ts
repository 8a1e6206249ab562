// deno serve --allow-net=cloud.lambda.ai,127.0.0.1 --allow-env=LAMBDA_API_KEY,LAMBDA_BASE_URL,DEPLOY_TOKEN examples/deploy.ts
// On the emulator: deno task example examples/deploy.ts
//
// A Deno Deploy (or `deno serve`) handler that answers with the account's running instances as
// JSON, to requests that carry `Authorization: Bearer $DEPLOY_TOKEN` (a Deploy app is public, and
// instance names and addresses are not for everyone). Nothing happens at module load and nothing touches a file system: the client is made at
// the first request, from LAMBDA_API_KEY (a Deploy environment variable), and reused by every
// request after it, so all of them share one rate-limit budget. LAMBDA_BASE_URL, when set, points
// it elsewhere, such as at the emulator.

import { LambdaCloudClient, LambdaCloudError } from "../mod.ts";
import { bearerRefusal } from "./_bearer.ts";

let client: LambdaCloudClient | undefined;

function getClient(): LambdaCloudClient {
  const baseUrl = Deno.env.get("LAMBDA_BASE_URL");
  client ??= new LambdaCloudClient(baseUrl ? { baseUrl } : {});
  return client;
}

export default {
  async fetch(request: Request): Promise<Response> {
    if (request.method !== "GET") return new Response(null, { status: 405 });
    const refused = await bearerRefusal(request, "DEPLOY_TOKEN");
    if (refused) return refused;
    try {
      const running = (await getClient().instances.list({}, { signal: request.signal }))
        .filter((instance) => instance.status === "active" || instance.status === "booting")
        .map((instance) => ({
          id: instance.id,
          name: instance.name ?? null,
          status: instance.status,
          type: instance.instance_type.name,
          region: instance.region.name,
          ip: instance.ip ?? null,
        }));
      return Response.json({ running });
    } catch (error) {
      // The message names the failed call and Lambda's code; it never holds the key.
      const message = error instanceof LambdaCloudError ? error.message : "internal error";
      return Response.json({ error: message }, { status: 502 });
    }
  },
} satisfies Deno.ServeDefaultExport;
