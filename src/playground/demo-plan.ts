/**
 * The demo season, planned whole and pure: who takes part (the cast plus generated contacts and judges), every
 * registration, withdrawal, report, self-evaluation and score sheet of the competition, each at its instant. `demo
 * seed` (demo-seed.ts) writes the events before its `at` through the bot's repositories, so the state at any date is a
 * prefix of the same season: the later the date, the more of it there is.
 *
 * Deterministic: everything comes from the competition, the cast and the seed, through seeded streams (mulberry32),
 * one per concern and per project, so that the same seed plans the same season and a change in one part of the plan
 * does not reshuffle the others. Instants respect the bot's own windows: registrations inside the registration stage,
 * reports and self-evaluations inside their period's window or after it (then late, as decideSubmission says), before
 * judging closes, and sheets inside the judging window.
 */
import {
  datesBetween,
  isWorkingDay,
  localDateOf,
  startOfLocalDay,
  zonedInstant,
  type LocalDate,
} from '../competition/calendar';
import { type Competition, stageByCode, unitByCode } from '../competition/competition';
import { periodWindows, type PeriodWindow } from '../core/periods';
import { nameKey, projectCode, type ProjectFields } from '../core/projects';
import type { ReportFields } from '../../cards/reports.form';
import { judgingWindow } from '../features/scoring';
import type { SheetChange } from '../features/scoring/scores.repository';
import { mulberry32 } from '../platform/random';
import { DEMO_OPEN_ID_PREFIX, type Cast } from './cast';
import {
  evidenceLinks,
  judgeComment,
  keywordOf,
  nameTemplates,
  personName,
  phoneNumber,
  pick,
  pickSome,
  projectGoals,
  projectSummary,
  type Rand,
  recusalReason,
  reportProblems,
  reportResults,
  reportWork,
  selfJustification,
  studioName,
} from './demo-text';

export interface PlannedPerson {
  openId: string;
  name: string;
  role: 'office' | 'leader' | 'contact' | 'judge';
  /** A contact's unit, or a judge's own unit (their automatic recusal). */
  unit?: string;
  /** A judge's track. */
  track?: string;
  /** One of the playground's personas (cast.ts), rather than generated here. */
  cast: boolean;
}

export interface PlannedProject {
  /** `<unit>|<track>|<n>`: the n-th project the unit registers in the track. */
  key: string;
  /** The code the bot gives it (the unit's running number in the track). */
  code: string;
  unit: string;
  track: string;
  fields: ProjectFields;
  registeredAt: number;
  registeredBy: string;
  withdrawnAt?: number;
}

export type PlannedEvent =
  | { kind: 'register'; at: number; project: PlannedProject }
  | { kind: 'withdraw'; at: number; key: string; actor: string }
  | { kind: 'report'; at: number; key: string; period: string; fields: ReportFields; actor: string }
  | {
      kind: 'self-evaluation';
      at: number;
      key: string;
      period: string;
      scores: Record<string, number>;
      justification: string;
      actor: string;
    }
  | { kind: 'sheet'; at: number; key: string; judge: string; change: SheetChange };

export interface DemoPlan {
  seed: number;
  /** The office (whoever binds people in chat). */
  office: string;
  /** When the office binds the contacts and judges: a few days before registration opens. */
  bindAt: number;
  people: PlannedPerson[];
  projects: PlannedProject[];
  /** Every event of the season, in time order (ties in planning order). */
  events: PlannedEvent[];
}

/** A stream of its own for one concern of the plan: FNV-1a of the seed and a label, fed to mulberry32. */
export function streamOf(seed: number, label: string): Rand {
  let h = 0x811c9dc5;
  for (const ch of `${seed >>> 0}|${label}`) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return mulberry32(h);
}

/** A standard normal draw (Box-Muller). */
const gauss = (rand: Rand) => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * An instant in [from, to) on a working day, within `minutes` of the day (working hours by default). `skew` bends the
 * choice of day: above 1 towards the start of the window, below 1 towards its end. Any instant of the window when it
 * holds no working day.
 */
