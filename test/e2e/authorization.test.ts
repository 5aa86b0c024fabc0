/**
 * The authorisation matrix: every chat command and every card action, attempted by every role and by a stranger,
 * in a one-to-one chat and in a group. Whoever is outside a command's audience gets a refusal in their language and
 * changes nothing; a contact of another unit or a judge of another track is refused by the handler and changes
 * nothing, whatever the card says. New commands and actions must be added here (the test fails on unknown ones).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARD_ACTIONS, COMMANDS } from '../../src/container';
import { inAudience, type Roles } from '../../src/features/people/roles';
import type { Project } from '../../src/features/registration/projects.repository';
import { json } from '../support/cards';
import { freshDatabase, type TestDatabase } from '../support/database';
import { at } from '../support/fixtures';
import { OFFICE, startHarness, type Harness } from '../support/harness';
import { bindUnitChat, grantRole, registerProject } from '../support/people';
import { newId } from '../../src/platform/ids';
import { toDbInstant } from '../../src/platform/instant';

const PERSONAS: Record<string, { openId: string; roles: Roles }> = {
  office: { openId: OFFICE, roles: { office: true, leader: false, contactOf: [], judgeOf: [] } },
  leader: { openId: 'ou_az_leader', roles: { office: false, leader: true, contactOf: [], judgeOf: [] } },
  contact: { openId: 'ou_az_contact_hp', roles: { office: false, leader: false, contactOf: ['HP'], judgeOf: [] } },
  otherContact: { openId: 'ou_az_contact_ja', roles: { office: false, leader: false, contactOf: ['JA'], judgeOf: [] } },
  judge: { openId: 'ou_az_judge_t02', roles: { office: false, leader: false, contactOf: [], judgeOf: ['T02'] } },
  stranger: { openId: 'ou_az_stranger', roles: { office: false, leader: false, contactOf: [], judgeOf: [] } },
};

/** Arguments that would make each command do its work for someone allowed. */
const COMMAND_ARGS: Record<string, { text: string; mentions?: boolean }> = {
  help: { text: '' },
  register: { text: '' },
  projects: { text: '' },
  registrations: { text: '' },
  progress: { text: '' },
  'self-evaluation': { text: '' },
  schedule: { text: '' },
  reports: { text: '' },
  reminders: { text: '' },
  'pause-reminders': { text: '黄浦' },
  'resume-reminders': { text: '静安' },
  bind: { text: '@_user_1 黄浦', mentions: true },
  judge: { text: '@_user_1 法治建设', mentions: true },
  leader: { text: '@_user_1', mentions: true },
  admin: { text: '@_user_1', mentions: true },
  unbind: { text: '@_user_1', mentions: true },
  members: { text: '' },
  'bind-chat': { text: '黄浦' },
  'announce-here': { text: '' },
  'unbind-chat': { text: '' },
  failures: { text: '' },
  score: { text: '' },
  ranking: { text: '' },
  'publish-rankings': { text: '' },
  export: { text: '' },
  awards: { text: '' },
  'announce-awards': { text: '' },
};

let db: TestDatabase;
let h: Harness;
let hp: Project;
/** In track T02, which the judge persona judges. */
let hpT02: Project;
/** Withdrawn by the withdrawal samples (so that the others keep an active project). */
let hpToWithdraw: Project;
/** A nomination of HP's T02 project: T02's judge, the office, HP's contact and the leadership each own a step of it. */
let hpAward: string;

/** Everything a command or an action could change (the outbox, receipts and inbox change with every message). */
async function state(): Promise<string> {
  const tables = ['role_grants', 'people', 'chats', 'projects', 'reports', 'self_evaluations', 'reminder_pauses', 'reminder_occurrences', 'scores', 'awards', 'audit_log'] as const;
  const out: Record<string, unknown> = {};
  for (const t of tables) out[t] = await db.db.selectFrom(t as 'audit_log').selectAll().execute();
  return JSON.stringify(out);
}

