import { describe, expect, it } from 'vitest';
import {
  addDays,
  datesBetween,
  endOfLocalDay,
  isWorkingDay,
  localDateOf,
  localMinutesOf,
  startOfLocalDay,
  weekdayOf,
  workingDayOnOrBefore,
  zonedInstant,
} from '../../src/competition/calendar';
import { currentPeriod, isStageOpen, stageAt } from '../../src/competition/competition';
import { at, competition2024 } from '../support/fixtures';
import { between, seeded } from '../support/random';

const c = competition2024();
const TZ = 'Asia/Shanghai';
const YEAR_START = Date.parse('2024-01-01T00:00:00+08:00');
const YEAR_END = Date.parse('2025-01-01T00:00:00+08:00');

describe('stages in Asia/Shanghai', () => {
  it.each([
    ['2024-03-14 23:59:59', undefined],
    ['2024-03-15 00:00:00', 'registration'],
    ['2024-04-15 23:59:59', 'registration'],
    ['2024-04-16 00:00:00', 'implementation'],
    ['2024-10-31 23:59:59', 'implementation'],
    ['2024-11-01 00:00:00', 'evaluation'],
    ['2024-12-31 23:59:59', 'evaluation'],
    ['2025-01-01 00:00:00', undefined],
  ])('at %s the open stage is %s', (local, stage) => {
    expect(stageAt(c, at(local))?.code).toBe(stage);
  });

  it('registration closes at the end of 15 April in Shanghai, which is 15:59:59.999 UTC', () => {
    expect(isStageOpen(c, 'registration', Date.parse('2024-04-15T15:59:59.999Z'))).toBe(true);
    expect(isStageOpen(c, 'registration', Date.parse('2024-04-15T16:00:00.000Z'))).toBe(false);
  });

  it('property: over 20,000 random instants exactly one stage is open within the season and stages never go backwards', () => {
    const rand = seeded(20240315);
    const first = startOfLocalDay('2024-03-15', TZ);
    const last = endOfLocalDay('2024-12-31', TZ);
    const order = ['registration', 'implementation', 'evaluation'];
    const samples = Array.from({ length: 20_000 }, () =>
      between(rand, first - 86_400_000 * 30, last + 86_400_000 * 30),
    ).sort((a, b) => a - b);
    let previous = -1;
    for (const ms of samples) {
      const open = c.stages.filter((s) => isStageOpen(c, s.code, ms));
      const inSeason = ms >= first && ms < last;
      expect(open.length, new Date(ms).toISOString()).toBe(inSeason ? 1 : 0);
      if (open[0]) {
        const idx = order.indexOf(open[0].code);
        expect(idx).toBeGreaterThanOrEqual(previous);
        previous = idx;
        // The stage's local dates hold the instant's local date.
        const d = localDateOf(ms, TZ);
        expect(d >= open[0].start && d <= open[0].end).toBe(true);
      }
    }
  });
});

describe('local dates and instants', () => {
  it('property: every instant lies within the local day it falls on, and wall-clock minutes round-trip', () => {
    for (const tz of ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'UTC']) {
      const rand = seeded(7);
      for (let i = 0; i < 5_000; i++) {
        const ms = between(rand, YEAR_START, YEAR_END);
        const d = localDateOf(ms, tz);
        expect(startOfLocalDay(d, tz)).toBeLessThanOrEqual(ms);
        expect(endOfLocalDay(d, tz)).toBeGreaterThan(ms);
        const minute = Math.floor(ms / 60_000) * 60_000;
        // Skip the repeated hour when clocks go back: the wall clock is ambiguous there.
        if (zonedInstant(d, localMinutesOf(ms, tz), tz) !== minute && tz !== 'Asia/Shanghai' && tz !== 'UTC') continue;
        expect(zonedInstant(d, localMinutesOf(ms, tz), tz)).toBe(minute);
      }
    }
  });

  it('a Shanghai day is always 24 hours long (no daylight saving)', () => {
    for (const d of datesBetween('2024-01-01', '2024-12-31')) {
      expect(endOfLocalDay(d, TZ) - startOfLocalDay(d, TZ)).toBe(86_400_000);
    }
  });

  it('a New York day is 23 or 25 hours long on the daylight-saving changes', () => {
    expect(endOfLocalDay('2024-03-10', 'America/New_York') - startOfLocalDay('2024-03-10', 'America/New_York')).toBe(
      23 * 3_600_000,
    );
    expect(endOfLocalDay('2024-11-03', 'America/New_York') - startOfLocalDay('2024-11-03', 'America/New_York')).toBe(
      25 * 3_600_000,
    );
  });

  it('addDays crosses months and years', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });
});

