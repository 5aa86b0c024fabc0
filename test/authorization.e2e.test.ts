/**
 * The authorisation matrix: every chat command and every card action, attempted by each of seven roles (the office,
 * the leadership, a judge of the track and of another, a contact of the unit and of another, a stranger), commands
 * in a one-to-one chat and in a group. Whoever is outside a command's audience gets a refusal in their language and
 * changes nothing; a contact of another unit or a judge of another track is refused by the handler and changes
 * nothing, whatever the card says. New commands and actions must be added here (the test fails on unknown ones).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARD_ACTIONS, COMMANDS } from '../src/container';
import { inAudience, type Roles } from '../src/core/roles';
import type { Project } from '../src/core/projects.repository';
import type { Card } from '../cards/kit';
import { json } from './support/cards';
import { cardFaults, TYPED_MARK } from './support/card-checks';
import { freshDatabase, type TestDatabase } from './support/database';
import { at } from './support/fixtures';
import { OFFICE, startHarness, type Harness } from './support/harness';
import { bindUnitChat, grantRole, registerProject } from './support/people';
import { newId } from '../src/platform/ids';
import { toDbInstant } from '../src/platform/instant';
import { insertComment } from '../src/features/guidance/guidance.repository';

/** The seven roles: the office, the leadership, a judge of the track and one of another, a contact of the unit and one of another, a stranger. */
const PERSONAS: Record<string, { openId: string; roles: Roles }> = {
  office: { openId: OFFICE, roles: { office: true, leader: false, contactOf: [], judgeOf: [] } },
  leader: { openId: 'ou_az_leader', roles: { office: false, leader: true, contactOf: [], judgeOf: [] } },
  judge: { openId: 'ou_az_judge_t02', roles: { office: false, leader: false, contactOf: [], judgeOf: ['T02'] } },
  otherJudge: { openId: 'ou_az_judge_t03', roles: { office: false, leader: false, contactOf: [], judgeOf: ['T03'] } },
  contact: { openId: 'ou_az_contact_hp', roles: { office: false, leader: false, contactOf: ['HP'], judgeOf: [] } },
  otherContact: { openId: 'ou_az_contact_ja', roles: { office: false, leader: false, contactOf: ['JA'], judgeOf: [] } },
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

/** Everything a command or an action could change (the outbox, receipts and inbox change with every message). */
async function state(): Promise<string> {
  const tables = [
    'role_grants',
    'people',
    'chats',
    'projects',
    'reports',
    'self_evaluations',
    'reminder_pauses',
    'reminder_occurrences',
    'scores',
    'awards',
    'guidance_comments',
    'guidance_answers',
    'attachments',
    'audit_log',
  ] as const;
  const out: Record<string, unknown> = {};
  for (const t of tables)
    out[t] = await db.db
      .selectFrom(t as 'audit_log')
      .selectAll()
      .execute();
  return JSON.stringify(out);
}

beforeAll(async () => {
  db = await freshDatabase();
  h = await startHarness(db, { now: at('2024-04-10 10:00:00') });
  await grantRole(db, PERSONAS.leader!.openId, 'leader');
  await grantRole(db, PERSONAS.contact!.openId, 'contact', 'HP');
  await grantRole(db, PERSONAS.otherContact!.openId, 'contact', 'JA');
  await grantRole(db, PERSONAS.judge!.openId, 'judge', 'T02');
  await grantRole(db, PERSONAS.otherJudge!.openId, 'judge', 'T03');
  h.emu.emulator.ensureGroupChat(
    'oc_az_group',
    Object.values(PERSONAS).map((p) => p.openId),
  );
  await bindUnitChat(db, 'oc_az_hp', 'HP');
  h.emu.emulator.ensureGroupChat('oc_az_hp', [PERSONAS.contact!.openId]);
  hp = await registerProject(db, 'HP', 'T04', '黄浦项目');
  hpToWithdraw = await registerProject(db, 'HP', 'T06', '待撤回');
  hpT02 = await registerProject(db, 'HP', 'T02', '法治项目');
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

describe('what people type is echoed only as plain text', () => {
  // A typed argument that would notify everyone and plant a link if it reached markup; TYPED_MARK finds it in cards.
  const HOSTILE = `${TYPED_MARK}<at user_id="all"></at><at id=all></at>[点我](javascript:alert(1))**粗**`;
  const leaks = (m: { msgType: string; content: unknown }): string[] => {
    if (m.msgType === 'text') {
      const t = String((m.content as { text?: unknown }).text ?? '');
      return ['<at', '](', '[点我]']
        .filter((x) => t.includes(x))
        .map((x) => `text message echoes ${x}: ${t.slice(0, 120)}`);
    }
    return m.msgType === 'interactive' ? cardFaults(m.content as Card).filter((f) => f.includes('typed text')) : [];
  };
  for (const spec of COMMANDS) {
    for (const chatType of ['p2p', 'group'] as const) {
      it(`${spec.name} with a hostile argument in ${chatType}, by everyone who may use it`, async () => {
        h.container.clock.set(at('2024-11-05 10:00:00'));
        for (const p of Object.values(PERSONAS).filter((x) => inAudience(x.roles, spec.audience))) {
          h.emu.emulator.reset();
          await h.lark.messageReceived({
            sender: p.openId,
            text: `${spec.words[0]} ${HOSTILE}`,
            ...(chatType === 'group' ? { chatType: 'group', chatId: 'oc_az_group', mentionBot: true } : {}),
          });
          await h.settle();
          expect(h.emu.emulator.state.messages.length).toBeGreaterThan(0);
          expect(h.emu.emulator.state.messages.flatMap(leaks)).toEqual([]);
        }
      });
    }
  }
  it('an unknown command made of markup, in a group', async () => {
    h.emu.emulator.reset();
    await h.lark.messageReceived({
      sender: PERSONAS.stranger!.openId,
      text: HOSTILE,
      chatType: 'group',
      chatId: 'oc_az_group',
      mentionBot: true,
    });
    await h.settle();
    expect(h.emu.emulator.state.messages.length).toBeGreaterThan(0);
    expect(h.emu.emulator.state.messages.flatMap(leaks)).toEqual([]);
  });
});

/**
 * One case per card action: when it is tried (inside its window), what it is aimed at (unit HP, track T02, HP's
 * project, an award in the status the step starts from), and who owns it. The owner's attempt must work; anyone
 * else in the audience must be refused by the handler, changing nothing.
 */
interface ActionCase {
  /** Local time of the attempt: inside the step's window, so that only the role decides. */
  at: string;
  /** Built when the test runs (the projects exist only then). */
  value: () => Record<string, unknown>;
  form?: () => Record<string, unknown>;
  owner: (roles: Roles) => boolean;
  /** Builds what the value is aimed at before each attempt (an award in the right status), returning value fields. */
  prepare?: () => Promise<Record<string, unknown>>;
}

/** A fresh award of HP's T02 project in `status`, nominated by someone else and (once allocated) confirmed by the office. */
async function award(status: 'nominated' | 'allocated' | 'materials_submitted'): Promise<Record<string, unknown>> {
  const id = newId('awd');
  const now = toDbInstant(Date.now());
  await db.db
    .insertInto('awards')
    .values({
      id,
      competition_id: 'shanghai-2024',
      track_code: 'T02',
      kind: 'individual',
      project_id: hpT02.id,
      nominee_name: `候选人${id.slice(-6)}`,
      unit_code: 'HP',
      status,
      nominated_by: 'ou_az_someone',
      decided_by: null,
      created_at: now,
      updated_at: now,
      slot: null,
      active_key: null,
      nominee_title: '科长',
      reason: '理由',
      materials: status === 'materials_submitted' ? '事迹' : null,
      materials_links: null,
      materials_by: null,
      materials_at: null,
      allocated_by: status === 'nominated' ? null : OFFICE,
      decision_note: null,
      decided_at: null,
    })
    .execute();
  return { w: id };
}

/** HP's T02 project has a May report (once), so that a judge of T02 has something to comment on. */
async function hpT02Report(): Promise<Record<string, unknown>> {
  const id = 'rpt_azhpt02may000000001';
  if (await db.db.selectFrom('reports').select('id').where('id', '=', id).executeTakeFirst()) return {};
  await db.db
    .insertInto('reports')
    .values({
      id,
      competition_id: 'shanghai-2024',
      project_id: hpT02.id,
      period_code: '2024-05',
      revision: 1,
      work_done: 'w',
      results: 'r',
      completion: 10,
      evidence: '[]',
      problems: '',
      late: 0,
      submitted_by: 'ou_az_someone',
      submitted_at: toDbInstant(Date.parse('2024-05-09T10:00:00+08:00')),
    })
    .execute();
  return {};
}

/** A fresh comment on that report, asking HP to answer, written by another judge of T02. */
async function hpT02Comment(): Promise<Record<string, unknown>> {
  await hpT02Report();
  const { comment } = await insertComment(db.db, {
    competitionId: 'shanghai-2024',
    projectId: hpT02.id,
    period: '2024-05',
    subject: 'report',
    authorOpenId: 'ou_az_judge_someone',
    body: '请补充数据',
    needsAnswer: true,
    formKey: formKey(),
    at: h.container.clock.now(),
  });
  return { c: comment.id };
}

/** A form's key, as a form is built with one. */
const formKey = () => newId('k').slice(2);

function actionCase(name: string): ActionCase | undefined {
  const hpContact = (r: Roles) => r.contactOf.includes('HP');
  const t02Judge = (r: Roles) => r.judgeOf.includes('T02');
  const oversight = (r: Roles) => r.office || r.leader;
  const reportForm = { period: '2024-05', work_done: 'w', results: 'r', completion: '10', evidence: '', problems: '' };
  const APRIL = '2024-04-10 10:00:00';
  const MAY = '2024-05-10 10:00:00';
  const JULY = '2024-07-10 10:00:00';
  const NOVEMBER = '2024-11-05 10:00:00';
  const cases: Record<string, ActionCase> = {
    'help.show': { at: APRIL, value: () => ({ a: 'help.show' }), owner: () => true },
    // Evidence files: a contact of the project's unit detaches; its readers (the unit, the track's judges, the office,
    // the leadership) have the bot forward one.
    'att.remove': { at: MAY, value: () => ({ a: 'att.remove' }), prepare: hpT02Attachment, owner: hpContact },
    'att.open': {
      at: MAY,
      value: () => ({ a: 'att.open' }),
      prepare: hpT02Attachment,
      owner: (r) => hpContact(r) || t02Judge(r) || oversight(r),
    },
    'reg.open': { at: APRIL, value: () => ({ a: 'reg.open', u: 'HP' }), owner: hpContact },
    'reg.submit': {
      at: APRIL,
      value: () => ({ a: 'reg.submit', u: 'HP' }),
      form: () => ({ track: 'T05', name: `项目${Math.random()}`, lead: '乙', summary: 's', goals: 'g', phone: '' }),
      owner: hpContact,
    },
    'reg.list': { at: APRIL, value: () => ({ a: 'reg.list', u: 'HP' }), owner: hpContact },
    'reg.edit': { at: APRIL, value: () => ({ a: 'reg.edit', p: hp.id }), owner: hpContact },
    'reg.save': {
      at: APRIL,
      value: () => ({ a: 'reg.save', p: hp.id }),
      form: () => ({ name: '改名', lead: '乙', summary: 's', goals: 'g', phone: '' }),
      owner: hpContact,
    },
    'reg.withdraw': { at: APRIL, value: () => ({ a: 'reg.withdraw', p: hpToWithdraw.id }), owner: hpContact },
    'reg.withdraw.confirm': {
      at: APRIL,
      value: () => ({ a: 'reg.withdraw.confirm', p: hpToWithdraw.id }),
      owner: hpContact,
    },
    'rpt.open': { at: MAY, value: () => ({ a: 'rpt.open', p: hp.id }), owner: hpContact },
    'rpt.submit': { at: MAY, value: () => ({ a: 'rpt.submit', p: hp.id }), form: () => reportForm, owner: hpContact },
    'rpt.history': {
      at: MAY,
      value: () => ({ a: 'rpt.history', p: hp.id }),
      owner: (r) => hpContact(r) || oversight(r),
    },
    'rpt.guidance': {
      at: MAY,
      value: () => ({ a: 'rpt.guidance', p: hp.id, period: '2024-05' }),
      owner: (r) => hpContact(r) || oversight(r),
    },
    'rpt.files': {
      at: MAY,
      value: () => ({ a: 'rpt.files', p: hp.id, period: '2024-05' }),
      owner: (r) => hpContact(r) || oversight(r),
    },
    'rpt.overview': {
      at: MAY,
      value: () => ({ a: 'rpt.overview', period: '2024-05' }),
      owner: (r) => oversight(r) || r.judgeOf.length > 0,
    },
    'sev.open': { at: JULY, value: () => ({ a: 'sev.open', p: hp.id, period: 'midterm' }), owner: hpContact },
    'sev.submit': {
      at: JULY,
      value: () => ({ a: 'sev.submit', p: hp.id, period: 'midterm' }),
      form: () => ({
        score_effectiveness: '1',
        score_results: '1',
        score_feasibility: '1',
        score_exemplary: '1',
        justification: 'j',
      }),
      owner: hpContact,
    },
    'rem.snooze': {
      at: APRIL,
      value: () => ({ a: 'rem.snooze', r: 'registration', k: 'registration', u: 'HP' }),
      owner: hpContact,
    },
    'rem.open': { at: MAY, value: () => ({ a: 'rem.open', r: 'report', k: '2024-05', u: 'HP' }), owner: hpContact },
    'judge.list': {
      at: NOVEMBER,
      value: () => ({ a: 'judge.list', t: '*', o: 0 }),
      owner: (r) => r.judgeOf.length > 0,
    },
    'judge.open': { at: NOVEMBER, value: () => ({ a: 'judge.open', p: hpT02.id }), owner: t02Judge },
    'judge.submit': {
      at: NOVEMBER,
      value: () => ({ a: 'judge.submit', p: hpT02.id }),
      form: () => ({
        score_effectiveness: '20',
        score_results: '20',
        score_feasibility: '20',
        score_exemplary: '20',
        comment: 'c',
      }),
      owner: t02Judge,
    },
    'judge.recuse': { at: NOVEMBER, value: () => ({ a: 'judge.recuse', p: hpT02.id }), owner: t02Judge },
    'judge.recuse.submit': {
      at: NOVEMBER,
      value: () => ({ a: 'judge.recuse.submit', p: hpT02.id }),
      form: () => ({ reason: '亲属关系' }),
      owner: t02Judge,
    },
    'rank.track': {
      at: NOVEMBER,
      value: () => ({ a: 'rank.track', t: 'T02', v: 0, o: 0 }),
      owner: (r) => oversight(r) || t02Judge(r),
    },
    'rank.overview': { at: NOVEMBER, value: () => ({ a: 'rank.overview', v: 0, o: 0 }), owner: oversight },
    'award.nominate.open': { at: NOVEMBER, value: () => ({ a: 'award.nominate.open', t: 'T02' }), owner: t02Judge },
    'award.nominate': {
      at: NOVEMBER,
      value: () => ({ a: 'award.nominate', t: 'T02' }),
      form: () => ({ kind: 'collective', project: hpT02.id, nominee: '', title: '', reason: '理由' }),
      owner: t02Judge,
    },
    'award.withdraw': {
      at: NOVEMBER,
      value: () => ({ a: 'award.withdraw' }),
      prepare: () => award('nominated'),
      owner: t02Judge,
    },
    'award.confirm': {
      at: NOVEMBER,
      value: () => ({ a: 'award.confirm' }),
      prepare: () => award('nominated'),
      owner: (r) => r.office,
    },
    'award.decline': {
      at: NOVEMBER,
      value: () => ({ a: 'award.decline' }),
      prepare: () => award('nominated'),
      owner: (r) => r.office,
    },
    'award.materials.open': {
      at: NOVEMBER,
      value: () => ({ a: 'award.materials.open' }),
      prepare: () => award('allocated'),
      owner: hpContact,
    },
    'award.materials': {
      at: NOVEMBER,
      value: () => ({ a: 'award.materials' }),
      prepare: () => award('allocated'),
      form: () => ({ materials: '事迹', links: '' }),
      owner: hpContact,
    },
    // The leadership group alone decides; the office, which confirms places, may not also approve them.
    'award.decide.open': {
      at: NOVEMBER,
      value: () => ({ a: 'award.decide.open' }),
      prepare: () => award('materials_submitted'),
      owner: (r) => r.leader,
    },
    'award.decide': {
      at: NOVEMBER,
      value: () => ({ a: 'award.decide', d: 'approve' }),
      prepare: () => award('materials_submitted'),
      form: () => ({ note: '' }),
      owner: (r) => r.leader,
    },
    'award.list': {
      at: NOVEMBER,
      value: () => ({ a: 'award.list' }),
      owner: (r) => oversight(r) || r.judgeOf.length > 0 || r.contactOf.length > 0,
    },
    // Guidance: a judge of the project's track comments; a contact of its unit answers.
    'gd.open': {
      at: MAY,
      value: () => ({ a: 'gd.open', p: hpT02.id, period: '2024-05', s: 'report' }),
      prepare: hpT02Report,
      owner: t02Judge,
    },
    'gd.submit': {
      at: MAY,
      value: () => ({ a: 'gd.submit', p: hpT02.id, period: '2024-05', s: 'report', k: formKey(), ask: 1 }),
      prepare: hpT02Report,
      form: () => ({ guidance: '请补充数据' }),
      owner: t02Judge,
    },
    'gd.answer': {
      at: MAY,
      value: () => ({ a: 'gd.answer', k: formKey() }),
      prepare: hpT02Comment,
      form: () => ({ answer: '已补充' }),
      owner: hpContact,
    },
    'gd.reply': {
      at: MAY,
      value: () => ({ a: 'gd.reply' }),
      prepare: hpT02Comment,
      owner: hpContact,
    },
    'gd.thread': {
      at: MAY,
      value: () => ({ a: 'gd.thread' }),
      prepare: hpT02Comment,
      owner: (r) => hpContact(r) || t02Judge(r) || oversight(r),
    },
  };
  return cases[name];
}

describe('card actions', () => {
  it('every card action has a case in this matrix', () => {
    expect(CARD_ACTIONS.map((a) => a.action).filter((n) => !actionCase(n))).toEqual([]);
  });

  for (const spec of CARD_ACTIONS) {
    for (const [persona, p] of Object.entries(PERSONAS)) {
      const inAud = inAudience(p.roles, spec.audience);
      const owns = actionCase(spec.action)?.owner(p.roles) ?? false;
      it(`${spec.action} by ${persona}: ${!inAud ? 'refused by role, no effect' : owns ? 'works' : 'refused by the handler, no effect'}`, async () => {
        const c = actionCase(spec.action)!;
        h.container.clock.set(at(c.at));
        const value = { ...c.value(), ...(await c.prepare?.()) };
        await h.lark.messageReceived({ sender: p.openId, text: 'help' });
        await h.settle();
        const card = h.emu.emulator.state.messages.at(-1)!;
        const before = inAud && owns ? '' : await state();
        // Forged on purpose: every action's value (and form) posted by hand on the help card, whatever it shows.
        const d = await h.lark.cardAction({
          messageId: card.messageId,
          operator: p.openId,
          value,
          formValue: c.form?.(),
        });
        expect(d.reply.status).toBe(200);
        expect(d.clientError).toBeUndefined();
        expect(json(d.toast)).not.toContain('出了点问题');
        if (!inAud) {
          expect(json(d.toast)).toContain('你没有权限进行这个操作');
          expect(d.card).toBeUndefined();
          expect(await state()).toBe(before);
        } else if (!owns) {
          // In the audience but not the owner of this unit, project, track or step: refused, nothing changes.
          expect(d.toast).toMatchObject({ type: 'error' });
          expect(d.card).toBeUndefined();
          expect(await state()).toBe(before);
        } else {
          // The owner's attempt works: no refusal of any kind.
          expect((d.toast as { type?: string } | undefined)?.type, json(d.toast)).not.toBe('error');
        }
      });
    }
  }
});

/**
 * A fresh file on HP's T02 May report: a real file message in the emulator (so that a forward of it reaches the
 * reader), with its attachment row. Sent by someone with no receipt to attach it to, so that the intake leaves it.
 */
async function hpT02Attachment(): Promise<Record<string, unknown>> {
  await hpT02Report();
  const sent = await h.lark.messageReceived({
    sender: 'ou_az_file_sender',
    file: { name: '证据.pdf', bytes: new Uint8Array(100) },
  });
  await h.settle();
  const message = (sent.payload.event as { message: { message_id: string; content: string } }).message;
  const id = newId('att');
  await db.db
    .insertInto('attachments')
    .values({
      id,
      competition_id: 'shanghai-2024',
      project_id: hpT02.id,
      subject: 'report',
      subject_key: '2024-05',
      message_id: message.message_id,
      resource_key: (JSON.parse(message.content) as { file_key: string }).file_key,
      resource_type: 'file',
      file_name: '证据.pdf',
      size_bytes: 100,
      content_type: 'application/pdf',
      added_by: PERSONAS.contact!.openId,
      added_at: toDbInstant(h.container.clock.now()),
      removed_by: null,
      removed_at: null,
    })
    .execute();
  return { id };
}
