/**
 * Roles and chats end to end: the office binds people with @mentions (绑定, 评委, 领导, 管理员, 解绑), looks at 成员, and
 * sets up groups (本群绑定, 设为通知群, 本群解绑); every change is in role_grants or chats and in the audit log.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../../src/core/audit.repository';
import { freshDatabase, type TestDatabase } from '../../support/database';
import { OFFICE, startHarness, type Harness } from '../../support/harness';
import { grantRole } from '../../support/people';

let db: TestDatabase;
let h: Harness;
beforeAll(async () => {
  db = await freshDatabase();
  h = await startHarness(db);
});
afterAll(async () => {
  await h.close();
  await db.destroy();
});
beforeEach(() => h.emu.emulator.reset());
afterEach(() => expect(h.emu.emulator.state.violations).toEqual([]));

const ZHANG = { open_id: 'ou_zhang', name: '张三' };
const LI = { open_id: 'ou_li', name: '李四' };
const WANG = { open_id: 'ou_wang', name: '王五' };
const ZHAO = { open_id: 'ou_zhao', name: '赵六' };

type Ref = { open_id: string; name: string };

/** The bot's last message as text: a text reply's text, or the card as JSON. */
function textOf(m: { content: unknown } | undefined): string {
  if (!m) return '';
  const c = m.content as { text?: string };
  return typeof c.text === 'string' ? c.text : JSON.stringify(m.content);
}

/** What the office (or `sender`) is answered when it sends `words` one-to-one, @mentioning `people` (@_user_1…). */
const answer = async (words: string, people: Ref[] = [], sender = OFFICE): Promise<string> =>
  textOf(await h.say(sender, words, { mentions: people }));

/** The same in a group, @mentioning the bot first. */
async function answerInGroup(chatId: string, words: string, sender = OFFICE): Promise<string> {
  h.emu.emulator.ensureGroupChat(chatId, [sender]);
  return textOf(await h.say(sender, words, chatId));
}

const grantsOf = (openId: string) =>
  db.db
    .selectFrom('role_grants')
    .select(['role', 'scope', 'source', 'granted_by'])
    .where('open_id', '=', openId)
    .orderBy('role')
    .orderBy('scope')
    .execute();

const audits = async (action: string) =>
  (await listAudit(db.db, 'shanghai-2024', 1000)).filter((a) => a.action === action);

