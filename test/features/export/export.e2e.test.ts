/**
 * The records export end to end: the office sends 导出 through the emulator, the bot builds the workbook, uploads it
 * with the real node-sdk and sends one file message; the uploaded bytes are opened by an independent reader (Python's
 * zipfile and xml.etree). Duplicates, refusals, upload failures, a track filter and groups.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { saveSheet } from '../../../src/features/scoring/scores.repository';
import { withdrawProject, type Project } from '../../../src/core/projects.repository';
import { insertReport, insertSelfEvaluation } from '../../../src/features/reports/reports.repository';
import { rememberPerson } from '../../../src/core/people.repository';
import { newId } from '../../../src/platform/ids';
import { toDbInstant } from '../../../src/platform/instant';
import { json } from '../../support/cards';
import { freshDatabase, type TestDatabase } from '../../support/database';
import { at } from '../../support/fixtures';
import { OFFICE, startHarness, type Harness } from '../../support/harness';
import { grantRole, registerProject } from '../../support/people';
import { readXlsx, type ReadSheet } from '../../support/xlsx-reader';

const HP = 'ou_exp_hp';
const JUDGE = 'ou_exp_judge_t02';
const JUDGE2 = 'ou_exp_judge2_t02';
const LEADER = 'ou_exp_leader';
const STRANGER = 'ou_exp_stranger';
const NOW = at('2024-11-20 10:00:00');

let db: TestDatabase;
let h: Harness;
let hpT02: Project;
let jaT02: Project;
let hpT04: Project;
let withdrawn: Project;
let awardId: string;

const fields = (work: string, completion: number) => ({
  workDone: work,
  results: '办结 120 件',
  completion,
  evidence: ['https://example.com/a', 'https://example.com/b'],
  problems: '',
});

beforeAll(async () => {
  db = await freshDatabase();
  h = await startHarness(db, { now: NOW });
  await grantRole(db, HP, 'contact', 'HP');
  await grantRole(db, JUDGE, 'judge', 'T02');
  await grantRole(db, JUDGE2, 'judge', 'T02');
  await grantRole(db, LEADER, 'leader');
  await rememberPerson(db.db, { openId: JUDGE, name: '评委甲' }, NOW);
  hpT02 = await registerProject(db, 'HP', 'T02', '执法规范化 <b>&"=1+1"');
  jaT02 = await registerProject(db, 'JA', 'T02', '静安法治');
  hpT04 = await registerProject(db, 'HP', 'T04', '专项整治');
  withdrawn = await registerProject(db, 'HP', 'T06', '待撤回');
  await withdrawProject(db.db, {
    competitionId: 'shanghai-2024',
    project: withdrawn,
    actor: HP,
    now: at('2024-04-02 09:00:00'),
  });
  const report = (p: Project, period: string, revision: number, late: boolean, work: string, when: string) =>
    insertReport(db.db, {
      competitionId: 'shanghai-2024',
      projectId: p.id,
      projectCode: p.code,
      period,
      revision,
      late,
      fields: fields(work, 10 * revision),
      actor: HP,
      now: at(when),
    });
  await report(hpT02, '2024-05', 1, false, '完成流程梳理', '2024-05-20 09:00:00');
  await report(hpT02, '2024-05', 2, false, '流程梳理完成，开始试点\n第二行', '2024-05-21 09:00:00');
  await report(hpT02, '2024-06', 1, true, '六月', '2024-06-30 09:00:00');
  await report(hpT04, '2024-05', 1, false, 'T04 五月', '2024-05-22 09:00:00');
  await insertSelfEvaluation(db.db, {
    competitionId: 'shanghai-2024',
    projectId: hpT02.id,
    projectCode: hpT02.code,
    period: 'midterm',
    revision: 1,
    late: false,
    scores: { effectiveness: 20, results: 20, feasibility: 20, exemplary: 20 },
    justification: '自评',
    actor: HP,
    now: at('2024-07-30 09:00:00'),
  });
  await saveSheet(db.db, {
    competitionId: 'shanghai-2024',
    project: hpT02,
    judge: JUDGE,
    change: {
      kind: 'score',
      scores: { effectiveness: 25, results: 20, feasibility: 15, exemplary: 10 },
      comment: '好',
    },
    now: at('2024-11-05 10:00:00'),
  });
  await saveSheet(db.db, {
    competitionId: 'shanghai-2024',
    project: jaT02,
    judge: JUDGE2,
    change: { kind: 'recuse', reason: '亲属关系' },
    now: at('2024-11-06 10:00:00'),
  });
  awardId = newId('awd');
  const stamp = toDbInstant(at('2024-11-25 10:00:00'));
  // Only the columns every version of the awards table has; later ones are nullable.
  await db.db
    .insertInto('awards')
    .values({
      id: awardId,
      competition_id: 'shanghai-2024',
      track_code: 'T02',
      kind: 'collective',
      project_id: hpT02.id,
      nominee_name: '执法规范化项目组',
      unit_code: 'HP',
      status: 'nominated',
      nominated_by: JUDGE,
      decided_by: null,
      created_at: stamp,
      updated_at: stamp,
    } as never)
    .execute();
  h.emu.emulator.ensureGroupChat('oc_exp_group', [OFFICE, HP]);
});
afterAll(async () => {
  await h.close();
  await db.destroy();
});
beforeEach(() => {
  h.emu.emulator.reset();
  h.container.clock.set(NOW);
});
afterEach(() => expect(h.emu.emulator.state.violations).toEqual([]));

const fileMessages = () => h.emu.emulator.state.messages.filter((m) => m.msgType === 'file');
const texts = () => h.emu.emulator.state.messages.map((m) => json(m.content)).join('\n');
const sheet = (sheets: ReadSheet[], name: string) => sheets.find((s) => s.name === name)!;
/** Rows as objects keyed by header, for readable assertions. */
const records = (s: ReadSheet) =>
  s.rows.slice(1).map((r) => Object.fromEntries(s.rows[0]!.map((head, i) => [head as string, r[i] ?? null])));

