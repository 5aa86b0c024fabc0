/**
 * The award process end to end through the emulator: a judge nominates within the track's quota, the office confirms
 * (the unit's contact is asked for materials), the contact submits them, a leader decides, the office announces to
 * the announcement group and the units' groups. Also: the quota holds under concurrent nominations, stale and
 * double clicks change nothing, windows and roles are enforced on the server whatever the card says.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cardBytes, type Card } from '../../../cards/kit';
import { listAudit } from '../../../src/core/audit.repository';
import { saveSheet } from '../../../src/features/scoring/scores.repository';
import type { Project } from '../../../src/core/projects.repository';
import { newId } from '../../../src/platform/ids';
import { toDbInstant } from '../../../src/platform/instant';
import { json, toastText } from '../../support/cards';
import { freshDatabase, type TestDatabase } from '../../support/database';
import { at } from '../../support/fixtures';
import { OFFICE, startHarness, type Harness } from '../../support/harness';
import { bindUnitChat, grantRole, registerProject } from '../../support/people';

const JUDGE = 'ou_awd_judge_t02';
/** Judges T02 and belongs to 黄浦 (HP): may not nominate HP's projects. */
const JUDGE_HP = 'ou_awd_judge_t02_hp';
const JUDGE_T03 = 'ou_awd_judge_t03';
const CONTACT_JA = 'ou_awd_contact_ja';
const CONTACT_PD = 'ou_awd_contact_pd';
const LEADER = 'ou_awd_leader';
/** Holds no role. */
const STRANGER = 'ou_awd_stranger';
const ANNOUNCE = 'oc_awd_announce';
const JA_GROUP = 'oc_awd_ja';
const PEOPLE = [OFFICE, JUDGE, JUDGE_HP, JUDGE_T03, CONTACT_JA, CONTACT_PD, LEADER];

let db: TestDatabase;
let h: Harness;
const t02: Record<string, Project> = {};