describe('绑定 / bind: unit contacts', () => {
  it('binds the @mentioned person to the unit, remembers their name and audits it', async () => {
    const reply = await answer('绑定 @_user_1 黄浦区', [ZHANG]);
    expect(reply).toContain('✓ 张三：已设为黄浦区城管执法局（HP）联络员');
    expect(reply).toContain('✓ 张三: now contact of 黄浦 (HP)');
    expect(await grantsOf('ou_zhang')).toEqual([{ role: 'contact', scope: 'HP', source: 'chat', granted_by: OFFICE }]);
    expect(
      await db.db.selectFrom('people').select(['name']).where('open_id', '=', 'ou_zhang').executeTakeFirst(),
    ).toEqual({ name: '张三' });
    const [audit] = await audits('role.grant');
    expect(audit).toMatchObject({
      actor: OFFICE,
      entityType: 'role_grant',
      entityId: 'ou_zhang:contact:HP',
      before: null,
      after: { openId: 'ou_zhang', role: 'contact', scope: 'HP', source: 'chat', name: '张三' },
    });
    expect(audit!.at).toMatch(/^2024-03-20 02:00:00/);
  });

  it('binds several @mentions at once, with the unit written any usual way', async () => {
    const reply = await answer('bind @_user_1 @_user_2 静安区城管执法局', [LI, WANG]);
    expect(reply).toMatch(/✓ 李四：已设为静安区城管执法局（JA）联络员\n✓ 王五：已设为静安区城管执法局（JA）联络员/);
    expect(await grantsOf('ou_li')).toEqual([{ role: 'contact', scope: 'JA', source: 'chat', granted_by: OFFICE }]);
    expect(await grantsOf('ou_wang')).toEqual([{ role: 'contact', scope: 'JA', source: 'chat', granted_by: OFFICE }]);
  });

  it('binding the same again is harmless and says so', async () => {
    const before = (await audits('role.grant')).length;
    const reply = await answer('绑定 @_user_1 HP', [ZHANG]);
    expect(reply).toContain('· 张三已经是黄浦区城管执法局（HP）联络员（来自聊天命令），未改动');
    expect(await grantsOf('ou_zhang')).toHaveLength(1);
    expect(await audits('role.grant')).toHaveLength(before);
  });

  it('a contact of one unit is not silently made the contact of another', async () => {
    const reply = await answer('绑定 @_user_1 徐汇', [ZHANG]);
    expect(reply).toContain(
      '✗ 张三已是黄浦区城管执法局（HP）的联络员，一位联络员只属于一个单位。要改绑，请先发送「解绑 @张三 HP」',
    );
    expect(await grantsOf('ou_zhang')).toEqual([{ role: 'contact', scope: 'HP', source: 'chat', granted_by: OFFICE }]);
  });

  it('an ambiguous unit lists the candidates and binds nobody', async () => {
    const reply = await answer('绑定 @_user_1 浦', [ZHAO]);
    expect(reply).toContain(
      '「浦」可能是：浦东（PD）、黄浦（HP）、杨浦（YP）、青浦（QP）。请写得更具体些，或写代码（如 PD）。',
    );
    expect(reply).toContain('"浦" could be: 浦东 (PD), 黄浦 (HP), 杨浦 (YP), 青浦 (QP).');
    expect(await grantsOf('ou_zhao')).toEqual([]);
  });

  it('an unknown unit, no unit or no @mention say what to write', async () => {
    expect(await answer('绑定 @_user_1 火星区', [ZHAO])).toMatch(
      /没有找到「火星区」对应的单位。可选：浦东（PD）、黄浦（HP）、.*总队（ZD）。/,
    );
    expect(await answer('绑定 @_user_1', [ZHAO])).toContain('可选：浦东（PD）');
    expect(await answer('绑定 黄浦区')).toContain('请 @ 要设置的人，例如「绑定 @张三 黄浦区」');
    expect(await answer('绑定 @_user_1 黄浦 静安', [ZHAO])).toContain('一位联络员只属于一个单位，请只写一个');
    expect(await grantsOf('ou_zhao')).toEqual([]);
  });

  it("works in a group too, where the bot's own @mention is not taken for a person", async () => {
    h.emu.emulator.ensureGroupChat('oc_office_group', [OFFICE]);
    await h.lark.messageReceived({
      sender: OFFICE,
      chatType: 'group',
      chatId: 'oc_office_group',
      mentionBot: true,
      text: '绑定 @_user_2 闵行',
      mentions: [{ open_id: 'ou_group_bound', name: '周九' }],
    });
    await h.settle();
    expect(textOf(h.emu.emulator.state.messages.at(-1))).toBe(
      '✓ 周九：已设为闵行区城管执法局（MH）联络员\n✓ 周九: now contact of 闵行 (MH)',
    );
    expect(await grantsOf('ou_group_bound')).toEqual([
      { role: 'contact', scope: 'MH', source: 'chat', granted_by: OFFICE },
    ]);
    expect(await grantsOf(h.emu.emulator.config.botOpenId)).toEqual([]);
  });

  it('a duplicated delivery of the command binds once, audits once and answers once', async () => {
    const person = { open_id: 'ou_dup', name: '重复' };
    const before = (await audits('role.grant')).length;
    const d = await h.lark.messageReceived(
      { sender: OFFICE, text: '绑定 @_user_1 崇明', mentions: [person] },
      { copies: 3 },
    );
    await h.lark.redeliver(d);
    await h.settle();
    expect(await grantsOf('ou_dup')).toEqual([{ role: 'contact', scope: 'CM', source: 'chat', granted_by: OFFICE }]);
    expect(await audits('role.grant')).toHaveLength(before + 1);
    expect(h.emu.emulator.state.messages).toHaveLength(1);
  });
});

