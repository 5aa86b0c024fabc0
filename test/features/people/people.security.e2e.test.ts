/**
 * Who may bind: every binding and chat command tried by a stranger, a unit contact, a judge and a leader is refused
 * with an explanation and changes nothing in the database; 成员 is for the leadership and the office only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../support/database';
import { OFFICE, startHarness, type Harness } from '../../support/harness';
import { grantRole } from '../../support/people';

const STRANGER = 'ou_stranger';
const CONTACT = 'ou_contact_hp';
const JUDGE = 'ou_judge_t02';
const LEADER = 'ou_leader';
const TARGET = { open_id: 'ou_target', name: '目标' };

let db: TestDatabase;
let h: Harness;
beforeAll(async () => {
  db = await freshDatabase();
  h = await startHarness(db);
  await grantRole(db, CONTACT, 'contact', 'HP');
  await grantRole(db, JUDGE, 'judge', 'T02');
  await grantRole(db, LEADER, 'leader');
  await grantRole(db, TARGET.open_id, 'contact', 'JA');
});
afterAll(async () => {
  await h.close();
  await db.destroy();
});

/** Everything a command could change. */
async function snapshot() {
  const [grants, chats, audit, people] = await Promise.all([
    db.db
      .selectFrom('role_grants')
      .select(['open_id', 'role', 'scope', 'source'])
      .orderBy('open_id')
      .orderBy('role')
      .orderBy('scope')
      .execute(),
    db.db
      .selectFrom('chats')
      .select(['chat_id', 'purpose', 'unit_code', 'competition_id'])
      .orderBy('chat_id')
      .execute(),
    db.db.selectFrom('audit_log').select(['id']).orderBy('id').execute(),
    db.db.selectFrom('people').select(['open_id', 'name']).orderBy('open_id').execute(),
  ]);
  return { grants, chats, audit, people };
}

const OFFICE_COMMANDS: Array<{ text: string; word: string; group?: boolean; mention?: boolean }> = [
  { text: '绑定 @_user_1 黄浦区', word: '绑定', mention: true },
  { text: 'bind @_user_1 HP', word: '绑定', mention: true },
  { text: '评委 @_user_1 法治建设', word: '评委', mention: true },
  { text: '领导 @_user_1', word: '领导', mention: true },
  { text: '管理员 @_user_1', word: '管理员', mention: true },
  { text: 'admin @_user_1', word: '管理员', mention: true },
  { text: '解绑 @_user_1', word: '解绑', mention: true },
  { text: '解绑 @_user_1 静安', word: '解绑', mention: true },
  { text: '本群绑定 黄浦区', word: '本群绑定', group: true },
  { text: '设为通知群', word: '设为通知群', group: true },
  { text: '本群解绑', word: '本群解绑', group: true },
];

describe('office-only commands', () => {
  for (const who of [STRANGER, CONTACT, JUDGE, LEADER]) {
    for (const c of OFFICE_COMMANDS) {
      it(`${who}: "${c.text}"${c.group ? ' in a group' : ''} is refused and changes nothing`, async () => {
        h.emu.emulator.reset();
        const before = await snapshot();
        if (c.group) {
          h.emu.emulator.ensureGroupChat('oc_some_group', [who]);
          await h.lark.messageReceived({
            sender: who,
            text: c.text,
            chatType: 'group',
            chatId: 'oc_some_group',
            mentionBot: true,
          });
        } else {
          await h.lark.messageReceived({ sender: who, text: c.text, mentions: c.mention ? [TARGET] : [] });
        }
        await h.settle();
        const replies = h.emu.emulator.state.messages;
        expect(replies).toHaveLength(1);
        expect((replies[0]!.content as { text: string }).text).toContain(`你没有权限使用「${c.word}」`);
        expect(await snapshot()).toEqual(before);
      });
    }
  }
});

describe('成员 / members', () => {
  for (const who of [STRANGER, CONTACT, JUDGE]) {
    it(`${who} may not see who holds which role`, async () => {
      h.emu.emulator.reset();
      await h.lark.messageReceived({ sender: who, text: '成员' });
      await h.settle();
      expect((h.emu.emulator.state.messages[0]!.content as { text: string }).text).toContain('你没有权限使用「成员」');
    });
  }

  it('the leadership may', async () => {
    h.emu.emulator.reset();
    await h.lark.messageReceived({ sender: LEADER, text: '成员' });
    await h.settle();
    expect(JSON.stringify(h.emu.emulator.state.messages[0]!.content)).toContain('成员与角色');
  });
});

describe('text people type is shown, never executed or rendered', () => {
  it('markup and SQL in a unit name come back as plain, harmless text', async () => {
    h.emu.emulator.reset();
    const before = await snapshot();
    await h.lark.messageReceived({
      sender: OFFICE,
      text: `绑定 @_user_1 <at user_id="all">所有人</at>'; DROP TABLE role_grants; --`,
      mentions: [TARGET],
    });
    await h.settle();
    const reply = (h.emu.emulator.state.messages[0]!.content as { text: string }).text;
    expect(reply).not.toContain('<at');
    expect(reply).toContain('＜at user_id="all"＞');
    expect((await snapshot()).grants).toEqual(before.grants);
  });
});
