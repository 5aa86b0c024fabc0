/**
 * The export's pure rules: local times, the file name, which audit entries belong to a track, the awards columns,
 * the rows' shape, and the summary card.
 */
import { describe, expect, it } from 'vitest';
import { exportSummaryCard } from '../../../cards/export';
import { cardBytes } from '../../../cards/kit';
import {
  AWARD_COLUMNS,
  auditInTrack,
  auditScopeOfTrack,
  awardColumns,
  exportFileName,
  humanSize,
  namesOf,
  periodOrder,
  projectHeader,
  projectRow,
  scoreHeader,
  scoreRow,
  wallClock,
  type ProjectRecord,
} from '../../../src/features/export/export.rules';
import { at, competition2024 } from '../../support/fixtures';

const c = competition2024();
const names = namesOf(c, new Map([['ou_j', '评委甲']]));
const project: ProjectRecord = {
  id: 'prj_1',
  code: '2024-T02-HP-1',
  unit: 'HP',
  track: 'T02',
  name: 'n',
  lead: 'l',
  summary: 's',
  goals: 'g',
  phone: '',
  status: 'active',
  createdBy: 'ou_c',
  createdAt: at('2024-04-01 10:00:00'),
  updatedAt: at('2024-04-01 10:00:00'),
  withdrawnAt: null,
};

