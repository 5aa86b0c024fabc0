/**
 * The summary cards stay under Lark's 30 KB and 200-component limits however big a track gets: long lists are cut
 * into pages (each row on exactly one page) or truncated with a note. Names are the longest a registration allows.
 */
import { describe, expect, it } from 'vitest';
import { judgeListCard, JUDGE_PAGE, type JudgeListItem } from '../../../cards/judging';
import { cardBytes, type Card } from '../../../cards/kit';
import { participationCard, type ParticipationView } from '../../../cards/rankings';
import { checkCard } from '../../../src/lark/card-rules';
import {
  computeTrackRanking,
  rankingParameters,
  type ScoreSheet,
  type TrackRanking,
} from '../../../src/features/rankings/rankings.method';
import { overviewOf, trackCard } from '../../../src/features/rankings/rankings.service';
import type { Project } from '../../../src/core/projects.repository';
import { text } from '../../../src/platform/i18n';
import { competition2024 } from '../../support/fixtures';
import { seeded } from '../../support/random';

const c = competition2024();
const LIMIT = 30_000;
const longName = (i: number) => `第${i}号${'城市管理综合执法规范化建设示范项目'.repeat(4)}`.slice(0, 60);

function bigTrack(track: string, n: number, judges = 7): { ranking: TrackRanking; projects: Project[] } {
  const rand = seeded(track.length * 1000 + n);
  const units = c.file.units.map((u) => u.code);
  const projects: Project[] = Array.from({ length: n }, (_, i) => {
    const unit = units[i % units.length]!;
    return {
      id: `prj_${track}_${i}`,
      code: `2024-${track}-${unit}-${i + 1}`,
      unit,
      track,
      name: longName(i),
      lead: 'l',
      summary: 's',
      goals: 'g',
      phone: '',
      status: 'active',
      createdBy: 'x',
      createdAt: 0,
      updatedAt: 0,
    };
  });
  const scores: ScoreSheet[] = [];
  for (let j = 0; j < judges; j++) {
    for (const p of projects) {
      if (rand() < 0.02) continue; // a few unscored sheets
      const sheet: Record<string, number> = {};
      for (const r of c.file.rubric) sheet[r.code] = Math.floor(rand() * (r.max + 1));
      scores.push({ judge: `ou_j${j}`, project: p.id, scores: sheet });
    }
  }
  const ranking = computeTrackRanking(
    { track, quota: 3, projects, rubric: c.file.rubric, scores, recusals: [] },
    rankingParameters({ seed: 7, resamples: 0 }),
  );
  return { ranking, projects };
}

const rowsOf = (card: Card): Array<Record<string, unknown>> => {
  const t = card.body.elements.find((e) => e.tag === 'table') as { rows: Array<Record<string, unknown>> } | undefined;
  return t?.rows ?? [];
};

function fits(card: Card): void {
  expect(cardBytes(card)).toBeLessThan(LIMIT);
  expect(checkCard(card).problems).toEqual([]);
}

describe('summary cards of a big season fit', () => {
  const tracks = c.file.tracks.slice(0, 10).map((t) => bigTrack(t.code, 1000));
  const projects = tracks.flatMap((t) => t.projects);

  it('a 1,000-project track pages through every rank exactly once', () => {
    const ranked = tracks[0]!.ranking.ranked;
    const seen: number[] = [];
    for (let offset = 0, pages = 0; offset < ranked; pages++) {
      const card = trackCard(
        c,
        tracks[0]!.ranking,
        { version: 1, publishedAt: 0, publishedBy: 'x', snapshots: new Map() },
        projects,
        offset,
        0,
      );
      fits(card);
      const rows = rowsOf(card);
      expect(rows.length).toBeGreaterThan(0);
      seen.push(...rows.map((r) => Number(r.rank)));
      offset += rows.length;
      expect(pages).toBeLessThan(200);
    }
    expect(seen).toEqual(Array.from({ length: ranked }, (_, i) => i + 1));
  });

  it('the cross-track overview of 10 × 1,000 projects pages through all of them, live or published', () => {
    const rankings = tracks.map((t) => t.ranking);
    const total = rankings.reduce((n, r) => n + r.ranked, 0);
    let covered = 0;
    for (let offset = 0; offset < total; ) {
      const card = overviewOf(
        c,
        rankings,
        { kind: 'published', version: 1, publishedOn: '2024-11-30' },
        1,
        projects,
        offset,
      );
      fits(card);
      const n = rowsOf(card).length;
      expect(n).toBeGreaterThan(0);
      covered += n;
      offset += n;
    }
    expect(covered).toBe(total);
    fits(overviewOf(c, rankings, { kind: 'live', asOf: '2024-11-20 10:00' }, 0, projects, 0));
  });

  it('participation of 500 units in 50 tracks lists as many units as fit and says so', () => {
    const trackRefs = Array.from({ length: 50 }, (_, i) => ({
      code: `T${i + 1}`,
      name: `赛道${i + 1}`,
      nameEn: `Track ${i + 1}`,
    }));
    const units = Array.from({ length: 500 }, (_, i) => `单位${i + 1}`);
    const tally = { onTime: 30, late: 2, missing: 1, pending: 0, owed: 33, onTimeShare: 30 / 33 };
    const view: ParticipationView = {
      kind: 'judging',
      stage: text('评比表彰', 'Evaluation'),
      tracks: trackRefs,
      registrations: {
        rows: units.map((u) => ({ unitName: u, byTrack: trackRefs.map(() => 2), total: 100 })),
        trackTotals: trackRefs.map(() => 1000),
        total: 50_000,
        unitsWithout: units.slice(0, 200),
      },
      reports: {
        periodName: text('年终总结', 'Year-end'),
        due: '2024-10-31',
        total: tally,
        byUnit: units.map((unitName) => ({ unitName, tally })),
        byTrack: trackRefs.map((track) => ({ track, tally })),
      },
      judging: {
        closes: '2024-11-29',
        byTrack: trackRefs.map((track) => ({ track, judges: 7, done: 6000, expected: 7000 })),
      },
    };
    const card = participationCard(view);
    fits(card);
    expect(JSON.stringify(card)).toContain('个单位，共 500 个');
    fits(participationCard({ ...view, kind: 'registration' }));
  });

  it("a judge's list of 1,000 projects comes in pages", () => {
    const items: JudgeListItem[] = projects.slice(0, 1000).map((p, i) => ({
      id: p.id,
      code: p.code,
      name: p.name,
      unitName: '浦东',
      trackName: text('T01 深化体制改革', 'T01 Reform'),
      state: i % 3 === 0 ? 'scored' : 'todo',
      total: 77.5,
      progress: { periodName: text('年终总结', 'Year-end'), completion: 90 },
      selfEvaluation: { total: 80, max: 100 },
    }));
    for (const offset of [0, 500, 996]) {
      const card = judgeListCard({
        scope: text('T01', 'T01'),
        tally: { scored: 334, recused: 0, ownUnit: 0, todo: 666 },
        window: { opens: '2024-11-01', closes: '2024-11-29', status: 'open' },
        items,
        offset,
        page: (o) => ({ a: 'judge.list', t: '*', o }),
      });
      fits(card);
      expect(JSON.stringify(card).match(/"a":"judge.open"/g)?.length).toBe(Math.min(JUDGE_PAGE, 1000 - offset));
    }
  });
});
