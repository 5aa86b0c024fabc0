import { describe, expect, it } from 'vitest';
import { registrationOverview } from '../../../src/features/registration/registration.rules';
import { looksLikePhone, parseProjectFields } from '../../../cards/registration.form';
import { cleanInput } from '../../../src/core/forms';
import { freeSlot, nameKey, projectCode } from '../../../src/core/projects';

describe('registration rules', () => {
  it('keeps what people typed, minus control characters and outer spaces', () => {
    expect(cleanInput('  项目（一）\u0007 ')).toBe('项目（一）');
    expect(cleanInput('a\r\nb')).toBe('a\nb');
    expect(cleanInput(42)).toBe('');
  });

  it('accepts mobiles and landlines as people write them, refuses the rest', () => {
    for (const ok of ['13812345678', '+86 138 1234 5678', '021-63210000', '(021) 6321 0000'])
      expect(looksLikePhone(ok)).toBe(true);
    for (const bad of ['call me', '123', '1234567890123456', '138-abc-5678', ''])
      expect(looksLikePhone(bad)).toBe(false);
  });

  it('names every problem of a form at once, in both languages', () => {
    const r = parseProjectFields({ name: '', lead: '李'.repeat(31), summary: 's', goals: 'g', phone: 'x' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.zh)).toEqual([
      '请填写项目名称',
      '项目负责人最多 30 个字（现在 31 个）',
      expect.stringContaining('联系电话格式不对'),
    ]);
    expect(r.problems[0]!.en).toBe('Project name is required');
  });

  it('counts characters, not UTF-16 units, and folds full-width digits in phones', () => {
    const r = parseProjectFields({
      name: '𠀀'.repeat(60),
      lead: 'a',
      summary: 's',
      goals: 'g',
      phone: '１３８１２３４５６７８',
    });
    expect(r).toMatchObject({ ok: true, value: { phone: '13812345678' } });
  });

  it('treats names that differ in width, case or spacing as the same', () => {
    expect(nameKey('ＡＬＰＨＡ  项目')).toBe(nameKey('alpha 项目'));
    expect(nameKey('Alpha')).not.toBe(nameKey('Alpha 2'));
  });

  it('codes, slots', () => {
    expect(projectCode('2024', 'T02', 'HP', 1)).toBe('2024-T02-HP-1');
    expect(freeSlot([], 2)).toBe(1);
    expect(freeSlot([1], 2)).toBe(2);
    expect(freeSlot([2], 2)).toBe(1);
    expect(freeSlot([1, 2], 2)).toBeUndefined();
  });

  it('the overview counts per unit and track, lists units with none and thin tracks', () => {
    const o = registrationOverview({
      units: [
        { code: 'A', name: 'A区', shortName: 'A' },
        { code: 'B', name: 'B区', shortName: 'B' },
      ],
      tracks: [
        { code: 'T1', name: '一', nameEn: 'One', quota: { collectives: 1 } },
        { code: 'T2', name: '二', nameEn: 'Two', quota: { collectives: 3 } },
      ],
      counts: [
        { unit: 'A', track: 'T1', n: 2 },
        { unit: 'A', track: 'T2', n: 1 },
      ],
    });
    expect(o.rows).toEqual([
      { unit: 'A', name: 'A', byTrack: [2, 1], total: 3 },
      { unit: 'B', name: 'B', byTrack: [0, 0], total: 0 },
    ]);
    expect(o.trackTotals).toEqual([2, 1]);
    expect(o.unitsWithout).toEqual(['B']);
    expect(o.thinTracks).toEqual([{ code: 'T2', name: '二', nameEn: 'Two', n: 1, wanted: 6 }]);
  });
});
