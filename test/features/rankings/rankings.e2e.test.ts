/**
 * Rankings end to end through the emulator: `排行` by each role in one-to-one chats and in groups (no score reaches a
 * group before publication, whatever the command or the role), live standings one-to-one, `发布排行` freezing one
 * snapshot per track (verifySnapshot holds on what is stored, the hash is in the audit log, the overview goes to the
 * announcement group), re-publishing as a new version, and the published rankings anywhere afterwards.
 */

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cardBytes, type Card } from '../../../cards/kit';
import { listAudit } from '../../../src/core/audit.repository';
import { computeTrackRanking } from '../../../src/features/rankings/rankings.method';
import { verifySnapshot, type RankingSnapshot } from '../../../src/features/rankings/rankings.snapshot';
import { loadTrackInputs, parametersFor } from '../../../src/features/rankings/rankings.service';
import { saveSheet } from '../../../src/features/scoring/scores.repository';
import type { Project } from '../../../src/core/projects.repository';
import { newId } from '../../../src/platform/ids';
import { toDbInstant } from '../../../src/platform/instant';
import { json } from '../../support/cards';
import { freshDatabase, type TestDatabase } from '../../support/database';
import { at } from '../../support/fixtures';
import { OFFICE, startHarness, type Harness } from '../../support/harness';
import { bindUnitChat, grantRole, registerProject } from '../../support/people';

const LEADER = 'ou_rnk_leader';
const CONTACT = 'ou_rnk_contact_hp';
/** T02 judges: an ordinary, a lenient and a harsh one, and one whose own unit is HP. */
const [J1, J2, J3, J4] = ['ou_rnk_j1', 'ou_rnk_j2', 'ou_rnk_j3', 'ou_rnk_j4_hp'];
const K1 = 'ou_rnk_k1';
/** Holds no role: a member of the announcement group like everyone else. */
const STRANGER = 'ou_rnk_stranger';
const ANNOUNCE = 'oc_rnk_announce';
const HP_GROUP = 'oc_rnk_hp';
const PEOPLE = [OFFICE, LEADER, CONTACT, J1, J2, J3, J4, K1, STRANGER];

let db: TestDatabase;
let h: Harness;
const t02: Record<string, Project> = {};
const t03: Record<string, Project> = {};

/** A sheet whose four criteria add up to `total` (the 2024 rubric: four criteria of 25, equal weights). */
async function score(judge: string, p: Project, total: number): Promise<void> {
  const q = Math.floor(total / 4);
  const rest = total - 4 * q;
  const scores = {
    effectiveness: q + (rest > 0 ? 1 : 0),
    results: q + (rest > 1 ? 1 : 0),
    feasibility: q + (rest > 2 ? 1 : 0),
    exemplary: q,
  };
  const r = await saveSheet(db.db, {
    competitionId: 'shanghai-2024',
    project: { id: p.id, code: p.code },
    judge,
    change: { kind: 'score', scores, comment: '评语' },
    now: at('2024-11-10 10:00:00'),
  });
  if (r.kind === 'busy') throw new Error('busy');
}