function workingInstant(
  rand: Rand,
  c: Competition,
  from: number,
  to: number,
  skew = 1,
  minutes: readonly [number, number] = [9 * 60, 18 * 60],
): number {
  if (to <= from) return from;
  const days = datesBetween(localDateOf(from, c.timeZone), localDateOf(to - 1, c.timeZone)).filter((d) =>
    isWorkingDay(d, c.calendar),
  );
  for (let attempt = 0; attempt < 8 && days.length; attempt++) {
    const day: LocalDate = days[Math.min(days.length - 1, Math.floor(rand() ** skew * days.length))]!;
    const minute = minutes[0] + Math.floor(rand() * (minutes[1] - minutes[0]));
    const at = zonedInstant(day, minute, c.timeZone) + Math.floor(rand() * 60) * 1000;
    if (at >= from && at < to) return at;
  }
  return from + Math.floor(rand() * (to - from));
}

const lower = (code: string) => code.toLowerCase();

function planPeople(c: Competition, cast: Cast, seed: number, names: Set<string>): PlannedPerson[] {
  const rand = streamOf(seed, 'people');
  const people: PlannedPerson[] = [];
  for (const p of cast.personas) {
    names.add(p.name);
    const r = p.role;
    if (r.role === 'office' || r.role === 'leader')
      people.push({ openId: p.openId, name: p.name, role: r.role, cast: true });
    if (r.role === 'contact')
      people.push({ openId: p.openId, name: p.name, role: 'contact', unit: r.unit, cast: true });
    if (r.role === 'judge')
      people.push({ openId: p.openId, name: p.name, role: 'judge', track: r.track, unit: r.unit, cast: true });
  }
  // Contacts: one or two per unit (the notice: 1-3), the cast's contacts first.
  for (const u of c.file.units) {
    const fromCast = people.filter((p) => p.role === 'contact' && p.unit === u.code).length;
    const wanted = fromCast ? fromCast + (rand() < 0.3 ? 1 : 0) : rand() < 0.35 ? 2 : 1;
    for (let n = fromCast + 1; n <= wanted; n++)
      people.push({
        openId: `${DEMO_OPEN_ID_PREFIX}contact_${lower(u.code)}_${n}`,
        name: personName(rand, names),
        role: 'contact',
        unit: u.code,
        cast: false,
      });
  }
  // Judges: three to five per track (the cast's judges keep theirs), each from a unit of their own, all different
  // within a track while the competition has units enough.
  for (const t of c.file.tracks) {
    const fromCast = people.filter((p) => p.role === 'judge' && p.track === t.code);
    const total = Math.max(fromCast.length + 1, 3 + Math.floor(rand() * 3));
    const taken = new Set(fromCast.map((p) => p.unit));
    for (let n = 1; n <= total - fromCast.length; n++) {
      const free = c.file.units.filter((u) => !taken.has(u.code));
      const unit = pick(rand, free.length ? free : c.file.units).code;
      taken.add(unit);
      people.push({
        openId: `${DEMO_OPEN_ID_PREFIX}judge_${lower(t.code)}_${n}`,
        name: personName(rand, names),
        role: 'judge',
        track: t.code,
        unit,
        cast: false,
      });
    }
  }
  return people;
}

interface ProjectDraft {
  unit: string;
  track: string;
  /** 1-based order of registration within the unit and track (withdrawn ones included). */
  n: number;
  aspect: string;
  name: string;
  lead: string;
  registeredAt: number;
  withdrawnAt?: number;
  /** Not worse or better than the rest: a standard normal draw, felt in completion, self-evaluations and scores. */
  quality: number;
}

