/**
 * Registration cards: the form, the confirmation, the unit's projects, the withdrawal check and the office's
 * overview. Builders take plain data; what people typed is shown only through `userText` (plain_text).
 */
import { text, type Text } from '../src/platform/i18n';
import { FIELD_LABELS, LIMITS, type ProjectFields } from '../src/features/registration/registration.rules';
import type { Overview } from '../src/features/registration/registration.rules';
import type { ActionValue } from './actions';
import { button, card, divider, markdown, plainText, table, userText, type Card, type Element } from './kit';

export interface TrackChoice {
  code: string;
  name: string;
  nameEn: string;
  left: number;
}

export interface UnitRef {
  code: string;
  name: string;
}

function input(name: keyof ProjectFields, options: { required: boolean; multiline?: boolean; value?: string; placeholder: Text }): Element {
  return {
    tag: 'input',
    name,
    required: options.required,
    max_length: Math.min(1000, LIMITS[name]),
    label: plainText(text(`${FIELD_LABELS[name].zh}${options.required ? '' : '（选填）'}`, `${FIELD_LABELS[name].en}${options.required ? '' : ' (optional)'}`)),
    label_position: 'top',
    placeholder: plainText(options.placeholder),
    width: 'fill',
    ...(options.multiline ? { input_type: 'multiline_text', rows: 3, auto_resize: true, max_rows: 8 } : {}),
    ...(options.value ? { default_value: options.value } : {}),
  };
}

function fieldInputs(values?: ProjectFields): Element[] {
  return [
    input('name', { required: true, value: values?.name, placeholder: text(`不超过 ${LIMITS.name} 字`, `Up to ${LIMITS.name} characters`) }),
    input('lead', { required: true, value: values?.lead, placeholder: text('姓名', 'Name') }),
    input('summary', { required: true, multiline: true, value: values?.summary, placeholder: text(`做什么、为什么，不超过 ${LIMITS.summary} 字`, `What and why, up to ${LIMITS.summary} characters`) }),
    input('goals', { required: true, multiline: true, value: values?.goals, placeholder: text('可量化的目标和预期成效', 'Measurable goals and expected results') }),
    input('phone', { required: false, value: values?.phone, placeholder: text('手机或座机', 'Mobile or landline') }),
  ];
}

const submit = (label: Text, value: ActionValue): Element => ({
  tag: 'button',
  name: 'submit',
  text: plainText(label),
  type: 'primary',
  form_action_type: 'submit',
  behaviors: [{ type: 'callback', value }],
});

const trackLabel = (t: TrackChoice): Text =>
  t.left > 0
    ? text(`${t.code} ${t.name}（还可报 ${t.left} 个）`, `${t.code} ${t.nameEn} (${t.left} left)`)
    : text(`${t.code} ${t.name}（已满）`, `${t.code} ${t.nameEn} (full)`);

export function registrationForm(view: { unit: UnitRef; tracks: TrackChoice[]; closesOn: string; limit: number }): Card {
  const open = view.tracks.filter((t) => t.left > 0);
  return card({
    title: text(`项目报名 · ${view.unit.name}`, `Register a project · ${view.unit.name}`),
    template: 'blue',
    elements: [
      markdown(
        text(
          `每个单位每个赛道可报 ${view.limit} 个项目，报名截止 **${view.closesOn}**（含当天）。标「已满」的赛道不能再报。`,
          `Each unit may enter up to ${view.limit} projects per track. Registration closes at the end of **${view.closesOn}**. Tracks marked "full" take no more entries.`,
        ),
      ),
      {
        tag: 'form',
        name: 'register',
        elements: [
          {
            tag: 'select_static',
            name: 'track',
            required: true,
            width: 'fill',
            placeholder: plainText(text('选择赛道', 'Choose a track')),
            options: view.tracks.map((t) => ({ text: plainText(trackLabel(t)), value: t.code })),
            ...(open.length === 1 ? { initial_option: open[0]!.code } : {}),
          },
          ...fieldInputs(),
          submit(text('提交报名', 'Submit'), { a: 'reg.submit', u: view.unit.code }),
        ],
      },
    ],
  });
}

