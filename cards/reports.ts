/**
 * Progress cards: the report form (pre-filled from the last report), the receipt, a project's timeline, the
 * self-evaluation form, the office's per-period view and the schedule. What people typed goes through `userText`.
 */
import { text, type Text } from '../src/platform/i18n';
import { REPORT_LIMITS, type PeriodOverview, type PeriodTally, type ReportFields, type ReportState } from '../src/features/reports/reporting.rules';
import { button, card, formInput, divider, markdown, plainText, table, userText, type Card, type Element } from './kit';

export interface ProjectLabel {
  id: string;
  code: string;
  name: string;
  trackName: string;
  trackNameEn: string;
  unitName: string;
}

export interface PeriodChoice {
  code: string;
  name: string;
  nameEn: string;
  due: string;
  /** This project's state for the period. */
  state: ReportState;
  /** The period closed and has a report: it cannot be changed any more. */
  locked: boolean;
}

const STATE: Record<ReportState, Text> = {
  on_time: text('已按时报', 'reported on time'),
  late: text('已补报（逾期）', 'reported late'),
  missing: text('未报，已逾期', 'missing, overdue'),
  pending: text('待报', 'to report'),
};

const periodLabel = (p: PeriodChoice): Text =>
  text(`${p.name}（${p.due} 截止 · ${STATE[p.state].zh}${p.locked ? ' · 不能再改' : ''}）`, `${p.nameEn} (due ${p.due} · ${STATE[p.state].en}${p.locked ? ' · locked' : ''})`);


const projectLine = (p: ProjectLabel): Element => userText(`${p.code} · ${p.name}`);

export function reportForm(view: { project: ProjectLabel; periods: PeriodChoice[]; selected?: string; prefill?: ReportFields; prefillFrom?: Text }): Card {
  const f = view.prefill;
  return card({
    title: text(`填报进展 · ${view.project.unitName}`, `Progress report · ${view.project.unitName}`),
    elements: [
      projectLine(view.project),
      markdown(
        text(
          `截止日当天 24 点前提交算按时；截止前可以反复修改，每次都会保留。${view.prefillFrom ? `\n已按${view.prefillFrom.zh}预先填好，请改成本期的情况。` : ''}`,
          `Reports until the end of the due day are on time; until then you may revise as often as you like and every version is kept.${view.prefillFrom ? `\nPre-filled from ${view.prefillFrom.en}: update it for this period.` : ''}`,
        ),
      ),
      {
        tag: 'form',
        name: 'report',
        elements: [
          {
            tag: 'select_static',
            name: 'period',
            required: true,
            width: 'fill',
            placeholder: plainText(text('选择填报期', 'Choose the period')),
            options: view.periods.map((p) => ({ text: plainText(periodLabel(p)), value: p.code })),
            ...(view.selected ? { initial_option: view.selected } : {}),
          },
          formInput('work_done', text('本期完成的工作', 'Work done this period'), { required: true, multiline: true, max: REPORT_LIMITS.workDone, value: f?.workDone, placeholder: text('做了什么', 'What was done') }),
          formInput('results', text('取得的成效（含数据）', 'Results (with figures)'), { required: true, multiline: true, max: REPORT_LIMITS.results, value: f?.results, placeholder: text('例如：办结案件 120 件，同比提升 15%', 'e.g. 120 cases closed, up 15% on last year') }),
          formInput('completion', text('完成度（0-100）', 'Completion (0-100)'), { required: true, max: 4, value: f ? String(f.completion) : undefined, placeholder: text('例如 60', 'e.g. 60') }),
          formInput('evidence', text('佐证链接', 'Evidence links'), { required: false, multiline: true, max: REPORT_LIMITS.evidence, value: f?.evidence.join('\n'), placeholder: text('每行一个 http(s) 链接，最多 10 个', 'One http(s) link per line, up to 10') }),
          formInput('problems', text('问题与需要的帮助', 'Problems and help needed'), { required: false, multiline: true, max: REPORT_LIMITS.problems, value: f?.problems, placeholder: text('没有可不填', 'Leave empty if none') }),
          { tag: 'button', name: 'submit', text: plainText(text('提交进展', 'Submit')), type: 'primary', form_action_type: 'submit', behaviors: [{ type: 'callback', value: { a: 'rpt.submit', p: view.project.id } }] },
        ],
      },
    ],
  });
}

