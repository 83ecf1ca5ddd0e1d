// "Did you mean": the names closest to one the user mistyped, for the one-line errors of
// unknown functions' and unknown drivers' kind.

import { distance } from 'fastest-levenshtein';

/** How many edits a name of this length may be from a candidate: more for longer names. */
export function editBound(name: string): number {
  return name.length <= 4 ? 1 : name.length <= 12 ? 2 : 3;
}

/**
 * Up to `limit` candidates within editBound(name) edits of `name`, nearest first, then in
 * alphabetical order. Case does not count.
 */
export function closestNames(name: string, candidates: Iterable<string>, limit = 3): string[] {
  const key = name.toLowerCase();
  const max = editBound(key);
  const found = new Map<string, number>();
  for (const c of candidates) {
    if (found.has(c) || Math.abs(c.length - key.length) > max) continue;
    const d = distance(key, c.toLowerCase());
    if (d <= max) found.set(c, d);
  }
  return [...found]
    .sort(([a, da], [b, db]) => da - db || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, limit)
    .map(([c]) => c);
}

/** ` (did you mean a, b or c?)`, or nothing when there is no name to offer. */
export function didYouMean(names: readonly string[]): string {
  if (names.length === 0) return '';
  const last = names[names.length - 1] as string;
  return ` (did you mean ${names.length > 1 ? `${names.slice(0, -1).join(', ')} or ` : ''}${last}?)`;
}
