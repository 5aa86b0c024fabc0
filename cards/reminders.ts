/**
 * Reminder cards: the one-to-one reminder with the button that opens the right form and a snooze, the post in
 * the unit's group that @mentions its contacts, the overdue notice, the office's digest, the escalation, and the
 * office's view of the plan. Mentions are built only from open_ids read from the database. Project and nominee names
 * (typed) are shown as plain text, once; names from the competition file pass through `md()` in markdown.
 */
import { text, type Text } from '../src/platform/i18n';
import type { ActionValue } from './actions';
import { button, buttonRow, capped, card, divider, fitCard, markdown, md, table, type Card, type Element } from './kit';

/** One thing that is owed: what it is in our words (a project code, an award kind, a count), and the typed name. */
export interface OwedItem {
  what: Text;
  name?: string;
}

export interface ReminderView {
  deadlineName: Text;
  dueDate: string;
  /** Whole days left until the due day (0: today); negative once overdue. */
  daysLeft: number;
  /** The unit that owes (its short name, from the competition file); none when a person owes (a judge, a leader). */
  unitName?: string;
  items: OwedItem[];
  action?: ActionValue;
  snooze?: ActionValue;
  /** Past the deadline and it can no longer be done by the unit itself (registration, scoring, materials). */
  closed?: boolean;
  /** The unit's questions (指导意见 with 请回复) still awaiting its answer, oldest first. */
  questions?: readonly OpenQuestion[];
}

/** A judge's question awaiting the unit's answer: the project, the period and subject, and the dates. */
export interface OpenQuestion {
  projectId: string;
  code: string;
  /** The period's name from the competition file. */
  period: Text;
  subject: 'report' | 'self_evaluation';
  /** Local dates: when it was asked, and the last day to answer. */
  askedOn: string;
  answerBy: string;
  /** The last day to answer has passed. */
  overdue: boolean;
}

const CLOSED = text(
  '截止后已不能自行办理；如有特殊情况，请联系竞赛办。',
  'It can no longer be done after the deadline; if there is a special reason, contact the competition office.',
);

const when = (v: ReminderView): Text =>
  v.daysLeft > 1
    ? text(`还有 ${v.daysLeft} 天截止（${v.dueDate}）`, `due in ${v.daysLeft} days (${v.dueDate})`)
    : v.daysLeft === 1
      ? text(`明天截止（${v.dueDate}）`, `due tomorrow (${v.dueDate})`)
      : v.daysLeft === 0
        ? text(`今天截止（${v.dueDate} 24 点前）`, `due today (${v.dueDate}, by midnight)`)
        : text(`已于 ${v.dueDate} 截止，逾期 ${-v.daysLeft} 天`, `was due on ${v.dueDate}, ${-v.daysLeft} days ago`);

/** A label in both languages when they differ ("先进集体 Advanced collective"), once when they do not (a code). */
const both = (t: Text): string => (t.zh === t.en ? t.zh : `${t.zh} ${t.en}`);

/** Owed lines listed on a card at most; the rest are counted. */
const ITEMS_LISTED = 30;

/**
 * The owed items as one plain-text block: in the reader's language when no typed name is among them, else each line
 * with its bilingual label beside the name, so that the name is written once.
 */
export function itemsBlock(items: readonly OwedItem[]): Element {
  if (items.every((i) => i.name === undefined)) {
    const zh = capped(
      items.map((i) => `· ${i.what.zh}`),
      ITEMS_LISTED,
      '\n',
      (k) => `\n…另有 ${k} 项`,
    );
    const en = capped(
      items.map((i) => `· ${i.what.en}`),
      ITEMS_LISTED,
      '\n',
      (k) => `\n…and ${k} more`,
    );
    return { tag: 'div', text: { tag: 'plain_text', content: zh, i18n_content: { zh_cn: zh, en_us: en } } };
  }
  const lines = items.map((i) => `· ${both(i.what)}${i.name === undefined ? '' : ` ${i.name}`}`);
  return {
    tag: 'div',
    text: { tag: 'plain_text', content: capped(lines, ITEMS_LISTED, '\n', (k) => `\n…另有 ${k} 项 and ${k} more`) },
  };
}

function actions(v: ReminderView): Element[] {
  const out: Element[] = [];
  if (v.action) out.push(button(text('去填写', 'Open the form'), v.action, 'primary'));
  if (v.snooze) out.push(button(text('稍后提醒（2 小时）', 'Remind me in 2 hours'), v.snooze));
  return out.length ? [buttonRow(out)] : [];
}