describe('评委, 领导, 管理员', () => {
  it('a judge may hold several tracks, named by name, code or English name', async () => {
    const reply = await answer('评委 @_user_1 法治建设 T03', [ZHAO]);
    expect(reply).toContain('✓ 赵六：已设为 T02 法治建设赛道评委');
    expect(reply).toContain('✓ 赵六：已设为 T03 数字化转型赛道评委');
    expect(await answer('judge @_user_1 Rule of law', [ZHAO])).toContain('· 赵六 is already judge of T02 Rule of law');
    expect((await grantsOf('ou_zhao')).map((g) => `${g.role}:${g.scope}`)).toEqual(['judge:T02', 'judge:T03']);
  });

  it('an ambiguous track lists the candidates', async () => {
    const reply = await answer('评委 @_user_1 执法', [ZHAO]);
    expect(reply).toContain('「执法」可能是：T04 专项执法、T05 执法监督。');
    expect((await grantsOf('ou_zhao')).map((g) => g.scope)).toEqual(['T02', 'T03']);
  });

  it('leaders and admins; a new admin can use office commands at once', async () => {
    expect(await answer('领导 @_user_1', [WANG])).toContain('✓ 王五：已设为领导小组成员');
    expect(await answer('管理员 @_user_1', [ZHAO])).toContain('✓ 赵六：已设为竞赛办管理员');
    expect(await answer('管理员 @_user_1', [{ open_id: OFFICE, name: '竞赛办' }])).toContain(
      '已经是竞赛办管理员（来自配置 BOT_ADMINS），未改动',
    );
    expect(await answer('绑定 @_user_1 松江', [{ open_id: 'ou_by_zhao', name: '钱七' }], 'ou_zhao')).toContain(
      '✓ 钱七：已设为松江区城管执法局（SJ）联络员',
    );
    expect((await grantsOf('ou_by_zhao'))[0]!.granted_by).toBe('ou_zhao');
  });
});

describe('成员 / members', () => {
  it('shows office, leaders, contacts per unit, units without a contact, and judges per track', async () => {
    await grantRole(db, 'ou_file_judge', 'judge', 'T10');
    const card = await answer('成员');
    // Names are table cells (plain text, once); units without a contact come first, marked as such.
    for (const s of [
      '成员与角色',
      '赵六',
      '王五',
      '"unit":"黄浦（HP）","contacts":"张三"',
      '"unit":"静安（JA）","contacts":"李四、王五"',
      '"unit":"浦东（PD）","contacts":"（暂无 none）"',
      '"track":"T02 法治建设","judges":"赵六"',
      '"track":"T10 社会影响力","judges":"ou_file_judge［文件 file］"',
      '竞赛办［配置 config］',
    ]) {
      expect(card).toContain(s);
    }
    expect(card.indexOf('浦东（PD）')).toBeLessThan(card.indexOf('黄浦（HP）'));
  });

  it('the leadership may read it too', async () => {
    expect(await answer('members', [], 'ou_wang')).toContain('Members and roles');
  });
});

