// deno run bench/cli_list.ts [--rounds N] [--per-block N]
//
// What `lambda instances list`, `lambda instances list -q` and `lambda costs` cost on an account
// with a long history, against `lambda instances list --json`: the command line in-process
// (runCli), each run with a client and a rate limit of its own (one request a second, the first at
// once), as each `lambda` process has, and a launch journal in memory as the installed one
// keeps on disk; the emulator holds 4 instances and 1,000 audit events of instances, and paces
// nothing itself. Each command should cost one listing, as --json does: the target is each within
// 1.2x of it. Variants take turns in interleaved blocks (bench/_compare.ts). `--rounds 1
// --per-block 1` runs it once, quickly.
// deno-lint-ignore-file no-console -- a measurement script reports on the console

import { type Clock, LambdaCloudClient, systemClock } from "../mod.ts";
import { type CliIo, EXIT, type JournalFile, runCli } from "../lib/cli/mod.ts";
import { LambdaEmulator } from "../lib/testing/mod.ts";
import { launchArgs } from "../tests/_cli.ts";
import { compare, table } from "./_compare.ts";

const AUDIT_EVENTS = 1000;
const INSTANCES = 4;
const TARGET = 1.2;

const option = (name: string, fallback: number) => {
  const index = Deno.args.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(Deno.args[index + 1]);
};

const emulator = new LambdaEmulator({ rateLimit: false });
emulator.setCapacity("gpu_1x_a10", "us-east-1", INSTANCES);
let text = "";
const journal: JournalFile = {
  where: "(memory)",
  read: () => Promise.resolve(text),
  append: (line) => Promise.resolve(void (text += line)),
};
const io = (out: string[]): CliIo => ({
  stdout: (line) => out.push(line),
  stderr: (line) => out.push(line),
  progress: () => {},
  env: (name) => name === "LAMBDA_API_KEY" ? emulator.apiKey : undefined,
  isTerminal: false,
  confirm: () => Promise.resolve(false),
  readTextFile: () => Promise.reject(new Error("no files here")),
  createSecretFile: () => Promise.reject(new Error("no files here")),
});

/**
 * One `lambda` run, as a process would make it: its own client, keeping the API's rate limit alone
 * (clients of one key share a limiter per clock: a clock of its own is a budget of its own).
 */
async function lambda(...argv: string[]): Promise<string[]> {
  const out: string[] = [];
  const clock: Clock = { ...systemClock };
  const code = await runCli(argv, io(out), { fetch: emulator.fetch, journal, clock, ...paced });
  if (code !== EXIT.ok) {
    throw new Error(`lambda ${argv.join(" ")} exited ${code}: ${out.join("\n")}`);
  }
  return out;
}

// The account: a key, four instances launched through the command line (so the journal holds
// them), then renames until the trail holds 1,000 events of instances; unpaced, as it is not
// measured.
let paced: { rateLimit?: false } = { rateLimit: false };
await lambda("ssh-keys", "add", "k", "--public-key", "ssh-ed25519 AAAA k");
for (let i = 0; i < INSTANCES; i++) {
  await lambda(...launchArgs(), "--name", `train-${i}`);
}
const setup = new LambdaCloudClient({
  apiKey: emulator.apiKey,
  fetch: emulator.fetch,
  rateLimit: false,
});
const instances = await setup.instances.list();
for (let i = 0; i < AUDIT_EVENTS - INSTANCES; i++) {
  await setup.instances.update(instances[i % INSTANCES]!.id, { name: `train-${i % INSTANCES}` });
}
const events = await Array.fromAsync(setup.auditEvents.list({ resource_type: "cloud.instance" }));
if (events.length !== AUDIT_EVENTS) throw new Error(`the trail holds ${events.length} events`);
// Uptime shows, from the journal.
if (!(await lambda("instances", "list"))[1]?.match(/\d+m$/)) throw new Error("no uptime shown");
paced = {};

const results = await compare([
  { name: "lambda instances list --json", run: () => lambda("instances", "list", "--json") },
  { name: "lambda instances list", run: () => lambda("instances", "list") },
  { name: "lambda instances list -q", run: () => lambda("instances", "list", "-q") },
  { name: "lambda costs", run: () => lambda("costs") },
], { rounds: option("rounds", 30), perBlock: option("per-block", 5), warmup: 1 });

console.log(
  `## lambda list commands on ${AUDIT_EVENTS} audit events (${INSTANCES} instances), against --json\n`,
);
console.log(table(results));
for (const result of results.slice(1)) {
  const ratio = result.ratios[0]!.ratio.median;
  console.log(
    `${result.name}: ${ratio.toFixed(2)}x, ${ratio <= TARGET ? "within" : "OVER"} ${TARGET}x`,
  );
}
