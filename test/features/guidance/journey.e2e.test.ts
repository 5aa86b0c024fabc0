/**
 * Issue 16's journey, end to end through the emulator (the real node-sdk, signed and encrypted events and callbacks,
 * the Feishu client's clicks on the cards each person was shown): a contact reports with two attached files; the
 * judge's daily card lists the report; the judge comments from it asking for an answer (请回复); the contact answers;
 * the office sees the thread and the files and opens one; another unit's contact can read neither; the export lists
 * the comment, the answer and the attachments.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rememberPerson } from '../../../src/core/people.repository';
import { addAttachment } from '../../../src/features/attachments/attachments.repository';
import { insertAnswer, insertComment } from '../../../src/features/guidance/guidance.repository';
import type { Project } from '../../../src/core/projects.repository';
import type { RecordedMessage } from '../../../src/emulator/types';
import { json, toastText } from '../../support/cards';
import { freshDatabase, type TestDatabase } from '../../support/database';
import { at } from '../../support/fixtures';
import { OFFICE, startHarness, type Harness } from '../../support/harness';
import { bindUnitChat, grantRole, registerProject } from '../../support/people';
import { readXlsx, type ReadSheet } from '../../support/xlsx-reader';

const CONTACT = 'ou_jr_contact_hp';
const OTHER_UNIT = 'ou_jr_contact_ja';
const JUDGE = 'ou_jr_judge_t02';
const COMMENT = '请补充 5 月办结案件的明细和同比数据。';
const ANSWER = '已补充：5 月办结 120 件，同比增长 15%，明细见附件。';

let db: TestDatabase;
let h: Harness;
let project: Project;

beforeAll(async () => {
  db = await freshDatabase();
  h = await startHarness(db, { now: at('2024-05-20 10:00:00') });
  await grantRole(db, CONTACT, 'contact', 'HP');
  await grantRole(db, OTHER_UNIT, 'contact', 'JA');
  await grantRole(db, JUDGE, 'judge', 'T02');
  await rememberPerson(db.db, { openId: JUDGE, name: '王评委' }, at('2024-05-01 09:00:00'));
  await rememberPerson(db.db, { openId: CONTACT, name: '李联络' }, at('2024-05-01 09:00:00'));
  project = await registerProject(db, 'HP', 'T02', '执法规范化');
});
afterAll(async () => {
  await h.close();
  await db.destroy();
});
afterEach(() => expect(h.emu.emulator.state.violations).toEqual([]));

const pdf = (kb: number) => new Uint8Array(kb * 1024).fill(0x25);
const png = (): Uint8Array => {
  const b = new Uint8Array(4096);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  b.set([0x49, 0x48, 0x44, 0x52], 12);
  b.set([0, 0, 0, 64, 0, 0, 0, 48], 16);
  return b;
};

/** Messages the bot sent one-to-one to `openId` after index `from` in the emulator's log. */
const toPerson = (openId: string, from = 0): RecordedMessage[] =>
  h.emu.emulator.state.messages.slice(from).filter((m) => m.receiverOpenId === openId && m.chatType === 'p2p');
const mark = () => h.emu.emulator.state.messages.length;
const sheet = (sheets: ReadSheet[], name: string) => sheets.find((s) => s.name === name)!;
const records = (s: ReadSheet) =>
  s.rows.slice(1).map((r) => Object.fromEntries(s.rows[0]!.map((head, i) => [head as string, r[i] ?? null])));

