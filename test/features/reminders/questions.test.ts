import { describe, expect, it } from 'vitest';
import { answerDueDate, questionChase, questionsToChase } from '../../../src/features/reminders/questions';
import { scheduleOf } from '../../../src/features/reminders/reminders.service';
import { at, competition2024 } from '../../support/fixtures';

const c = competition2024();
const s = scheduleOf(c);

describe('questions awaiting an answer (answerWithinWorkingDays: 3 in 2024)', () => {
  it('are due by the end of the third working day after the day asked, and chased the next working morning', () => {
    expect(questionChase(s, at('2024-05-20 10:00'), 3)).toEqual({ answerBy: '2024-05-23', at: at('2024-05-24 09:30') });
    // Asked on a Friday: Monday to Wednesday; asked late in the evening, the same.
    expect(questionChase(s, at('2024-05-24 23:50'), 3)).toEqual({ answerBy: '2024-05-29', at: at('2024-05-30 09:30') });
    // Over the Dragon Boat Festival (Monday 10 June): Friday 7, Tuesday 11, Wednesday 12; chased Thursday.
    expect(questionChase(s, at('2024-06-06 15:00'), 3)).toEqual({ answerBy: '2024-06-12', at: at('2024-06-13 09:30') });
    // Answer-by on a Friday: chased on Monday.
    expect(questionChase(s, at('2024-05-21 10:00'), 3).at).toBe(at('2024-05-27 09:30'));
    // Asked on a Sunday: Monday is the first working day.
    expect(answerDueDate(s, at('2024-05-19 10:00'), 1)).toBe('2024-05-20');
  });

  it('only questions on active projects past their chase time, oldest first', () => {
    const q = (id: string, projectId: string, local: string) => ({ id, projectId, createdAt: at(local) });
    const questions = [
      q('gdc_b', 'p1', '2024-05-21 10:00'),
      q('gdc_a', 'p1', '2024-05-20 10:00'),
      q('gdc_withdrawn', 'p9', '2024-05-01 10:00'),
      q('gdc_young', 'p2', '2024-05-23 10:00'),
    ];
    const unitOf = (id: string) => ({ p1: 'HP', p2: 'JA' })[id];
    expect(questionsToChase(s, questions, unitOf, 3, at('2024-05-24 09:29')).map((x) => x.question.id)).toEqual([]);
    expect(questionsToChase(s, questions, unitOf, 3, at('2024-05-24 09:30'))).toEqual([
      { question: questions[1], unit: 'HP', answerBy: '2024-05-23', at: at('2024-05-24 09:30') },
    ]);
    expect(questionsToChase(s, questions, unitOf, 3, at('2024-05-30 09:30')).map((x) => x.question.id)).toEqual([
      'gdc_a',
      'gdc_b',
      'gdc_young',
    ]);
  });
});
