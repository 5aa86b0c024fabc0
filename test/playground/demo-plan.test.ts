/**
 * The demo season's plan, pure and over many seeds: the people it binds, the projects the units register (within the
 * per-track limit at every moment, names unique within a unit), and every event inside the window the bot's own
 * rules give it; the same seed plans the same season, another seed another one.
 */
import { describe, expect, it } from 'vitest';
import { startOfLocalDay } from '../../src/competition/calendar';
import { deadlineInstant, stageByCode } from '../../src/competition/competition';
import { nameKey } from '../../src/core/projects';
import { periodWindows } from '../../src/core/periods';
import { decideSubmission } from '../../src/features/reports/reporting.rules';
import { judgingWindow } from '../../src/features/scoring';
import { castOf, DEMO_OPEN_ID_PREFIX } from '../../src/playground/cast';
import { planSeason } from '../../src/playground/demo-plan';
import { competition2024 } from '../support/fixtures';

const c = competition2024();
const cast = castOf(c.file);

describe('the demo season plan', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(JSON.stringify(planSeason(c, cast, 1))).toBe(JSON.stringify(planSeason(c, cast, 1)));
    expect(planSeason(c, cast, 2).projects.map((p) => p.fields.name)).not.toEqual(
      planSeason(c, cast, 1).projects.map((p) => p.fields.name),
    );
  });

  it.each([1, 2, 3, 5, 8, 13, 21, 34])('seed %i: people, projects and events the bot would accept', (seed) => {
    const plan = planSeason(c, cast, seed);
    // People: demo ids, the cast's roles kept, one or two contacts a unit, three to five judges a track.
    expect(plan.people.every((p) => p.openId.startsWith(DEMO_OPEN_ID_PREFIX))).toBe(true);
    expect(new Set(plan.people.map((p) => `${p.openId}|${p.role}|${p.track ?? ''}`)).size).toBe(plan.people.length);
    for (const persona of cast.personas.filter((p) => p.role.role !== 'stranger'))
      expect(plan.people.some((p) => p.openId === persona.openId && p.role === persona.role.role)).toBe(true);
    for (const u of c.file.units) {
      const n = plan.people.filter((p) => p.role === 'contact' && p.unit === u.code).length;
      expect(n).toBeGreaterThanOrEqual(1);
      expect(n).toBeLessThanOrEqual(3);
    }
    for (const t of c.file.tracks) {
      const judges = plan.people.filter((p) => p.role === 'judge' && p.track === t.code);
      expect(judges.length).toBeGreaterThanOrEqual(3);
      expect(judges.length).toBeLessThanOrEqual(5);
      expect(new Set(judges.map((j) => j.unit)).size).toBe(judges.length);
      expect(judges.every((j) => j.unit && c.file.units.some((u) => u.code === j.unit))).toBe(true);
    }
    const names = plan.people.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);

    // About 150 projects, names unique within a unit, at most the limit active in a unit's track at any moment.
    const active = plan.projects.filter((p) => !p.withdrawnAt);
    expect(active.length).toBeGreaterThan(120);
    expect(active.length).toBeLessThan(185);
    for (const u of c.file.units) {
      const mine = active.filter((p) => p.unit === u.code);
      expect(mine.length).toBeGreaterThanOrEqual(2);
      expect(new Set(mine.map((p) => nameKey(p.fields.name))).size).toBe(mine.length);
    }
    const live = new Map<string, number>();
    const reg = stageByCode(c, 'registration');
    const regOpens = startOfLocalDay(reg.start, c.timeZone);
    const regCloses = deadlineInstant(c, reg.end);
    const windows = new Map(periodWindows(c).map((w) => [w.code, w]));
    const judging = judgingWindow(c);
    const revisions = new Map<string, number>();
    const projectOf = new Map(plan.projects.map((p) => [p.key, p]));
    for (const [i, e] of plan.events.entries()) {
      if (i > 0) expect(e.at).toBeGreaterThanOrEqual(plan.events[i - 1]!.at);
      if (e.kind === 'register' || e.kind === 'withdraw') {
        expect(e.at).toBeGreaterThanOrEqual(regOpens);
        expect(e.at).toBeLessThan(regCloses);
        const p = e.kind === 'register' ? e.project : projectOf.get(e.key)!;
        const pair = `${p.unit}|${p.track}`;
        live.set(pair, (live.get(pair) ?? 0) + (e.kind === 'register' ? 1 : -1));
        expect(live.get(pair)).toBeLessThanOrEqual(c.file.projectsPerUnitPerTrack);
        if (e.kind === 'register') expect(e.project.code).toMatch(new RegExp(`^2024-${p.track}-${p.unit}-\\d+$`));
        continue;
      }
      expect(projectOf.get(e.key)?.withdrawnAt).toBeUndefined();
      if (e.kind === 'sheet') {
        expect(e.at).toBeGreaterThanOrEqual(judging.opensAt);
        expect(e.at).toBeLessThan(judging.closesAt);
        const judge = plan.people.find((p) => p.openId === e.judge)!;
        expect(judge.track).toBe(projectOf.get(e.key)!.track);
        expect(judge.unit).not.toBe(projectOf.get(e.key)!.unit);
        continue;
      }
      // Reports and self-evaluations: accepted by the bot's rule at their instant, before judging closes.
      const w = windows.get(e.period)!;
      if (e.kind === 'self-evaluation') expect(w.selfEvaluation).toBe(true);
      const k = `${e.kind}|${e.key}|${e.period}`;
      const d = decideSubmission(w, revisions.get(k) ?? 0, e.at);
      expect(d.kind).toBe('accept');
      if (d.kind === 'accept') revisions.set(k, d.revision);
      expect(e.at).toBeLessThan(judging.closesAt);
    }
  });
});
