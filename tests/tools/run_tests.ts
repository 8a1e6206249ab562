// deno task test [--verbose] [more deno test options, such as --filter cli]
//
// Runs the `deno test` command it is given (the test task spells it out; under the JSR mirror
// beside the clone, where there is one: _jsr.ts), keeps its whole report in
// .coverage/test-report.txt, and ends with a short summary: how many tests passed and failed, and
// the coverage of lib/. While it runs, it shows how far it got: on a terminal a line rewritten in
// place, elsewhere (CI) a line every 20 seconds. When a test fails it prints the failures in full.
// --verbose shows everything as it runs instead, and the coverage of every file.
// deno-lint-ignore-file no-console -- a command that reports on the console

import { denoCommand } from "./_jsr.ts";

const REPORT = ".coverage/test-report.txt";
const COVERAGE = ["coverage", "--include=lib/", ".coverage"];

const verbose = Deno.args.includes("--verbose");
const [program, ...testArgs] = Deno.args.filter((arg) => arg !== "--verbose");
if (program !== "deno" || testArgs[0] !== "test") {
  console.error("Usage: run_tests.ts deno test <options and paths> [--verbose]");
  Deno.exit(2);
}

// Every run starts from nothing: the schema log is rebuilt, and tests' scratch files go.
for (const dir of [".schema", ".tmp"]) await Deno.remove(dir, { recursive: true }).catch(() => {});

const started = performance.now();
const run = (args: string[], inherit: boolean) =>
  denoCommand(args, {
    env: { NO_COLOR: "1" },
    stdout: inherit ? "inherit" : "piped",
    stderr: inherit ? "inherit" : "piped",
  }).output();

if (verbose) {
  const { success } = await run(testArgs, true);
  if (success) await run(COVERAGE, true);
  Deno.exit(success ? 0 : 1);
}

/** How far the run got, from the lines deno test writes as it goes. */
const tally = { checked: 0, files: 0, passed: 0, failed: 0, current: "" };

/** Counts what `line` says, and shows it at once on a terminal. */
function count(line: string): void {
  const before = JSON.stringify(tally);
  if (line.startsWith("Check ")) tally.checked++;
  const file = /^running \d+ tests? from (\S+)/.exec(line)?.[1];
  if (file !== undefined) [tally.files, tally.current] = [tally.files + 1, file];
  // Top-level tests only: a test's steps are indented under it.
  if (/^\S.* \.\.\. ok\b/.test(line)) tally.passed++;
  if (/^\S.* \.\.\. FAILED\b/.test(line)) tally.failed++;
  if (live && JSON.stringify(tally) !== before) show();
}

function progress(): string {
  const seconds = Math.round((performance.now() - started) / 1000);
  return tally.files === 0
    ? `Testing: type-checking${tally.checked ? ` (${tally.checked} files)` : ""}, ${seconds} s`
    : `Testing: ${tally.passed} passed, ${tally.failed} failed so far, file ${tally.files} (${tally.current}), ${seconds} s`;
}

/** All of `stream`'s text, each line counted as it arrives. */
async function collect(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  let partial = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    text += chunk;
    const lines = (partial + chunk).split("\n");
    partial = lines.pop()!;
    lines.forEach(count);
  }
  return text;
}

const encoder = new TextEncoder();
const live = Deno.stdout.isTerminal();
const say = (text: string) => Deno.stdout.writeSync(encoder.encode(text));
// On a terminal, one line rewritten in place as tests finish (and each second); elsewhere, such as
// in CI, a line now and every 20 seconds.
const show = () => say(live ? `\r\x1b[K${progress()}` : `${progress()}\n`);
show();
const ticker = setInterval(show, live ? 1000 : 20_000);
const child = denoCommand(testArgs, {
  env: { NO_COLOR: "1" },
  stdout: "piped",
  stderr: "piped",
}).spawn();
const [stdout, stderr] = await Promise.all([collect(child.stdout), collect(child.stderr)]);
const tests = await child.status;
clearInterval(ticker);
if (live) say("\r\x1b[K");
const report = stdout + stderr;
await Deno.mkdir(".coverage", { recursive: true });
await Deno.writeTextFile(REPORT, report);
const seconds = Math.round((performance.now() - started) / 1000);
const counts = /(\d+) passed.*?\| (\d+) failed/.exec(
  report.split("\n").findLast((line) => /\| \d+ passed/.test(line)) ?? "",
);

if (!tests.success) {
  // The failures in full: deno test's ERRORS section on, and what went to stderr but the lines
  // that only say which file is being type-checked.
  const errors = stdout.indexOf(" ERRORS ");
  const problems = stderr.split("\n").filter((line) =>
    line.trim() !== "" &&
    !/^(Check |Download |error: Test failed|Stack backtrace:|\s+0: <unknown>)/.test(line)
  );
  console.log([errors === -1 ? "" : stdout.slice(errors).trimEnd(), ...problems].join("\n").trim());
  console.log(
    `\nTests: ${
      counts ? `${counts[1]} passed, ${counts[2]} failed` : "they did not run"
    }, in ${seconds} s. Full report: ${REPORT}`,
  );
  Deno.exit(1);
}

const coverage = new TextDecoder().decode((await run(COVERAGE, false)).stdout);
// | All files | branch % | function % | line % |
const all = coverage.split("\n").find((line) => line.includes("All files"))?.split("|")
  .map((cell) => cell.trim());
const which = testArgs.some((arg) => arg.startsWith("--filter"))
  ? "those the filter chose"
  : "unit, emulator, fault storm, fuzz, command line, examples, documentation";
console.log(`Tests: ${counts?.[1] ?? "?"} passed, 0 failed, in ${seconds} s (${which}).`);
if (all) console.log(`Coverage of lib/: ${all[4]}% of lines, ${all[2]}% of branches.`);
console.log(
  `Details: ${REPORT} (every test), deno task test --verbose, or deno ${
    COVERAGE.join(" ")
  } (per file).`,
);
