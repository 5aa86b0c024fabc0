/**
 * Award cards: the list each role sees (with the buttons of the steps that person may take), the nomination,
 * materials and decision forms, the notice a unit gets when its place is confirmed, and the announcement. Names and
 * texts people typed go through `userText`.
 */
import { AWARD_LIMITS, KIND_NAME, STATUS_NAME, type AwardKind, type AwardStatus } from '../src/features/awards/awards.rules';
import { text, type Text } from '../src/platform/i18n';
import type { ActionValue } from './actions';
import { button, card, formInput, divider, fitCard, markdown, plainText, table, userText, type Card, type Element } from './kit';

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

const STATUS_TEMPLATE: Partial<Record<AwardStatus, string>> = { approved: '✅', rejected: '⛔', withdrawn: '↩️', declined: '↩️' };

function rowElements(r: AwardRow): Element[] {
  const who = r.kind === 'individual' ? `${r.nominee}（${r.title}）` : r.nominee;
  const out: Element[] = [
    divider(),
    markdown(text(`**${r.track} · ${KIND_NAME[r.kind].zh}** · ${STATUS_TEMPLATE[r.status] ?? ''}${STATUS_NAME[r.status].zh}`, `**${r.track} · ${KIND_NAME[r.kind].en}** · ${STATUS_TEMPLATE[r.status] ?? ''}${STATUS_NAME[r.status].en}`)),
    userText(`${who} · ${r.unitName} · ${r.projectCode} ${r.projectName}`),
    userText(r.reason, text('推荐理由', 'Reason')),
  ];
  if (r.materials) out.push(userText(r.materials, text('事迹材料', 'Achievements')));
  if (r.decisionNote) out.push(userText(r.decisionNote, text('审定意见', 'Decision note')));
  for (const b of r.buttons) out.push(button(b.label, b.value, b.type ?? 'default'));
  return out;
}

/**
 * The awards a person may see, with the quota table (when given) and the buttons to nominate in tracks with places
 * left. Long lists are cut to fit Lark's card limit, with a note saying how many are not shown.
 */
export function awardsCard(view: { scope: Text; quotas: QuotaRow[]; rows: AwardRow[]; nominate: Array<{ track: string; left: number }>; window: Text }): Card {
  const build = (n: number): Card => {
    const elements: Element[] = [markdown(text(`${view.scope.zh}\n${view.window.zh}`, `${view.scope.en}\n${view.window.en}`))];
    if (view.quotas.length) {
      elements.push(
        table(
          [
            { name: 'track', header: '赛道 Track', type: 'text' },
            { name: 'collectives', header: '集体 已用/名额 Collectives', type: 'text' },
            { name: 'individuals', header: '个人 已用/名额 Individuals', type: 'text' },
          ],
          view.quotas.map((q) => ({ track: `${q.track} ${q.trackName}`, collectives: `${q.collectives.used}/${q.collectives.quota}`, individuals: `${q.individuals.used}/${q.individuals.quota}` })),
        ),
      );
    }
    for (const t of view.nominate) elements.push(button(text(`提名 · ${t.track}（还可提名 ${t.left} 个）`, `Nominate · ${t.track} (${t.left} places left)`), { a: 'award.nominate.open', t: t.track }, 'primary'));
    if (!view.rows.length) elements.push(markdown(text('还没有提名。', 'No nominations yet.')));
    for (const r of view.rows.slice(0, n)) elements.push(...rowElements(r));
    if (n < view.rows.length) elements.push(markdown(text(`还有 ${view.rows.length - n} 条未显示；可发送「表彰 赛道」只看一个赛道。`, `${view.rows.length - n} more not shown; send "awards <track>" for one track.`)));
    return card({ title: text('评比表彰', 'Awards'), template: 'violet', elements });
  };
  return fitCard(build, view.rows.length).card;
}


