// "Did you mean …?" for mistyped commands, options and names.

/** The number of single-character edits (insert, delete, replace, swap) from `a` to `b`. */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      }
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The candidate closest to `typed`, if one is close enough to be a likely typo (about one edit in
 * three characters, and fewer than half of them), or the only one that starts with what was typed.
 */
export function closest(typed: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(typed.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  if (best === undefined) return undefined;
  const likely = bestDistance <= Math.max(1, Math.floor(typed.length / 3)) &&
    bestDistance < typed.length / 2; // "-x" is not a typo of "-q"
  if (likely) return best;
  const prefixed = [...candidates].filter((candidate) => candidate.startsWith(typed));
  return typed.length >= 3 && prefixed.length === 1 ? prefixed[0] : undefined;
}

/** `; did you mean 'x'?` when there is a likely candidate, else nothing. */
export function didYouMean(typed: string, candidates: Iterable<string>): string {
  const match = closest(typed, candidates);
  return match === undefined ? "" : `; did you mean '${match}'?`;
}