beforeAll(async () => {
  db = await freshDatabase();
  h = await startHarness(db, { now: at('2024-04-10 10:00:00') });
  await grantRole(db, PERSONAS.leader!.openId, 'leader');
  await grantRole(db, PERSONAS.contact!.openId, 'contact', 'HP');
  await grantRole(db, PERSONAS.otherContact!.openId, 'contact', 'JA');
  await grantRole(db, PERSONAS.judge!.openId, 'judge', 'T02');
  h.emu.emulator.ensureGroupChat('oc_az_group', Object.values(PERSONAS).map((p) => p.openId));
  await bindUnitChat(db, 'oc_az_hp', 'HP');
  h.emu.emulator.ensureGroupChat('oc_az_hp', [PERSONAS.contact!.openId]);
  hp = await registerProject(db, 'HP', 'T04', '黄浦项目');
  hpToWithdraw = await registerProject(db, 'HP', 'T06', '待撤回');
  hpT02 = await registerProject(db, 'HP', 'T02', '法治项目');
  hpAward = newId('awd');
  const now = toDbInstant(Date.now());
  await db.db.insertInto('awards').values({
    id: hpAward, competition_id: 'shanghai-2024', track_code: 'T02', kind: 'collective', project_id: hpT02.id, nominee_name: '法治项目 项目组', unit_code: 'HP', status: 'nominated',
    nominated_by: 'ou_az_someone', decided_by: null, created_at: now, updated_at: now, slot: 1, active_key: `collective|${hpT02.id}`, nominee_title: null, reason: '理由',
    materials: null, materials_links: null, materials_by: null, materials_at: null, allocated_by: null, decision_note: null, decided_at: null,
  }).execute();
});
afterAll(async () => {
  await h.close();
  await db.destroy();
});


describe('commands', () => {
  it('every command has a sample in this matrix', () => {
    expect(COMMANDS.map((c) => c.name).filter((n) => !(n in COMMAND_ARGS))).toEqual([]);
  });

  for (const spec of COMMANDS) {
    for (const [persona, p] of Object.entries(PERSONAS)) {
      const allowed = inAudience(p.roles, spec.audience);
      for (const chatType of ['p2p', 'group'] as const) {
        it(`${spec.name} by ${persona} in ${chatType}: ${allowed ? 'runs' : 'refused, no effect'}`, async () => {
          const sample = COMMAND_ARGS[spec.name]!;
          const before = allowed ? '' : await state();
          h.emu.emulator.reset();
          await h.lark.messageReceived({
            sender: p.openId,
            text: `${spec.words[0]} ${sample.text}`.trim(),
            ...(sample.mentions ? { mentions: [{ open_id: 'ou_az_target', name: '目标' }] } : {}),
            ...(chatType === 'group' ? { chatType: 'group', chatId: 'oc_az_group', mentionBot: true } : {}),
          });
          await h.settle();
          const replies = h.emu.emulator.state.messages.map((m) => json(m.content));
          expect(replies.length).toBeGreaterThan(0);
          if (allowed) {
            expect(replies.join()).not.toContain('你没有权限使用');
            expect(replies.join()).not.toContain('出了点问题');
          } else {
            expect(replies.join()).toContain(`你没有权限使用「${spec.words[0]}」`);
            expect(replies.join()).toContain('You may not use');
            expect(await state()).toBe(before);
          }
          expect(h.emu.emulator.state.violations).toEqual([]);
        });
      }
    }
  }
});