describe('guidance and evidence files: the whole journey', () => {
  it('report with two files → daily card → comment with 请回复 → answer → the office sees it all; another unit sees nothing; the export lists it', async () => {
    // 1. The contact reports on the form they were shown, then sends two files one-to-one.
    const form = await h.say(CONTACT, '进展');
    const receipt = await h.submit(form.messageId, CONTACT, {
      period: '2024-05',
      work_done: '完成流程梳理，开展试点',
      results: '办结 120 件',
      completion: '40',
      evidence: '',
      problems: '',
    });
    expect(json(receipt.card)).toContain('进展已提交');
    expect(json(receipt.card)).toContain('可以直接把文件或图片发给我');
    for (const [i, what] of [
      { file: { name: '5月办结台账.pdf', bytes: pdf(300) } },
      { image: { bytes: png() } },
    ].entries()) {
      h.container.clock.set(at('2024-05-20 10:01:00') + i * 60_000);
      await h.lark.messageReceived({ sender: CONTACT, ...what });
      await h.settle();
    }
    const patched = json(h.emu.emulator.message(form.messageId)!.content);
    expect(patched).toContain('5月办结台账.pdf');
    expect(patched).toContain('移除');
    const attached = await db.db.selectFrom('attachments').selectAll().orderBy('added_at').execute();
    expect(attached.map((a) => [a.resource_type, a.removed_at])).toEqual([
      ['file', null],
      ['image', null],
    ]);

    // 2. At 17:00 the judge's daily card lists the report, with a button to its timeline.
    let from = mark();
    for (let t = at('2024-05-20 16:59:00'); t <= at('2024-05-20 17:01:00'); t += 60_000) {
      h.container.clock.set(t);
      await h.container.tick(t);
    }
    await h.settle();
    const daily = toPerson(JUDGE, from).filter((m) => json(m.content).includes('评审动态'));
    expect(daily).toHaveLength(1);
    expect(json(daily[0]!.content)).toContain(project.code);
    expect(toPerson(CONTACT, from).filter((m) => json(m.content).includes('评审动态'))).toEqual([]);

    // 3. From the daily card to the timeline (the files are listed there), then the comment form, sent with 请回复.
    h.container.clock.set(at('2024-05-21 09:10:00'));
    // The timeline opens below the daily card, which stays (it may list other projects).
    from = mark();
    expect(toastText(await h.click(daily[0]!.messageId, JUDGE, { a: 'rpt.history', p: project.id }))).toContain(
      '已在下方打开',
    );
    await h.settle();
    const timeline = toPerson(JUDGE, from).filter((m) => json(m.content).includes('进展记录'));
    expect(timeline).toHaveLength(1);
    expect(json(timeline[0]!.content)).toContain('5月办结台账.pdf');
    expect(json(h.emu.emulator.message(daily[0]!.messageId)!.content)).toContain('评审动态');
    // The comment form opens below the timeline, so the report stays in view while the judge writes.
    from = mark();
    await h.click(timeline[0]!.messageId, JUDGE, '对报告写指导意见');
    await h.settle();
    const commentForm = toPerson(JUDGE, from).filter((m) => json(m.content).includes('发送并请单位回复'));
    expect(commentForm).toHaveLength(1);
    from = mark();
    const sent = await h.submit(commentForm[0]!.messageId, JUDGE, { guidance: COMMENT }, '发送并请单位回复');
    expect(json(sent.card)).toContain('联络员');
    await h.settle();

    // 4. The contact gets the comment one-to-one with a form, and answers; the judge is told.
    const asked = toPerson(CONTACT, from).filter((m) => json(m.content).includes(COMMENT));
    expect(asked).toHaveLength(1);
    expect(json(asked[0]!.content)).toContain('评委请你回复');
    from = mark();
    const answered = await h.submit(asked[0]!.messageId, CONTACT, { answer: ANSWER });
    expect(toastText(answered)).toBeTruthy();
    await h.settle();
    const told = toPerson(JUDGE, from).filter((m) => json(m.content).includes(ANSWER));
    expect(told).toHaveLength(1);
    // A day later the contact replies to the judge's card with the file asked for: it attaches to the May report, and
    // the report's receipt is redrawn with it.
    h.container.clock.set(at('2024-05-22 09:00:00'));
    await h.lark.messageReceived({
      sender: CONTACT,
      file: { name: '办结明细.xlsx', bytes: pdf(20) },
      parentId: asked[0]!.messageId,
    });
    await h.settle();
    expect(json(h.emu.emulator.message(form.messageId)!.content)).toContain('办结明细.xlsx');
    // Sent without a reply, past the window: told which receipt to reply to.
    const lost = await h.lark.messageReceived({ sender: CONTACT, file: { name: '迟到.pdf', bytes: pdf(1) } });
    await h.settle();
    const lostId = (lost.payload.event as { message: { message_id: string } }).message.message_id;
    const lostReply = h.emu.emulator.state.messages.find((m) => m.receiveId === lostId);
    expect(json(lostReply?.content)).toContain('已超过 30 分钟');

    // The contact's own timeline offers to add to the answer: the comment's card opens below it, with its form.
    const mine = await h.say(CONTACT, `进展 ${project.code}`);
    expect(json(mine.content)).toContain('补充回复');
    from = mark();
    expect(toastText(await h.click(mine.messageId, CONTACT, '补充回复'))).toContain('已在下方打开');
    await h.settle();
    const again = toPerson(CONTACT, from);
    expect(again).toHaveLength(1);
    expect(json(again[0]!.content)).toContain(COMMENT);
    expect(json(again[0]!.content)).toContain('gd.answer');

    // 5. The office reads the timeline one-to-one: the thread and the files; opening one forwards it to them.
    const office = await h.say(OFFICE, `进展 ${project.code}`);
    const seen = json(office.content);
    for (const s of [COMMENT, ANSWER, '王评委', '李联络', '5月办结台账.pdf', '已回复']) expect(seen).toContain(s);
    const pdfRow = attached.find((a) => a.resource_type === 'file')!;
    from = mark();
    const open = await h.click(office.messageId, OFFICE, { a: 'att.open', id: pdfRow.id });
    expect(toastText(open)).toContain('单聊');
    await h.settle();
    const forwarded = toPerson(OFFICE, from).filter((m) => m.forwardedFrom === pdfRow.message_id);
    expect(forwarded).toHaveLength(1);

    // 6. Another unit's contact can read neither the thread nor the files, even with a forged click.
    from = mark();
    const refused = await h.say(OTHER_UNIT, `进展 ${project.code}`);
    expect(json(refused.content)).toContain('你不能查看项目');
    expect(json(refused.content)).not.toContain(COMMENT);
    const forged = await h.lark.cardAction({
      messageId: refused.messageId,
      operator: OTHER_UNIT,
      value: { a: 'att.open', id: pdfRow.id },
    });
    expect(toastText(forged)).toBeTruthy();
    await h.settle();
    expect(toPerson(OTHER_UNIT, from).filter((m) => m.forwardedFrom)).toEqual([]);
    expect(toPerson(OTHER_UNIT, from).some((m) => json(m.content).includes(COMMENT))).toBe(false);

    // 7. The export lists the comment, the answer and both attachments.
    h.emu.emulator.state.files.length = 0;
    await h.say(OFFICE, '导出');
    const workbook = h.emu.emulator.state.files.find((f) => f.fileName.endsWith('.xlsx'))!;
    const book = readXlsx(workbook.data!);
    const guidance = records(sheet(book.sheets, '指导意见 Guidance'));
    expect(guidance.map((r) => [r['项目编号 Project code'], r['类型 Kind'], r['内容 Text']])).toEqual([
      [project.code, '意见 comment', COMMENT],
      [project.code, '回复 answer', ANSWER],
    ]);
    expect(guidance[0]!['请回复 Answer requested']).toBe('是 yes');
    const files = records(sheet(book.sheets, '附件 Attachments'));
    expect(files.map((r) => [r['项目编号 Project code'], r['附于 Attached to'], r['已移除 Removed']])).toEqual([
      [project.code, '进展报告 report', '否 no'],
      [project.code, '进展报告 report', '否 no'],
      [project.code, '进展报告 report', '否 no'],
    ]);
    expect(files[0]!['文件名 File name']).toBe('5月办结台账.pdf');
    expect(files[0]!['消息 Message id']).toBe(pdfRow.message_id);
  });
});

