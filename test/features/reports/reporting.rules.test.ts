import { describe, expect, it } from 'vitest';
import {
  periodNamed,
  decideSubmission,
  defaultPeriod,
  periodOverview,
  reportState,
  stillOwed,
  type ProjectRef,
} from '../../../src/features/reports/reporting.rules';
import { parseReportFields, parseSelfEvaluation } from '../../../cards/reports.form';
import { at, competition2024 } from '../../support/fixtures';
import { between, seeded } from '../../support/random';
import { parseEvidence } from '../../../src/core/forms';
import { periodWindows } from '../../../src/core/periods';

const windows = periodWindows(competition2024());
const may = windows.find((w) => w.code === '2024-05')!;

describe('reporting rules', () => {
  it('periods of 2024: due on the working day on or before the 25th, at the end of that day in Shanghai', () => {
    expect(windows.map((w) => `${w.code}:${w.due}`)).toEqual([
      '2024-05:2024-05-24',
      '2024-06:2024-06-25',
      '2024-07:2024-07-25',
      'midterm:2024-07-31',
      '2024-08:2024-08-23',
      '2024-09:2024-09-25',
      '2024-10:2024-10-25',
      'year-end:2024-10-31',
    ]);
    expect(may.dueAt).toBe(at('2024-05-25 00:00:00'));
    expect(may.opensAt).toBe(at('2024-05-01 00:00:00'));
  });

  it('on time until the end of the due day, revisions until then; after it one late report, then locked', () => {
    expect(decideSubmission(may, 0, at('2024-04-30 23:59:59'))).toMatchObject({ kind: 'refuse', reason: 'not_open' });
    expect(decideSubmission(may, 0, at('2024-05-24 23:59:59'))).toEqual({ kind: 'accept', revision: 1, late: false });
    expect(decideSubmission(may, 3, at('2024-05-24 23:59:59'))).toEqual({ kind: 'accept', revision: 4, late: false });
    expect(decideSubmission(may, 0, at('2024-05-25 00:00:00'))).toEqual({ kind: 'accept', revision: 1, late: true });
    expect(decideSubmission(may, 1, at('2024-05-25 00:00:00'))).toMatchObject({
      kind: 'refuse',
      reason: 'closed_after_due',
    });
  });

  it('the default period is the open one due first, else the last one due', () => {
    expect(defaultPeriod(windows, at('2024-07-26 10:00:00'))!.code).toBe('midterm');
    expect(defaultPeriod(windows, at('2024-07-10 10:00:00'))!.code).toBe('2024-07');
    expect(defaultPeriod(windows, at('2024-11-10 10:00:00'))!.code).toBe('year-end');
    expect(defaultPeriod(windows, at('2024-04-20 10:00:00'))).toBeUndefined();
  });

  it('evidence: http(s) links with a host, separated by spaces, commas or lines', () => {
    expect(parseEvidence('https://a.cn/x, http://b.com\nhttps://c.org/y；d')).toEqual({
      links: ['https://a.cn/x', 'http://b.com', 'https://c.org/y'],
      bad: ['d'],
    });
    expect(parseEvidence('javascript:alert(1) ftp://a.b/c https://localhost').bad).toEqual([
      'javascript:alert(1)',
      'ftp://a.b/c',
      'https://localhost',
    ]);
  });

  it('validates a report, accepting "35%" and full-width digits for completion', () => {
    expect(
      parseReportFields({ work_done: 'w', results: 'r', completion: '３５%', evidence: '', problems: '' }),
    ).toMatchObject({ ok: true, value: { completion: 35, evidence: [] } });
    const bad = parseReportFields({ work_done: '', results: 'r', completion: '-1', evidence: '', problems: '' });
    expect(bad.ok).toBe(false);
  });

  it('self-evaluation scores stay within each criterion', () => {
    const rubric = [{ code: 'a', name: '甲', nameEn: 'A', max: 25 }];
    expect(parseSelfEvaluation({ score_a: '25', justification: 'j' }, rubric)).toEqual({
      ok: true,
      value: { scores: { a: 25 }, justification: 'j' },
    });
    expect(parseSelfEvaluation({ score_a: '26', justification: '' }, rubric).ok).toBe(false);
  });

  it('a seeded season of 20 units × 8 periods: the overview agrees with a plain count', () => {
    const rand = seeded(2024);
    const units = Array.from({ length: 20 }, (_, i) => `U${i}`);
    const projects: ProjectRef[] = units.flatMap((u, i) =>
      Array.from({ length: 1 + (i % 3) }, (_, k) => ({
        id: `${u}-${k}`,
        code: `2024-T0${k + 1}-${u}-1`,
        unit: u,
        track: `T0${k + 1}`,
        createdAt: at('2024-04-01 10:00:00'),
      })),
    );
    const first = new Map<string, number>();
    for (const p of projects) {
      for (const w of windows) {
        const roll = between(rand, 0, 9);
        if (roll < 6)
          first.set(`${p.id}|${w.code}`, w.dueAt - between(rand, 1, 10 * 86_400_000)); // on time
        else if (roll < 8) first.set(`${p.id}|${w.code}`, w.dueAt + between(rand, 0, 5 * 86_400_000)); // late (00:00 included)
      }
    }
    const now = at('2024-11-05 12:00:00');
    for (const w of windows) {
      const byProject = new Map(
        projects.flatMap((p) =>
          first.has(`${p.id}|${w.code}`) ? [[p.id, first.get(`${p.id}|${w.code}`)!] as const] : [],
        ),
      );
      const o = periodOverview(w, projects, byProject, now);
      let onTime = 0,
        late = 0,
        missing = 0;
      for (const p of projects) {
        const t = first.get(`${p.id}|${w.code}`);
        if (t === undefined) missing++;
        else if (t < w.dueAt) onTime++;
        else late++;
      }
      expect([o.total.onTime, o.total.late, o.total.missing, o.total.pending]).toEqual([onTime, late, missing, 0]);
      for (const u of units) {
        const mine = projects.filter((p) => p.unit === u);
        const t = o.byUnit.get(u)!;
        expect(t.owed).toBe(mine.length);
        expect(t.onTime).toBe(
          mine.filter((p) => {
            const x = first.get(`${p.id}|${w.code}`);
            return x !== undefined && x < w.dueAt;
          }).length,
        );
      }
      expect(o.missing.length).toBe(missing);
    }
  });

  it('projects registered after a period was due owe nothing for it; pending until due, missing after', () => {
    const late: ProjectRef = { id: 'p', code: 'c', unit: 'U', track: 'T', createdAt: at('2024-06-01 10:00:00') };
    expect(periodOverview(may, [late], new Map(), at('2024-07-01 00:00:00')).total.owed).toBe(0);
    expect(reportState(may, undefined, at('2024-05-24 12:00:00'))).toBe('pending');
    expect(reportState(may, undefined, at('2024-05-25 00:00:00'))).toBe('missing');
    const owed = stillOwed(
      windows,
      [{ ...late, createdAt: at('2024-04-01 00:00:00') }],
      new Set(['p|2024-05']),
      at('2024-06-26 10:00:00'),
    );
    expect(owed.map((o) => `${o.period.code}:${o.overdue}`)).toEqual(['2024-06:true']);
  });
});

describe('进展情况 <期次>: the period a person names', () => {
  const periods = [
    { code: '2024-05', name: '5月进展', nameEn: 'May progress' },
    { code: 'midterm', name: '中途检查', nameEn: 'Mid-term check' },
  ];
  it('by code, by the name on the cards, without 进展, in English; width, case and spaces do not matter', () => {
    for (const w of ['2024-05', '5月进展', '5月', '５月', 'may progress', ' May  Progress ', '２０２４－０５'])
      expect(periodNamed(periods, w)?.code).toBe('2024-05');
    for (const w of ['midterm', 'MIDTERM', '中途检查', 'mid-term check'])
      expect(periodNamed(periods, w)?.code).toBe('midterm');
  });
  it('nothing for what names no period', () => {
    for (const w of ['', '6月', '进展', 'may']) expect(periodNamed(periods, w)).toBeUndefined();
  });
});