export function projectPicker(view: { unitName: string; projects: Array<ProjectLabel & { state?: ReportState; periodName?: Text }>; purpose: 'report' | 'self-evaluation'; period?: string }): Card {
  const title = view.purpose === 'report' ? text(`填报进展 · ${view.unitName}`, `Progress report · ${view.unitName}`) : text(`自评 · ${view.unitName}`, `Self-evaluation · ${view.unitName}`);
  const elements: Element[] = [markdown(text('选择项目：', 'Choose a project:'))];
  for (const p of view.projects) {
    elements.push(divider(), projectLine(p));
    if (p.state && p.periodName) elements.push(markdown(text(`${p.periodName.zh}：${STATE[p.state].zh}`, `${p.periodName.en}: ${STATE[p.state].en}`)));
    elements.push(
      view.purpose === 'report'
        ? button(text('填报', 'Report'), { a: 'rpt.open', p: p.id }, 'primary')
        : button(text('自评', 'Self-evaluate'), { a: 'sev.open', p: p.id, period: view.period! }, 'primary'),
    );
  }
  return card({ title, elements });
}

export function reportReceived(view: { project: ProjectLabel; periodName: Text; revision: number; late: boolean; selfEvaluation?: { period: string } }): Card {
  const status = view.late
    ? text('已逾期，记为补报', 'after the due date: recorded as late')
    : view.revision > 1
      ? text(`第 ${view.revision} 次修改，以最新一次为准`, `revision ${view.revision}; the latest one counts`)
      : text('按时提交', 'on time');
  return card({
    title: text('进展已提交', 'Progress report received'),
    template: view.late ? 'orange' : 'green',
    elements: [
      projectLine(view.project),
      markdown(text(`${view.periodName.zh}：${status.zh}。`, `${view.periodName.en}: ${status.en}.`)),
      ...(view.selfEvaluation
        ? [markdown(text('本期还需要做项目自评。', 'This period also asks for a self-evaluation.')), button(text('去自评', 'Self-evaluate'), { a: 'sev.open', p: view.project.id, period: view.selfEvaluation.period }, 'primary')]
        : []),
      button(text('查看进展记录', 'See the timeline'), { a: 'rpt.history', p: view.project.id }),
    ],
  });
}

export interface TimelineEntry {
  periodName: Text;
  due: string;
  state: ReportState;
  revisions: number;
  latest?: ReportFields & { submittedAt: string };
  selfEvaluation?: { total: number; max: number; justification: string };
}

export function historyCard(view: { project: ProjectLabel; entries: TimelineEntry[] }): Card {
  const elements: Element[] = [projectLine(view.project), markdown(text(`赛道：${view.project.trackName}`, `Track: ${view.project.trackNameEn}`))];
  for (const e of view.entries) {
    elements.push(divider());
    elements.push(markdown(text(`**${e.periodName.zh}**（${e.due} 截止）· ${STATE[e.state].zh}${e.revisions > 1 ? ` · 修改 ${e.revisions - 1} 次` : ''}`, `**${e.periodName.en}** (due ${e.due}) · ${STATE[e.state].en}${e.revisions > 1 ? ` · revised ${e.revisions - 1}×` : ''}`)));
    if (e.latest) {
      elements.push(markdown(text(`完成度 **${e.latest.completion}%** · 提交于 ${e.latest.submittedAt}`, `Completion **${e.latest.completion}%** · submitted ${e.latest.submittedAt}`)));
      elements.push(userText(e.latest.workDone, text('工作', 'Work')), userText(e.latest.results, text('成效', 'Results')));
      if (e.latest.evidence.length) elements.push(userText(e.latest.evidence.join('\n'), text('佐证', 'Evidence')));
      if (e.latest.problems) elements.push(userText(e.latest.problems, text('问题', 'Problems')));
    }
    if (e.selfEvaluation) {
      elements.push(markdown(text(`自评 **${e.selfEvaluation.total}/${e.selfEvaluation.max}**`, `Self-evaluation **${e.selfEvaluation.total}/${e.selfEvaluation.max}**`)));
      elements.push(userText(e.selfEvaluation.justification, text('理由', 'Justification')));
    }
  }
  if (!view.entries.length) elements.push(markdown(text('还没有需要填报的期次。', 'No reporting period has opened yet.')));
  return card({ title: text('进展记录', 'Progress timeline'), elements });
}