describe('a period with more guidance and files than the timeline lists', () => {
  it('全部指导意见, 查看完整对话 and 全部附件 open every comment, answer and file below the timeline, to its readers only', async () => {
    const now = at('2024-05-22 09:00:00');
    h.container.clock.set(now);
    const comments = [];
    for (let i = 1; i <= 4; i++) {
      const { comment } = await insertComment(db.db, {
        competitionId: 'shanghai-2024',
        projectId: project.id,
        period: '2024-05',
        subject: 'report',
        authorOpenId: JUDGE,
        body: `第 ${i} 条意见`,
        needsAnswer: i === 4,
        formKey: `more${i}aaaaaaaa`,
        at: now + i * 1000,
      });
      comments.push(comment);
    }
    for (let i = 1; i <= 3; i++)
      await insertAnswer(db.db, {
        competitionId: 'shanghai-2024',
        commentId: comments[1]!.id,
        authorOpenId: CONTACT,
        body: `第 ${i} 条回复`,
        formKey: `ans${i}aaaaaaaaa`,
        at: now + 10_000 + i * 1000,
      });
    for (let i = 1; i <= 11; i++)
      await addAttachment(db.db, 'shanghai-2024', {
        projectId: project.id,
        subject: 'report',
        subjectKey: '2024-05',
        messageId: `om_more_${i}`,
        resourceKey: `file_more_${i}`,
        resourceType: 'file',
        fileName: `佐证材料${i}.pdf`,
        sizeBytes: 1024 * i,
        contentType: 'application/pdf',
        addedBy: CONTACT,
        addedAt: now + 20_000 + i * 1000,
      });

    const office = await h.say(OFFICE, `进展 ${project.code}`);
    const seen = json(office.content);
    // The newest three comments, the newest two answers of a thread, the first ten files; buttons to all of them.
    expect(seen).toContain('第 4 条意见');
    expect(seen).not.toContain('第 1 条意见');
    expect(seen).not.toContain('第 1 条回复');
    expect(seen).toContain('第 3 条回复');
    expect(seen).not.toContain('佐证材料12');
    for (const label of ['全部指导意见（5）', '全部附件（14）', '查看完整对话']) expect(seen).toContain(label);

    const below = async (button: string) => {
      const from = mark();
      expect(toastText(await h.click(office.messageId, OFFICE, button))).toContain('已在下方打开');
      await h.settle();
      return json(toPerson(OFFICE, from)[0]?.content);
    };
    const guidance = await below('全部指导意见（5）');
    for (const s of [COMMENT, '第 1 条意见', '第 4 条意见']) expect(guidance).toContain(s);
    const files = await below('全部附件（14）');
    for (const s of ['5月办结台账.pdf', '佐证材料1.pdf', '佐证材料11.pdf']) expect(files).toContain(s);
    const thread = await below('查看完整对话');
    for (const s of ['第 2 条意见', '第 1 条回复', '第 2 条回复', '第 3 条回复']) expect(thread).toContain(s);

    // Another unit's contact, with the buttons' values posted by hand: refused, nothing sent.
    const from = mark();
    for (const value of [
      { a: 'rpt.guidance', p: project.id, period: '2024-05' },
      { a: 'rpt.files', p: project.id, period: '2024-05' },
      { a: 'gd.thread', c: comments[1]!.id },
    ]) {
      const forged = await h.lark.cardAction({ messageId: office.messageId, operator: OTHER_UNIT, value });
      expect(toastText(forged)).toMatch(/不能查看|没有权限/);
    }
    await h.settle();
    expect(toPerson(OTHER_UNIT, from)).toEqual([]);
  });
});

