/** Levenshtein distance with a cut-off: returns a value above `limit` as soon as it is certain. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    if (Math.min(...row) > limit) return limit + 1;
    previous = row;
  }
  return previous[b.length];
}

/**
 * The candidates closest to a misspelt word, best first: within a third of the word's length
 * (at least 2 edits), so "listen_prot" finds "listen_port" but "x" does not match everything.
 */
export function closestMatches(word: string, candidates: readonly string[], max = 3): string[] {
  const lower = word.toLowerCase();
  const limit = Math.max(2, Math.floor(lower.length / 3));
  return candidates
    .map((candidate) => ({ candidate, d: distance(lower, candidate, limit) }))
    .filter((m) => m.d <= limit)
    .sort((x, y) => x.d - y.d || x.candidate.localeCompare(y.candidate))
    .slice(0, max)
    .map((m) => m.candidate);
}
