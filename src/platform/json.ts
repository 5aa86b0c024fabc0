/**
 * JSON columns read back tolerantly: a damaged row gives an empty value (a sheet counted as incomplete, an export
 * row without its list) rather than stopping a ranking or an export.
 */

/** An object of numbers (criterion → score); other entries are dropped. */
export function numberRecord(raw: string): Record<string, number> {
  try {
    const v = JSON.parse(raw) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v))
      return Object.fromEntries(Object.entries(v).filter(([, n]) => typeof n === 'number')) as Record<string, number>;
  } catch {
    // damaged: empty
  }
  return {};
}

/** A list of strings; an older plain string is a list of one. */
export function stringList(raw: string): string[] {
  try {
    const v = JSON.parse(raw) as unknown;
    return Array.isArray(v) ? v.map(String) : [raw];
  } catch {
    return raw ? [raw] : [];
  }
}