const deadline = (v: ReminderView): Text => text(md(v.deadlineName.zh), md(v.deadlineName.en));

/** Questions listed on a reminder at most; the rest are counted. */
const QUESTIONS_LISTED = 10;
/** Timeline buttons under the listed questions at most (one per project). */
const QUESTION_BUTTONS = 3;

const questionLine = (q: OpenQuestion): Text => {
  const what = q.subject === 'self_evaluation' ? text('自评', 'self-evaluation') : text('报告', 'report');
  return q.overdue
    ? text(
        `· ${q.code} · ${md(q.period.zh)}${what.zh} · ${q.askedOn} 提出，最晚应于 ${q.answerBy} 当天回复（已逾期）`,
        `· ${q.code} · ${md(q.period.en)} ${what.en} · asked on ${q.askedOn}, to answer by ${q.answerBy} (overdue)`,
      )
    : text(
        `· ${q.code} · ${md(q.period.zh)}${what.zh} · ${q.askedOn} 提出，请最晚于 ${q.answerBy} 当天回复`,
        `· ${q.code} · ${md(q.period.en)} ${what.en} · asked on ${q.askedOn}, to answer by ${q.answerBy}`,
      );
};

/** The open questions under a deadline reminder: a few lines, how many more, and the first projects' timelines. */
function questionsBlock(questions: readonly OpenQuestion[]): Element[] {
  if (!questions.length) return [];
  const lines = questions.map(questionLine);
  const more = questions.length - QUESTIONS_LISTED;
  const projects = [...new Map(questions.map((q) => [q.projectId, q])).values()].slice(0, QUESTION_BUTTONS);
  return [
    divider(),
    markdown(
      text(
        `**另有 ${questions.length} 条指导意见待回复** （在项目进展记录中回复）：\n${lines
          .slice(0, QUESTIONS_LISTED)
          .map((l) => l.zh)
          .join('\n')}${more > 0 ? `\n…另有 ${more} 条` : ''}`,
        `**Also ${questions.length} guidance ${questions.length > 1 ? 'questions await' : 'question awaits'} your answer** (answer in the project's timeline):\n${lines
          .slice(0, QUESTIONS_LISTED)
          .map((l) => l.en)
          .join('\n')}${more > 0 ? `\n…and ${more} more` : ''}`,
      ),
    ),
    buttonRow(
      projects.map((q) => button(text(`查看 ${q.code}`, `Open ${q.code}`), { a: 'rpt.history', p: q.projectId, n: 1 })),
    ),
  ];
}

/**
 * The chase of questions that passed their answer-by day unanswered: to the unit's contacts, one-to-one, once per
 * question; each with a button to the project's timeline, where the answer is written.
 */
export function questionReminderCard(v: {
  unitName: string;
  withinWorkingDays: number;
  questions: readonly OpenQuestion[];
}): Card {
  const total = v.questions.length;
  const build = (n: number): Card =>
    card({
      title: text('请回复指导意见', 'Guidance awaiting your answer'),
      template: 'orange',
      elements: [
        markdown(
          text(
            `${md(v.unitName)}有 **${total}** 条评委指导意见要求回复，已超过 ${v.withinWorkingDays} 个工作日仍未回复。请打开项目进展记录查看并回复：`,
            `${md(v.unitName)}: **${total}** guidance ${total > 1 ? 'questions' : 'question'} from the judges asked for an answer more than ${v.withinWorkingDays} working days ago and ${total > 1 ? 'are' : 'is'} still unanswered. Open the project's timeline to read and answer:`,
          ),
        ),
        ...v.questions
          .slice(0, n)
          .flatMap((q) => [
            markdown(questionLine(q)),
            button(text('查看并回复', 'Read and answer'), { a: 'rpt.history', p: q.projectId, n: 1 }, 'primary'),
          ]),
        ...(n < total ? [markdown(text(`…另有 ${total - n} 条未列出。`, `…and ${total - n} more not listed.`))] : []),
      ],
    });
  return fitCard(build, total).card;
}

export function reminderCard(v: ReminderView): Card {
  const overdue = v.daysLeft < 0;
  const d = deadline(v);
  const sentence = v.unitName
    ? text(
        `${md(v.unitName)}的 **${d.zh}** ${when(v).zh}。还差：`,
        `${md(v.unitName)}: **${d.en}** ${when(v).en}. Still missing:`,
      )
    : text(`你的 **${d.zh}** ${when(v).zh}。还差：`, `Your **${d.en}** ${when(v).en}. Still missing:`);
  return card({
    title: overdue
      ? text(`逾期提醒：${v.deadlineName.zh}`, `Overdue: ${v.deadlineName.en}`)
      : text(`提醒：${v.deadlineName.zh}`, `Reminder: ${v.deadlineName.en}`),
    template: overdue ? 'red' : v.daysLeft <= 1 ? 'orange' : 'blue',
    elements: [
      markdown(sentence),
      itemsBlock(v.items),
      ...(v.closed ? [markdown(CLOSED)] : []),
      ...actions(v),
      ...questionsBlock(v.questions ?? []),
    ],
  });
}

