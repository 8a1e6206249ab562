// Human output: aligned columns, key-value blocks, money and durations.

import { type Part, type Style, visible } from "./_output.ts";
import type { InstanceStatus } from "../../mod.ts";

const STATUS_STYLES: Readonly<Record<InstanceStatus, Style>> = {
  active: "good",
  booting: "busy",
  unhealthy: "bad",
  preempted: "bad",
  terminating: "gone",
  terminated: "gone",
};

/** The style of a cell: an instance's status, in a STATUS column; other cells are plain. */
function cellStyle(column: string, value: string): Style | undefined {
  return column === "STATUS" && Object.hasOwn(STATUS_STYLES, value)
    ? STATUS_STYLES[value as InstanceStatus]
    : undefined;
}

/**
 * Lays `rows` out in aligned columns, under their headers unless `header` is false. Rows are keyed
 * by column name (`PRIVATE_IP`, shown as `PRIVATE IP`); a missing cell is empty. Each line is parts,
 * an instance's status a styled one (see {@linkcode ShownIo}).
 */
export function table(
  columns: readonly string[],
  rows: readonly Record<string, string>[],
  header = true,
): Part[][] {
  // Escaped before they are measured, so that the columns stay aligned (see _output.ts).
  const cells = rows.map((row) => columns.map((column) => visible(row[column] ?? "")));
  const all = header ? [columns.map((column) => column.replaceAll("_", " ")), ...cells] : cells;
  const widths = columns.map((_, index) => Math.max(...all.map((row) => row[index]!.length)));
  return all.map((row, index) => {
    const line = row.map((cell, at) => at === row.length - 1 ? cell : cell.padEnd(widths[at]!))
      .join("  ").trimEnd();
    const parts: Part[] = [];
    let from = 0;
    columns.forEach((column, at) => {
      const start = widths.slice(0, at).reduce((sum, width) => sum + width + 2, 0);
      const style = header && index === 0 ? undefined : cellStyle(column, row[at]!);
      if (style === undefined) return;
      parts.push(line.slice(from, start), { text: row[at]!, style });
      from = start + row[at]!.length;
    });
    return [...parts, line.slice(from)].filter((part) => part !== "");
  });
}

/**
 * One `key: value` line per entry, keys aligned, empty values left out (each value last on its
 * line, so escaped with the line as it is written: see _output.ts).
 */
export function details(entries: readonly [string, string | undefined][]): string[] {
  const shown = entries.filter(([, value]) => value !== undefined && value !== "");
  const width = Math.max(...shown.map(([key]) => key.length));
  return shown.map(([key, value]) => `${`${key}:`.padEnd(width + 1)} ${value}`);
}

/** US cents as dollars, such as `$1.29`. */
export function dollars(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}

/** US cents per hour as `$1.29/h`. */
export function price(cents: number): string {
  return `${dollars(cents)}/h`;
}

/** A duration as days, hours and minutes, such as `2d 3h`, `4h 05m` or `7m`. */
export function duration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${String(rest).padStart(2, "0")}m`;
  return `${rest}m`;
}
