/**
 * The scheduled digest (competition file `summaries`: Mondays 09:00 in 2024) through the real minute tick: two
 * servers tick every minute and the announcement group gets each slot's digest once; it shows registrations, then
 * reporting punctuality, then judging progress (never a score), and the rankings once they are published.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cardBytes, type Card } from '../../../cards/kit';
import { saveSheet } from '../../../src/features/scoring/scores.repository';
import { createProject, type Project } from '../../../src/core/projects.repository';
import { insertReport } from '../../../src/features/reports/reports.repository';
import { toDbInstant } from '../../../src/platform/instant';
import { testContainer, type TestContainer } from '../../support/container';
import { json } from '../../support/cards';
import { freshDatabase, type TestDatabase } from '../../support/database';
import { at } from '../../support/fixtures';
import { OFFICE, startHarness, type Harness } from '../../support/harness';
import { tickServers } from '../../support/ticks';
import { grantRole } from '../../support/people';

const ANNOUNCE = 'oc_sum_announce';
const JUDGE = 'ou_sum_judge';

let db: TestDatabase;
let h: Harness;
let other: TestContainer;
const projects: Project[] = [];

beforeAll(async () => {
  db = await freshDatabase();
  h = await startHarness(db, { now: at('2024-04-01 10:00:00') });
  other = testContainer(db, { BOT_ADMINS: OFFICE }, at('2024-04-01 10:00:00'), { lark: h.container.lark });
  await grantRole(db, JUDGE, 'judge', 'T02');
  h.emu.emulator.ensureGroupChat(ANNOUNCE, [OFFICE]);
  const now = toDbInstant(Date.now());
  await db.db
    .insertInto('chats')
    .values({
      chat_id: ANNOUNCE,
      competition_id: 'shanghai-2024',
      name: '通知群',
      chat_type: 'group',
      purpose: 'announcement',
      unit_code: null,
      bot_present: 1,
      created_at: now,
      updated_at: now,
    })
    .execute();
  for (const [unit, track] of [
    ['HP', 'T02'],
    ['JA', 'T02'],
    ['PD', 'T05'],
  ] as const) {
    const r = await createProject(db.db, {
      competitionId: 'shanghai-2024',
      codePrefix: '2024',
      unit,
      track,
      limit: 2,
      fields: { name: `${unit}项目`, lead: 'l', summary: 's', goals: 'g', phone: '' },
      actor: 'seed',
      now: at('2024-04-02 10:00:00'),
    });
    if (r.kind !== 'created') throw new Error(r.kind);
    projects.push(r.project);
  }
  // For the punctuality digest: HP reports May on time, nobody else does.
  await insertReport(db.db, {
    competitionId: 'shanghai-2024',
    projectId: projects[0]!.id,
    projectCode: projects[0]!.code,
    period: '2024-05',
    revision: 1,
    late: false,
    fields: { workDone: 'w', results: 'r', completion: 20, evidence: [], problems: '' },
    actor: 'seed',
    now: at('2024-05-20 10:00:00'),
  });
});
afterAll(async () => {
  await h.close();
  await db.destroy();
});
afterEach(() => {
  expect(h.emu.emulator.state.violations).toEqual([]);
  for (const m of h.emu.emulator.state.messages)
    if (m.msgType === 'interactive') expect(cardBytes(m.content as Card)).toBeLessThan(30_000);
});

const digests = () => h.emu.emulator.state.messages.filter((m) => m.chatId === ANNOUNCE);

/** Both servers tick every minute from `from` to `to` (local Shanghai times), as node-cron would; then delivery. */
const tickThrough = (from: string, to: string, step = 1) => tickServers(h, [other], from, to, step);