const OPEN_ID = /^ou_[A-Za-z0-9_-]{1,64}$/;
const mentions = (openIds: readonly string[]) =>
  openIds
    .filter((id) => OPEN_ID.test(id))
    .map((id) => `<at id=${id}></at>`)
    .join(' ');

export function groupReminderCard(v: ReminderView & { contacts: string[] }): Card {
  const overdue = v.daysLeft < 0;
  const who = mentions(v.contacts);
  const d = deadline(v);
  return card({
    title: overdue
      ? text(`逾期：${v.deadlineName.zh}`, `Overdue: ${v.deadlineName.en}`)
      : text(`提醒：${v.deadlineName.zh}`, `Reminder: ${v.deadlineName.en}`),
    template: overdue ? 'red' : 'orange',
    elements: [
      markdown(
        text(
          `${who ? `${who} ` : ''}本单位的 **${d.zh}** ${when(v).zh}，还差：`,
          `${who ? `${who} ` : ''}Our **${d.en}** ${when(v).en}; still missing:`,
        ),
      ),
      itemsBlock(v.items),
      ...(v.closed ? [markdown(CLOSED)] : []),
      ...(v.contacts.length
        ? []
        : [
            markdown(
              text(
                '本单位还没有绑定联络员，请联系竞赛办。',
                'No contact is bound for this unit yet; ask the competition office.',
              ),
            ),
          ]),
    ],
  });
}

/** Owed items named per row of the digest at most; the row counts them all. */
const DIGEST_ITEMS = 8;

/**
 * The office's digest after a deadline: one table row per unit (or person) still owing, with how many items and the
 * first few; as many rows as fit, and how many more there are.
 */
export function digestCard(v: {
  deadlineName: Text;
  dueDate: string;
  missing: Array<{ name: string; items: OwedItem[]; contacts: number }>;
  unreachable?: readonly string[];
}): Card {
  const unreachable = v.unreachable ?? [];
  const d = text(md(v.deadlineName.zh), md(v.deadlineName.en));
  const build = (n: number): Card =>
    card({
      title: text(`逾期汇总：${v.deadlineName.zh}`, `Overdue digest: ${v.deadlineName.en}`),
      template: 'red',
      elements: [
        markdown(
          text(
            `**${d.zh}** 已于 ${v.dueDate} 截止，以下 **${v.missing.length}** 个仍未完成：`,
            `**${d.en}** was due on ${v.dueDate}; **${v.missing.length}** still missing:`,
          ),
        ),
        table(
          [
            { name: 'who', header: '单位 Unit', type: 'text' },
            { name: 'n', header: '未完成 Missing', type: 'number' },
            { name: 'items', header: '明细 Details', type: 'text' },
            { name: 'contacts', header: '联络员 Contacts', type: 'number' },
          ],
          v.missing.slice(0, n).map((m) => ({
            who: m.name,
            n: m.items.length,
            items: capped(
              m.items.map((i) => `${both(i.what)}${i.name === undefined ? '' : ` ${i.name}`}`),
              DIGEST_ITEMS,
              '；',
              (k) => ` …+${k}`,
            ),
            contacts: m.contacts,
          })),
        ),
        ...(n < v.missing.length
          ? [
              markdown(
                text(
                  `另有 ${v.missing.length - n} 个未列出；发送「进展情况」查看全部。`,
                  `${v.missing.length - n} more not listed; send "reports" for all of them.`,
                ),
              ),
            ]
          : []),
        ...(unreachable.length
          ? [
              markdown(
                text(
                  `**督办提醒无人可发** ：以下 ${unreachable.length} 个单位在竞赛文件中没有单位领导（unit_leader），逾期后的督办提醒不会发出：${capped(unreachable.map(md), 30, '、', (k) => ` 等，另有 ${k} 个`)}`,
                  `**Escalations will reach nobody**: these ${unreachable.length} units have no unit leader (unit_leader) in the competition file, so no escalation will be sent: ${capped(unreachable.map(md), 30, ', ', (k) => ` and ${k} more`)}`,
                ),
              ),
            ]
          : []),
      ],
    });
  return fitCard(build, v.missing.length).card;
}