/** The projects the units register: about three in four unit × track pairs, some with two, late in the window. */
function planProjects(c: Competition, seed: number, names: Set<string>): ProjectDraft[] {
  const rand = streamOf(seed, 'projects');
  const reg = stageByCode(c, 'registration');
  const opensAt = startOfLocalDay(reg.start, c.timeZone);
  const closesAt = startOfLocalDay(reg.end, c.timeZone) + DAY;
  const limit = c.file.projectsPerUnitPerTrack;
  const drafts: ProjectDraft[] = [];
  const usedNames = new Map<string, Set<string>>();
  const templatesUsed = new Map<string, Map<string, number>>();
  const draft = (unit: string, track: string, n: number, from: number, avoidAspect?: string): ProjectDraft => {
    const t = c.file.tracks.find((x) => x.code === track)!;
    const u = unitByCode(c, unit)!;
    const aspects = t.aspects.map((a) => a.name);
    const aspect = pick(rand, aspects.length > 1 ? aspects.filter((a) => a !== avoidAspect) : aspects);
    const lead = personName(rand, names);
    const taken = usedNames.get(unit) ?? new Set<string>();
    usedNames.set(unit, taken);
    // The templates least used so far in the track first, so that units' names differ as much as they can.
    const used = templatesUsed.get(track) ?? new Map<string, number>();
    templatesUsed.set(track, used);
    const templates = nameTemplates(t.name, aspect);
    const fewest = Math.min(...templates.map((x) => used.get(x) ?? 0));
    let name = '';
    for (let attempt = 0; attempt < 20 && (!name || taken.has(nameKey(name))); attempt++) {
      if (rand() < 0.08) name = studioName(rand, t.name, lead);
      else {
        const template = pick(rand, attempt < 10 ? templates.filter((x) => (used.get(x) ?? 0) === fewest) : templates);
        name = template.replaceAll('{u}', u.shortName);
        if (!taken.has(nameKey(name))) used.set(template, (used.get(template) ?? 0) + 1);
      }
    }
    if (taken.has(nameKey(name))) name = `${name}（${n}）`;
    taken.add(nameKey(name));
    return {
      unit,
      track,
      n,
      aspect,
      name,
      lead,
      registeredAt: workingInstant(rand, c, from, closesAt, 0.6),
      quality: gauss(rand),
    };
  };
  for (const u of c.file.units) {
    const activity = 0.75 + 0.45 * rand();
    const mine: ProjectDraft[] = [];
    for (const t of c.file.tracks) {
      if (rand() >= Math.min(0.95, 0.58 * activity)) continue;
      const first = draft(u.code, t.code, 1, opensAt);
      mine.push(first);
      if (limit >= 2 && rand() < 0.3) mine.push(draft(u.code, t.code, 2, opensAt, first.aspect));
    }
    // Every unit enters something: two tracks at least.
    for (const t of c.file.tracks) {
      if (mine.length >= Math.min(2, c.file.tracks.length)) break;
      if (!mine.some((d) => d.track === t.code)) mine.push(draft(u.code, t.code, 1, opensAt));
    }
    drafts.push(...mine);
  }
  // Within a unit and track, the running numbers follow the order of registration.
  for (const group of groupBy(drafts, (d) => `${d.unit}|${d.track}`).values()) {
    group.sort((a, b) => a.registeredAt - b.registeredAt);
    group.forEach((d, i) => {
      d.n = i + 1;
    });
  }
  // A few early projects are withdrawn a few days later, and the unit enters another in the same track.
  const early = drafts.filter((d) => d.registeredAt < closesAt - 10 * DAY);
  for (const d of pickSome(rand, early, Math.min(3, Math.floor(drafts.length / 40)))) {
    d.withdrawnAt = workingInstant(rand, c, d.registeredAt + 2 * HOUR, Math.min(d.registeredAt + 5 * DAY, closesAt));
    const others = drafts.filter((x) => x.unit === d.unit && x.track === d.track);
    const replacement = draft(d.unit, d.track, Math.max(...others.map((x) => x.n)) + 1, d.withdrawnAt + HOUR, d.aspect);
    // Registered after everything else the unit has in the track, so that its running number is the next one.
    replacement.registeredAt = Math.max(replacement.registeredAt, ...others.map((x) => x.registeredAt + 60_000));
    if (replacement.registeredAt < closesAt) drafts.push(replacement);
  }
  return drafts;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}