describe('a report submitted in the unit group', () => {
  it('its receipt takes no files (they would show to the whole group): no invitation, no target, a later file is told how to attach', async () => {
    const GROUP = 'oc_jr_hp';
    h.emu.emulator.ensureGroupChat(GROUP, [CONTACT]);
    await bindUnitChat(db, GROUP, 'HP');
    h.container.clock.set(at('2024-06-20 10:00:00'));
    const form = await h.say(CONTACT, '进展', GROUP);
    const receipt = await h.submit(form.messageId, CONTACT, {
      period: '2024-06',
      work_done: '在群里填报',
      results: '办结 30 件',
      completion: '50',
      evidence: '',
      problems: '',
    });
    expect(json(receipt.card)).toContain('进展已提交');
    expect(json(receipt.card)).not.toContain('可以直接把文件或图片发给我');
    const targets = await db.db
      .selectFrom('attach_targets')
      .selectAll()
      .where('message_id', '=', form.messageId)
      .execute();
    expect(targets).toEqual([]);
    const sent = await h.lark.messageReceived({ sender: CONTACT, file: { name: '群里之后.pdf', bytes: pdf(1) } });
    await h.settle();
    const id = (sent.payload.event as { message: { message_id: string } }).message.message_id;
    expect(json(h.emu.emulator.state.messages.find((m) => m.receiveId === id)?.content)).toContain('没有附上');
  });
});
