import { describe, expect, it } from 'vitest';
import {
  dueJudgeDigest,
  firstCardSince,
  guidanceByTrack,
  judgeDigestEntries,
  type DigestEvent,
} from '../../../src/features/guidance/guidance.rules';
import { digestSeason } from '../../../src/features/guidance/digest.service';
import { at, competition2024 } from '../../support/fixtures';

const c = competition2024();
const season = digestSeason(c);
const on = { enabled: true, at: '17:00', workingDaysOnly: true };

describe("the judges' daily card: when", () => {
  it('runs from the first day of implementation to the day judging closes', () => {
    expect(season).toMatchObject({ from: '2024-04-16', until: '2024-11-29' });
  });

  it('is due at 17:00 local on a working day, for four hours; not before, not on a day off, not outside the season', () => {
    expect(dueJudgeDigest(on, season, at('2024-06-12 16:59'))).toBeUndefined();
    expect(dueJudgeDigest(on, season, at('2024-06-12 17:00'))).toEqual({
      day: '2024-06-12',
      at: at('2024-06-12 17:00'),
    });
    expect(dueJudgeDigest(on, season, at('2024-06-12 20:59'))?.day).toBe('2024-06-12');
    expect(dueJudgeDigest(on, season, at('2024-06-12 21:00'))).toBeUndefined();
    // Saturday, and the Dragon Boat Festival (Monday 10 June 2024).
    expect(dueJudgeDigest(on, season, at('2024-06-08 17:30'))).toBeUndefined();
    expect(dueJudgeDigest(on, season, at('2024-06-10 17:30'))).toBeUndefined();
    // A make-up working Saturday (14 September 2024) is a working day.
    expect(dueJudgeDigest(on, season, at('2024-09-14 17:30'))?.day).toBe('2024-09-14');
    expect(dueJudgeDigest({ ...on, workingDaysOnly: false }, season, at('2024-06-08 17:30'))?.day).toBe('2024-06-08');
    expect(dueJudgeDigest(on, season, at('2024-04-15 17:30'))).toBeUndefined();
    expect(dueJudgeDigest(on, season, at('2024-04-16 17:30'))?.day).toBe('2024-04-16');
    expect(dueJudgeDigest(on, season, at('2024-11-29 17:30'))?.day).toBe('2024-11-29');
    expect(dueJudgeDigest(on, season, at('2024-12-02 17:30'))).toBeUndefined();
    expect(dueJudgeDigest({ ...on, enabled: false }, season, at('2024-06-12 17:00'))).toBeUndefined();
  });

  it('a slot late in the evening is still due just after midnight, within the grace', () => {
    const late = { ...on, at: '22:30' };
    expect(dueJudgeDigest(late, season, at('2024-06-13 00:30'))?.day).toBe('2024-06-12');
  });

  it("a judge's first card starts at the previous card day's slot, or at the start of the season", () => {
    expect(firstCardSince(on, season, '2024-06-12')).toBe(at('2024-06-11 17:00'));
    // Tuesday 11 June: Monday was a holiday, so Friday 7 June.
    expect(firstCardSince(on, season, '2024-06-11')).toBe(at('2024-06-07 17:00'));
    expect(firstCardSince(on, season, '2024-04-16')).toBe(at('2024-04-16 00:00'));
  });
});

describe("the judges' daily card: what is new", () => {
  const projects = [
    { id: 'p1', code: '2024-T01-HP-1', name: 'a', track: 'T01' },
    { id: 'p2', code: '2024-T01-JA-1', name: 'b', track: 'T01' },
    { id: 'p3', code: '2024-T02-HP-1', name: 'c', track: 'T02' },
  ];
  const since = 1_000;
  const until = 2_000;
  const events: DigestEvent[] = [
    { kind: 'report', projectId: 'p2', period: '2024-06', revision: 1, at: 1_100 },
    { kind: 'report', projectId: 'p2', period: '2024-06', revision: 2, at: 1_200 },
    { kind: 'report', projectId: 'p1', period: '2024-05', revision: 3, at: 1_300 },
    { kind: 'self_evaluation', projectId: 'p1', period: 'midterm', revision: 1, at: 1_400 },
    { kind: 'answer', projectId: 'p1', period: '2024-05', commentBy: 'ou_me', at: 1_500 },
    { kind: 'answer', projectId: 'p1', period: '2024-05', commentBy: 'ou_other', at: 1_600 },
    // Another track, before `since`, at `until`: not listed.
    { kind: 'report', projectId: 'p3', period: '2024-06', revision: 1, at: 1_100 },
    { kind: 'report', projectId: 'p1', period: '2024-06', revision: 1, at: 999 },
    { kind: 'report', projectId: 'p1', period: '2024-07', revision: 1, at: 2_000 },
  ];
  const entries = (tracks: string[]) =>
    judgeDigestEntries({
      judge: 'ou_me',
      tracks: new Set(tracks),
      projects,
      events,
      since,
      until,
      periodOrder: ['2024-05', '2024-06', 'midterm'],
    });

  it('groups by project (track, code) and period, with the latest revision, whether it is new, and answers to mine', () => {
    expect(entries(['T01'])).toEqual([
      {
        project: projects[0],
        periods: [
          { period: '2024-05', report: { revision: 3, first: false }, answers: { count: 2, toYou: 1 } },
          { period: 'midterm', selfEvaluation: { revision: 1, first: true } },
        ],
      },
      { project: projects[1], periods: [{ period: '2024-06', report: { revision: 2, first: true } }] },
    ]);
  });

  it('nothing new: an empty list', () => {
    expect(entries(['T05'])).toEqual([]);
  });
});

describe('进展情况: guidance per track', () => {
  it('counts projects with a comment, and questions without an answer, per track of the projects shown', () => {
    const projects = [
      { id: 'p1', track: 'T01' },
      { id: 'p2', track: 'T01' },
      { id: 'p3', track: 'T02' },
    ];
    const comments = [
      { projectId: 'p1', needsAnswer: true, answeredAt: undefined },
      { projectId: 'p1', needsAnswer: true, answeredAt: 5 },
      { projectId: 'p1', needsAnswer: false, answeredAt: undefined },
      { projectId: 'p2', needsAnswer: true, answeredAt: undefined },
      { projectId: 'p3', needsAnswer: false, answeredAt: undefined },
      // A project not shown (withdrawn, or another judge's track).
      { projectId: 'p9', needsAnswer: true, answeredAt: undefined },
    ];
    expect(Object.fromEntries(guidanceByTrack(comments, projects))).toEqual({
      T01: { commented: 2, awaiting: 2 },
      T02: { commented: 1, awaiting: 0 },
    });
    expect(guidanceByTrack([], projects).size).toBe(0);
  });
});