/** A value for each action, aimed at unit HP, track T02 or HP's project: only HP's contact (or T02's judge) owns it. */
function actionSample(name: string): { value: Record<string, unknown>; form?: Record<string, unknown>; owner: (roles: Roles) => boolean } | undefined {
  const hpContact = (r: Roles) => r.contactOf.includes('HP');
  const t02Judge = (r: Roles) => r.judgeOf.includes('T02');
  const reportForm = { period: '2024-05', work_done: 'w', results: 'r', completion: '10', evidence: '', problems: '' };
  const samples: Record<string, ReturnType<typeof actionSample>> = {
    'help.show': { value: { a: 'help.show' }, owner: () => true },
    'reg.open': { value: { a: 'reg.open', u: 'HP' }, owner: hpContact },
    'reg.submit': { value: { a: 'reg.submit', u: 'HP' }, form: { track: 'T05', name: `项目${Math.random()}`, lead: '乙', summary: 's', goals: 'g', phone: '' }, owner: hpContact },
    'reg.list': { value: { a: 'reg.list', u: 'HP' }, owner: hpContact },
    'reg.edit': { value: { a: 'reg.edit', p: hp.id }, owner: hpContact },
    'reg.save': { value: { a: 'reg.save', p: hp.id }, form: { name: '改名', lead: '乙', summary: 's', goals: 'g', phone: '' }, owner: hpContact },
    'reg.withdraw': { value: { a: 'reg.withdraw', p: hpToWithdraw.id }, owner: hpContact },
    'reg.withdraw.confirm': { value: { a: 'reg.withdraw.confirm', p: hpToWithdraw.id }, owner: hpContact },
    'rpt.open': { value: { a: 'rpt.open', p: hp.id }, owner: hpContact },
    'rpt.submit': { value: { a: 'rpt.submit', p: hp.id }, form: reportForm, owner: hpContact },
    'rpt.history': { value: { a: 'rpt.history', p: hp.id }, owner: (r) => hpContact(r) || r.office || r.leader },
    'rpt.overview': { value: { a: 'rpt.overview', period: '2024-05' }, owner: (r) => r.office || r.leader || r.judgeOf.length > 0 },
    'sev.open': { value: { a: 'sev.open', p: hp.id, period: 'midterm' }, owner: hpContact },
    'sev.submit': { value: { a: 'sev.submit', p: hp.id, period: 'midterm' }, form: { score_effectiveness: '1', score_results: '1', score_feasibility: '1', score_exemplary: '1', justification: 'j' }, owner: hpContact },
    'rem.snooze': { value: { a: 'rem.snooze', r: 'registration', k: 'registration', u: 'HP' }, owner: hpContact },
    'judge.list': { value: { a: 'judge.list', t: '*', o: 0 }, owner: (r) => r.judgeOf.length > 0 },
    'judge.open': { value: { a: 'judge.open', p: hpT02.id }, owner: t02Judge },
    'judge.submit': { value: { a: 'judge.submit', p: hpT02.id }, form: { score_effectiveness: '20', score_results: '20', score_feasibility: '20', score_exemplary: '20', comment: 'c' }, owner: t02Judge },
    'judge.recuse': { value: { a: 'judge.recuse', p: hpT02.id }, owner: t02Judge },
    'judge.recuse.submit': { value: { a: 'judge.recuse.submit', p: hpT02.id }, form: { reason: '亲属关系' }, owner: t02Judge },
    'rank.track': { value: { a: 'rank.track', t: 'T02', v: 0, o: 0 }, owner: (r) => r.office || r.leader || t02Judge(r) },
    'rank.overview': { value: { a: 'rank.overview', v: 0, o: 0 }, owner: (r) => r.office || r.leader },
    'award.nominate.open': { value: { a: 'award.nominate.open', t: 'T02' }, owner: t02Judge },
    'award.nominate': { value: { a: 'award.nominate', t: 'T02' }, form: { kind: 'individual', project: hpT02.id, nominee: '甲', title: '科长', reason: '理由' }, owner: t02Judge },
    'award.withdraw': { value: { a: 'award.withdraw', w: hpAward }, owner: t02Judge },
    'award.confirm': { value: { a: 'award.confirm', w: hpAward }, owner: (r) => r.office },
    'award.decline': { value: { a: 'award.decline', w: hpAward }, owner: (r) => r.office },
    'award.materials.open': { value: { a: 'award.materials.open', w: hpAward }, owner: hpContact },
    'award.materials': { value: { a: 'award.materials', w: hpAward }, form: { materials: '事迹', links: '' }, owner: hpContact },
    'award.decide.open': { value: { a: 'award.decide.open', w: hpAward }, owner: (r) => r.leader },
    'award.decide': { value: { a: 'award.decide', w: hpAward, d: 'approve' }, form: { note: '' }, owner: (r) => r.leader },
    'award.list': { value: { a: 'award.list' }, owner: (r) => r.office || r.leader || r.judgeOf.length > 0 || r.contactOf.length > 0 },
  };
  return samples[name];
}

describe('card actions', () => {
  it('every card action has a sample in this matrix', () => {
    expect(CARD_ACTIONS.map((a) => a.action).filter((n) => !actionSample(n))).toEqual([]);
  });

  for (const spec of CARD_ACTIONS) {
    for (const [persona, p] of Object.entries(PERSONAS)) {
      const inAud = inAudience(p.roles, spec.audience);
      it(`${spec.action} by ${persona}: ${inAud ? 'reaches the handler' : 'refused by role, no effect'}`, async () => {
        const sample = actionSample(spec.action)!;
        await h.lark.messageReceived({ sender: p.openId, text: 'help' });
        await h.settle();
        const card = h.emu.emulator.state.messages.at(-1)!;
        const before = inAud && sample.owner(p.roles) ? '' : await state();
        // Forged on purpose: every action's value (and form) posted by hand on the help card, whatever it shows.
        const d = await h.lark.cardAction({ messageId: card.messageId, operator: p.openId, value: sample.value, formValue: sample.form });
        expect(d.reply.status).toBe(200);
        expect(d.clientError).toBeUndefined();
        if (!inAud) {
          expect(json(d.toast)).toContain('你没有权限进行这个操作');
          expect(d.card).toBeUndefined();
          expect(await state()).toBe(before);
        } else if (!sample.owner(p.roles)) {
          // In the audience but not the owner of this unit, project or track: the handler refuses, nothing changes.
          expect(d.toast).toMatchObject({ type: 'error' });
          expect(d.card).toBeUndefined();
          expect(json(d.toast)).not.toContain('出了点问题');
          expect(await state()).toBe(before);
        } else {
          expect(json(d.toast)).not.toContain('你没有权限');
          expect(json(d.toast)).not.toContain('出了点问题');
        }
      });
    }
  }
});
