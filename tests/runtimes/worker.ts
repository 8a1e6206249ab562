// The scenario's entry for workerd, bundled: GET /?base=<base-url>&key=<api-key> runs it once.

import { runScenario } from "./scenario.ts";

export default {
  async fetch(request: Request): Promise<Response> {
    const params = new URL(request.url).searchParams;
    try {
      return new Response(await runScenario(params.get("base")!, params.get("key")!));
    } catch (error) {
      return new Response(error instanceof Error ? error.stack : String(error), { status: 500 });
    }
  },
};
