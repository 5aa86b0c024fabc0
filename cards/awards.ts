/**
 * Award cards: the list each role sees (paged, with the buttons of the steps that person may take), the nomination,
 * materials and decision forms, the notice a unit gets when its place is confirmed, and the announcement. Names and
 * texts people typed are shown as plain text, once; the list shows excerpts, the step cards the whole text.
 */
import { excerpt, text, type Text } from '../src/platform/i18n';
import type { ActionValue } from './actions';
import {
  FILES_LISTED,
  openFileElements,
  receiptFileElements,
  type AttachedFile,
  type ReceiptFiles,
} from './attachments';
import { decisionInputs, materialsInputs, NOMINATION_FIELDS, nominationInputs } from './awards.form';
import {
  button,
  buttonRow,
  card,
  divider,
  field,
  fitCard,
  markdown,
  md,
  pager,
  plain,
  plainText,
  submitButton,
  table,
  userText,
  type Card,
  type Element,
} from './kit';
import { KIND_NAME, STATUS_NAME, type AwardKind, type AwardStatus } from '../src/core/awards';

export interface AwardRow {
  id: string;
  track: string;
  kind: AwardKind;
  status: AwardStatus;
  nominee: string;
  title: string;
  unitName: string;
  projectCode: string;
  projectName: string;
  reason: string;
  materials?: string;
  decisionNote?: string;
  /** The steps the viewer may take on it now. */
  buttons: Array<{ label: Text; value: ActionValue; type?: 'primary' | 'danger' }>;
}

export interface QuotaRow {
  track: string;
  trackName: string;
  trackNameEn: string;
  collectives: { used: number; quota: number };
  individuals: { used: number; quota: number };
}

const STATUS_MARK: Partial<Record<AwardStatus, string>> = {
  approved: '✅',
  rejected: '⛔',
  withdrawn: '↩️',
  declined: '↩️',
};

/** At most this many characters of a reason or a note in the list; the step cards show the whole text. */
const EXCERPT = 80;

const statusLine = (r: AwardRow): Element =>
  markdown(
    text(
      `**${r.track} · ${KIND_NAME[r.kind].zh}** · ${STATUS_MARK[r.status] ?? ''}${STATUS_NAME[r.status].zh}`,
      `**${r.track} · ${KIND_NAME[r.kind].en}** · ${STATUS_MARK[r.status] ? `${STATUS_MARK[r.status]} ` : ''}${STATUS_NAME[r.status].en}`,
    ),
  );

/** Who is nominated, of which unit and project: typed names, on one plain line. */
const nomineeLine = (r: AwardRow): Element =>
  userText(
    `${r.kind === 'individual' && r.title ? `${r.nominee}（${r.title}）` : r.nominee} · ${r.unitName} · ${r.projectCode} ${r.projectName}`,
  );

/** The nomination in full: nominee, reason, materials and the leadership's note. */
function details(r: AwardRow): Element[] {
  return [
    nomineeLine(r),
    ...field(text('推荐理由', 'Reason for the nomination'), r.reason),
    ...(r.materials ? field(text('事迹材料', 'Account of achievements'), r.materials) : []),
    ...(r.decisionNote ? field(text('审定意见', 'Decision note'), r.decisionNote) : []),
  ];
}

/** A row of the list: the status, the nominee, an excerpt of the reason (and of the note), the viewer's buttons. */
function listRow(r: AwardRow): Element[] {
  return [
    divider(),
    statusLine(r),
    nomineeLine(r),
    ...field(text('推荐理由', 'Reason'), excerpt(r.reason, EXCERPT)),
    ...(r.decisionNote ? field(text('审定意见', 'Decision note'), excerpt(r.decisionNote, EXCERPT)) : []),
    ...(r.buttons.length ? [buttonRow(r.buttons.map((b) => button(b.label, b.value, b.type ?? 'default')))] : []),
  ];
}

/** Nominations a page of the list holds at most; fewer when the card would pass the budget. */
export const AWARDS_PAGE = 10;

/**
 * The awards a person may see, a page from `offset`: the quota table and the buttons to nominate (first page),
 * then the nominations with the buttons of the viewer's next steps, and paging buttons.
 */
