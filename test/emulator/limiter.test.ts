/**
 * The emulator's rate windows when its clock moves: forwards (old hits age out) and backwards, as the playground's
 * time travel does (hits "from the future" must not block the key for ever).
 */
import { describe, expect, it } from 'vitest';
import { MultiWindowLimiter, SlidingWindow } from '../../src/emulator/limiter';

const limiter = () => new MultiWindowLimiter([new SlidingWindow(5, 1_000)]);

describe('the emulator rate windows', () => {
  it('refuses the sixth request in a second and admits again a second later', () => {
    const l = limiter();
    for (let i = 0; i < 5; i++) expect(l.tryAdmit('chat:oc_1', 10_000 + i)).toBeUndefined();
    expect(l.tryAdmit('chat:oc_1', 10_100)).toEqual({ limit: 5, resetSeconds: 1 });
    expect(l.tryAdmit('chat:oc_2', 10_100)).toBeUndefined();
    expect(l.tryAdmit('chat:oc_1', 11_001)).toBeUndefined();
  });

  it('after the clock moves back, counts only what happened up to the new now', () => {
    const l = limiter();
    const later = Date.UTC(2026, 11, 1);
    for (let i = 0; i < 5; i++) expect(l.tryAdmit('chat:oc_1', later + i)).toBeUndefined();
    const back = Date.UTC(2024, 2, 20);
    for (let i = 0; i < 5; i++) expect(l.tryAdmit('chat:oc_1', back + i * 300)).toBeUndefined();
    expect(l.tryAdmit('chat:oc_1', back + 1_300)).toBeUndefined();
    expect(l.tryAdmit('chat:oc_1', back + 1_301)).toBeUndefined();
    expect(l.tryAdmit('chat:oc_1', back + 1_302)).toEqual({ limit: 5, resetSeconds: 1 });
  });
});
