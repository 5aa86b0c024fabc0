import { describe, expect, it } from 'vitest';
import { matchSeveral, type Match, matchTrack, matchUnit, normaliseName, stem } from '../../src/core/scope-matcher';
import { competition2024Json } from '../support/fixtures';

const file = competition2024Json();
const units = file.units as Array<{ code: string; name: string; shortName: string; aliases: string[] }>;
const tracks = file.tracks as Array<{ code: string; name: string; nameEn: string }>;

const unitCode = (q: string) => {
  const m = matchUnit(units, q);
  return m.kind === 'one' ? m.item.code : m.kind;
};
const trackCode = (q: string) => {
  const m = matchTrack(tracks, q);
  return m.kind === 'one' ? m.item.code : m.kind;
};

const candidates = (m: Match<{ code: string }>) => (m.kind === 'one' ? [] : m.candidates.map((c) => c.code));

describe('unit names', () => {
  it.each([
    ['HP', 'HP'],
    ['hp', 'HP'],
    ['ＨＰ', 'HP'],
    ['黄浦区', 'HP'],
    ['黄浦', 'HP'],
    ['黄浦区城管执法局', 'HP'],
    ['黄浦区 城管执法局', 'HP'],
    ['黄浦城管', 'HP'],
    ['上海市黄浦区城管执法局', 'HP'],
    ['浦东新区', 'PD'],
    ['浦东区', 'PD'],
    ['浦东', 'PD'],
    ['临港新片区综合执法大队', 'LG'],
    ['临港大队', 'LG'],
    ['机场地区执法支队', 'JC'],
    ['自贸区', 'ZMQ'],
    ['自由贸易试验区', 'ZMQ'],
    ['总队', 'ZD'],
    ['市局执法总队', 'ZD'],
    ['执法总队', 'ZD'],
  ])('%s is %s', (q, code) => {
    expect(unitCode(q)).toBe(code);
  });

  it('every unit is found by its code, its name, its short name and each alias', () => {
    for (const u of units)
      for (const q of [u.code, u.name, u.shortName, ...u.aliases]) expect(unitCode(q), q).toBe(u.code);
  });

  it('an ambiguous text lists the units it could mean, in file order', () => {
    const m = matchUnit(units, '浦');
    expect(m.kind).toBe('many');
    expect(candidates(m)).toEqual(['PD', 'HP', 'YP', 'QP']);
  });

  it('one character is never enough, even when only one unit has it', () => {
    const m = matchUnit(units, '闵');
    expect(m).toMatchObject({ kind: 'many', candidates: [{ code: 'MH' }] });
  });

  it('two names that share an alias are ambiguous, not the first one', () => {
    const m = matchUnit(
      [
        { code: 'A', name: '甲局', shortName: '甲', aliases: ['东区'] },
        { code: 'B', name: '乙局', shortName: '乙', aliases: ['东区'] },
      ],
      '东区',
    );
    expect(m).toMatchObject({ kind: 'many', candidates: [{ code: 'A' }, { code: 'B' }] });
  });

  it('an unknown or empty text matches nothing', () => {
    expect(matchUnit(units, '火星区')).toMatchObject({ kind: 'none', query: '火星区' });
    expect(matchUnit(units, '   ')).toMatchObject({ kind: 'none' });
    expect(matchUnit(units, '区')).toMatchObject({ kind: 'none' });
  });

  it('a code is never matched as part of a longer text', () => {
    expect(unitCode('HPX')).toBe('none');
  });
});

describe('track names', () => {
  it.each([
    ['T02', 'T02'],
    ['t02', 'T02'],
    ['T2', 'T02'],
    ['2', 'T02'],
    ['Ｔ０２', 'T02'],
    ['法治建设', 'T02'],
    ['法治建设赛道', 'T02'],
    ['法治', 'T02'],
    ['Rule of law', 'T02'],
    ['rule of law track', 'T02'],
    ['长三角', 'T07'],
    ['T10', 'T10'],
    ['10', 'T10'],
  ])('%s is %s', (q, code) => {
    expect(trackCode(q)).toBe(code);
  });

  it('执法 could be special enforcement or enforcement supervision', () => {
    const m = matchTrack(tracks, '执法');
    expect(m).toMatchObject({ kind: 'many' });
    expect(candidates(m)).toEqual(['T04', 'T05']);
  });

  it('two letters of English say too little', () => {
    expect(trackCode('of')).toBe('many');
    expect(trackCode('T11')).toBe('none');
  });
});

describe('several names', () => {
  it('takes the whole text first, then its parts', () => {
    expect(matchSeveral(tracks, 'Rule of law', matchTrack)).toEqual({ ok: true, items: [tracks[1]] });
    expect(matchSeveral(tracks, 'T02 T03', matchTrack)).toEqual({ ok: true, items: [tracks[1], tracks[2]] });
    expect(matchSeveral(tracks, '法治建设、数字化转型，T02', matchTrack)).toEqual({
      ok: true,
      items: [tracks[1], tracks[2]],
    });
    // The whole text contains a name, but its parts name two tracks.
    expect(matchSeveral(tracks, '法治建设 T03', matchTrack)).toEqual({ ok: true, items: [tracks[1], tracks[2]] });
    expect(matchSeveral(units, '上海市 黄浦区', matchUnit)).toEqual({ ok: true, items: [units[1]] });
  });

  it('names each part that failed', () => {
    const m = matchSeveral(tracks, 'T02 执法 火星', matchTrack);
    expect(m.ok).toBe(false);
    if (!m.ok)
      expect(m.problems.map((p) => [p.kind, p.query])).toEqual([
        ['many', '执法'],
        ['none', '火星'],
      ]);
  });

  it('a single failing text is reported as itself', () => {
    const m = matchSeveral(units, '浦', matchUnit);
    expect(m).toMatchObject({ ok: false, problems: [{ kind: 'many', query: '浦' }] });
  });
});

describe('normalisation', () => {
  it('folds width, case and spaces, and takes endings off one after another', () => {
    expect(normaliseName(' Ｈｕａｎｇ　Pu ')).toBe('huangpu');
    expect(stem('浦东新区城管执法局', ['城管执法局', '新区', '区'])).toBe('浦东');
    expect(stem('执法总队', ['执法总队'])).toBe('执法总队');
  });
});