describe('解绑 / unbind', () => {
  it('removes the named grant and says exactly what', async () => {
    const reply = await answer('解绑 @_user_1 T03', [ZHAO]);
    expect(reply).toContain('✓ 赵六：已解除 T03 数字化转型赛道评委');
    expect((await grantsOf('ou_zhao')).map((g) => `${g.role}:${g.scope}`)).toEqual(['judge:T02', 'office:']);
    const [audit] = (await audits('role.revoke')).filter((a) => a.entityId === 'ou_zhao:judge:T03');
    expect(audit).toMatchObject({
      actor: OFFICE,
      before: { role: 'judge', scope: 'T03', source: 'chat' },
      after: null,
    });
  });

  it('a role word removes every grant of that role; nothing named removes every chat grant', async () => {
    expect(await answer('解绑 @_user_1 评委', [ZHAO])).toContain('✓ 赵六：已解除 T02 法治建设赛道评委');
    expect(await answer('unbind @_user_1', [ZHAO])).toContain('✓ 赵六: no longer competition office admin');
    expect(await grantsOf('ou_zhao')).toEqual([]);
    expect(await answer('解绑 @_user_1', [ZHAO])).toContain('· 赵六没有这个角色，未改动');
  });

  it('grants from the file stay unless named; named, they go, and the reply says the next load brings them back', async () => {
    await grantRole(db, 'ou_file', 'contact', 'BS');
    await answer('评委 @_user_1 T01', [{ open_id: 'ou_file', name: '孙八' }]);
    const all = await answer('解绑 @_user_1', [{ open_id: 'ou_file', name: '孙八' }]);
    expect(all).toContain('✓ 孙八：已解除 T01 深化体制改革赛道评委');
    expect(all).toContain(
      '· 孙八保留来自竞赛文件的宝山区城管执法局（BS）联络员；要解除，请写明，例如「解绑 @孙八 BS」',
    );
    const named = await answer('解绑 @_user_1 宝山', [{ open_id: 'ou_file', name: '孙八' }]);
    expect(named).toContain('✓ 孙八：已解除宝山区城管执法局（BS）联络员');
    expect(named).toContain('来自竞赛文件的角色会在下次加载竞赛文件（包括重启）时恢复');
    expect(await grantsOf('ou_file')).toEqual([]);
    const [audit] = (await audits('role.revoke')).filter((a) => a.entityId === 'ou_file:contact:BS');
    expect(audit).toMatchObject({ before: { source: 'file' }, after: { note: expect.stringContaining('next load') } });
  });

  it('an admin from BOT_ADMINS cannot be removed from chat', async () => {
    const reply = await answer('解绑 @_user_1 管理员', [{ open_id: OFFICE, name: '竞赛办' }]);
    expect(reply).toContain('· 竞赛办是配置 BOT_ADMINS 中的管理员，不能在聊天中解除；请修改配置');
    expect(await answer('成员')).toContain('成员与角色');
  });

  it('an unknown target says what can be written', async () => {
    expect(await answer('解绑 @_user_1 火星', [ZHANG])).toContain('「火星」不是角色、单位或赛道');
    expect(await grantsOf('ou_zhang')).toHaveLength(1);
  });
});

