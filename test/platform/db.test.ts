/**
 * Statements that lose a lock conflict (an InnoDB deadlock victim, a lock wait timeout, SQLite busy) run again: the
 * outbox's marks and lease renewal use this, so a deadlock between two workers of one drain never stops the drain.
 */
import { describe, expect, it } from 'vitest';
import { isLockConflict, retryOnLockConflict } from '../../src/platform/db';

const deadlock = () =>
  Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), {
    code: 'ER_LOCK_DEADLOCK',
    errno: 1213,
  });

describe('lock conflicts', () => {
  it('are told apart from other errors', () => {
    expect(isLockConflict(deadlock())).toBe(true);
    expect(isLockConflict({ errno: 1205 })).toBe(true);
    expect(isLockConflict({ code: 'SQLITE_BUSY' })).toBe(true);
    expect(isLockConflict({ code: 'ER_DUP_ENTRY', errno: 1062 })).toBe(false);
    expect(isLockConflict(new Error('boom'))).toBe(false);
  });

  it('a statement that loses one runs again, up to three times; other errors are thrown at once', async () => {
    let calls = 0;
    expect(await retryOnLockConflict(async () => (++calls < 3 ? Promise.reject(deadlock()) : 'done'))).toBe('done');
    expect(calls).toBe(3);
    calls = 0;
    await expect(
      retryOnLockConflict(async () => {
        calls++;
        throw deadlock();
      }),
    ).rejects.toMatchObject({ errno: 1213 });
    expect(calls).toBe(3);
    calls = 0;
    await expect(
      retryOnLockConflict(async () => {
        calls++;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(calls).toBe(1);
  });
});
