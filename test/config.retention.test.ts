/**
 * RETENTION_DAYS and WORKERS_MAX_SENDS_PER_INVOCATION: their defaults, and a bad value refused with one readable line.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';

function problems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('retention and Workers configuration', () => {
  it('keeps 30 days and sends at most 40 messages per Workers invocation unless told otherwise', () => {
    const c = loadConfig({});
    expect(c.RETENTION_DAYS).toBe(30);
    expect(c.WORKERS_MAX_SENDS_PER_INVOCATION).toBe(40);
    const set = loadConfig({ RETENTION_DAYS: ' 90 ', WORKERS_MAX_SENDS_PER_INVOCATION: '900' });
    expect([set.RETENTION_DAYS, set.WORKERS_MAX_SENDS_PER_INVOCATION]).toEqual([90, 900]);
    expect(loadConfig({ RETENTION_DAYS: '1' }).RETENTION_DAYS).toBe(1);
    expect(loadConfig({ RETENTION_DAYS: '3650' }).RETENTION_DAYS).toBe(3650);
  });

  it.each(['0', '-5', '1.5', 'thirty', '3651', ''])('refuses RETENTION_DAYS=%j with one readable line', (value) => {
    expect(problems({ RETENTION_DAYS: value })).toEqual([
      'RETENTION_DAYS: must be a whole number of days from 1 to 3650',
    ]);
  });

  it.each(['0', '50.5', 'many', '9001'])(
    'refuses WORKERS_MAX_SENDS_PER_INVOCATION=%j with one readable line',
    (value) => {
      expect(problems({ WORKERS_MAX_SENDS_PER_INVOCATION: value })).toEqual([
        'WORKERS_MAX_SENDS_PER_INVOCATION: must be a whole number from 1 to 9000',
      ]);
    },
  );
});
