// Human output: aligned columns, and key-value blocks.

/** Lays `rows` out in aligned columns under upper-case headers. */
export function table(columns: readonly string[], rows: readonly (readonly string[])[]): string[] {
  if (rows.length === 0) return ["(none)"];
  const widths = columns.map((column, index) =>
    Math.max(column.length, ...rows.map((row) => (row[index] ?? "").length))
  );
  const line = (cells: readonly string[]) =>
    cells.map((cell, index) => index === cells.length - 1 ? cell : cell.padEnd(widths[index]!))
      .join("  ").trimEnd();
  return [line(columns.map((column) => column.toUpperCase())), ...rows.map(line)];
}

/** One `key: value` line per entry, keys aligned, empty values left out. */
export function details(entries: readonly [string, string | undefined][]): string[] {
  const shown = entries.filter(([, value]) => value !== undefined && value !== "");
  const width = Math.max(...shown.map(([key]) => key.length));
  return shown.map(([key, value]) => `${`${key}:`.padEnd(width + 1)} ${value}`);
}

/** US cents per hour as `$1.29/h`. */
export function price(cents: number): string {
  return `$${(cents / 100).toFixed(2)}/h`;
}
