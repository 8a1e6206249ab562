// A side-by-side benchmark runner that a noisy machine cannot fool. `deno bench` runs its cases one
// after another, so a burst of background load, a GC, or the JIT warming up lands on one case and
// not the others, and has shown raw fetch slower than the client that wraps it. Here the variants
// take turns: each round runs one block of every variant, in an order that rotates from round to
// round, and returns to the event loop between blocks so that timers, sockets and finalizers of one
// block are settled before the next starts. Every call is timed on its own, and a block's figure is
// the median of its calls (a GC pause lands on one call, not on the block's mean; the timer itself
// adds well under a microsecond to every variant alike). Each variant's figure is the median of its
// blocks, with the spread between the first and third quartiles, and each ratio is taken within a
// round (a variant's block against the baseline's block of the same round) before its median is
// taken.

/** One way of doing the thing measured. */
export interface Variant {
  name: string;
  /** One call; a block awaits `perBlock` of them one after another. */
  run: () => Promise<unknown>;
}

/** How long to measure. */
export interface CompareOptions {
  /** Rounds: each runs one block of every variant. */
  rounds: number;
  /** Calls per block. */
  perBlock: number;
  /** Calls of each variant before measuring, for the JIT and the connection pool. */
  warmup?: number;
  /** The variants every ratio is taken against, by index. @default [0] */
  references?: number[];
}

/** A median with its spread: the first and third quartiles. */
export interface Spread {
  median: number;
  p25: number;
  p75: number;
}

/** What one variant measured. */
export interface VariantResult {
  name: string;
  /** Time per call (the median of each block's calls), in microseconds. */
  perCallUs: Spread;
  /** Against each reference variant (the first, unless told), round by round. */
  ratios: { against: string; ratio: Spread }[];
}

/** The quartiles and median of `values`. */
export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => {
    const index = (sorted.length - 1) * q;
    const low = Math.floor(index);
    const high = Math.ceil(index);
    return sorted[low]! + (sorted[high]! - sorted[low]!) * (index - low);
  };
  return { median: at(0.5), p25: at(0.25), p75: at(0.75) };
}

/** Lets the event loop run: pending timers, I/O callbacks and finalizers. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Measures `variants` side by side; the first is the baseline of every ratio. */
export async function compare(
  variants: readonly Variant[],
  options: CompareOptions,
): Promise<VariantResult[]> {
  for (const variant of variants) {
    for (let i = 0; i < (options.warmup ?? options.perBlock); i++) await variant.run();
    await yieldToEventLoop();
  }
  const blocks: number[][] = variants.map(() => []);
  for (let round = 0; round < options.rounds; round++) {
    for (let turn = 0; turn < variants.length; turn++) {
      const index = (round + turn) % variants.length;
      const variant = variants[index]!;
      await yieldToEventLoop();
      const calls: number[] = [];
      for (let i = 0; i < options.perBlock; i++) {
        const started = performance.now();
        await variant.run();
        calls.push((performance.now() - started) * 1000);
      }
      blocks[index]!.push(spread(calls).median);
    }
  }
  return variants.map((variant, index) => ({
    name: variant.name,
    perCallUs: spread(blocks[index]!),
    ratios: (options.references ?? [0]).map((reference) => ({
      against: variants[reference]!.name,
      ratio: spread(blocks[index]!.map((time, round) => time / blocks[reference]![round]!)),
    })),
  }));
}

/**
 * `results` as a Markdown table: median time per call and its spread, then the median ratio to each
 * reference with its spread.
 */
export function table(results: readonly VariantResult[]): string {
  const time = (us: number) => us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`;
  const rows = results.map((result) => [
    result.name,
    time(result.perCallUs.median),
    `${time(result.perCallUs.p25)} – ${time(result.perCallUs.p75)}`,
    ...result.ratios.map(({ ratio }) =>
      `${ratio.median.toFixed(2)}x (${ratio.p25.toFixed(2)} – ${ratio.p75.toFixed(2)})`
    ),
  ]);
  const header = [
    "variant",
    "median",
    "spread (p25 – p75)",
    ...results[0]!.ratios.map(({ against }) => `vs ${against}`),
  ];
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => row[column]!.length))
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")} |`;
  return [
    line(header),
    `| ${widths.map((width) => "-".repeat(width)).join(" | ")} |`,
    ...rows.map(line),
  ].join("\n");
}