async function group(chatId: string, purpose: 'announcement' | 'unit', unit?: string): Promise<void> {
  h.emu.emulator.ensureGroupChat(chatId, PEOPLE);
  if (purpose === 'unit') return bindUnitChat(db, chatId, unit!);
  const now = toDbInstant(Date.now());
  await db.db
    .insertInto('chats')
    .values({
      chat_id: chatId,
      competition_id: 'shanghai-2024',
      name: '竞赛通知群',
      chat_type: 'group',
      purpose,
      unit_code: null,
      bot_present: 1,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

beforeAll(async () => {
  db = await freshDatabase();
  h = await startHarness(db, { now: at('2024-11-20 10:00:00') });
  await grantRole(db, LEADER, 'leader');
  await grantRole(db, CONTACT, 'contact', 'HP');
  for (const j of [J1, J2, J3, J4]) await grantRole(db, j, 'judge', 'T02');
  await grantRole(db, K1, 'judge', 'T03');
  await group(ANNOUNCE, 'announcement');
  await group(HP_GROUP, 'unit', 'HP');
  for (const u of ['HP', 'JA', 'PD', 'XH']) t02[u] = await registerProject(db, u, 'T02');
  for (const u of ['HP', 'CN', 'PT']) t03[u] = await registerProject(db, u, 'T03');
  // Same order of merit from J1, J2 and J3, on very different scales; J4 scored HP before their unit was recorded.
  const totals: Record<string, Record<string, number>> = {
    [J1]: { HP: 80, JA: 70, PD: 60, XH: 50 },
    [J2]: { HP: 98, JA: 96, PD: 94, XH: 92 },
    [J3]: { HP: 45, JA: 30, PD: 25, XH: 10 },
    [J4]: { HP: 100, JA: 40, PD: 90, XH: 60 },
  };
  for (const [judge, byUnit] of Object.entries(totals))
    for (const [u, t] of Object.entries(byUnit)) await score(judge, t02[u]!, t);
  await db.db
    .insertInto('role_grants')
    .values({
      id: newId('grt'),
      competition_id: 'shanghai-2024',
      open_id: J4,
      role: 'judge_unit',
      scope: 'HP',
      source: 'file',
      granted_by: null,
      created_at: toDbInstant(Date.now()),
    })
    .execute();
  await score(K1, t03.HP!, 70);
  await score(K1, t03.CN!, 85);
  await score(K1, t03.PT!, 60);
});
afterAll(async () => {
  await h.close();
  await db.destroy();
});
beforeEach(() => h.emu.emulator.reset());
afterEach(() => {
  expect(h.emu.emulator.state.violations).toEqual([]);
  for (const m of h.emu.emulator.state.messages)
    if (m.msgType === 'interactive') expect(cardBytes(m.content as Card)).toBeLessThan(30_000);
});

/** Every message the bot sent (with its text) after `who` said `words`: a publication goes to several chats. */
async function repliesTo(who: string, words: string, chatId?: string) {
  h.emu.emulator.reset();
  await h.say(who, words, chatId);
  return h.emu.emulator.state.messages.map((m) => ({ ...m, text: json(m.content) }));
}

/** What would show a score: the ranking tables' columns, the chart's field, live standings, a judge's totals. */
const SCORE_MARKS = [
  '标准分',
  '原始均分',
  '加权总分',
  '"score"',
  '实时排名（未发布）',
  '实时排名总览',
  'Standardised',
  'Raw mean',
  'Live standings',
];
const leaks = (content: string) => SCORE_MARKS.filter((m) => content.includes(m));
/** Every message and every version of it (card updates included) that went to a group. */
const groupContents = () =>
  h.emu.emulator.state.messages
    .filter((m) => m.chatType === 'group')
    .flatMap((m) => [m.initialContent, m.content, ...m.updates.map((u) => u.content)].map(json));
/** What the bot sent `who` in their one-to-one chat, oldest first. */
const sentTo = (who: string) =>
  h.emu.emulator.state.messages
    .filter((m) => m.chatType === 'p2p' && m.receiverOpenId === who)
    .map((m) => json(m.content));
/** A click on a card in a group: no card in the answer, the message as it was posted, and the toast says where. */
function unchangedInGroup(d: { card?: unknown; toast?: unknown }, messageId: string): void {
  expect(d.card).toBeUndefined();
  expect(json(d.toast)).toContain('已在与我的一对一聊天中发给你');
  expect(json(d.toast)).toContain('群里的卡片保持不变');
  const m = h.emu.emulator.message(messageId)!;
  expect(m.chatType).toBe('group');
  expect(m.updates).toEqual([]);
  expect(json(m.content)).toBe(json(m.initialContent));
}

describe('before publication', () => {
  beforeEach(() => h.container.clock.set(at('2024-11-20 10:00:00')));

  it('no score reaches a group, whatever the command or the role', async () => {
    const asked: string[] = [];
    for (const chat of [ANNOUNCE, HP_GROUP]) {
      for (const who of [OFFICE, LEADER, CONTACT, J1, K1]) {
        for (const words of ['排行', '排行 T02', 'ranking 法治', '排名 T03', '评分', '发布排行', 'help']) {
          const replies = await repliesTo(who, words, chat);
          expect(replies.length).toBeGreaterThan(0);
          for (const c of groupContents()) {
            expect(leaks(c), `${who} "${words}" in ${chat}`).toEqual([]);
            asked.push(c);
          }
        }
      }
    }
    // The answer in a group is participation: registrations, reporting and judging progress.
    expect(asked.some((c) => c.includes('评分进度') && c.includes('排行发布前，群里不显示任何分数'))).toBe(true);
  });

  it('a live-standings button is refused in a group, whoever clicks it', async () => {
    const [card] = await repliesTo(OFFICE, '排行', ANNOUNCE);
    for (const value of [
      { a: 'rank.track', t: 'T02', v: 0, o: 0 },
      { a: 'rank.overview', v: 0, o: 0 },
    ]) {
      const d = await h.lark.cardAction({ messageId: card!.messageId, operator: OFFICE, value });
      expect(json(d.toast)).toContain('不能查看');
      expect(d.card).toBeUndefined();
    }
    for (const c of groupContents()) expect(leaks(c)).toEqual([]);
  });

  it('one-to-one: the office and the leadership see live standings of every track; judges their own; contacts none', async () => {
    const office = (await repliesTo(OFFICE, '排行'))[0]!;
    expect(office.text).toContain('实时排名总览（未发布）');
    expect(office.text).toContain('"enable_forward":false');
    expect(office.text).toContain(t02.JA!.code);
    const page = await h.lark.cardAction({
      messageId: office.messageId,
      operator: OFFICE,
      value: { a: 'rank.track', t: 'T02', v: 0, o: 0 },
    });
    expect(json(page.card)).toContain('实时排名（未发布）· T02');
    expect((await repliesTo(LEADER, '排行 T03'))[0]!.text).toContain('实时排名（未发布）· T03 数字化转型');

    const judge = await repliesTo(J1, '排行');
    expect(judge).toHaveLength(1);
    expect(judge[0]!.text).toContain('实时排名（未发布）· T02 法治建设');
    expect(judge[0]!.text).not.toContain(t03.CN!.code);
    const refused = await h.lark.cardAction({
      messageId: judge[0]!.messageId,
      operator: J1,
      value: { a: 'rank.track', t: 'T03', v: 0, o: 0 },
    });
    expect(json(refused.toast)).toContain('不能查看');
    const other = (await repliesTo(J1, '排行 T03'))[0]!.text;
    expect(other).toContain('你不能查看这个赛道的实时排名');
    expect(leaks(other)).toEqual([]);

    const contact = (await repliesTo(CONTACT, '排行'))[0]!.text;
    expect(contact).toContain('竞赛办发布排行后，这里会显示各赛道的排名');
    expect(leaks(contact)).toEqual([]);
  });

  it('someone with no role is told the rankings come once published: no score, one-to-one or in a group', async () => {
    for (const chat of [undefined, ANNOUNCE]) {
      for (const words of ['排行', '排行 T02', 'ranking']) {
        const replies = await repliesTo(STRANGER, words, chat);
        expect(replies).toHaveLength(1);
        expect(replies[0]!.text, `"${words}" in ${chat ?? 'p2p'}`).toContain('排行还没有发布');
        expect(replies[0]!.text).not.toContain('你没有权限');
        expect(leaks(replies[0]!.text)).toEqual([]);
        // Not even participation: the published rankings are what everyone may read, nothing before them.
        expect(replies[0]!.text).not.toContain('评分进度');
      }
    }
    for (const c of groupContents()) expect(leaks(c)).toEqual([]);
  });

  it('publishing is for the office, once scoring has closed', async () => {
    expect((await repliesTo(J1, '发布排行'))[0]!.text).toContain('你没有权限使用「发布排行」');
    h.container.clock.set(at('2024-11-29 23:00:00'));
    expect((await repliesTo(OFFICE, '发布排行'))[0]!.text).toContain('评分 2024-11-29 截止后才能发布排行');
    expect(await db.db.selectFrom('ranking_snapshots').select('id').execute()).toEqual([]);
  });
});

describe('publication', () => {
  beforeEach(() => h.container.clock.set(at('2024-11-30 10:00:00')));

  it('freezes one verifiable snapshot per track, audits the hashes and posts the overview to the announcement group', async () => {
    // A track with a project and no judge: the receipt puts it first, flagged, before the tracks that ranked.
    await registerProject(db, 'JA', 'T05');
    const replies = await repliesTo(OFFICE, '发布排行');
    const receipt = replies.find((m) => m.chatType === 'p2p')!.text;
    expect(receipt).toContain('已发布第 1 版排行');
    const flagged = receipt.indexOf('没有评委评分的赛道（1）');
    expect(flagged).toBeGreaterThan(0);
    expect(receipt.indexOf('T05 执法监督：0/1 个项目排名，0 位评委')).toBeGreaterThan(flagged);
    expect(receipt.indexOf('已排名的赛道')).toBeGreaterThan(receipt.indexOf('T05 执法监督：0/1'));
    expect(receipt).toContain('没有项目的赛道：T01、T04、T06、T07、T08、T09、T10');
    expect(receipt).toContain('重算核验一致');
    expect(receipt).toContain('摘要已发送到通知群：');
    expect(receipt).toContain('{"tag":"div","text":{"tag":"plain_text","content":"竞赛通知群"}}');

    const rows = await db.db
      .selectFrom('ranking_snapshots')
      .selectAll()
      .where('version', '=', 1)
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.track_code)).toEqual([
      'T01',
      'T02',
      'T03',
      'T04',
      'T05',
      'T06',
      'T07',
      'T08',
      'T09',
      'T10',
    ]);
    const audit = (await listAudit(db.db, 'shanghai-2024', 1000)).filter((a) => a.action === 'ranking.publish');
    for (const row of rows) {
      const snapshot = JSON.parse(row.snapshot) as RankingSnapshot;
      expect(await verifySnapshot(snapshot)).toEqual({ ok: true, hash: row.hash });
      expect(snapshot.hash).toBe(row.hash);
      expect(Number(row.seed)).toBe(snapshot.parameters.seed);
      expect(audit.find((a) => a.entityId === `v1/${row.track_code}`)?.after).toMatchObject({
        hash: row.hash,
        version: 1,
        seed: snapshot.parameters.seed,
        resamples: 1000,
      });
    }

    // T02: J4's own-unit sheet on HP is a recusal; the same order from three differently lenient judges.
    const s02 = JSON.parse(rows[1]!.snapshot) as RankingSnapshot;
    expect(s02.inputs.recusals).toContainEqual({ judge: J4, project: t02.HP!.id });
    expect(s02.results.quota).toBe(3);
    // J4's sheets on the others count: only HP has three judges.
    expect(s02.results.projects.map((p) => [p.code, p.judges])).toEqual([
      [t02.HP!.code, 3],
      [t02.PD!.code, 4],
      [t02.JA!.code, 4],
      [t02.XH!.code, 4],
    ]);
    // What is stored is what the ranking computes from the database now.
    const [input] = await loadTrackInputs(h.container.services.repos, await h.container.services.competition(), [
      'T02',
    ]);
    expect(
      JSON.parse(JSON.stringify(computeTrackRanking(input!.input, await parametersFor('shanghai-2024', 'T02')))),
    ).toEqual(s02.results);

    const posted = h.emu.emulator.state.messages.filter((m) => m.chatId === ANNOUNCE);
    expect(posted).toHaveLength(1);
    const overview = json(posted[0]!.content);
    expect(overview).toContain('排行总览');
    expect(overview).toContain('第 1 版');
    expect(overview).toContain(`${t02.HP!.code} HPT02项目`);
    expect(overview).toContain('"tag":"chart"');
  });

  it('publishing again makes version 2 and keeps version 1; with the same scores the hashes are the same', async () => {
    const before = await db.db
      .selectFrom('ranking_snapshots')
      .selectAll()
      .where('version', '=', 1)
      .orderBy('id')
      .execute();
    expect((await repliesTo(OFFICE, 'publish rankings')).find((m) => m.chatType === 'p2p')!.text).toContain(
      '已发布第 2 版排行',
    );
    expect(
      await db.db.selectFrom('ranking_snapshots').selectAll().where('version', '=', 1).orderBy('id').execute(),
    ).toEqual(before);
    const v2 = await db.db
      .selectFrom('ranking_snapshots')
      .select(['track_code', 'hash'])
      .where('version', '=', 2)
      .orderBy('id')
      .execute();
    expect(v2.map((r) => r.hash)).toEqual(before.map((r) => r.hash));
  });

  it('after publication everyone sees the published rankings, in groups too, and pages through them', async () => {
    const inGroup = (await repliesTo(CONTACT, '排行 法治', HP_GROUP))[0]!;
    expect(inGroup.text).toContain('排行 · T02 法治建设');
    expect(inGroup.text).toContain('第 2 版');
    expect(inGroup.text).toContain('标准分 Score');
    expect(inGroup.text).toContain('名额内');
    // Its buttons, in the group, send the page to the clicker one-to-one and leave the group's card as it is.
    const overview = await h.lark.cardAction({
      messageId: inGroup.messageId,
      operator: CONTACT,
      value: { a: 'rank.overview', v: 2, o: 0 },
    });
    await h.settle();
    unchangedInGroup(overview, inGroup.messageId);
    expect(json(overview.toast)).toContain('排行总览');
    expect(sentTo(CONTACT).at(-1)).toContain('排行总览');
    const old = await h.lark.cardAction({
      messageId: inGroup.messageId,
      operator: 'ou_rnk_someone',
      value: { a: 'rank.track', t: 'T03', v: 1, o: 0 },
    });
    await h.settle();
    unchangedInGroup(old, inGroup.messageId);
    expect(sentTo('ou_rnk_someone').at(-1)).toContain('第 1 版');
    expect(sentTo('ou_rnk_someone').at(-1)).toContain(`${t03.CN!.code} CNT03项目`);
    const missing = await h.lark.cardAction({
      messageId: inGroup.messageId,
      operator: CONTACT,
      value: { a: 'rank.track', t: 'T03', v: 9, o: 0 },
    });
    expect(json(missing.toast)).toContain('没有第 9 版排行');
    expect((await repliesTo(J1, '排行'))[0]!.text).toContain('排行总览');
  });

  it('someone with no role gets the published rankings, one-to-one and in the group; one-to-one a button replaces the card', async () => {
    const p2p = await repliesTo(STRANGER, '排行');
    expect(p2p).toHaveLength(1);
    expect(p2p[0]!.chatType).toBe('p2p');
    expect(p2p[0]!.text).toContain('排行总览');
    expect(p2p[0]!.text).toContain('第 2 版');
    expect(p2p[0]!.text).not.toContain('你没有权限');
    // In their own chat the card is theirs: the track replaces it in place, and nothing new is sent.
    const d = await h.click(p2p[0]!.messageId, STRANGER, { a: 'rank.track', t: 'T02' });
    await h.settle();
    expect(json(d.card)).toContain('排行 · T02 法治建设');
    expect(d.toast).toBeUndefined();
    expect(h.emu.emulator.state.messages).toHaveLength(1);
    expect(json(h.emu.emulator.message(p2p[0]!.messageId)!.content)).toContain('排行 · T02 法治建设');

    const group = await repliesTo(STRANGER, '排行', ANNOUNCE);
    expect(group).toHaveLength(1);
    expect(group[0]!.chatId).toBe(ANNOUNCE);
    expect(group[0]!.text).toContain('排行总览');
    expect((await repliesTo(STRANGER, 'ranking 法治'))[0]!.text).toContain('排行 · T02 法治建设');
  });

  it("a click on the group's published overview leaves it for everyone: the track goes to the clicker one-to-one, with a toast", async () => {
    const replies = await repliesTo(OFFICE, '发布排行');
    const posted = replies.find((m) => m.chatId === ANNOUNCE)!;
    expect(posted.text).toContain('排行总览');
    expect(posted.text).toContain('第 3 版');
    for (const who of [OFFICE, STRANGER, CONTACT]) {
      const before = sentTo(who).length;
      const d = await h.click(posted.messageId, who, { a: 'rank.track', t: 'T02' });
      await h.settle();
      unchangedInGroup(d, posted.messageId);
      expect(json(d.toast)).toContain('已在与我的一对一聊天中发给你：排行 · T02 法治建设。');
      const mine = sentTo(who);
      expect(mine).toHaveLength(before + 1);
      expect(mine.at(-1)).toContain('排行 · T02 法治建设');
      expect(mine.at(-1)).toContain('第 3 版');
    }
    // Nothing else reached the group: the overview is still its only message there.
    expect(h.emu.emulator.state.messages.filter((m) => m.chatId === ANNOUNCE)).toHaveLength(1);

    // The track's card sent one-to-one pages in place; its 各赛道总览 button there replaces it too.
    const mine = h.emu.emulator.state.messages.filter((m) => m.receiverOpenId === STRANGER).at(-1)!;
    const back = await h.click(mine.messageId, STRANGER, { a: 'rank.overview' });
    expect(json(back.card)).toContain('排行总览');

    // A track's ranking asked for in a group: its 各赛道总览 button (back to the overview) also leaves it as it is.
    const track = (await repliesTo(CONTACT, '排行 T03', HP_GROUP))[0]!;
    expect(track.chatId).toBe(HP_GROUP);
    const overview = await h.click(track.messageId, J1, { a: 'rank.overview' });
    await h.settle();
    unchangedInGroup(overview, track.messageId);
    expect(sentTo(J1).at(-1)).toContain('排行总览');
    expect(h.emu.emulator.state.messages.filter((m) => m.chatId === HP_GROUP)).toHaveLength(1);
  });
});
