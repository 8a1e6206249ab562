// deno task test [--verbose] [more deno test options, such as --filter cli]
//
// Runs the `deno test` command it is given (the test task spells it out), keeps its whole report
// in .coverage/test-report.txt, and ends with a short summary: how many tests passed and failed,
// and the coverage of lib/. When a test fails it prints the failures in full. --verbose shows
// everything as it runs instead, and the coverage of every file.
// deno-lint-ignore-file no-console -- a command that reports on the console

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
  new Deno.Command(Deno.execPath(), {
    args,
    env: { NO_COLOR: "1" },
    stdout: inherit ? "inherit" : "piped",
    stderr: inherit ? "inherit" : "piped",
  }).output();

if (verbose) {
  const { success } = await run(testArgs, true);
  if (success) await run(COVERAGE, true);
  Deno.exit(success ? 0 : 1);
}

const tests = await run(testArgs, false);
const stdout = new TextDecoder().decode(tests.stdout);
const stderr = new TextDecoder().decode(tests.stderr);
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
    !/^(Check |error: Test failed|Stack backtrace:|\s+0: <unknown>)/.test(line)
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
