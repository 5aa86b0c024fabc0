/**
 * Registration through chat and cards: `报名` answers the form, a submit is checked on the server (stage open,
 * operator is a contact of the unit, slot free, fields valid, name unused) and answered with the confirmation card or
 * a toast that says what to fix; `我的项目` lists the unit's projects with edit and withdraw; `报名情况` gives the
 * office the unit × track overview. Nothing a card carries is trusted: unit and project ids are re-checked. The
 * buttons that open a list, a form or a confirmation answer in place one-to-one; on a card in the unit's group they
 * leave it as it is and send the answer to the clicker one-to-one (answerClick): a person's form is theirs.
 */
import {
  confirmWithdrawCard,
  editForm,
  projectsCard,
  registeredCard,
  registrationForm,
  registrationsCard,
  unitNoticeCard,
  withdrawnCard,
  type ProjectView,
  type UnitRef,
} from '../../../cards/registration';
import { button, card, markdown } from '../../../cards/kit';
import { startOfLocalDay } from '../../competition/calendar';
import { type Competition, isStageOpen, stageByCode, trackByCode, unitByCode } from '../../competition/competition';
import type { BotServices, CardActionSpec, CardResponse, CommandSpec } from '../../lark/handlers';
import { answerClick } from '../../lark/group-click';
import { refuse } from '../../platform/errors';
import { text } from '../../platform/i18n';
import type { Roles } from '../../core/roles';
import type { Project } from '../../core/projects.repository';
import { registrationOverview } from './registration.rules';
import { parseProjectFields, parseRegistration } from '../../../cards/registration.form';
import { nameKey, type ProjectFields } from '../../core/projects';
import { problemsText } from '../../core/forms';

function unitRef(c: Competition, code: string): UnitRef {
  const u = unitByCode(c, code);
  return { code, name: u?.shortName ?? code };
}

function projectView(c: Competition, p: Project): ProjectView {
  const t = trackByCode(c, p.track);
  return {
    id: p.id,
    code: p.code,
    track: p.track,
    trackName: t?.name ?? p.track,
    trackNameEn: t?.nameEn ?? p.track,
    name: p.name,
    lead: p.lead,
    summary: p.summary,
    goals: p.goals,
    phone: p.phone,
  };
}

const closesOn = (c: Competition) => stageByCode(c, 'registration').end;

/** Registration changes are possible only while the registration stage is open, in the competition's time zone. */
function requireRegistrationOpen(c: Competition, now: number): void {
  if (isStageOpen(c, 'registration', now)) return;
  const s = stageByCode(c, 'registration');
  if (now < startOfLocalDay(s.start, c.timeZone))
    refuse(
      'registration.not_open',
      `报名 ${s.start} 才开始，届时再来。`,
      `Registration opens on ${s.start}; come back then.`,
    );
  refuse(
    'registration.closed',
    `报名已于 ${s.end} 截止，不能再报名、修改或撤回。如有特殊情况请联系竞赛办。`,
    `Registration closed at the end of ${s.end}: projects can no longer be registered, edited or withdrawn. Contact the competition office if something is wrong.`,
  );
}

/** The operator must be a contact of this unit: a card forwarded to someone else, or a stale role, stops here. */
function requireContactOf(c: Competition, roles: Roles, unit: string): void {
  if (roles.contactOf.includes(unit)) return;
  const name = unitRef(c, unit).name;
  refuse(
    'registration.not_contact',
    `这张卡片属于${name}，只有${name}的联络员可以操作。`,
    `This card belongs to ${name}; only ${name}'s contacts can use it.`,
  );
}

async function loadProject(s: BotServices, c: Competition, roles: Roles, id: string): Promise<Project> {
  const p = await s.repos.projects.findProject(s.competitionId, id);
  if (!p)
    refuse(
      'registration.no_project',
      '找不到这个项目，可能已被删除。发送「我的项目」查看最新情况。',
      'This project no longer exists. Send "projects" to see the current list.',
    );
  requireContactOf(c, roles, p!.unit);
  if (p!.status !== 'active')
    refuse(
      'registration.withdrawn',
      `项目 ${p!.code} 已撤回。发送「我的项目」查看最新情况。`,
      `Project ${p!.code} has been withdrawn. Send "projects" to see the current list.`,
    );
  return p!;
}

