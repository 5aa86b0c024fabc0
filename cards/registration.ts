/**
 * Registration cards: the form, the confirmation, the unit's projects (paged), the withdrawal check and the office's
 * overview. Builders take plain data; what people typed is shown only as plain text, once (`userText`, `field`).
 */
import { text, type Text } from '../src/platform/i18n';
import { PROJECT_FIELDS, projectInputs, TRACK_FIELD } from './registration.form';
import {
  button,
  buttonRow,
  capped,
  card,
  divider,
  field,
  fitCard,
  markdown,
  md,
  pager,
  plainText,
  submitButton,
  table,
  TABLE_MAX_COLUMNS,
  userText,
  type Card,
  type Element,
} from './kit';
import type { ProjectFields } from '../src/core/projects';

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

const trackLabel = (t: TrackChoice): Text =>
  t.left > 0
    ? text(`${t.code} ${t.name}（还可报 ${t.left} 个）`, `${t.code} ${t.nameEn} (${t.left} left)`)
    : text(`${t.code} ${t.name}（已满）`, `${t.code} ${t.nameEn} (full)`);

export function registrationForm(view: {
  unit: UnitRef;
  tracks: TrackChoice[];
  closesOn: string;
  limit: number;
}): Card {
  const open = view.tracks.filter((t) => t.left > 0);
  return card({
    title: text(`项目报名 · ${view.unit.name}`, `Register a project · ${view.unit.name}`),
    template: 'blue',
    elements: [
      markdown(
        text(
          `每个单位每个赛道可报 ${view.limit} 个项目，报名截止 **${view.closesOn}** （含当天）。标「已满」的赛道不能再报。`,
          `Each unit may enter up to ${view.limit} projects per track. Registration closes at the end of **${view.closesOn}**. Tracks marked "full" take no more entries.`,
        ),
      ),
      {
        tag: 'form',
        name: 'register',
        elements: [
          {
            tag: 'select_static',
            name: TRACK_FIELD,
            required: true,
            width: 'fill',
            placeholder: plainText(text('选择赛道', 'Choose a track')),
            options: view.tracks.map((t) => ({ text: plainText(trackLabel(t)), value: t.code })),
            ...(open.length === 1 ? { initial_option: open[0]!.code } : {}),
          },
          ...projectInputs(),
          submitButton(text('提交报名', 'Submit'), { a: 'reg.submit', u: view.unit.code }),
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
      markdown(
        text(
          `赛道：${md(view.project.trackName)}。报名截止 **${view.closesOn}** 前可修改。`,
          `Track: ${md(view.project.trackNameEn)}. Changes are possible until the end of **${view.closesOn}**.`,
        ),
      ),
      {
        tag: 'form',
        name: 'edit',
        elements: [
          ...projectInputs(view.project),
          submitButton(text('保存修改', 'Save'), { a: 'reg.save', p: view.project.id }),
        ],
      },
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

/** The project's code and track, then its name (as typed). */
const projectHeading = (p: ProjectView): Element[] => [
  markdown(text(`**${p.code}** · ${p.track} ${md(p.trackName)}`, `**${p.code}** · ${p.track} ${md(p.trackNameEn)}`)),
  userText(p.name),
];

function projectDetails(p: ProjectView): Element[] {
  return [...projectHeading(p), ...field(PROJECT_FIELDS.lead.label, p.lead)];
}

export function registeredCard(view: { unit: UnitRef; project: ProjectView; edited: boolean }): Card {
  return card({
    title: view.edited ? text('项目已修改', 'Project updated') : text('报名成功', 'Registered'),
    template: 'green',
    elements: [
      markdown(
        text(
          `${md(view.unit.name)}的项目${view.edited ? '已保存' : '已登记'}，项目编号 **${view.project.code}** 。`,
          `${md(view.unit.name)}'s project is ${view.edited ? 'saved' : 'registered'} as **${view.project.code}**.`,
        ),
      ),
      ...projectDetails(view.project),
      ...field(PROJECT_FIELDS.summary.label, view.project.summary),
      divider(),
      button(text('我的项目', 'My projects'), { a: 'reg.list', u: view.unit.code }),
    ],
  });
}

/** Projects a page of `我的项目` holds at most; fewer when the card would pass the budget. */
export const PROJECTS_PAGE = 8;

/**
 * The unit's projects, a page from `offset`: each with its code, track and name, and the buttons to edit, withdraw
 * (while registration is open) and open its timeline.
 */
export function projectsCard(view: {
  unit: UnitRef;
  projects: ProjectView[];
  open: boolean;
  closesOn: string;
  canAddMore: boolean;
  offset?: number;
}): Card {
  const offset = Math.min(view.offset ?? 0, Math.max(0, view.projects.length - 1));
  const total = view.projects.length;
  const build = (n: number): Card => {
    const shown = view.projects.slice(offset, offset + n);
    const elements: Element[] = [
      markdown(
        view.open
          ? text(
              `共 ${total} 个项目。报名截止 **${view.closesOn}** （含当天），截止前可修改或撤回。`,
              `${total} project(s). Registration closes at the end of **${view.closesOn}**; until then projects can be edited or withdrawn.`,
            )
          : text(
              `共 ${total} 个项目。报名已截止，项目不能再修改或撤回。`,
              `${total} project(s). Registration is closed; projects can no longer be edited or withdrawn.`,
            ),
      ),
    ];
    if (!total) elements.push(markdown(text('还没有报名的项目。', 'No project registered yet.')));
    for (const p of shown) {
      const buttons = [
        ...(view.open
          ? [
              button(text('修改', 'Edit'), { a: 'reg.edit', p: p.id }),
              button(text('撤回', 'Withdraw'), { a: 'reg.withdraw', p: p.id }, 'danger'),
            ]
          : []),
        button(text('进展记录', 'Timeline'), { a: 'rpt.history', p: p.id }),
      ];
      elements.push(divider(), ...projectHeading(p), buttonRow(buttons));
    }
    elements.push(
      ...pager({
        offset,
        shown: shown.length,
        total,
        step: PROJECTS_PAGE,
        page: (o) => ({ a: 'reg.list', u: view.unit.code, o }),
      }),
    );
    if (view.open && view.canAddMore)
      elements.push(
        divider(),
        button(text('报名新项目', 'Register a project'), { a: 'reg.open', u: view.unit.code }, 'primary'),
      );
    return card({
      title: text(`我的项目 · ${view.unit.name}`, `My projects · ${view.unit.name}`),
      template: 'blue',
      elements,
    });
  };
  return fitCard(build, Math.min(PROJECTS_PAGE, total - offset)).card;
}

export function confirmWithdrawCard(view: { unit: UnitRef; project: ProjectView }): Card {
  return card({
    title: text('确认撤回项目？', 'Withdraw this project?'),
    template: 'orange',
    elements: [
      ...projectDetails(view.project),
      markdown(
        text(
          '撤回后该赛道的名额会空出来，项目编号不再使用。',
          'Withdrawing frees the slot in the track; the project code is not reused.',
        ),
      ),
      {
        tag: 'column_set',
        columns: [
          {
            tag: 'column',
            width: 'auto',
            elements: [
              button(text('确认撤回', 'Withdraw'), { a: 'reg.withdraw.confirm', p: view.project.id }, 'danger'),
            ],
          },
          {
            tag: 'column',
            width: 'auto',
            elements: [button(text('取消', 'Cancel'), { a: 'reg.list', u: view.unit.code })],
          },
        ],
      },
    ],
  });
}

export function withdrawnCard(view: { unit: UnitRef; project: ProjectView }): Card {
  return card({
    title: text('项目已撤回', 'Project withdrawn'),
    template: 'grey',
    elements: [
      ...projectDetails(view.project),
      divider(),
      button(text('我的项目', 'My projects'), { a: 'reg.list', u: view.unit.code }),
    ],
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
/** Projects per unit and track, the units with none and the tracks with few entries (registration.rules computes it). */
export interface RegistrationsOverview {
  rows: Array<{ unit: string; name: string; byTrack: number[]; total: number }>;
  trackTotals: number[];
  total: number;
  unitsWithout: string[];
  thinTracks: Array<{ code: string; name: string; nameEn: string; n: number; wanted: number }>;
}

export function registrationsCard(view: {
  overview: RegistrationsOverview;
  trackCodes: string[];
  closesOn: string;
  open: boolean;
  limit: number;
}): Card {
  const o = view.overview;
  // A table holds 50 columns: the unit, the total and at most 48 tracks.
  const codes = view.trackCodes.slice(0, TABLE_MAX_COLUMNS - 2);
  const counts = (cells: number[]) => Object.fromEntries(cells.slice(0, codes.length).map((n, i) => [`t${i}`, n]));
  const grid = (n: number) =>
    table(
      [
        { name: 'unit', header: '单位 Unit', type: 'text' },
        ...codes.map((code, i) => ({ name: `t${i}`, header: code, type: 'number' as const })),
        { name: 'total', header: '合计 Total', type: 'number' },
      ],
      [
        ...o.rows.slice(0, n).map((r) => ({ unit: r.name, ...counts(r.byTrack), total: r.total })),
        { unit: '合计 Total', ...counts(o.trackTotals), total: o.total },
      ],
    );
  const build = (n: number): Card =>
    card({
      title: text('报名情况', 'Registrations'),
      template: 'indigo',
      elements: [
        markdown(
          text(
            `共 **${o.total}** 个项目，${o.rows.length - o.unitsWithout.length}/${o.rows.length} 个单位已报名。报名${view.open ? `截止 ${view.closesOn}` : '已截止'}；每单位每赛道最多 ${view.limit} 个。`,
            `**${o.total}** projects; ${o.rows.length - o.unitsWithout.length} of ${o.rows.length} units have registered. Registration ${view.open ? `closes at the end of ${view.closesOn}` : 'is closed'}; at most ${view.limit} per unit and track.`,
          ),
        ),
        grid(n),
        ...(n < o.rows.length || codes.length < view.trackCodes.length
          ? [
              markdown(
                text(
                  `（表中列出前 ${Math.min(n, o.rows.length)} 个单位、${codes.length} 个赛道；合计含全部）`,
                  `(The table lists the first ${Math.min(n, o.rows.length)} units and ${codes.length} tracks; totals cover them all.)`,
                ),
              ),
            ]
          : []),
        divider(),
        markdown(
          o.unitsWithout.length
            ? text(
                `**尚未报名的单位（${o.unitsWithout.length}）** ：${capped(o.unitsWithout.map(md), 60, '、', (k) => ` 等，另有 ${k} 个`)}`,
                `**Units with no project yet (${o.unitsWithout.length})**: ${capped(o.unitsWithout.map(md), 60, ', ', (k) => ` and ${k} more`)}`,
              )
            : text('所有单位都已报名。', 'Every unit has registered.'),
        ),
        markdown(
          o.thinTracks.length
            ? text(
                `**报名较少的赛道** （少于评选名额的两倍）：${o.thinTracks.map((t) => `${t.code} ${md(t.name)} ${t.n}/${t.wanted}`).join('、')}`,
                `**Tracks with few entries** (under twice their award quota): ${o.thinTracks.map((t) => `${t.code} ${md(t.nameEn)} ${t.n}/${t.wanted}`).join(', ')}`,
              )
            : text(
                '每个赛道的报名数都不少于评选名额的两倍。',
                'Every track has at least twice as many entries as awards.',
              ),
        ),
      ],
    });
  return fitCard(build, o.rows.length).card;
}