function uploadedWorkbook() {
  const files = h.emu.emulator.state.files;
  expect(files).toHaveLength(1);
  expect(files[0]).toMatchObject({ fileType: 'xls' });
  expect(files[0]!.fileName).toMatch(/^saidao-shanghai-2024-(T02-)?20241120-1000\.xlsx$/);
  return { file: files[0]!, book: readXlsx(files[0]!.data!) };
}

describe('导出 / export', () => {
  it('the office gets one file message whose workbook holds every sheet and row, with bilingual headers and local times', async () => {
    await h.say(OFFICE, '导出');
    const { file, book } = uploadedWorkbook();
    const files = fileMessages();
    expect(files).toHaveLength(1);
    expect(files[0]!.content).toEqual({ file_key: file.fileKey });
    expect(files[0]!.chatType).toBe('p2p');
    expect(files[0]!.receiverOpenId).toBe(OFFICE);

    expect(book.sheets.map((s) => s.name)).toEqual([
      '项目 Projects',
      '进展 Reports',
      '自评 Self-evaluations',
      '指导意见 Guidance',
      '附件 Attachments',
      '评分 Scores',
      '表彰 Awards',
      '审计 Audit log',
    ]);
    for (const s of book.sheets) expect(s.headerStyles.every((x) => x === '1')).toBe(true);

    const projects = records(sheet(book.sheets, '项目 Projects'));
    expect(projects.map((p) => [p['项目编号 Project code'], p['状态 Status']])).toEqual([
      [hpT02.code, '有效 active'],
      [jaT02.code, '有效 active'],
      [hpT04.code, '有效 active'],
      [withdrawn.code, '已撤回 withdrawn'],
    ]);
    expect(projects[0]).toMatchObject({
      '项目名称 Project name': '执法规范化 <b>&"=1+1"',
      '赛道 Track': expect.stringContaining('法治建设'),
      '单位 Unit': expect.stringContaining('黄浦'),
    });
    // 2024-04-01 10:00 in Shanghai, as an Excel serial date; withdrawn at 2024-04-02 09:00.
    expect(projects[0]!['登记时间 Registered at (Asia/Shanghai)']).toBeCloseTo(45_383 + 10 / 24, 6);
    expect(projects[3]!['撤回时间 Withdrawn at (Asia/Shanghai)']).toBeCloseTo(45_384 + 9 / 24, 6);
    expect(projects[0]!['撤回时间 Withdrawn at (Asia/Shanghai)']).toBeNull();

    const reports = records(sheet(book.sheets, '进展 Reports'));
    expect(
      reports.map((r) => [
        r['项目编号 Project code'],
        r['期次代码 Period code'],
        r['第几次提交 Revision'],
        r['逾期 Late'],
      ]),
    ).toEqual([
      [hpT02.code, '2024-05', 1, '否 no'],
      [hpT02.code, '2024-05', 2, '否 no'],
      [hpT02.code, '2024-06', 1, '是 yes'],
      [hpT04.code, '2024-05', 1, '否 no'],
    ]);
    expect(reports[1]).toMatchObject({
      '完成工作 Work done': '流程梳理完成，开始试点\n第二行',
      '完成度 Completion (%)': 20,
      '佐证链接 Evidence links': 'https://example.com/a\nhttps://example.com/b',
    });

    const evaluations = records(sheet(book.sheets, '自评 Self-evaluations'));
    expect(evaluations).toHaveLength(1);
    expect(evaluations[0]!['加权总分 Weighted total (0-100)']).toBe(80);

    const scores = records(sheet(book.sheets, '评分 Scores'));
    expect(
      scores.map((s) => [
        s['项目编号 Project code'],
        s['评委 Judge'],
        s['回避 Recused'],
        s['加权总分 Weighted total (0-100)'],
        s['回避理由 Recusal reason'],
      ]),
    ).toEqual([
      [hpT02.code, `评委甲 (${JUDGE})`, '否 no', 70, null],
      [jaT02.code, JUDGE2, '是 yes', null, '亲属关系'],
    ]);
    expect(sheet(book.sheets, '评分 Scores').rows[0]).toContain('成效 Effectiveness (0-25)');

    const awards = records(sheet(book.sheets, '表彰 Awards'));
    expect(awards).toHaveLength(1);
    expect(awards[0]).toMatchObject({
      '项目编号 Project code': hpT02.code,
      '记录编号 Award id': awardId,
      '状态 Status': 'nominated',
      '推荐人 Nominated by': `评委甲 (${JUDGE})`,
    });

    const audit = records(sheet(book.sheets, '审计 Audit log'));
    const actions = audit.map((a) => a['操作 Action']);
    expect(actions.filter((a) => a === 'project.register')).toHaveLength(4);
    expect(actions).toContain('project.withdraw');
    expect(actions.filter((a) => a === 'report.submit' || a === 'report.revise')).toHaveLength(4);
    expect(actions).toContain('score.recuse');

    // The card names the file and counts the rows of each sheet.
    const card = json(h.emu.emulator.state.messages.find((m) => m.msgType === 'interactive')!.content);
    expect(card).toContain(file.fileName);
    expect(card).toContain('"sheet":"进展 Reports","rows":4');
    expect(card).toContain('"sheet":"项目 Projects","rows":4');
    // The export itself is in the audit log.
    const logged = await db.db.selectFrom('audit_log').selectAll().where('action', '=', 'records.export').execute();
    expect(logged.length).toBeGreaterThanOrEqual(1);
  });

  it('a duplicate delivery of the same command sends nothing more, and a re-run of its work uploads nothing', async () => {
    const first = await h.lark.messageReceived({ sender: OFFICE, text: 'export' });
    await h.settle();
    expect(fileMessages()).toHaveLength(1);
    const messagesBefore = h.emu.emulator.state.messages.length;
    await h.lark.redeliver(first);
    await h.lark.messageReceived({
      sender: OFFICE,
      text: 'export',
      messageId: (first.payload.event.message as { message_id: string }).message_id,
    });
    await h.settle();
    expect(h.emu.emulator.state.messages).toHaveLength(messagesBefore);
    expect(h.emu.emulator.state.files).toHaveLength(1);
    // As if the server had died after queueing the file but before finishing the event: the sweep runs it again.
    await db.db
      .updateTable('inbox')
      .set({ status: 'pending', lease_until: toDbInstant(0), finished_at: null })
      .where('event_id', '=', first.eventId!)
      .execute();
    expect(await h.container.bot.sweepInbox()).toBe(1);
    await h.settle();
    expect(h.emu.emulator.state.messages).toHaveLength(messagesBefore);
    expect(h.emu.emulator.state.files).toHaveLength(1);
  });

  it('contacts, judges, leaders and strangers are refused in their language, and nothing is uploaded', async () => {
    for (const who of [HP, JUDGE, LEADER, STRANGER]) {
      await h.say(who, '导出');
      await h.say(who, 'export T02');
    }
    expect(h.emu.emulator.state.files).toEqual([]);
    expect(fileMessages()).toEqual([]);
    expect(texts()).toContain('你没有权限使用「导出」');
    expect(texts()).toContain('You may not use \\"export\\"');
    expect(texts()).not.toContain('记录导出');
  });

  it('a failed upload gives the office a clear message, and neither the file nor the card is sent', async () => {
    h.emu.emulator.setFaults({ groups: ['file'], errorRate: 1 });
    await h.say(OFFICE, '导出');
    const uploads = h.emu.emulator.state.calls.filter((c) => c.path.includes('/im/v1/files'));
    expect(uploads.length).toBe(3);
    expect(h.emu.emulator.state.files).toEqual([]);
    expect(fileMessages()).toEqual([]);
    expect(h.emu.emulator.state.messages).toHaveLength(1);
    expect(texts()).toContain('导出文件没能上传到飞书');
    expect(texts()).toContain('could not be uploaded to Lark');
    expect(texts()).not.toContain('记录导出');
  });

  it('导出 T02 holds only that track; a word that is not a track is answered with the choices and nothing is uploaded', async () => {
    await h.say(OFFICE, '导出 法治');
    const { book } = uploadedWorkbook();
    expect(records(sheet(book.sheets, '项目 Projects')).map((p) => p['项目编号 Project code'])).toEqual([
      hpT02.code,
      jaT02.code,
    ]);
    expect(records(sheet(book.sheets, '进展 Reports')).every((r) => r['赛道代码 Track code'] === 'T02')).toBe(true);
    const audit = records(sheet(book.sheets, '审计 Audit log'));
    expect(audit.length).toBeGreaterThan(0);
    expect(audit.every((a) => String(a['对象 Entity']).includes('T02') || a['对象 Entity'] === awardId)).toBe(true);
    expect(json(h.emu.emulator.state.messages.find((m) => m.msgType === 'interactive')!.content)).toContain(
      'T02 法治建设',
    );

    h.emu.emulator.reset();
    await h.say(OFFICE, '导出 火星');
    expect(h.emu.emulator.state.files).toEqual([]);
    expect(texts()).toContain('「火星」不是一个赛道');
    expect(texts()).toContain('is not a track');
  });

  it('asked in a group, the file goes to the office one-to-one and the group is told so', async () => {
    await h.say(OFFICE, '导出', 'oc_exp_group');
    uploadedWorkbook();
    const files = fileMessages();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ chatType: 'p2p', receiverOpenId: OFFICE });
    const inGroup = h.emu.emulator.state.messages.filter((m) => m.chatId === 'oc_exp_group');
    expect(inGroup.map((m) => m.msgType)).toEqual(['text']);
    expect(json(inGroup[0]!.content)).toContain('已私信发给你');
  });

  it('the help card lists 导出 for the office only', async () => {
    await h.say(OFFICE, '帮助');
    expect(texts()).toContain('导出 [赛道]');
    h.emu.emulator.reset();
    await h.say(HP, '帮助');
    expect(texts()).not.toContain('**导出**');
  });
});