async function formFor(s: BotServices, c: Competition, unit: string) {
  const counts = await s.repos.projects.activeCountsOf(s.competitionId, unit);
  const limit = c.file.projectsPerUnitPerTrack;
  const tracks = c.file.tracks.map((t) => ({
    code: t.code,
    name: t.name,
    nameEn: t.nameEn,
    left: Math.max(0, limit - (counts.get(t.code) ?? 0)),
  }));
  if (tracks.every((t) => t.left === 0)) {
    refuse(
      'registration.all_full',
      `${unitRef(c, unit).name}在每个赛道都已报满 ${limit} 个项目。要换项目，请先在「我的项目」里撤回一个。`,
      `${unitRef(c, unit).name} has ${limit} projects in every track. To enter another, withdraw one first (send "projects").`,
    );
  }
  return registrationForm({ unit: unitRef(c, unit), tracks, closesOn: closesOn(c), limit });
}

async function listFor(s: BotServices, c: Competition, unit: string, offset = 0) {
  const projects = await s.repos.projects.activeProjectsOf(s.competitionId, unit);
  const limit = c.file.projectsPerUnitPerTrack;
  return projectsCard({
    unit: unitRef(c, unit),
    projects: projects.map((p) => projectView(c, p)),
    open: isStageOpen(c, 'registration', s.clock.now()),
    closesOn: closesOn(c),
    canAddMore: projects.length < limit * c.file.tracks.length,
    offset,
  });
}

/** Which unit a command is about: the unit of the group it is said in, or the sender's one unit, or the one named. */
async function unitForCommand(
  s: BotServices,
  c: Competition,
  roles: Roles,
  chatType: 'p2p' | 'group',
  chatId: string,
  args: string[],
): Promise<string[]> {
  if (chatType === 'group') {
    const chat = await s.repos.chats.findChatBinding(chatId);
    if (chat?.purpose === 'unit' && chat.unitCode) {
      requireContactOf(c, roles, chat.unitCode);
      return [chat.unitCode];
    }
    refuse(
      'registration.wrong_group',
      '请在一对一聊天中，或在本单位的群里使用这个命令。',
      "Use this command in a one-to-one chat with me, or in your unit's group.",
    );
  }
  const wanted = args.join('').trim();
  if (wanted) {
    const match = roles.contactOf.filter((code) => {
      const u = unitByCode(c, code);
      return (
        code === wanted.toUpperCase() || u?.name === wanted || u?.shortName === wanted || u?.aliases.includes(wanted)
      );
    });
    if (match.length) return match;
  }
  return [...roles.contactOf];
}

export const registerCommand: CommandSpec = {
  name: 'register',
  words: ['报名', 'register'],
  summary: text('为本单位报名项目（表单卡片）', 'Register a project for your unit (a form card)'),
  audience: 'contact',
  async run(ctx) {
    const s = ctx.services;
    const c = await s.competition();
    requireRegistrationOpen(c, s.clock.now());
    const units = await unitForCommand(s, c, ctx.roles, ctx.event.chatType, ctx.event.chatId, ctx.command.args);
    if (units.length > 1) {
      // Contact of several units: one button per unit, each opening that unit's form.
      return ctx.reply(
        card({
          title: text('为哪个单位报名？', 'Register for which unit?'),
          elements: [
            markdown(text('你是多个单位的联络员，请选择：', 'You are the contact of several units; choose one:')),
            ...units.map((u) => button(text(unitRef(c, u).name, unitRef(c, u).name), { a: 'reg.open', u })),
          ],
        }),
        'registration-form',
      );
    }
    await ctx.reply(await formFor(s, c, units[0]!), 'registration-form');
  },
};

export const myProjectsCommand: CommandSpec = {
  name: 'projects',
  words: ['我的项目', 'projects', 'my projects'],
  summary: text(
    '查看本单位的项目，报名期内可修改或撤回',
    "See your unit's projects; edit or withdraw them while registration is open",
  ),
  audience: 'contact',
  async run(ctx) {
    const s = ctx.services;
    const c = await s.competition();
    const units = await unitForCommand(s, c, ctx.roles, ctx.event.chatType, ctx.event.chatId, ctx.command.args);
    for (const u of units) await ctx.reply(await listFor(s, c, u), 'projects');
  },
};

export const registrationsCommand: CommandSpec = {
  name: 'registrations',
  words: ['报名情况', 'registrations'],
  summary: text(
    '各单位各赛道的报名数量、未报名单位和报名较少的赛道',
    'Entries per unit and track, units with none, tracks with few',
  ),
  audience: 'oversight',
  async run(ctx) {
    const s = ctx.services;
    const c = await s.competition();
    const overview = registrationOverview({
      units: c.file.units,
      tracks: c.file.tracks,
      counts: await s.repos.projects.activeCounts(s.competitionId),
    });
    await ctx.reply(
      registrationsCard({
        overview,
        trackCodes: c.file.tracks.map((t) => t.code),
        closesOn: closesOn(c),
        open: isStageOpen(c, 'registration', s.clock.now()),
        limit: c.file.projectsPerUnitPerTrack,
      }),
      'registrations',
    );
  },
};