describe('the scheduled digest', () => {
  it('goes out once per Monday slot with two servers ticking every minute, and only then', async () => {
    h.emu.emulator.reset();
    await tickThrough('2024-04-08 08:50', '2024-04-08 09:20');
    expect(digests()).toHaveLength(1);
    const card = json(digests()[0]!.content);
    expect(card).toContain('赛事简报 · 报名情况');
    expect(card).toContain('共 **3** 个项目，3/20 个单位已报名');
    expect(card).toContain('"tag":"chart"');
    expect(await db.db.selectFrom('summary_runs').selectAll().execute()).toMatchObject([
      { slot: '2024-04-08T09:00', chat_id: ANNOUNCE, kind: 'registration' },
    ]);
    // The same minutes again (a restart, a late server): nothing more. A Tuesday: nothing.
    await tickThrough('2024-04-08 09:00', '2024-04-08 09:05');
    await tickThrough('2024-04-09 08:58', '2024-04-09 09:03');
    expect(digests()).toHaveLength(1);
  });

  it('after downtime the slot goes out late the same morning, but not in the afternoon', async () => {
    h.emu.emulator.reset();
    await tickThrough('2024-06-03 11:30', '2024-06-03 11:31');
    expect(digests()).toHaveLength(1);
    const card = json(digests()[0]!.content);
    expect(card).toContain('赛事简报 · 进展情况');
    // May reports were due on Friday 24 May: HP reported on time, the others did not.
    expect(card).toContain('**5月进展** （2024-05-24 截止）：按时 1 · 逾期补报 0 · 缺报 2');
    await tickThrough('2024-06-10 13:30', '2024-06-10 13:31');
    expect(digests()).toHaveLength(1);
  });

  it('during evaluation it shows judging progress and never a score; once published, the rankings', async () => {
    await saveSheet(db.db, {
      competitionId: 'shanghai-2024',
      project: projects[0]!,
      judge: JUDGE,
      change: {
        kind: 'score',
        scores: { effectiveness: 20, results: 20, feasibility: 20, exemplary: 20 },
        comment: 'c',
      },
      now: at('2024-11-02 10:00:00'),
    });
    h.emu.emulator.reset();
    await tickThrough('2024-11-04 09:00', '2024-11-04 09:01');
    expect(digests()).toHaveLength(1);
    const judging = json(digests()[0]!.content);
    expect(judging).toContain('赛事简报 · 评比进展');
    expect(judging).toContain('**评分进度** ：1/2');
    for (const mark of ['标准分', '原始均分', '加权总分', '"score"']) expect(judging).not.toContain(mark);

    h.container.clock.set(at('2024-11-30 10:00:00'));
    await h.lark.messageReceived({ sender: OFFICE, text: '发布排行' });
    await h.settle();
    h.emu.emulator.reset();
    await tickThrough('2024-12-02 09:00', '2024-12-02 09:01');
    expect(digests()).toHaveLength(1);
    expect(json(digests()[0]!.content)).toContain('排行总览');
    // A track button under the digest does not replace it for the group: the track goes to the clicker one-to-one.
    const digest = digests()[0]!;
    const click = await h.click(digest.messageId, OFFICE, { a: 'rank.track', t: 'T01' });
    await h.settle();
    expect(click.card).toBeUndefined();
    expect(json(click.toast)).toContain('已在与我的一对一聊天中发给你');
    const shown = h.emu.emulator.message(digest.messageId)!;
    expect(shown.updates).toEqual([]);
    expect(json(shown.content)).toBe(json(shown.initialContent));
    expect(digests()).toHaveLength(1);
    const sent = h.emu.emulator.state.messages.filter((m) => m.chatType === 'p2p' && m.receiverOpenId === OFFICE);
    expect(json(sent.at(-1)!.content)).toContain('排行 · T01');
    expect(
      (await db.db.selectFrom('summary_runs').select(['slot', 'kind']).orderBy('slot').execute()).map(
        (r) => `${r.slot} ${r.kind}`,
      ),
    ).toEqual([
      '2024-04-08T09:00 registration',
      '2024-06-03T09:00 implementation',
      '2024-11-04T09:00 judging',
      '2024-12-02T09:00 rankings',
    ]);
  });
});
