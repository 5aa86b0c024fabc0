/**
 * Evidence files end to end through the emulator (signed, encrypted events; the Feishu client's clicks on the cards
 * shown): a contact reports, sends a PDF and an image, which attach to the report and are listed on the patched
 * receipt and on the timeline; a wrong type, a file over the limit and a file with nothing to attach to are refused
 * with what to do; a reply to an old receipt still attaches; a re-delivered file attaches once; 移除 detaches; a judge
 * opens a file and gets it forwarded one-to-one; another unit's contact is refused and nothing is forwarded.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../../src/core/audit.repository';
import { newId } from '../../../src/platform/ids';
import { toDbInstant } from '../../../src/platform/instant';
import { loadCompetition } from '../../../src/competition/competition.service';
import type { Project } from '../../../src/core/projects.repository';
import type { RecordedMessage } from '../../../src/emulator/types';
import { json, toastText } from '../../support/cards';
import { freshDatabase, type TestDatabase } from '../../support/database';
import { at, competition2024 } from '../../support/fixtures';
import { startHarness, type Harness } from '../../support/harness';
import { grantRole, registerProject } from '../../support/people';

const HP = 'ou_att_hp';
const HP2 = 'ou_att_hp2';
const JA = 'ou_att_ja';
const JUDGE_T02 = 'ou_att_judge_t02';
const JUDGE_T04 = 'ou_att_judge_t04';
const LEADER = 'ou_att_leader';

let db: TestDatabase;
let h: Harness;
let hpT02: Project;
let jaT02: Project;

beforeAll(async () => {
  db = await freshDatabase();
  h = await startHarness(db, { now: at('2024-05-10 10:00:00') });
  // A small size limit, so that a test file can pass it.
  await loadCompetition(
    db.db,
    competition2024((f) => {
      f.attachments = { ...f.attachments, maxFileMB: 1, perItem: 3 };
    }),
    { dryRun: false, now: h.container.clock.now(), actor: 'test' },
  );
  await grantRole(db, HP, 'contact', 'HP');
  await grantRole(db, HP2, 'contact', 'HP');
  await grantRole(db, JA, 'contact', 'JA');
  await grantRole(db, JUDGE_T02, 'judge', 'T02');
  await grantRole(db, JUDGE_T04, 'judge', 'T04');
  await grantRole(db, LEADER, 'leader');
  hpT02 = await registerProject(db, 'HP', 'T02', '执法规范化');
  jaT02 = await registerProject(db, 'JA', 'T02', '静安法治');
});
afterAll(async () => {
  await h.close();
  await db.destroy();
});
afterEach(() => expect(h.emu.emulator.state.violations).toEqual([]));
beforeEach(async () => {
  h.emu.emulator.reset();
  // Past the competition cache's 30 s, so that the small limits are read.
  h.container.clock.set(at('2024-05-10 10:01:00'));
  await db.db.deleteFrom('attachments').execute();
  await db.db.deleteFrom('attach_targets').execute();
});

const report = {
  period: '2024-05',
  work_done: '完成流程梳理',
  results: '办结 120 件',
  completion: '30',
  evidence: '',
  problems: '',
};

/** `who` opens the report form of `project` and submits it: the receipt's message. */
async function submitReport(who: string, project: Project): Promise<string> {
  const m = await h.say(who, '进展');
  if (!json(m.content).includes('"tag":"form"'))
    await h.client.clickButton(m.messageId, who, { a: 'rpt.open', p: project.id });
  const done = await h.submit(m.messageId, who, report);
  expect(json(done.card)).toContain('进展已提交');
  return m.messageId;
}

const pdf = (kb: number) => new Uint8Array(kb * 1024).fill(0x25);
const png = (): Uint8Array => {
  const b = new Uint8Array(2048);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  b.set([0x49, 0x48, 0x44, 0x52], 12);
  b.set([0, 0, 0, 2, 0, 0, 0, 3], 16);
  return b;
};

