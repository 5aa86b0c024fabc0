/**
 * 进展情况 pages by units: a competition of 250 units (the 2024 file's 20 and 230 more), the office sends the command
 * and gets the first page with 下一页, presses 下一页 and 上一页 on the card as a person would, and reads each page in
 * place; the period's totals are on every page, and a judge still sees only the units of their tracks.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Card } from '../../../cards/kit';
import { loadCompetition } from '../../../src/competition/competition.service';
import type { Project } from '../../../src/core/projects.repository';
import { insertReport } from '../../../src/features/reports/reports.repository';
import { checkCard } from '../../../src/lark/card-rules';
import { says, tables } from '../../support/card-checks';
import { freshDatabase, type TestDatabase } from '../../support/database';
import { at, competition2024, competition2024Json } from '../../support/fixtures';
import { OFFICE, startHarness, type Harness } from '../../support/harness';
import { grantRole, registerProject } from '../../support/people';

const JUDGE_T02 = 'ou_ovp_judge_t02';
const MORE = 230;
const more = Array.from({ length: MORE }, (_, i) => ({
  code: `Z${i + 1}`,
  name: `第${i + 1}执法中队（示范单位）`,
  shortName: `第${i + 1}中队`,
  aliases: [],
}));
/** The units in the file's order, by their short names (what the table shows). */
const UNITS: string[] = [...competition2024Json().units, ...more].map((u: { shortName: string }) => u.shortName);

let db: TestDatabase;
let h: Harness;
const projects: Project[] = [];

beforeAll(async () => {
  db = await freshDatabase();
  h = await startHarness(db, { now: at('2024-04-01 09:00:00') });
  await loadCompetition(
    db.db,
    competition2024((f) => f.units.push(...more)),
    { dryRun: false, now: at('2024-04-01 09:00:00'), actor: 'test' },
  );
  await grantRole(db, JUDGE_T02, 'judge', 'T02');
  const codes = [...competition2024Json().units, ...more].map((u: { code: string }) => u.code);
  for (const u of codes) projects.push(await registerProject(db, u, 'T01'));
  for (const u of codes.slice(0, 3)) await registerProject(db, u, 'T02');
  // A third of the T01 projects reported May on time; the others are missing once May is due.
  for (const p of projects.filter((_, i) => i % 3 === 0))
    await insertReport(db.db, {
      competitionId: 'shanghai-2024',
      projectId: p.id,
      projectCode: p.code,
      period: '2024-05',
      revision: 1,
      late: false,
      fields: { workDone: '完成', results: '成效', completion: 50, evidence: [], problems: '' },
      actor: 'seed',
      now: at('2024-05-20 10:00:00'),
    });
});
afterAll(async () => {
  await h.close();
  await db.destroy();
});
beforeEach(() => {
  h.emu.emulator.reset();
  h.container.clock.set(at('2024-06-03 09:00:00'));
});
afterEach(() => {
  // Nothing Lark would refuse was sent or answered, and every card shown meets the documented rules.
  expect(h.emu.emulator.state.violations).toEqual([]);
  for (const m of h.emu.emulator.state.messages)
    if (m.msgType === 'interactive') expect(checkCard(m.content).problems).toEqual([]);
});

/** What the person is shown now on the card of `messageId`. */
const shown = (messageId: string) => h.client.card(messageId) as unknown as Card;
/** The units of the card's table, as listed. */
const unitsOn = (card: Card) => tables(card)[0]!.map((r) => String(r.unit));
const labels = (messageId: string) => h.client.buttons(messageId).flatMap((b) => b.labels);

describe('进展情况 pages by units', () => {
  it('the office gets page 1 with 下一页, pages through every unit once in the file order, and goes back with 上一页', async () => {
    const m = await h.say(OFFICE, '进展情况 2024-05');
    const first = shown(m.messageId);
    const size = unitsOn(first).length;
    expect(size).toBeGreaterThan(0);
    expect(size).toBeLessThan(UNITS.length);
    expect(says(first, `第 1-${size} 个单位，共 ${UNITS.length} 个单位`)).toBe(true);
    expect(labels(m.messageId)).toContain('下一页');
    expect(labels(m.messageId)).not.toContain('上一页');
    // The whole period's totals: 84 of the 253 projects on time (every third in T01), the others missing.
    const totals = '按时 84 · 逾期补报 0 · 缺报 169';
    expect(says(first, totals)).toBe(true);

    const pages = [unitsOn(first)];
    while (labels(m.messageId).includes('下一页')) {
      const d = await h.click(m.messageId, OFFICE, '下一页');
      expect(d.clientError).toBeUndefined();
      const card = shown(m.messageId);
      expect(says(card, totals)).toBe(true);
      expect(labels(m.messageId)).toContain('上一页');
      pages.push(unitsOn(card));
      expect(pages.length).toBeLessThanOrEqual(UNITS.length);
    }
    expect(pages.length).toBe(Math.ceil(UNITS.length / size));
    expect(pages.flat()).toEqual(UNITS);
    const last = pages.length;
    expect(
      says(shown(m.messageId), `第 ${(last - 1) * size + 1}-${UNITS.length} 个单位，共 ${UNITS.length} 个单位`),
    ).toBe(true);

    // 上一页 shows the page before, the same units as before.
    await h.click(m.messageId, OFFICE, '上一页');
    expect(unitsOn(shown(m.messageId))).toEqual(pages[last - 2]);
    expect(labels(m.messageId)).toContain('下一页');
  });

  it('a judge of T02 sees only the units of their track, on one page without buttons to page', async () => {
    const m = await h.say(JUDGE_T02, '进展情况 2024-05');
    const card = shown(m.messageId);
    expect(unitsOn(card)).toEqual(UNITS.slice(0, 3));
    expect(says(card, '你评审的赛道：T02')).toBe(true);
    expect(labels(m.messageId)).not.toContain('下一页');
    expect(labels(m.messageId)).not.toContain('上一页');
  });
});