export function selfEvaluationForm(view: { project: ProjectLabel; periodName: Text; period: string; rubric: ReadonlyArray<{ code: string; name: string; nameEn: string; max: number }>; prefill?: { scores: Record<string, number>; justification: string } }): Card {
  return card({
    title: text(`项目自评 · ${view.periodName.zh}`, `Self-evaluation · ${view.periodName.en}`),
    elements: [
      projectLine(view.project),
      markdown(text('按评比标准给本项目打分（整数），并简要说明理由。截止前可修改。', 'Score the project on each criterion (whole numbers) and justify briefly. You may revise until the due date.')),
      {
        tag: 'form',
        name: 'self_evaluation',
        elements: [
          ...view.rubric.map((c) => formInput(`score_${c.code}`, text(`${c.name}（0-${c.max}）`, `${c.nameEn} (0-${c.max})`), { required: true, max: 5, value: view.prefill?.scores[c.code]?.toString(), placeholder: text(`0 到 ${c.max}`, `0 to ${c.max}`) })),
          formInput('justification', text('打分理由', 'Justification'), { required: true, multiline: true, max: REPORT_LIMITS.justification, value: view.prefill?.justification, placeholder: text('依据哪些成效和数据', 'Which results and figures support it') }),
          { tag: 'button', name: 'submit', text: plainText(text('提交自评', 'Submit')), type: 'primary', form_action_type: 'submit', behaviors: [{ type: 'callback', value: { a: 'sev.submit', p: view.project.id, period: view.period } }] },
        ],
      },
    ],
  });
}

export function selfEvaluationReceived(view: { project: ProjectLabel; periodName: Text; total: number; max: number; revision: number }): Card {
  return card({
    title: text('自评已提交', 'Self-evaluation received'),
    template: 'green',
    elements: [
      projectLine(view.project),
      markdown(text(`${view.periodName.zh}自评 **${view.total}/${view.max}**${view.revision > 1 ? `（第 ${view.revision} 次修改）` : ''}。`, `${view.periodName.en}: **${view.total}/${view.max}**${view.revision > 1 ? ` (revision ${view.revision})` : ''}.`)),
      button(text('查看进展记录', 'See the timeline'), { a: 'rpt.history', p: view.project.id }),
    ],
  });
}

const pct = (x: number) => `${Math.round(100 * x)}%`;
const tallyText = (t: PeriodTally): Text =>
  text(`按时 ${t.onTime} · 逾期补报 ${t.late} · 缺报 ${t.missing}${t.pending ? ` · 待报 ${t.pending}` : ''}`, `on time ${t.onTime} · late ${t.late} · missing ${t.missing}${t.pending ? ` · to come ${t.pending}` : ''}`);