export function nominationForm(view: { track: string; trackName: string; trackNameEn: string; left: Record<AwardKind, number>; projects: Array<{ id: string; code: string; name: string; unitName: string; rank?: number }> }): Card {
  const kinds = (['collective', 'individual'] as const).filter((k) => view.left[k] > 0);
  return card({
    title: text(`提名 · ${view.track} ${view.trackName}`, `Nominate · ${view.track} ${view.trackNameEn}`),
    template: 'violet',
    elements: [
      markdown(
        text(
          `还可提名：先进集体 ${view.left.collective} 个，先进个人 ${view.left.individual} 个。提名后由竞赛办确认名额，再由单位报送材料。`,
          `Places left: ${view.left.collective} collective, ${view.left.individual} individual. The office confirms each nomination; the unit then submits the materials.`,
        ),
      ),
      {
        tag: 'form',
        name: 'nominate',
        elements: [
          {
            tag: 'select_static',
            name: 'kind',
            required: true,
            width: 'fill',
            placeholder: plainText(text('奖项类别', 'Award')),
            options: kinds.map((k) => ({ text: plainText(KIND_NAME[k]), value: k })),
          },
          {
            tag: 'select_static',
            name: 'project',
            required: true,
            width: 'fill',
            placeholder: plainText(text('所依托的项目（按排名）', 'The project (by rank)')),
            options: view.projects.map((p) => ({ text: plainText(text(`${p.rank ? `第 ${p.rank} 名 · ` : ''}${p.code} ${p.name} · ${p.unitName}`, `${p.rank ? `#${p.rank} · ` : ''}${p.code} ${p.name} · ${p.unitName}`)), value: p.id })),
          },
          formInput('nominee', text('名称或姓名', 'Name'), { required: false, max: AWARD_LIMITS.nominee, placeholder: text('先进集体可不填（默认为“项目名 项目组”）；先进个人填姓名', 'For a collective, leave empty for "<project> team"; for an individual, the name') }),
          formInput('title', text('职务（先进个人）', 'Position (individuals)'), { required: false, max: AWARD_LIMITS.title, placeholder: text('例如：执法科科长', 'e.g. head of the enforcement section') }),
          formInput('reason', text('推荐理由', 'Reason for the nomination'), { required: true, multiline: true, max: AWARD_LIMITS.reason, placeholder: text('比成效、比实绩、比可行性、比示范性', 'Effectiveness, results, feasibility, exemplary value') }),
          { tag: 'button', name: 'submit', text: plainText(text('提交提名', 'Nominate')), type: 'primary', form_action_type: 'submit', behaviors: [{ type: 'callback', value: { a: 'award.nominate', t: view.track } }] },
        ],
      },
    ],
  });
}

export function materialsForm(view: { row: AwardRow; due: string; prefill?: { materials: string; links: string[] } }): Card {
  return card({
    title: text(`报送材料 · ${KIND_NAME[view.row.kind].zh}`, `Award materials · ${KIND_NAME[view.row.kind].en}`),
    template: 'violet',
    elements: [
      ...rowElements({ ...view.row, buttons: [] }).slice(1),
      markdown(text(`请于 ${view.due} 24 点前报送；截止前可以修改，以最后一次为准。`, `Due by the end of ${view.due}; until then you may resubmit, and the last one counts.`)),
      {
        tag: 'form',
        name: 'materials',
        elements: [
          formInput('materials', text('事迹材料', 'Account of achievements'), { required: true, multiline: true, max: AWARD_LIMITS.materials, value: view.prefill?.materials, placeholder: text('主要事迹、取得的成效（含数据）', 'Main achievements and results (with figures)') }),
          formInput('links', text('附件链接', 'Links to attachments'), { required: false, multiline: true, max: 2000, value: view.prefill?.links.join('\n'), placeholder: text('每行一个 http(s) 链接，最多 10 个', 'One http(s) link per line, up to 10') }),
          { tag: 'button', name: 'submit', text: plainText(text('报送', 'Submit')), type: 'primary', form_action_type: 'submit', behaviors: [{ type: 'callback', value: { a: 'award.materials', w: view.row.id } }] },
        ],
      },
    ],
  });
}

export function decisionForm(view: { row: AwardRow; links: string[]; standing: Text }): Card {
  return card({
    title: text(`审定 · ${KIND_NAME[view.row.kind].zh}`, `Decision · ${KIND_NAME[view.row.kind].en}`),
    template: 'violet',
    elements: [
      ...rowElements({ ...view.row, buttons: [] }).slice(1),
      markdown(view.standing),
      ...(view.links.length ? [userText(view.links.join('\n'), text('附件', 'Attachments'))] : []),
      {
        tag: 'form',
        name: 'decision',
        elements: [
          formInput('note', text('审定意见', 'Note'), { required: false, max: AWARD_LIMITS.note, placeholder: text('不通过时必填', 'Required when not approving') }),
          { tag: 'button', name: 'approve', text: plainText(text('通过', 'Approve')), type: 'primary', form_action_type: 'submit', behaviors: [{ type: 'callback', value: { a: 'award.decide', w: view.row.id, d: 'approve' } }] },
          { tag: 'button', name: 'reject', text: plainText(text('不通过', 'Do not approve')), type: 'danger', form_action_type: 'submit', behaviors: [{ type: 'callback', value: { a: 'award.decide', w: view.row.id, d: 'reject' } }] },
        ],
      },
    ],
  });
}

/** After a step: what happened to which nomination, and the list button. */
export function awardStepCard(view: { row: AwardRow; done: Text }): Card {
  return card({ title: text('评比表彰', 'Awards'), template: 'violet', elements: [markdown(view.done), ...rowElements(view.row).slice(1)] });
}

/** To the unit's contacts (one-to-one) when the office confirms a place: materials are now owed. */
export function placeConfirmedCard(view: { row: AwardRow; due: string }): Card {
  return card({
    title: text('表彰名额已确认', 'Award place confirmed'),
    template: 'violet',
    elements: [
      markdown(text(`请于 **${view.due}** 24 点前报送申报材料。`, `Please submit the award materials by the end of **${view.due}**.`)),
      ...rowElements({ ...view.row, buttons: [] }).slice(1, 2),
      button(text('报送材料', 'Submit materials'), { a: 'award.materials.open', w: view.row.id }, 'primary'),
    ],
  });
}

/** The approved list, for the announcement group and the groups of the units on it. */
export function announcementCard(view: { competitionName: string; competitionNameEn: string; rows: Array<{ kind: AwardKind; track: string; nominee: string; title: string; unitName: string }> }): Card {
  const elements: Element[] = [markdown(text(`经领导小组审定，${view.competitionName}表彰名单如下：`, `Approved by the leadership, the awards of ${view.competitionNameEn}:`))];
  for (const kind of ['collective', 'individual'] as const) {
    const rows = view.rows.filter((r) => r.kind === kind);
    if (!rows.length) continue;
    elements.push(markdown(text(`**${KIND_NAME[kind].zh}（${rows.length} 个）**`, `**${KIND_NAME[kind].en}s (${rows.length})**`)));
    elements.push(
      table(
        [
          { name: 'track', header: '赛道 Track', type: 'text' },
          { name: 'nominee', header: kind === 'collective' ? '集体 Collective' : '姓名 Name', type: 'text' },
          { name: 'unit', header: '单位 Unit', type: 'text' },
        ],
        rows.map((r) => ({ track: r.track, nominee: kind === 'individual' && r.title ? `${r.nominee}（${r.title}）` : r.nominee, unit: r.unitName })),
      ),
    );
  }
  return card({ title: text('表彰名单', 'Award list'), template: 'red', elements });
}