describe('chats: 本群绑定, 设为通知群, 本群解绑', () => {
  const chat = (id: string) =>
    db.db
      .selectFrom('chats')
      .select(['competition_id', 'purpose', 'unit_code', 'bot_present', 'chat_type'])
      .where('chat_id', '=', id)
      .executeTakeFirst();

  it('binds a group the bot has no record of to a unit, and audits it', async () => {
    expect(await chat('oc_hp_new')).toBeUndefined();
    const reply = await answerInGroup('oc_hp_new', '本群绑定 黄浦区');
    expect(reply).toContain('✓ 本群已设为黄浦区城管执法局（HP）的单位群。');
    expect(await chat('oc_hp_new')).toEqual({
      competition_id: 'shanghai-2024',
      purpose: 'unit',
      unit_code: 'HP',
      bot_present: 1,
      chat_type: 'group',
    });
    const [audit] = (await audits('chat.bind')).filter((a) => a.entityId === 'oc_hp_new');
    expect(audit).toMatchObject({ actor: OFFICE, before: { purpose: '' }, after: { purpose: 'unit', unitCode: 'HP' } });
    expect(await answerInGroup('oc_hp_new', 'bind chat HP')).toContain(
      'This group is already the group of 黄浦 (HP); nothing changed.',
    );
  });

  it('a unit has one group: binding another moves it, and says which group lost it', async () => {
    h.emu.emulator.ensureGroupChat('oc_hp_other', [OFFICE]);
    await h.lark.botAdded({ chatId: 'oc_hp_other', operator: OFFICE, name: '黄浦新群' });
    await h.settle();
    await answerInGroup('oc_hp_other', '本群绑定 HP');
    expect(textOf(h.emu.emulator.state.messages.at(-1))).toContain(
      '群「oc_hp_new」不再是黄浦区城管执法局（HP）的单位群（每个单位只有一个单位群）。',
    );
    expect((await chat('oc_hp_new'))?.purpose).toBe('');
    expect(await chat('oc_hp_other')).toMatchObject({ purpose: 'unit', unit_code: 'HP' });
  });

  it('the competition has one announcement group; a unit group made the announcement group stops being the unit group', async () => {
    expect(await answerInGroup('oc_all', '设为通知群')).toContain('✓ 本群已设为通知群。');
    const moved = await answerInGroup('oc_hp_other', 'announce here');
    expect(moved).toContain('✓ This group is now the announcement group.');
    expect(moved).toContain('It was the group of 黄浦 (HP) and no longer is.');
    expect(moved).toContain(
      'The group "oc_all" is no longer the announcement group (a competition has one announcement group).',
    );
    const purposes = await db.db
      .selectFrom('chats')
      .select(['chat_id', 'purpose', 'unit_code'])
      .where('purpose', '!=', '')
      .orderBy('chat_id')
      .execute();
    expect(purposes).toEqual([{ chat_id: 'oc_hp_other', purpose: 'announcement', unit_code: null }]);
  });

  it('本群解绑 clears the purpose', async () => {
    expect(await answerInGroup('oc_hp_other', '本群解绑')).toContain('✓ 本群不再是通知群。');
    expect((await chat('oc_hp_other'))?.purpose).toBe('');
    expect(await answerInGroup('oc_hp_other', '本群解绑')).toContain('本群没有绑定单位，也不是通知群，未改动。');
    expect((await audits('chat.unbind')).map((a) => a.entityId).sort()).toEqual(['oc_all', 'oc_hp_new', 'oc_hp_other']);
  });

  it('an ambiguous unit lists the candidates', async () => {
    expect(await answerInGroup('oc_x', '本群绑定 浦')).toContain(
      '「浦」可能是：浦东（PD）、黄浦（HP）、杨浦（YP）、青浦（QP）',
    );
    expect((await chat('oc_x'))?.purpose ?? '').toBe('');
  });

  it('is refused in a one-to-one chat, which it could not be about', async () => {
    const rows = await db.db.selectFrom('chats').selectAll().orderBy('chat_id').execute();
    expect(await answer('本群绑定 黄浦区')).toContain('「本群绑定」设置的是所在的群：请在那个群里 @我 发送。');
    expect(await answer('设为通知群')).toContain('"announce here" sets up the group it is sent in');
    expect(await answer('本群解绑')).toContain('请在那个群里 @我 发送');
    expect(await db.db.selectFrom('chats').selectAll().orderBy('chat_id').execute()).toEqual(rows);
  });
});

describe('help', () => {
  it('lists the new commands under the office heading for the office, and 成员 for the leadership', async () => {
    const office = await answer('帮助');
    for (const s of [
      '**竞赛办**',
      '**绑定** (bind)',
      '**评委** (judge)',
      '**领导** (leader)',
      '**管理员** (admin)',
      '**解绑** (unbind)',
      '**成员** (members)',
      '**本群绑定** (bind chat)',
      '**设为通知群** (announce here)',
      '**本群解绑** (unbind chat)',
    ]) {
      expect(office).toContain(s);
    }
    const leader = await answer('help', [], 'ou_wang');
    expect(leader).toContain('**成员** (members)');
    expect(leader).not.toContain('**绑定** (bind)');
    expect(leader).toContain('领导小组');
  });
});
