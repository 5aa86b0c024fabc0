/**
 * Instants are stored in UTC as 'YYYY-MM-DD HH:MM:SS.mmm' strings: DATETIME(3) on MySQL (read back as strings,
 * `dateStrings: true`) and TEXT on SQLite. Both dialects then return the same value, sort it the same way and
 * never apply a session time zone.
 */
export type DbInstant = string;

export function toDbInstant(ms: number): DbInstant {
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

export function fromDbInstant(value: DbInstant | Date): number {
  if (value instanceof Date) return value.getTime();
  const ms = Date.parse(`${value.replace(' ', 'T')}Z`);
  if (Number.isNaN(ms)) throw new Error(`not an instant: ${value}`);
  return ms;
}