export function reportsOverviewCard(view: {
  overview: PeriodOverview;
  units: ReadonlyArray<{ code: string; name: string }>;
  tracks: ReadonlyArray<{ code: string; name: string; nameEn: string }>;
  missingProjects: ReadonlyArray<{ code: string; unitName: string }>;
  otherPeriods: ReadonlyArray<{ code: string; name: string; nameEn: string }>;
  scope?: Text;
}): Card {
  const o = view.overview;
  const grid = table(
    [
      { name: 'unit', header: '单位 Unit', type: 'text' },
      { name: 'on_time', header: '按时 On time', type: 'number' },
      { name: 'late', header: '逾期 Late', type: 'number' },
      { name: 'missing', header: '缺报 Missing', type: 'number' },
      { name: 'share', header: '按时率 On-time', type: 'text' },
    ],
    view.units
      .filter((u) => o.byUnit.has(u.code))
      .map((u) => {
        const t = o.byUnit.get(u.code)!;
        return { unit: u.name, on_time: t.onTime, late: t.late, missing: t.missing, share: t.owed ? pct(t.onTimeShare) : '—' };
      }),
  );
  const tracks = view.tracks
    .filter((t) => o.byTrack.has(t.code))
    .map((t) => ({ t, tally: o.byTrack.get(t.code)! }));
  return card({
    title: text(`进展情况 · ${o.period.name}`, `Reports · ${o.period.nameEn}`),
    template: 'indigo',
    elements: [
      markdown(
        text(
          `${view.scope ? `${view.scope.zh}。` : ''}${o.period.due} 截止。${tallyText(o.total).zh}${o.total.owed ? `，按时率 **${pct(o.total.onTimeShare)}**` : ''}。`,
          `${view.scope ? `${view.scope.en}. ` : ''}Due ${o.period.due}. ${tallyText(o.total).en}${o.total.owed ? `; on-time share **${pct(o.total.onTimeShare)}**` : ''}.`,
        ),
      ),
      grid,
      divider(),
      markdown(text(`**按赛道**\n${tracks.map(({ t, tally: x }) => `${t.code} ${t.name}：${tallyText(x).zh}`).join('\n')}`, `**By track**\n${tracks.map(({ t, tally: x }) => `${t.code} ${t.nameEn}: ${tallyText(x).en}`).join('\n')}`)),
      markdown(
        view.missingProjects.length
          ? text(`**缺报项目（${view.missingProjects.length}）**：${view.missingProjects.map((p) => `${p.code}（${p.unitName}）`).join('、')}`, `**Missing (${view.missingProjects.length})**: ${view.missingProjects.map((p) => `${p.code} (${p.unitName})`).join(', ')}`)
          : text('没有缺报的项目。', 'No report is missing.'),
      ),
      ...(view.otherPeriods.length
        ? [{ tag: 'column_set', columns: view.otherPeriods.slice(-4).map((p) => ({ tag: 'column', width: 'auto', elements: [button(text(p.name, p.nameEn), { a: 'rpt.overview', period: p.code })] })) }]
        : []),
    ],
  });
}

export function scheduleCard(view: {
  stages: ReadonlyArray<{ name: string; nameEn: string; start: string; end: string; current: boolean }>;
  deadlines: ReadonlyArray<{ name: string; nameEn: string; date: string }>;
  owed?: ReadonlyArray<{ unitName: string; items: ReadonlyArray<{ projectCode: string; periodName: Text; due: string; overdue: boolean }> }>;
}): Card {
  const elements: Element[] = [
    markdown(
      text(
        view.stages.map((s) => `${s.current ? '▶ ' : ''}**${s.name}** ${s.start} ~ ${s.end}`).join('\n'),
        view.stages.map((s) => `${s.current ? '▶ ' : ''}**${s.nameEn}** ${s.start} – ${s.end}`).join('\n'),
      ),
    ),
    divider(),
    markdown(
      view.deadlines.length
        ? text(`**接下来的截止日**\n${view.deadlines.map((d) => `${d.date} ${d.name}`).join('\n')}`, `**Next deadlines**\n${view.deadlines.map((d) => `${d.date} ${d.nameEn}`).join('\n')}`)
        : text('没有待到的截止日。', 'No deadline ahead.'),
    ),
  ];
  for (const u of view.owed ?? []) {
    elements.push(divider());
    elements.push(
      markdown(
        u.items.length
          ? text(`**${u.unitName}还欠**\n${u.items.map((i) => `${i.projectCode} ${i.periodName.zh}（${i.due}${i.overdue ? '，已逾期' : ' 截止'}）`).join('\n')}`, `**${u.unitName} still owes**\n${u.items.map((i) => `${i.projectCode} ${i.periodName.en} (due ${i.due}${i.overdue ? ', overdue' : ''})`).join('\n')}`)
          : text(`**${u.unitName}**：目前没有欠报的内容。`, `**${u.unitName}**: nothing owed right now.`),
      ),
    );
  }
  return card({ title: text('日程', 'Schedule'), elements });
}
