/**
 * A cell of a count table is named by its breakdown assignment: '' for the total, 'sex=female',
 * 'level=primary;sex=female' (dimensions in alphabetical order). '?' stands for the cases no
 * published value covers (learners of unknown sex), which are cells too.
 */

/** The assignment of a key: 'level=primary;sex=female' -> { level: 'primary', sex: 'female' }. */
export function parseCell(key: string): Record<string, string> {
  if (key === '') return {};
  return Object.fromEntries(key.split(';').map((part) => part.split('=') as [string, string]));
}

/** The key of an assignment, dimensions in alphabetical order. */
export function cellKey(assignment: Record<string, string>): string {
  return Object.keys(assignment)
    .sort()
    .map((d) => `${d}=${assignment[d]}`)
    .join(';');
}

/** A breakdown as indicator_values names it ('total', 'sex=female'), with a fixed cell added. */
export function breakdownCell(breakdown: string, fixed?: Record<string, string>): string {
  const own = breakdown === 'total' ? {} : { [breakdown.slice(0, breakdown.indexOf('='))]: breakdown.slice(breakdown.indexOf('=') + 1) };
  return cellKey({ ...own, ...fixed });
}