export function planSeason(c: Competition, cast: Cast, seed: number): DemoPlan {
  const names = new Set<string>();
  const people = planPeople(c, cast, seed, names);
  const drafts = planProjects(c, seed, names);
  const events: PlannedEvent[] = [];
  const contactsOf = (unit: string) => people.filter((p) => p.role === 'contact' && p.unit === unit);
  const reg = stageByCode(c, 'registration');
  const impl = stageByCode(c, 'implementation');
  const judging = judgingWindow(c);
  const reportingFrom = startOfLocalDay(impl.start, c.timeZone);
  const windows = periodWindows(c);
  const rubric = c.file.rubric;
  const max = rubric.reduce((n, r) => n + r.max, 0);

  // Registrations and withdrawals.
  const projects: PlannedProject[] = drafts.map((d) => {
    const rand = streamOf(seed, `project|${d.unit}|${d.track}|${d.n}`);
    const t = c.file.tracks.find((x) => x.code === d.track)!;
    const u = unitByCode(c, d.unit)!;
    const p: PlannedProject = {
      key: `${d.unit}|${d.track}|${d.n}`,
      code: projectCode(c.file.codePrefix, d.track, d.unit, d.n),
      unit: d.unit,
      track: d.track,
      fields: {
        name: d.name,
        lead: d.lead,
        summary: projectSummary(rand, {
          trackName: t.name,
          aspect: d.aspect,
          unitName: u.name,
          keyword: keywordOf(d.name, d.aspect),
        }),
        goals: projectGoals(rand, t.name),
        phone: phoneNumber(rand),
      },
      registeredAt: d.registeredAt,
      registeredBy: pick(rand, contactsOf(d.unit)).openId,
      ...(d.withdrawnAt ? { withdrawnAt: d.withdrawnAt } : {}),
    };
    events.push({ kind: 'register', at: p.registeredAt, project: p });
    if (p.withdrawnAt) events.push({ kind: 'withdraw', at: p.withdrawnAt, key: p.key, actor: p.registeredBy });
    return p;
  });
  const active = projects.filter((p) => !p.withdrawnAt);
  const quality = new Map(drafts.map((d) => [`${d.unit}|${d.track}|${d.n}`, d.quality]));
  const aspectOf = new Map(drafts.map((d) => [`${d.unit}|${d.track}|${d.n}`, d.aspect]));

  // Reports and self-evaluations: each unit has its habits (some report early and always, some late or not at all),
  // about three in four on time, one in seven late, one in ten missing.
  const habits = new Map(
    c.file.units.map((u) => {
      const rand = streamOf(seed, `habits|${u.code}`);
      return [u.code, 2 * rand() - 1] as const;
    }),
  );
  for (const p of active) {
    const rand = streamOf(seed, `reports|${p.key}`);
    const t = c.file.tracks.find((x) => x.code === p.track)!;
    const keyword = keywordOf(p.fields.name, aspectOf.get(p.key) ?? t.name);
    const q = quality.get(p.key) ?? 0;
    const habit = habits.get(p.unit) ?? 0;
    const finalCompletion = clamp(Math.round(88 + 7 * q + 4 * gauss(rand)), 60, 100);
    const reporters = contactsOf(p.unit);
    let completion = 0;
    windows.forEach((w, i) => {
      if (p.registeredAt >= w.dueAt) return;
      const actor = pick(rand, reporters).openId;
      const target = Math.round(finalCompletion * ((i + 1) / windows.length) ** 0.8);
      completion = clamp(Math.max(completion, target + Math.round(3 * gauss(rand))), 0, 100);
      const fate = rand();
      const missing = 0.1 * (1 + 0.8 * habit);
      const late = 0.15 * (1 + 0.5 * habit);
      const at =
        fate < missing
          ? undefined
          : fate < missing + late
            ? workingInstant(rand, c, w.dueAt, Math.min(w.dueAt + 12 * DAY, judging.closesAt), 2)
            : onTimeInstant(rand, c, w, Math.max(w.opensAt, p.registeredAt + HOUR, reportingFrom));
      const fields = (done: number): ReportFields => ({
        workDone: reportWork(rand, t.name, keyword, /^\d{4}-\d{2}$/.test(w.code) ? '本月' : `本期（${w.name}）`),
        results: reportResults(rand, t.name),
        completion: done,
        evidence: evidenceLinks(rand, p.code, w.code),
        problems: reportProblems(rand),
      });
      if (at !== undefined && at < judging.closesAt) {
        events.push({ kind: 'report', at, key: p.key, period: w.code, fields: fields(completion), actor });
        // Some revise an on-time report before the due day (every revision is kept).
        if (at < w.dueAt - 3 * HOUR && rand() < 0.12) {
          const revisedAt = workingInstant(rand, c, at + 2 * HOUR, w.dueAt, 0.7);
          if (revisedAt > at && revisedAt < w.dueAt)
            events.push({
              kind: 'report',
              at: revisedAt,
              key: p.key,
              period: w.code,
              fields: fields(Math.min(100, completion + Math.floor(rand() * 5))),
              actor,
            });
        }
      }
      if (!w.selfEvaluation) return;
      const reported = at !== undefined && at < judging.closesAt;
      if (reported ? rand() >= 0.92 : rand() >= 0.25) return;
      const sevAt = reported
        ? workingInstant(rand, c, at + 10 * 60_000, Math.min(at + 2 * DAY, judging.closesAt), 1.5)
        : onTimeInstant(rand, c, w, Math.max(w.opensAt, p.registeredAt + HOUR, reportingFrom));
      const scores = Object.fromEntries(
        rubric.map((r) => [r.code, clamp(Math.round(r.max * (0.84 + 0.05 * q + 0.04 * gauss(rand))), 0, r.max)]),
      );
      const total = Object.values(scores).reduce((a, b) => a + b, 0);
      events.push({
        kind: 'self-evaluation',
        at: sevAt,
        key: p.key,
        period: w.code,
        scores,
        justification: selfJustification(
          rand,
          rubric.map((r) => r.name),
          total,
          max,
        ),
        actor,
      });
    });
  }

  // Score sheets: every judge scores every project of the track that is not of their own unit, inside the judging
  // window, most early, some late (a quarter of the judges leave it to the last weeks); a few recuse themselves, a few
  // revise a score. Judges are lenient or harsh in their own way.
  for (const judge of people.filter((p) => p.role === 'judge')) {
    const rand = streamOf(seed, `judge|${judge.openId}`);
    const pace = rand() < 0.25 ? 0.5 + 0.3 * rand() : 1.3 + 1.1 * rand();
    const bias = 0.05 * gauss(rand);
    for (const p of active.filter((x) => x.track === judge.track && x.unit !== judge.unit)) {
      const at = workingInstant(rand, c, judging.opensAt, judging.closesAt, pace);
      if (rand() < 0.015) {
        events.push({
          kind: 'sheet',
          at,
          key: p.key,
          judge: judge.openId,
          change: { kind: 'recuse', reason: recusalReason(rand) },
        });
        continue;
      }
      const q = quality.get(p.key) ?? 0;
      const sheet = (): SheetChange => ({
        kind: 'score',
        scores: Object.fromEntries(
          rubric.map((r) => [
            r.code,
            clamp(Math.round(r.max * (0.74 + 0.07 * q + bias + 0.05 * gauss(rand))), 0, r.max),
          ]),
        ),
        comment: judgeComment(rand),
      });
      events.push({ kind: 'sheet', at, key: p.key, judge: judge.openId, change: sheet() });
      if (rand() < 0.06) {
        const revisedAt = workingInstant(rand, c, at + HOUR, judging.closesAt, 1.5);
        if (revisedAt > at)
          events.push({ kind: 'sheet', at: revisedAt, key: p.key, judge: judge.openId, change: sheet() });
      }
    }
  }

  const bindDay = startOfLocalDay(reg.start, c.timeZone) - 4 * DAY;
  const order = new Map(events.map((e, i) => [e, i]));
  events.sort((a, b) => a.at - b.at || order.get(a)! - order.get(b)!);
  return {
    seed,
    office: cast.office,
    bindAt: zonedInstant(localDateOf(bindDay, c.timeZone), 10 * 60, c.timeZone),
    people,
    projects,
    events,
  };
}

/**
 * When an on-time report goes in: mostly in the last week before the due day, in working hours; one in sixteen on the
 * evening of the due day itself (the minute decides: 23:59 is on time).
 */
function onTimeInstant(rand: Rand, c: Competition, w: PeriodWindow, from: number): number {
  if (from >= w.dueAt) return w.dueAt - 60_000;
  if (rand() < 0.06) {
    const evening = zonedInstant(w.due, 20 * 60, c.timeZone) + Math.floor(rand() * (3 * 60 + 59)) * 60_000;
    if (evening >= from && evening < w.dueAt) return evening;
  }
  return workingInstant(rand, c, Math.max(from, w.dueAt - 12 * DAY), w.dueAt, 0.5);
}