export function editForm(view: { unit: UnitRef; project: ProjectView; closesOn: string }): Card {
  return card({
    title: text(`修改项目 · ${view.project.code}`, `Edit project · ${view.project.code}`),
    template: 'blue',
    elements: [
      markdown(text(`赛道：${view.project.trackName}。报名截止 **${view.closesOn}** 前可修改。`, `Track: ${view.project.trackNameEn}. Changes are possible until the end of **${view.closesOn}**.`)),
      { tag: 'form', name: 'edit', elements: [...fieldInputs(view.project), submit(text('保存修改', 'Save'), { a: 'reg.save', p: view.project.id })] },
      button(text('返回我的项目', 'Back to my projects'), { a: 'reg.list', u: view.unit.code }),
    ],
  });
}

export interface ProjectView extends ProjectFields {
  id: string;
  code: string;
  track: string;
  trackName: string;
  trackNameEn: string;
}

function projectDetails(p: ProjectView): Element[] {
  return [
    markdown(text(`**${p.code}** · ${p.track} ${p.trackName}`, `**${p.code}** · ${p.track} ${p.trackNameEn}`)),
    userText(p.name, FIELD_LABELS.name),
    userText(p.lead, FIELD_LABELS.lead),
  ];
}

export function registeredCard(view: { unit: UnitRef; project: ProjectView; edited: boolean }): Card {
  return card({
    title: view.edited ? text('项目已修改', 'Project updated') : text('报名成功', 'Registered'),
    template: 'green',
    elements: [
      markdown(text(`${view.unit.name}的项目${view.edited ? '已保存' : '已登记'}，项目编号 **${view.project.code}**。`, `${view.unit.name}'s project is ${view.edited ? 'saved' : 'registered'} as **${view.project.code}**.`)),
      ...projectDetails(view.project),
      userText(view.project.summary, FIELD_LABELS.summary),
      divider(),
      button(text('我的项目', 'My projects'), { a: 'reg.list', u: view.unit.code }),
    ],
  });
}

export function projectsCard(view: { unit: UnitRef; projects: ProjectView[]; open: boolean; closesOn: string; canAddMore: boolean }): Card {
  const elements: Element[] = [
    markdown(
      view.open
        ? text(`报名截止 **${view.closesOn}**（含当天），截止前可修改或撤回。`, `Registration closes at the end of **${view.closesOn}**; until then projects can be edited or withdrawn.`)
        : text('报名已截止，项目不能再修改或撤回。', 'Registration is closed; projects can no longer be edited or withdrawn.'),
    ),
  ];
  if (!view.projects.length) elements.push(markdown(text('还没有报名的项目。', 'No project registered yet.')));
  for (const p of view.projects) {
    elements.push(divider(), ...projectDetails(p));
    const history = button(text('进展记录', 'Timeline'), { a: 'rpt.history', p: p.id });
    elements.push({
      tag: 'column_set',
      columns: [
        ...(view.open
          ? [
              { tag: 'column', width: 'auto', elements: [button(text('修改', 'Edit'), { a: 'reg.edit', p: p.id })] },
              { tag: 'column', width: 'auto', elements: [button(text('撤回', 'Withdraw'), { a: 'reg.withdraw', p: p.id }, 'danger')] },
            ]
          : []),
        { tag: 'column', width: 'auto', elements: [history] },
      ],
    });
  }
  if (view.open && view.canAddMore) elements.push(divider(), button(text('报名新项目', 'Register a project'), { a: 'reg.open', u: view.unit.code }, 'primary'));
  return card({ title: text(`我的项目 · ${view.unit.name}`, `My projects · ${view.unit.name}`), template: 'blue', elements });
}

