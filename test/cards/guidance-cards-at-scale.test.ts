/**
 * The guidance cards at the largest sizes of the 2024 file (the gallery's judgeDigestCard and questionReminderCard at
 * MAX_SIZE), and a deadline reminder listing every open question of a unit: each holds the card budget, says how many
 * more are not listed, and every listed project keeps its timeline button.
 */
import { describe, expect, it } from 'vitest';
import type { JudgeDigestView } from '../../cards/guidance-digest';
import { reminderCard, type OpenQuestion, type ReminderView } from '../../cards/reminders';
import { text } from '../../src/platform/i18n';
import { buttonValues, cardFaults, says } from '../support/card-checks';
import { cardGallery, MAX_SIZE, TEST_SIZE } from '../support/card-gallery';
import { c, ofUnit, PERIODS, periodText } from '../support/season';

const GALLERY = cardGallery(MAX_SIZE);
const shown = (builder: string) => GALLERY.filter((g) => g.builder === builder);

describe("the judges' daily card at scale", () => {
  it('a judge of one track (32 projects) and of every track (320): the card holds, and says how many more there are', () => {
    const cards = shown('judgeDigestCard');
    expect(cards.map((g) => g.what)).toEqual([
      'one track, every project and period',
      'every track, every project and period',
      'one project, one report',
    ]);
    for (const { card, view, what } of cards) {
      expect(cardFaults(card), what).toEqual([]);
      const v = view as JudgeDigestView;
      const listed = buttonValues(card).filter((b) => b.a === 'rpt.history');
      expect(listed.length, what).toBeGreaterThan(0);
      expect(listed.map((b) => b.p)).toEqual(v.projects.slice(0, listed.length).map((p) => p.id));
      if (listed.length < v.projects.length)
        expect(says(card, `另有 ${v.projects.length - listed.length} 个项目有新内容未列出`), what).toBe(true);
      else expect(says(card, '未列出'), what).toBe(false);
      expect(says(card, `有 **${v.projects.length}** 个项目有新内容`), what).toBe(true);
    }
    // The one-track card of 32 projects at their longest names cannot list them all; the single one is complete.
    expect(cards[2]!.card.body.elements.filter((e) => e.tag === 'button')).toHaveLength(1);
  });

  it('at a test size, the card lists everything', () => {
    for (const g of cardGallery(TEST_SIZE).filter((x) => x.builder === 'judgeDigestCard')) {
      expect(cardFaults(g.card)).toEqual([]);
      expect(says(g.card, '未列出')).toBe(false);
    }
  });
});

describe('questions in the reminders at scale', () => {
  it('the chase of every question of a unit holds, and says how many more', () => {
    for (const { card, view, what } of shown('questionReminderCard')) {
      expect(cardFaults(card), what).toEqual([]);
      const total = (view as { questions: OpenQuestion[] }).questions.length;
      const listed = buttonValues(card).length;
      expect(listed).toBeGreaterThan(0);
      if (listed < total) expect(says(card, `…另有 ${total - listed} 条未列出。`)).toBe(true);
    }
  });

  it('a deadline reminder of a unit owing every report, with every question open: ten listed, the rest counted', () => {
    const unit = c.file.units[0]!;
    const midterm = PERIODS.find((p) => p.code === 'midterm')!;
    const questions: OpenQuestion[] = ofUnit(unit.code).flatMap((p) =>
      PERIODS.map((x) => ({
        projectId: p.id,
        code: p.code,
        period: periodText(x),
        subject: 'report' as const,
        askedOn: '2024-10-08',
        answerBy: '2024-10-10',
        overdue: true,
      })),
    );
    const view: ReminderView = {
      deadlineName: text(`${midterm.name}报告`, `${midterm.nameEn} report`),
      dueDate: midterm.due,
      daysLeft: 1,
      unitName: unit.shortName,
      items: ofUnit(unit.code).map((p) => ({ what: text(p.code, p.code), name: p.fields.name })),
      action: { a: 'rem.open', r: 'report', k: midterm.code, u: unit.code },
      snooze: { a: 'rem.snooze', r: 'report', k: midterm.code, u: unit.code },
      questions,
    };
    const card = reminderCard(view);
    expect(cardFaults(card)).toEqual([]);
    expect(says(card, `**另有 ${questions.length} 条指导意见待回复**`)).toBe(true);
    expect(says(card, `…另有 ${questions.length - 10} 条`)).toBe(true);
    expect(buttonValues(card).filter((b) => b.a === 'rpt.history')).toHaveLength(3);
  });
});
