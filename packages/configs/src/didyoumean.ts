/**
 * terraform's / HCL's "Did you mean" rule: the first candidate (in the given order) whose Levenshtein
 * distance from the given name is less than 3.
 */
export function nameSuggestion(given: string, candidates: Iterable<string>): string | undefined {
  for (const candidate of candidates) {
    if (levenshtein(given, candidate) < 3) return candidate;
  }
  return undefined;
}

function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) >= 3) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
