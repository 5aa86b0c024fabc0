/**
 * Instants are stored in UTC as 'YYYY-MM-DD HH:MM:SS.mmm' strings: DATETIME(3) on MySQL (read back as strings,
 * `dateStrings: true`) and TEXT on SQLite. Both dialects then return the same value, sort it the same way and
 * never apply a session time zone.
 */
export type DbInstant = string;

/** The last conversion: a request stamps several rows with the same instant. */
let last: { ms: number; value: DbInstant } | undefined;

export function toDbInstant(ms: number): DbInstant {
  if (last?.ms === ms) return last.value;
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  last = { ms, value: `${iso.slice(0, 10)} ${iso.slice(11, 23)}` };
  return last.value;
}

export function fromDbInstant(value: DbInstant | Date): number {
  if (value instanceof Date) return value.getTime();
  const ms = Date.parse(`${value.replace(' ', 'T')}Z`);
  if (Number.isNaN(ms)) throw new Error(`not an instant: ${value}`);
  return ms;
}