export function confirmWithdrawCard(view: { unit: UnitRef; project: ProjectView }): Card {
  return card({
    title: text('确认撤回项目？', 'Withdraw this project?'),
    template: 'orange',
    elements: [
      ...projectDetails(view.project),
      markdown(text('撤回后该赛道的名额会空出来，项目编号不再使用。', 'Withdrawing frees the slot in the track; the project code is not reused.')),
      {
        tag: 'column_set',
        columns: [
          { tag: 'column', width: 'auto', elements: [button(text('确认撤回', 'Withdraw'), { a: 'reg.withdraw.confirm', p: view.project.id }, 'danger')] },
          { tag: 'column', width: 'auto', elements: [button(text('取消', 'Cancel'), { a: 'reg.list', u: view.unit.code })] },
        ],
      },
    ],
  });
}

export function withdrawnCard(view: { unit: UnitRef; project: ProjectView }): Card {
  return card({
    title: text('项目已撤回', 'Project withdrawn'),
    template: 'grey',
    elements: [...projectDetails(view.project), divider(), button(text('我的项目', 'My projects'), { a: 'reg.list', u: view.unit.code })],
  });
}

/** Posted to the unit's group when a project is registered. */
export function unitNoticeCard(view: { unit: UnitRef; project: ProjectView }): Card {
  return card({
    title: text(`${view.unit.name}新报名项目`, `New project from ${view.unit.name}`),
    template: 'turquoise',
    elements: projectDetails(view.project),
  });
}

/** The office's overview: counts per unit and track, units with nothing yet, tracks with few entries. */
export function registrationsCard(view: { overview: Overview; trackCodes: string[]; closesOn: string; open: boolean; limit: number }): Card {
  const o = view.overview;
  const counts = (cells: number[]) => Object.fromEntries(cells.map((n, i) => [`t${i}`, n]));
  const grid = table(
    [{ name: 'unit', header: '单位 Unit', type: 'text' }, ...view.trackCodes.map((code, i) => ({ name: `t${i}`, header: code, type: 'number' as const })), { name: 'total', header: '合计 Total', type: 'number' }],
    [...o.rows.map((r) => ({ unit: r.name, ...counts(r.byTrack), total: r.total })), { unit: '合计 Total', ...counts(o.trackTotals), total: o.total }],
  );
  return card({
    title: text('报名情况', 'Registrations'),
    template: 'indigo',
    elements: [
      markdown(
        text(
          `共 **${o.total}** 个项目，${o.rows.length - o.unitsWithout.length}/${o.rows.length} 个单位已报名。报名${view.open ? `截止 ${view.closesOn}` : '已截止'}；每单位每赛道最多 ${view.limit} 个。`,
          `**${o.total}** projects; ${o.rows.length - o.unitsWithout.length} of ${o.rows.length} units have registered. Registration ${view.open ? `closes at the end of ${view.closesOn}` : 'is closed'}; at most ${view.limit} per unit and track.`,
        ),
      ),
      grid,
      divider(),
      markdown(
        o.unitsWithout.length
          ? text(`**尚未报名的单位（${o.unitsWithout.length}）**：${o.unitsWithout.join('、')}`, `**Units with no project yet (${o.unitsWithout.length})**: ${o.unitsWithout.join(', ')}`)
          : text('所有单位都已报名。', 'Every unit has registered.'),
      ),
      markdown(
        o.thinTracks.length
          ? text(
              `**报名较少的赛道**（少于评选名额的两倍）：${o.thinTracks.map((t) => `${t.code} ${t.name} ${t.n}/${t.wanted}`).join('、')}`,
              `**Tracks with few entries** (under twice their award quota): ${o.thinTracks.map((t) => `${t.code} ${t.nameEn} ${t.n}/${t.wanted}`).join(', ')}`,
            )
          : text('每个赛道的报名数都不少于评选名额的两倍。', 'Every track has at least twice as many entries as awards.'),
      ),
    ],
  });
}