beforeAll(async () => {
  db = await freshDatabase();
  h = await startHarness(db, { now: at('2024-11-05 10:00:00') });
  await grantRole(db, JUDGE, 'judge', 'T02');
  await grantRole(db, JUDGE_HP, 'judge', 'T02');
  await db.db
    .insertInto('role_grants')
    .values({
      id: newId('grt'),
      competition_id: 'shanghai-2024',
      open_id: JUDGE_HP,
      role: 'judge_unit',
      scope: 'HP',
      source: 'file',
      granted_by: null,
      created_at: toDbInstant(Date.now()),
    })
    .execute();
  await grantRole(db, JUDGE_T03, 'judge', 'T03');
  await grantRole(db, CONTACT_JA, 'contact', 'JA');
  await grantRole(db, CONTACT_PD, 'contact', 'PD');
  await grantRole(db, LEADER, 'leader');
  for (const u of ['HP', 'JA', 'PD', 'XH', 'CN']) t02[u] = await registerProject(db, u, 'T02', `${u}法治示范`);
  h.emu.emulator.ensureGroupChat(ANNOUNCE, PEOPLE);
  h.emu.emulator.ensureGroupChat(JA_GROUP, PEOPLE);
  const now = toDbInstant(Date.now());
  await db.db
    .insertInto('chats')
    .values({
      chat_id: ANNOUNCE,
      competition_id: 'shanghai-2024',
      name: '竞赛通知群',
      chat_type: 'group',
      purpose: 'announcement',
      unit_code: null,
      bot_present: 1,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await bindUnitChat(db, JA_GROUP, 'JA');
});
afterAll(async () => {
  await h.close();
  await db.destroy();
});
beforeEach(() => {
  h.emu.emulator.reset();
  h.container.clock.set(at('2024-11-05 10:00:00'));
});
afterEach(() => {
  expect(h.emu.emulator.state.violations).toEqual([]);
  for (const m of h.emu.emulator.state.messages)
    if (m.msgType === 'interactive') expect(cardBytes(m.content as Card)).toBeLessThan(30_000);
});

/** `who` sends 表彰 and clicks the track's nominate button: the returned message shows the nomination form. */
async function openNomination(who: string, track = 'T02'): Promise<string> {
  const list = await h.say(who, '表彰');
  await h.click(list.messageId, who, { a: 'award.nominate.open', t: track });
  return list.messageId;
}
/**
 * Forged on purpose: a callback posted by hand, with a value or form that the card the person was shown does not
 * offer (someone else's card, one's own unit's project, a button already answered), to check that the server
 * refuses it whatever the card says.
 */
const forge = (messageId: string, who: string, value: Record<string, unknown>, formValue?: Record<string, unknown>) =>
  h.lark.cardAction({ messageId, operator: who, value, ...(formValue ? { formValue, name: 'submit' } : {}) });

const awards = () =>
  db.db
    .selectFrom('awards')
    .selectAll()
    .where('competition_id', '=', 'shanghai-2024')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
const nomination = (p: Project, over: Record<string, unknown> = {}) => ({
  kind: 'collective',
  project: p.id,
  nominee: '',
  title: '',
  reason: '全年办结 320 件，投诉下降 40%',
  ...over,
});

describe('the award process', () => {
  it('nominate → confirm → materials → approve → announce, with every step audited and announced once', async () => {
    const list = await h.say(JUDGE, '表彰');
    expect(json(list.content)).toContain('award.nominate.open');
    const form = await h.click(list.messageId, JUDGE, { a: 'award.nominate.open', t: 'T02' });
    expect(json(form.card)).toContain('提交提名');
    // The judge forgets the reason: the client says it is required and sends nothing; forged, the server says what to fix.
    expect(await h.client.submitForm(list.messageId, JUDGE, { fill: nomination(t02.JA!, { reason: '' }) })).toEqual({
      blocked: 'required',
      missing: ['reason'],
    });
    const bad = await forge(
      list.messageId,
      JUDGE,
      { a: 'award.nominate', t: 'T02' },
      nomination(t02.JA!, { reason: '' }),
    );
    expect(toastText(bad)).toContain('请填写推荐理由');
    expect(await awards()).toHaveLength(0);
    const ok = await h.submit(list.messageId, JUDGE, nomination(t02.JA!));
    expect(toastText(ok)).toContain('已提名先进集体');
    const [nominated] = await awards();
    expect(nominated).toMatchObject({
      status: 'nominated',
      kind: 'collective',
      unit_code: 'JA',
      slot: 1,
      nominee_name: 'JA法治示范项目组',
    });

    // The office confirms: the unit's contact is asked for the materials, one-to-one.
    const office = await h.say(OFFICE, '表彰');
    expect(json(office.content)).toContain('award.confirm');
    const confirmed = await h.click(office.messageId, OFFICE, { a: 'award.confirm', w: nominated!.id });
    expect(toastText(confirmed)).toContain('已确认名额');
    await h.settle();
    const asked = h.emu.emulator.state.messages.filter((m) => json(m.content).includes('表彰名额已确认'));
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ chatType: 'p2p' });
    expect(
      h.emu.emulator.state.calls.some(
        (c) => JSON.stringify(c).includes(CONTACT_JA) && JSON.stringify(c).includes('表彰名额已确认'),
      ),
    ).toBe(true);
    // A second click on the same button (or a second office member) changes nothing: posted by hand, as the answer
    // replaced the card that showed it.
    const again = await forge(office.messageId, OFFICE, { a: 'award.confirm', w: nominated!.id });
    expect(toastText(again)).toMatch(/名额已确认|不能再这样操作/);

    // Another unit's contact cannot submit JA's materials, whatever the card says (forged on purpose).
    const foreign = await forge(
      office.messageId,
      CONTACT_PD,
      { a: 'award.materials', w: nominated!.id },
      { materials: '冒充', links: '' },
    );
    expect(toastText(foreign)).toContain('只有');
    const contactList = await h.say(CONTACT_JA, '表彰');
    expect(json(contactList.content)).toContain('award.materials.open');
    await h.click(contactList.messageId, CONTACT_JA, { a: 'award.materials.open', w: nominated!.id });
    const noLinks = await h.submit(contactList.messageId, CONTACT_JA, { materials: '事迹', links: 'ftp://x' });
    expect(toastText(noLinks)).toContain('不是有效链接');
    const submitted = await h.submit(contactList.messageId, CONTACT_JA, {
      materials: '全年办结 320 件',
      links: 'https://example.com/deeds',
    });
    expect(toastText(submitted)).toContain('材料已报送');

    // A leader must say why when not approving; then approves.
    const leaderList = await h.say(LEADER, '表彰');
    expect(json(leaderList.content)).toContain('award.decide.open');
    // The decision form says where the project stands: no rank before anyone scores, then its live rank.
    const decision = await h.click(leaderList.messageId, LEADER, { a: 'award.decide.open', w: nominated!.id });
    expect(json(decision.card)).toContain('全年办结 320 件');
    expect(json(decision.card)).toContain('所依托的项目在实时排名（未发布）中没有名次');
    for (const [judge, totals] of [
      [JUDGE, { JA: 88, PD: 80, XH: 72 }],
      [JUDGE_HP, { JA: 60, PD: 72, XH: 48 }],
    ] as const) {
      for (const [u, t] of Object.entries(totals)) {
        const q = t / 4;
        await saveSheet(db.db, {
          competitionId: 'shanghai-2024',
          project: { id: t02[u]!.id, code: t02[u]!.code },
          judge,
          change: {
            kind: 'score',
            scores: { effectiveness: q, results: q, feasibility: q, exemplary: q },
            comment: '评语',
          },
          now: at('2024-11-10 10:00:00'),
        });
      }
    }
    // The form replaced the list: the leader sends 表彰 again to open it anew.
    const leaderAgain = await h.say(LEADER, '表彰');
    const ranked = await h.click(leaderAgain.messageId, LEADER, { a: 'award.decide.open', w: nominated!.id });
    expect(json(ranked.card)).toMatch(
      /所依托的项目在实时排名（未发布）中列 T02 赛道第 \d 名（共 3 个有名次的项目，名额线 3）/,
    );
    const noReason = await h.submit(leaderAgain.messageId, LEADER, { note: '' }, 'reject');
    expect(toastText(noReason)).toContain('写明原因');
    const approved = await h.submit(leaderAgain.messageId, LEADER, { note: '同意' }, 'approve');
    expect(toastText(approved)).toContain('已审定通过');
    expect((await awards())[0]).toMatchObject({
      status: 'approved',
      decided_by: LEADER,
      decision_note: '同意',
      materials: '全年办结 320 件',
    });

    // Before the announcement a group sees no names; the office announces to the announcement group and JA's group.
    const early = await h.say(CONTACT_JA, '表彰', JA_GROUP);
    expect(json(early.content)).not.toContain('JA法治示范');
    // Someone with no role, one-to-one: nothing of the process, only that the list comes once announced.
    const strangerEarly = json((await h.say(STRANGER, '表彰')).content);
    expect(strangerEarly).toContain('竞赛办公布后会在这里显示');
    expect(strangerEarly).not.toContain('JA法治示范');
    await h.say(OFFICE, '公布表彰');
    const posted = () =>
      h.emu.emulator.state.messages.filter(
        (m) => m.chatType === 'group' && json(m.content).includes('"content":"表彰名单"'),
      );
    expect(
      posted()
        .map((m) => m.chatId)
        .sort(),
    ).toEqual([ANNOUNCE, JA_GROUP].sort());
    expect(json(posted()[0]!.content)).toContain('JA法治示范项目组');
    // Announcing the same list again posts nothing new.
    await h.say(OFFICE, '公布表彰');
    expect(posted()).toHaveLength(2);
    const inGroup = await h.say(CONTACT_JA, '表彰', JA_GROUP);
    expect(json(inGroup.content)).toContain('JA法治示范项目组');
    // The announced list is public: someone with no role gets it one-to-one too (README: announced awards, anyone).
    const stranger = await h.say(STRANGER, '表彰');
    expect(stranger.chatType).toBe('p2p');
    expect(json(stranger.content)).toContain('"content":"表彰名单"');
    expect(json(stranger.content)).toContain('JA法治示范项目组');
    expect(json(stranger.content)).not.toContain('你目前没有这些角色');

    const audit = await listAudit(db.db, 'shanghai-2024', 50);
    expect(
      audit
        .filter((a) => a.entityType === 'award' || a.entityType === 'award_list')
        .map((a) => a.action)
        .sort(),
    ).toEqual(['award.announce', 'award.approve', 'award.confirm', 'award.materials', 'award.nominate']);
  });

  it('the quota holds: a full track refuses, a withdrawal frees a place, two nominations racing for the last place get one', async () => {
    // T02 has 3 collective places; one is taken by the approved JA nomination above.
    expect(toastText(await h.submit(await openNomination(JUDGE), JUDGE, nomination(t02.PD!)))).toContain('已提名');
    // Two forms on screen, submitted at the same moment.
    const [formX, formY] = [await openNomination(JUDGE), await openNomination(JUDGE)];
    const [x, y] = await Promise.all([
      h.submit(formX, JUDGE, nomination(t02.XH!)),
      h.submit(formY, JUDGE, nomination(t02.CN!)),
    ]);
    expect([toastText(x), toastText(y)].filter((t) => t.includes('已提名'))).toHaveLength(1);
    expect([toastText(x), toastText(y)].filter((t) => t.includes('已经提满'))).toHaveLength(1);
    const live = (await awards()).filter((a) => a.kind === 'collective' && a.slot !== null);
    expect(live.map((a) => a.slot).sort()).toEqual([1, 2, 3]);
    // The same project cannot be put forward twice; a withdrawal frees its place.
    const pd = live.find((a) => a.unit_code === 'PD')!;
    const list = await h.say(JUDGE, '表彰');
    expect(toastText(await h.click(list.messageId, JUDGE, { a: 'award.withdraw', w: pd.id }))).toContain('已撤回');
    // The second click arrives after the first was answered (a double click): posted by hand, the card no longer shows it.
    expect(toastText(await forge(list.messageId, JUDGE, { a: 'award.withdraw', w: pd.id }))).toContain(
      '不能再这样操作',
    );
    expect(toastText(await h.submit(await openNomination(JUDGE), JUDGE, nomination(t02.PD!)))).toContain('已提名');
    expect(
      toastText(
        await h.submit(
          await openNomination(JUDGE),
          JUDGE,
          nomination(t02.PD!, { kind: 'individual', nominee: '张三', title: '科长' }),
        ),
      ),
    ).toContain('已提名先进个人');
    expect(
      toastText(
        await h.submit(
          await openNomination(JUDGE),
          JUDGE,
          nomination(t02.PD!, { kind: 'individual', nominee: '张 三', title: '科长' }),
        ),
      ),
    ).toContain('已经被提名');
  });

  it('judges nominate only in their tracks and never their own unit; nothing before the stage or after the due day', async () => {
    // Forged on purpose: JUDGE_HP's form never offers HP's project; JUDGE_T03 and CONTACT_JA act on JUDGE_HP's card.
    const list = await h.say(JUDGE_HP, '表彰');
    expect(
      toastText(
        await forge(
          list.messageId,
          JUDGE_HP,
          { a: 'award.nominate', t: 'T02' },
          nomination(t02.HP!, { kind: 'individual', nominee: '李四', title: '队长' }),
        ),
      ),
    ).toContain('需要回避');
    expect(toastText(await forge(list.messageId, JUDGE_T03, { a: 'award.nominate.open', t: 'T02' }))).toContain(
      '不是 T02 赛道的评委',
    );
    expect(
      toastText(await forge(list.messageId, CONTACT_JA, { a: 'award.nominate', t: 'T02' }, nomination(t02.JA!))),
    ).toContain('没有权限');
    const before = (await awards()).length;
    // A list and a form on screen, used outside the window.
    const judgeList = await h.say(JUDGE, '表彰');
    const form = await openNomination(JUDGE);
    h.container.clock.set(at('2024-10-30 10:00:00'));
    expect(toastText(await h.click(judgeList.messageId, JUDGE, { a: 'award.nominate.open', t: 'T02' }))).toContain(
      '评比表彰阶段 2024-11-01 开始',
    );
    h.container.clock.set(at('2024-12-14 10:00:00'));
    expect(
      toastText(
        await h.submit(form, JUDGE, nomination(t02.XH!, { kind: 'individual', nominee: '王五', title: '所长' })),
      ),
    ).toContain('已于 2024-12-13 截止');
    expect(await awards()).toHaveLength(before);
    // In a group, nominations are never shown, whoever asks.
    const inGroup = await h.say(JUDGE, '表彰', JA_GROUP);
    expect(json(inGroup.content)).not.toContain('award.withdraw');
  });

  it('separation of duties: the nominator does not confirm the place, and whoever confirmed it does not approve it, even holding both roles', async () => {
    const JUDGE_OFFICE = 'ou_awd_judge_office';
    await grantRole(db, JUDGE_OFFICE, 'judge', 'T02');
    await grantRole(db, JUDGE_OFFICE, 'office');
    await grantRole(db, OFFICE, 'leader'); // the office member from BOT_ADMINS now also sits in the leadership group
    const id = newId('awd');
    const stamp = toDbInstant(Date.now());
    await db.db
      .insertInto('awards')
      .values({
        id,
        competition_id: 'shanghai-2024',
        track_code: 'T02',
        kind: 'individual',
        project_id: t02.CN!.id,
        nominee_name: 'CN某人',
        unit_code: 'CN',
        status: 'nominated',
        nominated_by: JUDGE_OFFICE,
        decided_by: null,
        created_at: stamp,
        updated_at: stamp,
        slot: null,
        active_key: `individual|${t02.CN!.id}|sod`,
        nominee_title: '科长',
        reason: '理由',
        materials: null,
        materials_links: null,
        materials_by: null,
        materials_at: null,
        allocated_by: null,
        decision_note: null,
        decided_at: null,
      })
      .execute();
    const row = async () => (await awards()).find((a) => a.id === id)!;

    // The judge who nominated also works in the office: no confirm button for their own nomination, and a forged click is refused.
    const own = await h.say(JUDGE_OFFICE, '表彰');
    expect(json(own.content)).not.toContain(`"a":"award.confirm","w":"${id}"`);
    expect(toastText(await forge(own.messageId, JUDGE_OFFICE, { a: 'award.confirm', w: id }))).toContain(
      '这个人选是你提名的',
    );
    expect((await row()).status).toBe('nominated');
    // Another office member confirms.
    const office = await h.say(OFFICE, '表彰');
    expect(toastText(await h.click(office.messageId, OFFICE, { a: 'award.confirm', w: id }))).toContain('已确认名额');
    expect((await row()).allocated_by).toBe(OFFICE);

    // The materials are in. The office member who confirmed the place is also a leader: no decision button, and a forged approval is refused.
    await db.db
      .updateTable('awards')
      .set({ status: 'materials_submitted', materials: '事迹' })
      .where('id', '=', id)
      .execute();
    const mine = await h.say(OFFICE, '表彰');
    expect(json(mine.content)).not.toContain(`"a":"award.decide.open","w":"${id}"`);
    expect(
      toastText(await forge(mine.messageId, OFFICE, { a: 'award.decide', w: id, d: 'approve' }, { note: '' })),
    ).toContain('这个名额是你确认的');
    expect((await row()).status).toBe('materials_submitted');
    // Another leader decides, through the form the card shows.
    const leader = await h.say(LEADER, '表彰');
    await h.click(leader.messageId, LEADER, { a: 'award.decide.open', w: id });
    expect(toastText(await h.submit(leader.messageId, LEADER, { note: '' }, '通过'))).toContain('已审定通过');
    expect(await row()).toMatchObject({ status: 'approved', decided_by: LEADER });
  });

  it('the reminders: units owing materials and leaders with decisions pending, with a button to the list; none once done', async () => {
    let place = 100; // above the quota: these rows are seeded, not nominated through the form
    const insertAward = async (unit: string, status: string) => {
      const id = newId('awd');
      const now = toDbInstant(Date.now());
      await db.db
        .insertInto('awards')
        .values({
          id,
          competition_id: 'shanghai-2024',
          track_code: 'T02',
          kind: 'individual',
          project_id: t02[unit]!.id,
          nominee_name: `${unit}某人`,
          unit_code: unit,
          status,
          nominated_by: JUDGE,
          decided_by: null,
          created_at: now,
          updated_at: now,
          slot: place++,
          active_key: `individual|${t02[unit]!.id}|${id}`,
          nominee_title: '科长',
          reason: '理由',
          materials: status === 'materials_submitted' ? '事迹' : null,
          materials_links: null,
          materials_by: null,
          materials_at: null,
          allocated_by: OFFICE,
          decision_note: null,
          decided_at: null,
        })
        .execute();
      return id;
    };
    const owed = await insertAward('PD', 'allocated');
    const pending = await insertAward('XH', 'materials_submitted');
    const tickThrough = async (from: string, to: string) => {
      for (let t = at(from); t <= at(to); t += 30 * 60_000) {
        h.container.clock.set(t);
        await h.container.tick(t);
      }
      await h.settle();
    };
    // Only the award reminders (PD also owes its progress reports, long overdue by December).
    const to = (openId: string) =>
      h.emu.emulator.state.messages
        .filter((m) => m.receiverOpenId === openId && m.chatType === 'p2p')
        .map((m) => json(m.content))
        .filter((c) => c.includes('award.list'));
    // T-7 of the materials' due day (13 December) is Friday 6 December, 09:30.
    await tickThrough('2024-12-06 09:00', '2024-12-06 10:00');
    expect(to(CONTACT_PD)).toHaveLength(1);
    expect(to(CONTACT_PD)[0]).toContain('PD某人');
    // T-7 of the leadership's approval (27 December) is Friday 20 December.
    await tickThrough('2024-12-20 09:00', '2024-12-20 10:00');
    expect(to(LEADER)).toHaveLength(1);
    expect(to(LEADER)[0]).toContain('待审定');
    // The button opens the leader's list, with the decision button of the pending one.
    const list = await h.click(
      h.emu.emulator.state.messages.find((m) => m.receiverOpenId === LEADER && json(m.content).includes('award.list'))!
        .messageId,
      LEADER,
      { a: 'award.list' },
    );
    expect(json(list.card)).toContain(pending);
    // Decided, and the materials in: nobody is reminded again.
    await db.db.updateTable('awards').set({ status: 'approved' }).where('id', 'in', [pending]).execute();
    await db.db.updateTable('awards').set({ status: 'materials_submitted' }).where('id', '=', owed).execute();
    await db.db.updateTable('awards').set({ status: 'approved' }).where('status', '=', 'materials_submitted').execute();
    h.emu.emulator.reset();
    await tickThrough('2024-12-10 09:00', '2024-12-10 10:00');
    await tickThrough('2024-12-24 09:00', '2024-12-24 10:00');
    expect(to(CONTACT_PD)).toHaveLength(0);
    expect(to(LEADER)).toHaveLength(0);
    // Approved since the announcement, not announced yet: a group still sees only the announced list.
    const inGroup = json((await h.say(CONTACT_JA, '表彰', JA_GROUP)).content);
    expect(inGroup).toContain('JA法治示范项目组');
    expect(inGroup).not.toContain('XH某人');
  });
});