describe('the 2024 working calendar', () => {
  it.each([
    ['2024-04-04', false, 'Qingming (Thursday)'],
    ['2024-04-05', false, 'Qingming (Friday)'],
    ['2024-04-06', false, 'Qingming (Saturday)'],
    ['2024-04-07', true, 'make-up working Sunday'],
    ['2024-04-08', true, 'ordinary Monday'],
    ['2024-04-13', false, 'ordinary Saturday'],
    ['2024-02-04', true, 'make-up Sunday before the Spring Festival'],
    ['2024-02-12', false, 'Spring Festival Monday'],
    ['2024-02-18', true, 'make-up Sunday after the Spring Festival'],
    ['2024-04-28', true, 'make-up Sunday before Labour Day'],
    ['2024-05-01', false, 'Labour Day'],
    ['2024-05-11', true, 'make-up Saturday after Labour Day'],
    ['2024-06-10', false, 'Dragon Boat Monday'],
    ['2024-09-14', true, 'make-up Saturday before Mid-Autumn'],
    ['2024-09-16', false, 'Mid-Autumn Monday'],
    ['2024-09-29', true, 'make-up Sunday before National Day'],
    ['2024-10-07', false, 'National Day Monday'],
    ['2024-10-12', true, 'make-up Saturday after National Day'],
    ['2024-01-01', false, 'New Year'],
  ])('%s is a working day: %s (%s)', (date, working) => {
    expect(isWorkingDay(date, c.calendar)).toBe(working);
  });

  it('property: every date of 2024 not listed follows the weekday rule', () => {
    for (const d of datesBetween('2024-01-01', '2024-12-31')) {
      if (c.calendar.holidays.has(d) || c.calendar.workdays.has(d)) continue;
      const wd = weekdayOf(d);
      expect(isWorkingDay(d, c.calendar)).toBe(wd >= 1 && wd <= 5);
    }
  });

  it('2024 has 251 working days: 262 weekdays, less 19 weekday holidays, plus 8 make-up days', () => {
    expect(datesBetween('2024-01-01', '2024-12-31').filter((d) => isWorkingDay(d, c.calendar))).toHaveLength(251);
  });

  it('a due date on a weekend moves to the working day before it', () => {
    expect(workingDayOnOrBefore('2024-05-25', c.calendar)).toBe('2024-05-24');
    expect(workingDayOnOrBefore('2024-08-25', c.calendar)).toBe('2024-08-23');
    expect(workingDayOnOrBefore('2024-10-06', c.calendar)).toBe('2024-09-30');
  });
});

describe('reporting periods of 2024', () => {
  it('monthly from May to October on the 25th or the working day before, plus the mid-term check and year-end summary', () => {
    expect(c.periods.map((p) => `${p.code}@${p.due}`)).toEqual([
      '2024-05@2024-05-24',
      '2024-06@2024-06-25',
      '2024-07@2024-07-25',
      'midterm@2024-07-31',
      '2024-08@2024-08-23',
      '2024-09@2024-09-25',
      '2024-10@2024-10-25',
      'year-end@2024-10-31',
    ]);
  });

  it('the current period is the one whose window holds the instant, or else the next one', () => {
    expect(currentPeriod(c, at('2024-05-24 23:59:59'))?.code).toBe('2024-05');
    expect(currentPeriod(c, at('2024-05-25 00:00:00'))?.code).toBe('2024-06');
    expect(currentPeriod(c, at('2024-04-20 10:00:00'))?.code).toBe('2024-05');
  });
});
