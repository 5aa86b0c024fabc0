import { describe, expect, it } from 'vitest';
import {
  addWorkingTime,
  deadlineSteps,
  dueSteps,
  isWorkingSlot,
  nextWorkingSlot,
  snoozeUntil,
  type Schedule,
} from '../../../src/features/reminders/schedule.rules';
import { deadlineInstant } from '../../../src/competition/competition';
import { at, competition2024 } from '../../support/fixtures';

const c = competition2024();
const schedule = (over: Partial<Schedule['rules']> = {}): Schedule => ({
  rules: { ...c.file.reminders, ...over },
  calendar: c.calendar,
  timeZone: c.timeZone,
});
const local = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
const steps = (s: Schedule, due: string) =>
  deadlineSteps(s, due, deadlineInstant(c, due)).map((st) => `${st.code}@${local(st.at)}${st.group ? '+group' : ''}`);

describe('reminder schedule', () => {
  it('registration closing Monday 15 April 2024: T-1 falls on Sunday and merges into the deadline morning', () => {
    expect(steps(schedule(), '2024-04-15')).toEqual([
      'T-7@2024-04-08 09:30',
      'T-3@2024-04-12 09:30',
      'T-0@2024-04-15 09:30+group',
      'overdue@2024-04-16 09:30+group',
      'digest@2024-04-16 09:30',
      'escalate@2024-04-17 09:30',
    ]);
  });

  it('a step on a public holiday moves to the next working day, including a make-up Sunday', () => {
    // 10 days before 15 April is Friday 5 April (Qingming): next working day is Sunday 7 April (调休).
    expect(steps(schedule({ leadDays: [10] }), '2024-04-15')[0]).toBe('T-10@2024-04-07 09:30');
  });

  it('a step whose next working day is past the deadline moves back to the last working day before it', () => {
    // A deadline on Sunday 28 April? That is a make-up working day. Sunday 21 April is not.
    expect(steps(schedule({ leadDays: [] }), '2024-04-21')[0]).toBe('T-0@2024-04-19 09:30+group');
  });

  it('send time is kept inside working hours', () => {
    expect(steps(schedule({ sendAt: '07:00' }), '2024-04-15')[0]).toBe('T-7@2024-04-08 09:00');
    expect(steps(schedule({ sendAt: '19:00' }), '2024-04-15')[0]).toBe('T-7@2024-04-08 17:59');
  });

  it('at a tick only the latest due pre-deadline step acts: no burst after downtime; nothing outside working slots', () => {
    const s = schedule();
    const st = deadlineSteps(s, '2024-04-15', deadlineInstant(c, '2024-04-15'));
    const due = (when: string) => dueSteps(s, st, deadlineInstant(c, '2024-04-15'), at(when)).map((x) => x.code);
    expect(due('2024-04-08 09:29:00')).toEqual([]);
    expect(due('2024-04-08 09:30:00')).toEqual(['T-7']);
    expect(due('2024-04-12 11:00:00')).toEqual(['T-3']); // T-7 superseded
    expect(due('2024-04-13 10:00:00')).toEqual([]); // Saturday
    expect(due('2024-04-12 18:00:00')).toEqual([]); // after hours
    expect(due('2024-04-15 09:30:00')).toEqual(['T-0']);
    expect(due('2024-04-16 09:30:00')).toEqual(['overdue', 'digest']);
    expect(due('2024-04-19 10:00:00')).toEqual(['overdue', 'digest', 'escalate']);
    // Catching up after downtime has a bound: two weeks after its moment a step is not sent late any more (a finished
    // competition loaded anew sends nothing).
    expect(due('2024-04-29 10:00:00')).toEqual(['overdue', 'digest', 'escalate']);
    expect(due('2024-05-06 10:00:00')).toEqual([]);
    expect(due('2026-12-02 10:00:00')).toEqual([]);
  });

  it('working slots, the next slot and snoozing within the deadline', () => {
    const s = schedule();
    expect(isWorkingSlot(s, at('2024-04-07 10:00:00'))).toBe(true); // make-up Sunday
    expect(isWorkingSlot(s, at('2024-04-05 10:00:00'))).toBe(false); // Qingming
    expect(local(nextWorkingSlot(s, at('2024-04-03 17:30:00') + 2 * 3_600_000))).toBe('2024-04-07 09:00');
    expect(local(snoozeUntil(s, at('2024-04-15 10:00:00'), 2, deadlineInstant(c, '2024-04-15'))!)).toBe(
      '2024-04-15 12:00',
    );
    expect(snoozeUntil(s, at('2024-04-15 17:00:00'), 2, deadlineInstant(c, '2024-04-15'))).toBeUndefined();
  });

  it('a snooze is two hours of working time: across the evening, the weekend and a holiday with its make-up Sunday', () => {
    const s = schedule();
    const due = deadlineInstant(c, '2024-04-30');
    const snooze = (from: string) => local(snoozeUntil(s, at(from), 2, due)!);
    expect(snooze('2024-04-12 17:00:00')).toBe('2024-04-15 10:00'); // Friday: one hour left, one more on Monday
    expect(snooze('2024-04-13 10:00:00')).toBe('2024-04-15 11:00'); // Saturday: from Monday's start
    expect(snooze('2024-04-03 17:30:00')).toBe('2024-04-07 10:30'); // half an hour Wednesday, Qingming, then make-up Sunday
    expect(snooze('2024-04-15 16:00:00')).toBe('2024-04-16 09:00'); // two hours end at closing time, when nothing is sent: the next morning
  });

  it('a snooze is due at the start of the minute it promises, whatever the seconds of the click', () => {
    const s = schedule();
    const due = deadlineInstant(c, '2024-04-15');
    // Pressed at 09:30:23.950: due at 11:30:00.000, so that the minute tick of 11:30 (run at 11:30:00) sends it.
    expect(snoozeUntil(s, at('2024-04-08 09:30:23') + 950, 2, due)).toBe(at('2024-04-08 11:30:00'));
    // Across the weekend the seconds left on Friday carry over, then the minute is floored: Monday 10:00, not 10:00:23.
    expect(snoozeUntil(s, at('2024-04-12 17:00:23'), 2, due)).toBe(at('2024-04-15 10:00:00'));
    // Pressed with 30 seconds of Friday left: 1:59:30 on Monday, floored to the minute shown.
    expect(snoozeUntil(s, at('2024-04-12 17:59:30'), 2, due)).toBe(at('2024-04-15 10:59:00'));
    // Two hours ending past closing by seconds: the next morning at 09:00 sharp, inside working hours.
    const morning = snoozeUntil(s, at('2024-04-09 16:00:23'), 2, due)!;
    expect(morning).toBe(at('2024-04-10 09:00:00'));
    expect(isWorkingSlot(s, morning)).toBe(true);
  });

  it('working time adds inside working hours only', () => {
    const s = schedule();
    expect(local(addWorkingTime(s, at('2024-04-15 08:00:00'), 30))).toBe('2024-04-15 09:30');
    expect(local(addWorkingTime(s, at('2024-04-15 17:59:00'), 1))).toBe('2024-04-16 09:00');
    expect(local(addWorkingTime(s, at('2024-04-15 10:00:00'), 9 * 60))).toBe('2024-04-16 10:00');
  });
});
