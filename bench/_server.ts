// deno run --allow-net=127.0.0.1 bench/_server.ts
//
// The loopback server the request-path benchmark calls, in its own process so that its work lands
// on the other core rather than inside the client's timings: `GET …/instances` answers a list of
// 50 instances, any other path one instance. Prints its port, then serves until killed.

import { sampleInstance } from "../tests/_fakes.ts";

const instances = Array.from(
  { length: 50 },
  (_, i) => sampleInstance({ id: `instance-${i}`, name: `node-${i}` }),
);
const list = new TextEncoder().encode(JSON.stringify({ data: instances }));
const one = new TextEncoder().encode(JSON.stringify({ data: instances[0] }));
const headers = { "content-type": "application/json" };

Deno.serve(
  {
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) => Deno.stdout.writeSync(new TextEncoder().encode(`${port}\n`)),
  },
  (request) => new Response(request.url.endsWith("/instances") ? list : one, { headers }),
);