export function awardsCard(view: {
  scope: Text;
  quotas: QuotaRow[];
  rows: AwardRow[];
  nominate: Array<{ track: string; left: number }>;
  window: Text;
  offset?: number;
  page: (offset: number) => ActionValue;
}): Card {
  const total = view.rows.length;
  const offset = Math.min(view.offset ?? 0, Math.max(0, total - 1));
  const build = (n: number): Card => {
    const shown = view.rows.slice(offset, offset + n);
    const elements: Element[] = [plain2(view.scope, view.window)];
    if (offset === 0) {
      if (view.quotas.length) {
        elements.push(
          table(
            [
              { name: 'track', header: '赛道 Track', type: 'text' },
              { name: 'collectives', header: '集体 已用/名额 Collectives', type: 'text' },
              { name: 'individuals', header: '个人 已用/名额 Individuals', type: 'text' },
            ],
            view.quotas.map((q) => ({
              track: `${q.track} ${q.trackName}`,
              collectives: `${q.collectives.used}/${q.collectives.quota}`,
              individuals: `${q.individuals.used}/${q.individuals.quota}`,
            })),
          ),
        );
      }
      const nominate = view.nominate.map((t) =>
        button(
          text(`提名 · ${t.track}（还可提名 ${t.left} 个）`, `Nominate · ${t.track} (${t.left} places left)`),
          { a: 'award.nominate.open', t: t.track },
          'primary',
        ),
      );
      if (nominate.length) elements.push(buttonRow(nominate));
    }
    if (!total) elements.push(markdown(text('还没有提名。', 'No nominations yet.')));
    for (const r of shown) elements.push(...listRow(r));
    elements.push(
      ...pager({
        offset,
        shown: shown.length,
        total,
        step: AWARDS_PAGE,
        page: view.page,
        noun: text('条', 'nominations'),
      }),
    );
    return card({ title: text('评比表彰', 'Awards'), template: 'violet', elements });
  };
  return fitCard(build, Math.min(AWARDS_PAGE, total - offset)).card;
}

/** Two sentences of ours in the reader's language (the scope names tracks and units from the file). */
const plain2 = (a: Text, b: Text): Element => ({
  tag: 'div',
  text: plainText(text(`${a.zh}\n${b.zh}`, `${a.en}\n${b.en}`)),
});

/**
 * The nomination form: the kinds with places left and the track's projects the judge may nominate (by live rank when
 * there is one). Option texts name the project once (no per-language copies); the handler never sends this form
 * without a project to choose.
 */
export function nominationForm(view: {
  track: string;
  trackName: string;
  trackNameEn: string;
  left: Record<AwardKind, number>;
  projects: Array<{ id: string; code: string; name: string; unitName: string; rank?: number }>;
}): Card {
  const kinds = (['collective', 'individual'] as const).filter((k) => view.left[k] > 0);
  // A competition file may give a track hundreds of projects: the select lists the best ranked that fit, and says so.
  const build = (n: number): Card =>
    card({
      title: text(`提名 · ${view.track} ${view.trackName}`, `Nominate · ${view.track} ${view.trackNameEn}`),
      template: 'violet',
      elements: [
        markdown(
          text(
            `还可提名：先进集体 ${view.left.collective} 个，先进个人 ${view.left.individual} 个。项目按实时排名排列（#1 为第 1 名）。提名后由竞赛办确认名额，再由单位报送材料。`,
            `Places left: ${view.left.collective} collective, ${view.left.individual} individual. Projects are listed by live rank (#1 is first). The office confirms each nomination; the unit then submits the materials.`,
          ),
        ),
        {
          tag: 'form',
          name: 'nominate',
          elements: [
            {
              tag: 'select_static',
              name: NOMINATION_FIELDS.kind,
              required: true,
              width: 'fill',
              placeholder: plainText(text('奖项类别', 'Award')),
              options: kinds.map((k) => ({ text: plainText(KIND_NAME[k]), value: k })),
              ...(kinds.length === 1 ? { initial_option: kinds[0] } : {}),
            },
            {
              tag: 'select_static',
              name: NOMINATION_FIELDS.project,
              required: true,
              width: 'fill',
              placeholder: plainText(text('所依托的项目', 'The project')),
              options: view.projects.slice(0, n).map((p) => ({
                text: {
                  tag: 'plain_text',
                  content: `${p.rank ? `#${p.rank} · ` : ''}${p.code} ${p.name} · ${p.unitName}`,
                },
                value: p.id,
              })),
            },
            ...nominationInputs(),
            submitButton(text('提交提名', 'Nominate'), { a: 'award.nominate', t: view.track }),
          ],
        },
        ...(n < view.projects.length
          ? [
              markdown(
                text(
                  `项目较多，下拉框列出排名靠前的 ${n} 个（共 ${view.projects.length} 个）。`,
                  `Many projects: the list shows the ${n} best ranked (of ${view.projects.length}).`,
                ),
              ),
            ]
          : []),
      ],
    });
  return fitCard(build, view.projects.length).card;
}

export function materialsForm(view: {
  row: AwardRow;
  due: string;
  prefill?: { materials: string; links: string[] };
}): Card {
  return card({
    title: text(`报送材料 · ${KIND_NAME[view.row.kind].zh}`, `Award materials · ${KIND_NAME[view.row.kind].en}`),
    template: 'violet',
    elements: [
      nomineeLine(view.row),
      ...field(text('推荐理由', 'Reason for the nomination'), view.row.reason),
      markdown(
        text(
          `请于 ${view.due} 24 点前报送；截止前可以修改，以最后一次为准。`,
          `Due by the end of ${view.due}; until then you may resubmit, and the last one counts.`,
        ),
      ),
      {
        tag: 'form',
        // Unique across the card, like every name: the form is not named like its inputs (client error 200530).
        name: 'materials_form',
        elements: [
          ...materialsInputs(view.prefill),
          submitButton(text('报送', 'Submit'), { a: 'award.materials', w: view.row.id }),
        ],
      },
    ],
  });
}