/** `who` sends a file or an image one-to-one (in reply to `parentId`); the message and the bot's replies to it. */
async function send(
  who: string,
  what: { file: { name: string; bytes: Uint8Array } } | { image: { bytes: Uint8Array } },
  parentId?: string,
) {
  const delivery = await h.lark.messageReceived({ sender: who, ...what, ...(parentId ? { parentId } : {}) });
  await h.settle();
  const id = (delivery.payload.event as { message: { message_id: string } }).message.message_id;
  const replies = () =>
    h.emu.emulator.state.messages.filter((m) => m.receiveIdType === 'message_id' && m.receiveId === id);
  return { delivery, id, replies, reply: json(replies().at(-1)?.content) };
}

const receipt = (id: string) => h.emu.emulator.message(id)!;
const attachments = () => db.db.selectFrom('attachments').selectAll().orderBy('added_at').execute();
const forwardsTo = (openId: string): RecordedMessage[] =>
  h.emu.emulator.state.messages.filter((m) => m.forwardedFrom && m.receiverOpenId === openId);

describe('evidence files', () => {
  it('a PDF and an image sent after a report attach to it: replies, the patched receipt and the timeline list them', async () => {
    const r = await submitReport(HP, hpT02);
    expect(json(receipt(r).content)).toContain(
      '可以直接把文件或图片发给我，30 分钟内发送的会附到这份报告；之后请回复这张卡片发送。',
    );

    const first = await send(HP, { file: { name: '证据 <at id=all></at>.pdf', bytes: pdf(200) } });
    expect(first.replies()).toHaveLength(1);
    expect(first.replies()[0]!.msgType).toBe('text');
    expect(first.reply).toContain(
      `已附到 ${hpT02.code}「5月进展」：证据 <at id=all></at>.pdf（200 KB），共 1 个附件。`,
    );
    h.container.clock.set(at('2024-05-10 10:05:00'));
    const second = await send(HP, { image: { bytes: png() } });
    expect(second.reply).toContain('图片 2024-05-10 10:05.png（2 KB），共 2 个附件');

    const stored = await attachments();
    expect(
      stored.map((a) => [a.resource_type, a.content_type, Number(a.size_bytes), a.subject, a.subject_key]),
    ).toEqual([
      ['file', 'application/pdf', 200 * 1024, 'report', '2024-05'],
      ['image', 'image/png', 2048, 'report', '2024-05'],
    ]);
    // The receipt now lists both, names as plain text only, each with 移除.
    const card = receipt(r);
    expect(card.updates.map((u) => u.source)).toContain('patch');
    expect(h.client.buttons(r).filter((b) => (b.value as { a?: string }).a === 'att.remove')).toHaveLength(2);
    const shown = json(card.content);
    expect(shown).toContain('已附文件（2/3）');
    expect(shown).toContain('"tag":"plain_text","content":"证据 <at id=all></at>.pdf（200 KB）"');
    expect(shown).not.toMatch(/"tag":"markdown","content":"[^"]*<at id=all>/);

    const timeline = await h.say(HP, `进展 ${hpT02.code}`);
    expect(json(timeline.content)).toContain('证据 <at id=all></at>.pdf');
    expect(json(timeline.content)).toContain('att.open');

    const audit = (await listAudit(db.db, 'shanghai-2024', 50)).filter((a) => a.action === 'attachment.add');
    expect(audit).toHaveLength(2);
  });

  it('refuses a .exe, a file over the limit and a fourth file, saying what to fix; nothing is stored', async () => {
    await submitReport(HP, hpT02);
    expect((await send(HP, { file: { name: 'setup.exe', bytes: pdf(1) } })).reply).toContain(
      '不能附 .exe 文件。可以附的类型：pdf、doc',
    );
    const big = await send(HP, { file: { name: '大文件.pdf', bytes: pdf(1100) } });
    expect(big.reply).toContain('文件超过 1 MB 的上限，没有附上。请压缩或拆分后再发送。');
    expect(big.reply).toContain('larger than the 1 MB limit');
    expect(await attachments()).toHaveLength(0);
    for (const n of [1, 2, 3]) await send(HP, { file: { name: `${n}.pdf`, bytes: pdf(1) } });
    expect((await send(HP, { file: { name: '4.pdf', bytes: pdf(1) } })).reply).toContain(
      '这份报告已有 3 个附件，达到上限 3 个',
    );
    expect(await attachments()).toHaveLength(3);
  });

  it('a file with nothing to attach to gets guidance; a reply to an old receipt still attaches', async () => {
    const none = await send(JA, { file: { name: 'a.pdf', bytes: pdf(1) } });
    expect(none.reply).toContain('这个文件没有附到任何材料。请先提交进展报告、自评或表彰申报材料');
    expect(none.reply).toContain('send them as a reply to the receipt card');

    const r = await submitReport(JA, jaT02);
    h.container.clock.set(at('2024-05-10 12:00:00'));
    expect((await send(JA, { file: { name: 'late.pdf', bytes: pdf(1) } })).reply).toContain(
      '这个文件没有附上：距离2024-T02-JA-1「5月进展」的回执已超过 30 分钟。请在那张回执卡片上点「回复」再发送文件',
    );
    const replied = await send(JA, { file: { name: 'late.pdf', bytes: pdf(1) } }, r);
    expect(replied.reply).toContain(`已附到 ${jaT02.code}「5月进展」：late.pdf`);
    expect(json(receipt(r).content)).toContain('late.pdf');
  });

  it('a re-delivered file event attaches once and confirms once', async () => {
    await submitReport(HP, hpT02);
    const first = await send(HP, { file: { name: 'once.pdf', bytes: pdf(3) } });
    await h.lark.redeliver(first.delivery);
    // The same message in a second event (a new event id), as Lark may push it again.
    await h.lark.event('im.message.receive_v1', first.delivery.payload.event as Record<string, unknown>);
    await h.settle();
    expect(await attachments()).toHaveLength(1);
    expect(first.replies()).toHaveLength(1);
  });

  it('移除 detaches (the receipt re-rendered); only the unit may; a removed file cannot be opened', async () => {
    const r = await submitReport(HP, hpT02);
    await send(HP, { file: { name: '去掉.pdf', bytes: pdf(2) } });
    await send(HP, { file: { name: '留下.pdf', bytes: pdf(2) } });
    // Both came at the same instant: found by name.
    const gone = (await attachments()).find((a) => a.file_name === '去掉.pdf');
    // Forged on purpose: JA clicks the remove value of HP's file on a card JA was shown.
    const jaCard = (await h.say(JA, '帮助')).messageId;
    const forged = await h.lark.cardAction({
      messageId: jaCard,
      operator: JA,
      value: { a: 'att.remove', id: gone!.id },
    });
    expect(toastText(forged)).toContain('只有这个项目所在单位的联络员可以附上或移除文件');

    const removed = await h.client.clickButton(r, HP2, { a: 'att.remove', id: gone!.id });
    expect(toastText(removed)).toContain('已移除');
    expect(json(removed.card)).not.toContain('去掉.pdf');
    expect(json(removed.card)).toContain('留下.pdf');
    expect(json(removed.card)).toContain('已附文件（1/3）');
    expect(Object.fromEntries((await attachments()).map((a) => [a.file_name, a.removed_by]))).toEqual({
      '去掉.pdf': HP2,
      '留下.pdf': null,
    });
    const audit = await listAudit(db.db, 'shanghai-2024', 50);
    expect(audit.filter((a) => a.action === 'attachment.remove').map((a) => a.actor)).toEqual([HP2]);

    const opened = await h.lark.cardAction({
      messageId: jaCard,
      operator: JUDGE_T02,
      value: { a: 'att.open', id: gone!.id },
    });
    expect(toastText(opened)).toContain('这个文件已被移除，不能再打开');
    await h.settle();
    expect(forwardsTo(JUDGE_T02)).toHaveLength(0);
  });

  it("a judge of the track opens a file from the timeline: the bot forwards it one-to-one; another unit's contact or track's judge cannot", async () => {
    await submitReport(HP, hpT02);
    const sent = await send(HP, { file: { name: '成效.pdf', bytes: pdf(5) } });
    const [file] = await attachments();

    const timeline = await h.say(JUDGE_T02, `进展 ${hpT02.code}`);
    const open = await h.client.clickButton(timeline.messageId, JUDGE_T02, { a: 'att.open', id: file!.id });
    expect(toastText(open)).toContain('已发到你和机器人的单聊');
    await h.settle();
    const copies = forwardsTo(JUDGE_T02);
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({ forwardedFrom: sent.id, chatType: 'p2p', msgType: 'file' });
    const audit = await listAudit(db.db, 'shanghai-2024', 50);
    expect(audit.filter((a) => a.action === 'attachment.open').map((a) => a.actor)).toEqual([JUDGE_T02]);

    // Forged on purpose: the open value on a card of their own.
    for (const who of [JA, JUDGE_T04]) {
      const own = (await h.say(who, '帮助')).messageId;
      const refused = await h.lark.cardAction({
        messageId: own,
        operator: who,
        value: { a: 'att.open', id: file!.id },
      });
      expect(toastText(refused)).toContain('你不能查看这个项目的附件');
      await h.settle();
      expect(forwardsTo(who)).toHaveLength(0);
    }
  });

  it('award materials: the receipt takes files; the leadership sees them on the decision card and opens one', async () => {
    h.container.clock.set(at('2024-11-05 10:00:00'));
    // A place of HP's T02 project confirmed by the office: the unit owes the materials.
    const id = newId('awd');
    const now = toDbInstant(h.container.clock.now());
    await db.db
      .insertInto('awards')
      .values({
        id,
        competition_id: 'shanghai-2024',
        track_code: 'T02',
        kind: 'individual',
        project_id: hpT02.id,
        nominee_name: '张三',
        unit_code: 'HP',
        status: 'allocated',
        nominated_by: 'ou_att_someone',
        decided_by: null,
        created_at: now,
        updated_at: now,
        slot: null,
        active_key: null,
        nominee_title: '科长',
        reason: '理由',
        materials: null,
        materials_links: null,
        materials_by: null,
        materials_at: null,
        allocated_by: 'ou_att_office',
        decision_note: null,
        decided_at: null,
      })
      .execute();
    const list = await h.say(HP, '表彰');
    await h.click(list.messageId, HP, { a: 'award.materials.open', w: id });
    const done = await h.submit(list.messageId, HP, { materials: '全年办结 320 件', links: '' });
    expect(json(done.card)).toContain('30 分钟内发送的会附到这份申报材料');
    const file = await send(HP, { file: { name: '事迹材料.docx', bytes: pdf(20) } });
    expect(file.reply).toContain(`已附到 ${hpT02.code}「先进个人申报材料」：事迹材料.docx（20 KB），共 1 个附件。`);
    expect(json(receipt(list.messageId).content)).toContain('事迹材料.docx');
    const [stored] = await attachments();
    expect([stored!.subject, stored!.subject_key]).toEqual(['award', id]);

    const leaderList = await h.say(LEADER, '表彰');
    const decision = await h.click(leaderList.messageId, LEADER, { a: 'award.decide.open', w: id });
    expect(json(decision.card)).toContain('事迹材料.docx（20 KB）');
    const opened = await h.client.clickButton(leaderList.messageId, LEADER, { a: 'att.open', id: stored!.id });
    expect(toastText(opened)).toContain('已发到你和机器人的单聊');
    await h.settle();
    expect(forwardsTo(LEADER)).toMatchObject([{ forwardedFrom: file.id, msgType: 'file' }]);

    // After the materials' due day nothing more attaches, and the receipt no longer offers 移除.
    h.container.clock.set(at('2024-12-14 09:00:00'));
    expect((await send(HP, { file: { name: '补充.pdf', bytes: pdf(1) } }, list.messageId)).reply).toContain(
      '申报材料已于 2024-12-13 截止报送。附件不能再增减。',
    );
  });
});
