import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { competitionJsonSchema } from '../../src/competition/competition.schema';
import { parseCompetitionJson } from '../../src/competition/loader';
import { ValidationFailed } from '../../src/platform/errors';
import { competition2024, competition2024Json } from '../support/fixtures';

function problemsOf(mutate: (f: any) => void): string[] {
  const file = competition2024Json();
  mutate(file);
  try {
    parseCompetitionJson(JSON.stringify(file));
  } catch (e) {
    if (e instanceof ValidationFailed) return [...e.problems];
    throw e;
  }
  return [];
}

describe('the 2024 competition file', () => {
  const c = competition2024();
  const f = c.file;

  it('encodes the notice: 20 units, 10 tracks of two aspects, three stages, 30 + 40 awards split 3 + 4', () => {
    expect(f.units).toHaveLength(20);
    expect(f.tracks).toHaveLength(10);
    expect(f.tracks.every((t) => t.aspects.length === 2)).toBe(true);
    expect(f.tracks.every((t) => t.quota.collectives === 3 && t.quota.individuals === 4)).toBe(true);
    expect(f.awards).toEqual({ collectives: 30, individuals: 40 });
    expect(f.stages.map((s) => [s.code, s.start, s.end])).toEqual([
      ['registration', '2024-03-15', '2024-04-15'],
      ['implementation', '2024-04-16', '2024-10-31'],
      ['evaluation', '2024-11-01', '2024-12-31'],
    ]);
    expect(f.projectsPerUnitPerTrack).toBe(2);
    expect(f.rubric.map((r) => r.name)).toEqual(['成效', '实绩', '可行性', '示范性']);
    expect(f.tracks.map((t) => t.name)).toContain('党建引领基层治理');
    expect(f.units.map((u) => u.name)).toContain('临港新片区综合执法大队');
    expect(f.tracks.find((t) => t.code === 'T02')!.aspects.map((a) => a.name)).toEqual(['法制指导', '法治能力']);
  });

  it('the committed JSON Schema is the one generated from the zod schema', () => {
    const committed = JSON.parse(readFileSync('db/competitions/competition.schema.json', 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(competitionJsonSchema())));
  });
});

describe('bad competition files are refused with the JSON path of each problem', () => {
  it('a date that does not exist', () => {
    expect(problemsOf((f) => (f.stages[0].end = '2024-02-30'))).toEqual(['stages[0].end: is not a real calendar date']);
  });

  it('a date in the wrong format', () => {
    expect(problemsOf((f) => (f.calendar.holidays[3] = '2024/04/04'))).toEqual([
      'calendar.holidays[3]: must be a date written YYYY-MM-DD',
    ]);
  });

  it("an unknown track code in a person's role", () => {
    expect(problemsOf((f) => f.people.push({ openId: 'ou_j1', roles: [{ role: 'judge', track: 'T99' }] }))).toEqual([
      'people[0].roles[0].track: unknown track code "T99"',
    ]);
  });

  it('a duplicate unit code', () => {
    expect(problemsOf((f) => (f.units[5].code = 'HP'))).toEqual([
      'units[5].code: duplicate code "HP" (also at units[1])',
    ]);
  });

  it('quotas that do not add up, a stage out of order, a limit of 3', () => {
    const problems = problemsOf((f) => {
      f.tracks[0].quota.collectives = 5;
      f.stages[1].start = '2024-04-10';
      f.projectsPerUnitPerTrack = 3;
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'awards.collectives: is 30 but the track quotas add up to 32',
        'stages[1].start: must be after the end of registration (2024-04-15)',
        'projectsPerUnitPerTrack: must be 1 or 2',
      ]),
    );
  });

  it('unknown fields and a bad time zone', () => {
    expect(problemsOf((f) => (f.timeZone = 'Mars/Olympus'))).toEqual([
      'timeZone: is not an IANA time zone (e.g. Asia/Shanghai)',
    ]);
    expect(problemsOf((f) => (f.tracks[2].colour = 'red'))[0]).toMatch(/^tracks\[2\]: Unrecognized key/);
  });

  it('text that is not JSON', () => {
    expect(() => parseCompetitionJson('{"id": "x",', 'broken.json')).toThrow(/broken.json: not valid JSON/);
  });
});