const toastError = (t: ReturnType<typeof text>): CardResponse => ({ toast: { type: 'error', text: t } });

const sameFields = (a: ProjectFields, b: ProjectFields) =>
  a.name === b.name && a.lead === b.lead && a.summary === b.summary && a.goals === b.goals && a.phone === b.phone;

export const openRegistrationAction: CardActionSpec<'reg.open'> = {
  action: 'reg.open',
  audience: 'contact',
  async run(ctx, v) {
    const s = ctx.services;
    const c = await s.competition();
    requireContactOf(c, ctx.roles, v.u);
    requireRegistrationOpen(c, s.clock.now());
    const unit = unitRef(c, v.u).name;
    return answerClick(
      ctx,
      await formFor(s, c, v.u),
      text(`${unit}的项目报名表`, `the registration form for ${unit}`),
      'registration-form',
    );
  },
};

export const submitRegistrationAction: CardActionSpec<'reg.submit'> = {
  action: 'reg.submit',
  audience: 'contact',
  async run(ctx, v) {
    const s = ctx.services;
    const c = await s.competition();
    const now = s.clock.now();
    requireContactOf(c, ctx.roles, v.u);
    requireRegistrationOpen(c, now);
    const checked = parseRegistration(
      ctx.action.formValue,
      c.file.tracks.map((t) => t.code),
    );
    if (!checked.ok) return toastError(problemsText(checked.problems));
    const { track: trackCode, ...fields } = checked.value;
    const track = trackByCode(c, trackCode)!;
    const limit = c.file.projectsPerUnitPerTrack;
    const unit = unitRef(c, v.u);
    const outcome = await s.repos.projects.createProject({
      competitionId: s.competitionId,
      codePrefix: c.file.codePrefix,
      unit: v.u,
      track: track.code,
      limit,
      fields,
      actor: ctx.action.operatorOpenId,
      now,
    });
    switch (outcome.kind) {
      case 'created': {
        const project = projectView(c, outcome.project);
        const group = (await s.repos.chats.unitGroupChats(s.competitionId, v.u)).get(v.u);
        if (group && group !== ctx.action.chatId) {
          await s.enqueue([
            {
              key: `registered:${outcome.project.id}`,
              purpose: 'registration-notice',
              op: 'send',
              receiveIdType: 'chat_id',
              receiveId: group,
              rateKey: `chat:${group}`,
              msgType: 'interactive',
              content: unitNoticeCard({ unit, project }),
              competitionId: s.competitionId,
            },
          ]);
        }
        return {
          card: registeredCard({ unit, project, edited: false }),
          toast: {
            type: 'success',
            text: text(`报名成功：${outcome.project.code}`, `Registered: ${outcome.project.code}`),
          },
        };
      }
      case 'name_taken': {
        // A second click on the same form (or Lark re-sending it) finds its own project: answer as the first time.
        const existing = await s.repos.projects.findActiveByName(s.competitionId, v.u, nameKey(fields.name));
        if (
          existing &&
          existing.track === track.code &&
          existing.createdBy === ctx.action.operatorOpenId &&
          sameFields(existing, fields)
        ) {
          return { card: registeredCard({ unit, project: projectView(c, existing), edited: false }) };
        }
        return toastError(
          text(
            `${unit.name}已有名为「${fields.name}」的项目，请换一个名称。`,
            `${unit.name} already has a project named "${fields.name}"; choose another name.`,
          ),
        );
      }
      case 'full':
        return toastError(
          text(
            `${unit.name}在「${track.name}」赛道已报满 ${limit} 个项目。请选择其他赛道，或先在「我的项目」里撤回一个。`,
            `${unit.name} already has ${limit} projects in "${track.nameEn}". Choose another track, or withdraw one first (send "projects").`,
          ),
        );
      case 'busy':
        return toastError(
          text('同时提交的人较多，请再点一次提交。', 'Many submissions at once; please press submit again.'),
        );
    }
  },
};

export const listProjectsAction: CardActionSpec<'reg.list'> = {
  action: 'reg.list',
  audience: 'contact',
  async run(ctx, v) {
    const c = await ctx.services.competition();
    requireContactOf(c, ctx.roles, v.u);
    const unit = unitRef(c, v.u).name;
    const from = v.o ? v.o + 1 : 0;
    return answerClick(
      ctx,
      await listFor(ctx.services, c, v.u, v.o),
      text(
        `我的项目 · ${unit}${from ? `（第 ${from} 个起）` : ''}`,
        `My projects · ${unit}${from ? ` (from project ${from})` : ''}`,
      ),
      'projects',
    );
  },
};