export function escalationCard(v: ReminderView): Card {
  const d = deadline(v);
  const unit = md(v.unitName ?? '');
  return card({
    title: text(
      `请督办：${v.unitName ?? ''}「${v.deadlineName.zh}」逾期`,
      `Please follow up: ${v.unitName ?? ''} ${v.deadlineName.en} overdue`,
    ),
    template: 'carmine',
    elements: [
      markdown(text(`**${d.zh}** ${when(v).zh}，${unit}还差：`, `**${d.en}** ${when(v).en}; ${unit} still misses:`)),
      itemsBlock(v.items),
    ],
  });
}

export interface PlanRow {
  deadlineName: Text;
  dueDate: string;
  step: string;
  at: string;
  owing: number;
  /** For an escalation: how many of those owing have no unit leader to reach. */
  unreachable?: number;
}

/** Plan lines shown per section at most; the rest are counted. */
const PLAN_LINES = 40;

export function remindersPlanCard(v: {
  upcoming: PlanRow[];
  sent: Array<{ deadlineName: Text; step: string; count: number; last: string }>;
  paused: string[];
  allPaused: boolean;
}): Card {
  const stepName = (s: string): Text =>
    s === 'overdue'
      ? text('逾期通知', 'overdue notice')
      : s === 'digest'
        ? text('竞赛办汇总', 'office digest')
        : s === 'escalate'
          ? text('督办', 'escalation')
          : s.startsWith('snooze')
            ? text('稍后提醒', 'snoozed')
            : s === 'T-0'
              ? text('截止当天', 'deadline day')
              : text(`提前 ${s.slice(2)} 天`, `${s.slice(2)} days before`);
  const lines = (rows: readonly Text[], more: Text): Text =>
    text(
      capped(
        rows.map((r) => r.zh),
        PLAN_LINES,
        '\n',
        (k) => `\n${more.zh.replace('{n}', String(k))}`,
      ),
      capped(
        rows.map((r) => r.en),
        PLAN_LINES,
        '\n',
        (k) => `\n${more.en.replace('{n}', String(k))}`,
      ),
    );
  const reach = (r: PlanRow): Text =>
    r.unreachable
      ? r.unreachable >= r.owing
        ? text('，都没有单位领导：不会发出', '; none has a unit leader: nothing will be sent')
        : text(
            `，其中 ${r.unreachable} 个没有单位领导：不会发给它们`,
            `; ${r.unreachable} of them have no unit leader and will not be reached`,
          )
      : text('', '');
  const upcoming = v.upcoming.map((r) =>
    text(
      `${r.at} · ${md(r.deadlineName.zh)}（${r.dueDate} 截止）· ${stepName(r.step).zh} · 目前 ${r.owing} 个未完成${reach(r).zh}`,
      `${r.at} · ${md(r.deadlineName.en)} (due ${r.dueDate}) · ${stepName(r.step).en} · ${r.owing} owing now${reach(r).en}`,
    ),
  );
  const sent = v.sent.map((r) =>
    text(
      `${r.last} · ${md(r.deadlineName.zh)} · ${stepName(r.step).zh} · ${r.count} 个`,
      `${r.last} · ${md(r.deadlineName.en)} · ${stepName(r.step).en} · ${r.count}`,
    ),
  );
  const more = text('…另有 {n} 条', '…and {n} more');
  return card({
    title: text('提醒计划', 'Reminder plan'),
    template: 'wathet',
    elements: [
      markdown(
        v.allPaused
          ? text('⏸ 全部提醒已暂停（发送「恢复提醒」恢复）。', '⏸ All reminders are paused (send "resume reminders").')
          : v.paused.length
            ? text(`⏸ 已暂停的单位：${v.paused.map(md).join('、')}`, `⏸ Paused units: ${v.paused.map(md).join(', ')}`)
            : text('提醒正常运行。', 'Reminders are running.'),
      ),
      divider(),
      markdown(
        upcoming.length
          ? text(`**接下来 14 天**\n${lines(upcoming, more).zh}`, `**Next 14 days**\n${lines(upcoming, more).en}`)
          : text('接下来 14 天没有提醒。', 'No reminder in the next 14 days.'),
      ),
      divider(),
      markdown(
        sent.length
          ? text(
              `**最近 14 天已发送**\n${lines(sent, more).zh}`,
              `**Sent in the last 14 days**\n${lines(sent, more).en}`,
            )
          : text('最近 14 天没有发送提醒。', 'No reminder sent in the last 14 days.'),
      ),
    ],
  });
}
