/**
 * The award rules: windows from the 2024 file, the forms, the live key and which step may follow which status.
 */
import { describe, expect, it } from 'vitest';
import {
  activeKey,
  awardWindows,
  decisionsClosed,
  materialsClosed,
  nominationClosed,
  stepRefused,
} from '../../../src/features/awards/awards.rules';
import { parseDecision, parseMaterials, parseNomination } from '../../../cards/awards.form';
import { at, competition2024 } from '../../support/fixtures';

const c = competition2024();
const projects = [{ id: 'prj_a', name: '法治示范' }];

describe('award windows', () => {
  it('nominations from the evaluation stage to the materials due day; decisions to the end of the stage (Shanghai time)', () => {
    const w = awardWindows(c);
    expect(w.materialsDue).toBe('2024-12-13');
    expect(nominationClosed(c, at('2024-10-31 23:59:59'))?.zh).toContain('2024-11-01 开始');
    expect(nominationClosed(c, at('2024-11-01 00:00:00'))).toBeUndefined();
    expect(nominationClosed(c, at('2024-12-13 23:59:59'))).toBeUndefined();
    expect(nominationClosed(c, at('2024-12-14 00:00:00'))?.en).toContain('closed on 2024-12-13');
    expect(materialsClosed(c, at('2024-12-13 23:59:59'))).toBeUndefined();
    expect(materialsClosed(c, at('2024-12-14 00:00:00'))).toBeDefined();
    expect(decisionsClosed(c, at('2024-12-31 23:59:59'))).toBeUndefined();
    expect(decisionsClosed(c, at('2025-01-01 00:00:00'))).toBeDefined();
  });
});

describe('the forms', () => {
  it('a collective defaults to the project team; an individual needs a name and a position', () => {
    expect(parseNomination({ kind: 'collective', project: 'prj_a', reason: ' 成效显著 ' }, projects)).toEqual({
      ok: true,
      value: { kind: 'collective', projectId: 'prj_a', nominee: '法治示范项目组', title: '', reason: '成效显著' },
    });
    const missing = parseNomination({ kind: 'individual', project: 'prj_a', reason: 'r' }, projects);
    expect(missing.ok).toBe(false);
    if (!missing.ok)
      expect(missing.problems.map((p) => p.en)).toEqual([
        'Enter the individual’s name',
        'Enter the individual’s position',
      ]);
  });

  it('every problem at once, in both languages; a project outside the track is not accepted', () => {
    const r = parseNomination({ kind: 'team', project: 'prj_other', reason: 'x'.repeat(501) }, projects);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems.map((p) => p.zh)).toEqual([
        '请选择奖项类别（先进集体或先进个人）',
        '请选择所依托的项目',
        '推荐理由最多 500 个字（现在 501 个）',
      ]);
      expect(r.problems.every((p) => p.en.length > 0)).toBe(true);
    }
  });

  it('the same person is the same nominee whatever the spacing or width', () => {
    expect(activeKey('individual', 'prj_a', '张 三')).toBe(
      activeKey('individual', 'prj_a', '張三'.replace('張', '张')),
    );
    expect(activeKey('individual', 'prj_a', 'ＡＢ')).toBe(activeKey('individual', 'prj_a', 'ab'));
    expect(activeKey('collective', 'prj_a', 'anything')).toBe('collective|prj_a');
  });

  it('materials need the account; links must be http(s); a rejection needs a reason', () => {
    expect(parseMaterials({ materials: '事迹', links: 'https://a.example/1\nhttp://b.example' })).toEqual({
      ok: true,
      value: { materials: '事迹', links: ['https://a.example/1', 'http://b.example'] },
    });
    const bad = parseMaterials({ materials: '', links: 'javascript:alert(1)' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems).toHaveLength(2);
    expect(parseDecision('reject', { note: ' ' }).ok).toBe(false);
    expect(parseDecision('approve', {})).toEqual({ ok: true, value: { decision: 'approve', note: '' } });
  });
});

describe('steps', () => {
  it('each step only from the statuses it starts from', () => {
    expect(stepRefused('confirm', 'nominated')).toBeUndefined();
    expect(stepRefused('withdraw', 'allocated')?.zh).toContain('名额已确认');
    expect(stepRefused('materials', 'allocated')).toBeUndefined();
    expect(stepRefused('materials', 'materials_submitted')).toBeUndefined();
    expect(stepRefused('materials', 'approved')).toBeDefined();
    expect(stepRefused('decide', 'materials_submitted')).toBeUndefined();
    expect(stepRefused('decide', 'approved')?.en).toContain('approved');
  });
});