export const editProjectAction: CardActionSpec<'reg.edit'> = {
  action: 'reg.edit',
  audience: 'contact',
  async run(ctx, v) {
    const s = ctx.services;
    const c = await s.competition();
    const p = await loadProject(s, c, ctx.roles, v.p);
    requireRegistrationOpen(c, s.clock.now());
    return answerClick(
      ctx,
      editForm({ unit: unitRef(c, p.unit), project: projectView(c, p), closesOn: closesOn(c) }),
      text(`修改项目 ${p.code} 的表单`, `the form to edit ${p.code}`),
      'registration-edit',
    );
  },
};

export const saveProjectAction: CardActionSpec<'reg.save'> = {
  action: 'reg.save',
  audience: 'contact',
  async run(ctx, v) {
    const s = ctx.services;
    const c = await s.competition();
    const now = s.clock.now();
    const p = await loadProject(s, c, ctx.roles, v.p);
    requireRegistrationOpen(c, now);
    const checked = parseProjectFields(ctx.action.formValue);
    if (!checked.ok) return toastError(problemsText(checked.problems));
    const fields = checked.value;
    const unit = unitRef(c, p.unit);
    if (sameFields(p, fields)) return { card: registeredCard({ unit, project: projectView(c, p), edited: true }) };
    const outcome = await s.repos.projects.updateProject({
      competitionId: s.competitionId,
      project: p,
      fields,
      actor: ctx.action.operatorOpenId,
      now,
    });
    if (outcome.kind === 'name_taken')
      return toastError(
        text(
          `${unit.name}已有名为「${fields.name}」的项目，请换一个名称。`,
          `${unit.name} already has a project named "${fields.name}"; choose another name.`,
        ),
      );
    if (outcome.kind === 'gone')
      return toastError(
        text(
          `项目 ${p.code} 已撤回，不能再修改。`,
          `Project ${p.code} has been withdrawn and can no longer be edited.`,
        ),
      );
    return {
      card: registeredCard({ unit, project: projectView(c, outcome.project), edited: true }),
      toast: { type: 'success', text: text('已保存', 'Saved') },
    };
  },
};

export const withdrawProjectAction: CardActionSpec<'reg.withdraw'> = {
  action: 'reg.withdraw',
  audience: 'contact',
  async run(ctx, v) {
    const s = ctx.services;
    const c = await s.competition();
    const p = await loadProject(s, c, ctx.roles, v.p);
    requireRegistrationOpen(c, s.clock.now());
    return answerClick(
      ctx,
      confirmWithdrawCard({ unit: unitRef(c, p.unit), project: projectView(c, p) }),
      text(`撤回项目 ${p.code} 的确认`, `the confirmation to withdraw ${p.code}`),
      'registration-withdraw',
    );
  },
};

export const confirmWithdrawAction: CardActionSpec<'reg.withdraw.confirm'> = {
  action: 'reg.withdraw.confirm',
  audience: 'contact',
  async run(ctx, v) {
    const s = ctx.services;
    const c = await s.competition();
    const now = s.clock.now();
    const found = await s.repos.projects.findProject(s.competitionId, v.p);
    // A second click on the confirmation finds the project already withdrawn: show the same result again.
    if (found && found.status === 'withdrawn' && ctx.roles.contactOf.includes(found.unit)) {
      return { card: withdrawnCard({ unit: unitRef(c, found.unit), project: projectView(c, found) }) };
    }
    const p = await loadProject(s, c, ctx.roles, v.p);
    requireRegistrationOpen(c, now);
    await s.repos.projects.withdrawProject({
      competitionId: s.competitionId,
      project: p,
      actor: ctx.action.operatorOpenId,
      now,
    });
    return {
      card: withdrawnCard({ unit: unitRef(c, p.unit), project: projectView(c, p) }),
      toast: { type: 'success', text: text(`已撤回 ${p.code}`, `Withdrawn: ${p.code}`) },
    };
  },
};

export const REGISTRATION_COMMANDS = [registerCommand, myProjectsCommand, registrationsCommand] as const;
export const REGISTRATION_ACTIONS = [
  openRegistrationAction,
  submitRegistrationAction,
  listProjectsAction,
  editProjectAction,
  saveProjectAction,
  withdrawProjectAction,
  confirmWithdrawAction,
] as const;