export function decisionForm(view: {
  row: AwardRow;
  links: string[];
  standing: Text;
  /** The files the unit attached to the materials, each with the button that has the bot forward it. */
  files?: readonly AttachedFile[];
}): Card {
  const files = view.files ?? [];
  // With the longest materials and note, fewer files are listed (the rest are counted): fitCard.
  const build = (listed: number) =>
    card({
      title: text(`审定 · ${KIND_NAME[view.row.kind].zh}`, `Decision · ${KIND_NAME[view.row.kind].en}`),
      template: 'violet',
      elements: [
        statusLine(view.row),
        ...details(view.row),
        markdown(view.standing),
        ...(view.links.length ? field(text('附件链接', 'Links to attachments'), view.links.join('\n')) : []),
        ...openFileElements(files, listed),
        {
          tag: 'form',
          name: 'decision',
          elements: [
            ...decisionInputs(),
            submitButton(
              text('通过', 'Approve'),
              { a: 'award.decide', w: view.row.id, d: 'approve' },
              { name: 'approve' },
            ),
            submitButton(
              text('不通过', 'Do not approve'),
              { a: 'award.decide', w: view.row.id, d: 'reject' },
              { name: 'reject', type: 'danger' },
            ),
          ],
        },
      ],
    });
  return fitCard(build, Math.min(FILES_LISTED, files.length)).card;
}

/**
 * After a step: what happened (our words, no typed name), the nomination as it now stands, its next buttons. After the
 * materials (the unit's receipt) also how to attach files and those attached (cards/attachments.ts).
 */
export function awardStepCard(view: { row: AwardRow; done: Text; files?: ReceiptFiles }): Card {
  const files = view.files;
  // With the longest materials and note, fewer files are listed (the rest are counted): fitCard.
  const build = (listed: number) =>
    card({
      title: text('评比表彰', 'Awards'),
      template: 'violet',
      elements: [
        plain(view.done),
        statusLine(view.row),
        ...details(view.row),
        ...(files ? receiptFileElements(files, listed) : []),
        ...(view.row.buttons.length
          ? [buttonRow(view.row.buttons.map((b) => button(b.label, b.value, b.type ?? 'default')))]
          : []),
        button(text('全部表彰', 'All awards'), { a: 'award.list' }),
      ],
    });
  return fitCard(build, Math.min(FILES_LISTED, files?.files.length ?? 0)).card;
}

/** To the unit's contacts (one-to-one) when the office confirms a place: materials are now owed. */
export function placeConfirmedCard(view: { row: AwardRow; due: string }): Card {
  return card({
    title: text('表彰名额已确认', 'Award place confirmed'),
    template: 'violet',
    elements: [
      markdown(
        text(
          `请于 **${view.due}** 24 点前报送申报材料。`,
          `Please submit the award materials by the end of **${view.due}**.`,
        ),
      ),
      statusLine(view.row),
      nomineeLine(view.row),
      button(text('报送材料', 'Submit materials'), { a: 'award.materials.open', w: view.row.id }, 'primary'),
    ],
  });
}

/** The approved list, for the announcement group and the groups of the units on it. */
export function announcementCard(view: {
  competitionName: string;
  competitionNameEn: string;
  rows: Array<{ kind: AwardKind; track: string; nominee: string; title: string; unitName: string }>;
}): Card {
  // Each kind's list is cut to what fits (a competition file may give large quotas); the count says how many in all.
  const build = (n: number): Card => {
    const elements: Element[] = [
      markdown(
        text(
          `经领导小组审定，${md(view.competitionName)}表彰名单如下：`,
          `Approved by the leadership, the awards of ${md(view.competitionNameEn)}:`,
        ),
      ),
    ];
    for (const kind of ['collective', 'individual'] as const) {
      const rows = view.rows.filter((r) => r.kind === kind);
      if (!rows.length) continue;
      elements.push(
        markdown(text(`**${KIND_NAME[kind].zh}（${rows.length} 个）**`, `**${KIND_NAME[kind].en}s (${rows.length})**`)),
      );
      elements.push(
        table(
          [
            { name: 'track', header: '赛道 Track', type: 'text' },
            { name: 'nominee', header: kind === 'collective' ? '集体 Collective' : '姓名 Name', type: 'text' },
            { name: 'unit', header: '单位 Unit', type: 'text' },
          ],
          rows.slice(0, n).map((r) => ({
            track: r.track,
            nominee: kind === 'individual' && r.title ? `${r.nominee}（${r.title}）` : r.nominee,
            unit: r.unitName,
          })),
        ),
      );
      if (rows.length > n)
        elements.push(
          markdown(
            text(
              `（另有 ${rows.length - n} 个未列出，见竞赛办的导出）`,
              `(${rows.length - n} more not listed; see the office's export)`,
            ),
          ),
        );
    }
    return card({ title: text('表彰名单', 'Award list'), template: 'red', elements });
  };
  return fitCard(build, view.rows.length).card;
}