describe('export rules', () => {
  it('shows instants as the Shanghai wall clock', () => {
    const local = wallClock('Asia/Shanghai');
    expect(new Date(local(at('2024-04-15 23:59:59')).wallClockMs).toISOString()).toBe('2024-04-15T23:59:59.000Z');
    expect(new Date(wallClock('America/New_York')(Date.UTC(2024, 2, 10, 12)).wallClockMs).toISOString()).toBe(
      '2024-03-10T08:00:00.000Z',
    );
  });

  it('names the file after the competition, the track and the local time', () => {
    expect(exportFileName(c, undefined, at('2024-11-05 09:30:00'))).toBe('saidao-shanghai-2024-20241105-0930.xlsx');
    expect(exportFileName(c, 'T02', at('2024-11-05 23:30:00'))).toBe('saidao-shanghai-2024-T02-20241105-2330.xlsx');
    expect([humanSize(500), humanSize(30 * 1024 * 1024), humanSize(1_300_000)]).toEqual(['1 KB', '30.0 MB', '1.2 MB']);
  });

  it('keeps the audit entries about a track and only those', () => {
    const codes = new Set(['2024-T02-HP-1']);
    const awards = new Set(['awd_x']);
    const inT02 = (entityType: string, entityId: string) =>
      auditInTrack({ entityType, entityId }, 'T02', codes, awards, new Set(['gdc_t02', 'gda_t02', 'att_t02']));
    expect(inT02('project', '2024-T02-HP-1')).toBe(true);
    expect(inT02('report', '2024-T02-HP-1/2024-05/2')).toBe(true);
    expect(inT02('score', '2024-T02-HP-1/ou_j')).toBe(true);
    expect(inT02('self_evaluation', '2024-T02-HP-1/midterm/1')).toBe(true);
    expect(inT02('award', 'awd_x')).toBe(true);
    expect(inT02('ranking_snapshot', 'v2/T02')).toBe(true);
    expect(inT02('project', '2024-T03-HP-1')).toBe(false);
    expect(inT02('ranking_snapshot', 'v2/T03')).toBe(false);
    expect(inT02('role_grant', 'ou_j')).toBe(false);
    // Guidance and attachments by the ids of the track's own.
    expect(
      ['guidance_comment', 'guidance_answer', 'attachment'].map((t) =>
        inT02(t, `${t.startsWith('g') ? (t.endsWith('comment') ? 'gdc' : 'gda') : 'att'}_t02`),
      ),
    ).toEqual([true, true, true]);
    expect(inT02('attachment', 'att_t03')).toBe(false);
    expect(inT02('guidance_comment', 'gdc_t03')).toBe(false);
  });

  it('narrows the audit log in the database to no less than a track keeps', () => {
    const codes = new Set(['2024-T02-HP-1', '2024-T02-PD-12', '2024-T02-PD-3']);
    const scope = auditScopeOfTrack(codes);
    expect(scope.entityIdPrefix).toBe('2024-T02-');
    const inScope = (entityType: string, entityId: string) =>
      scope.otherTypes.includes(entityType) ||
      (scope.prefixedTypes.includes(entityType) && entityId.startsWith(scope.entityIdPrefix));
    const kept = [
      ['project', '2024-T02-PD-12'],
      ['report', '2024-T02-HP-1/2024-05/2'],
      ['self_evaluation', '2024-T02-PD-3/midterm/1'],
      ['score', '2024-T02-HP-1/ou_j'],
      ['award', 'awd_x'],
      ['ranking_snapshot', 'v2/T02'],
      ['guidance_comment', 'gdc_t02'],
      ['guidance_answer', 'gda_t02'],
      ['attachment', 'att_t02'],
    ] as const;
    for (const [type, id] of kept) {
      expect(
        auditInTrack(
          { entityType: type, entityId: id },
          'T02',
          codes,
          new Set(['awd_x']),
          new Set([`gdc_t02`, 'gda_t02', 'att_t02']),
        ),
      ).toBe(true);
      expect(inScope(type, id)).toBe(true);
    }
    expect(inScope('project', '2024-T03-HP-1')).toBe(false);
    expect(inScope('role_grant', 'ou_j')).toBe(false);
    // One project: its own code; none: nothing by prefix at all.
    expect(auditScopeOfTrack(new Set(['2024-T02-HP-1'])).entityIdPrefix).toBe('2024-T02-HP-1');
    expect(auditScopeOfTrack(new Set()).prefixedTypes).toEqual([]);
  });

  it('exports every awards column it knows, then any other the rows have', () => {
    expect(awardColumns([])).toEqual(Object.keys(AWARD_COLUMNS));
    expect(awardColumns([{ id: 'a', zeta: 1, alpha: 2 }]).slice(-2)).toEqual(['alpha', 'zeta']);
  });

  it('rows line up with their headers; a recused sheet has no scores', () => {
    expect(projectRow(names, project)).toHaveLength(projectHeader(names).length);
    const rubric = c.file.rubric;
    const recused = scoreRow(names, rubric, project, {
      projectId: 'prj_1',
      judge: 'ou_j',
      scores: { effectiveness: 3 },
      comment: '',
      recused: true,
      recusalReason: 'r',
      createdAt: 0,
      updatedAt: 0,
    });
    expect(recused).toHaveLength(scoreHeader(names, rubric).length);
    expect(recused[4]).toBe('评委甲 (ou_j)');
    expect(recused.slice(5, 5 + rubric.length + 1).every((x) => x === null)).toBe(true);
    const incomplete = scoreRow(names, rubric, project, {
      projectId: 'prj_1',
      judge: 'ou_x',
      scores: { effectiveness: 3 },
      comment: '',
      recused: false,
      recusalReason: '',
      createdAt: 0,
      updatedAt: 0,
    });
    expect(incomplete[4]).toBe('ou_x');
    expect(incomplete[5 + rubric.length]).toBeNull();
  });

  it('orders periods as the competition does, unknown ones last', () => {
    const order = periodOrder(c);
    const sorted = [
      { period: 'zzz', revision: 1 },
      { period: 'final', revision: 1 },
      { period: '2024-05', revision: 2 },
      { period: '2024-05', revision: 1 },
    ].sort(order);
    expect(sorted.map((r) => `${r.period}/${r.revision}`)).toEqual(['2024-05/1', '2024-05/2', 'final/1', 'zzz/1']);
  });

  it("the summary card names the file and counts each sheet, well under Lark's card limit", () => {
    const card = exportSummaryCard({
      fileName: 'saidao-x.xlsx',
      size: '1.2 MB',
      scope: { zh: '全部赛道', en: 'all tracks' },
      timeZone: 'Asia/Shanghai',
      sheets: [{ name: '项目 Projects', rows: 400 }],
    });
    expect(JSON.stringify(card)).toContain('saidao-x.xlsx');
    expect(JSON.stringify(card)).toContain('"rows":400');
    expect(cardBytes(card)).toBeLessThan(5_000);
  });
});
