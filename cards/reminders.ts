/**
 * Reminder cards: the one-to-one reminder with the button that opens the right form and a snooze, the post in
 * the unit's group that @mentions its contacts, the overdue notice, the office's digest, the escalation, and the
 * office's view of the plan. Mentions are built only from open_ids read from the database.
 */
import { text, type Text } from '../src/platform/i18n';
import type { ActionValue } from './actions';
import { button, card, divider, markdown, type Card, type Element } from './kit';

export interface ReminderView {
  deadlineName: Text;
  dueDate: string;
  /** Whole days left until the due day (0: today); negative once overdue. */
  daysLeft: number;
  unitName: string;
  items: Text[];
  action?: ActionValue;
  snooze?: ActionValue;
}

const when = (v: ReminderView): Text =>
  v.daysLeft > 1
    ? text(`还有 ${v.daysLeft} 天截止（${v.dueDate}）`, `due in ${v.daysLeft} days (${v.dueDate})`)
    : v.daysLeft === 1
      ? text(`明天截止（${v.dueDate}）`, `due tomorrow (${v.dueDate})`)
      : v.daysLeft === 0
        ? text(`今天截止（${v.dueDate} 24 点前）`, `due today (${v.dueDate}, by midnight)`)
        : text(`已于 ${v.dueDate} 截止，逾期 ${-v.daysLeft} 天`, `was due on ${v.dueDate}, ${-v.daysLeft} days ago`);

const itemsText = (items: readonly Text[]): Text => text(items.map((i) => `· ${i.zh}`).join('\n'), items.map((i) => `· ${i.en}`).join('\n'));

function actions(v: ReminderView): Element[] {
  const out: Element[] = [];
  if (v.action) out.push({ tag: 'column', width: 'auto', elements: [button(text('去填写', 'Open the form'), v.action, 'primary')] });
  if (v.snooze) out.push({ tag: 'column', width: 'auto', elements: [button(text('稍后提醒（2 小时）', 'Remind me in 2 hours'), v.snooze)] });
  return out.length ? [{ tag: 'column_set', columns: out }] : [];
}

export function reminderCard(v: ReminderView): Card {
  const overdue = v.daysLeft < 0;
  return card({
    title: overdue ? text(`逾期提醒：${v.deadlineName.zh}`, `Overdue: ${v.deadlineName.en}`) : text(`提醒：${v.deadlineName.zh}`, `Reminder: ${v.deadlineName.en}`),
    template: overdue ? 'red' : v.daysLeft <= 1 ? 'orange' : 'blue',
    elements: [
      markdown(text(`**${v.unitName}** 的${v.deadlineName.zh}${when(v).zh}。还差：`, `**${v.unitName}**: ${v.deadlineName.en} ${when(v).en}. Still missing:`)),
      markdown(itemsText(v.items)),
      ...actions(v),
    ],
  });
}

const OPEN_ID = /^ou_[A-Za-z0-9_-]{1,64}$/;
const mentions = (openIds: readonly string[]) => openIds.filter((id) => OPEN_ID.test(id)).map((id) => `<at id=${id}></at>`).join(' ');

export function groupReminderCard(v: ReminderView & { contacts: string[] }): Card {
  const overdue = v.daysLeft < 0;
  const who = mentions(v.contacts);
  return card({
    title: overdue ? text(`逾期：${v.deadlineName.zh}`, `Overdue: ${v.deadlineName.en}`) : text(`提醒：${v.deadlineName.zh}`, `Reminder: ${v.deadlineName.en}`),
    template: overdue ? 'red' : 'orange',
    elements: [
      markdown(text(`${who ? `${who} ` : ''}本单位的${v.deadlineName.zh}${when(v).zh}，还差：`, `${who ? `${who} ` : ''}Our ${v.deadlineName.en} ${when(v).en}; still missing:`)),
      markdown(itemsText(v.items)),
      ...(v.contacts.length ? [] : [markdown(text('本单位还没有绑定联络员，请联系竞赛办。', 'No contact is bound for this unit yet; ask the competition office.'))]),
    ],
  });
}

export function digestCard(v: { deadlineName: Text; dueDate: string; missing: Array<{ name: string; items: Text[]; contacts: number }> }): Card {
  return card({
    title: text(`逾期汇总：${v.deadlineName.zh}`, `Overdue digest: ${v.deadlineName.en}`),
    template: 'red',
    elements: [
      markdown(text(`${v.deadlineName.zh}已于 ${v.dueDate} 截止，以下 **${v.missing.length}** 个仍未完成：`, `${v.deadlineName.en} was due on ${v.dueDate}; **${v.missing.length}** still missing:`)),
      ...v.missing.map((m) =>
        markdown(
          text(
            `**${m.name}**${m.contacts ? '' : '（无联络员）'}：${m.items.map((i) => i.zh).join('；')}`,
            `**${m.name}**${m.contacts ? '' : ' (no contact)'}: ${m.items.map((i) => i.en).join('; ')}`,
          ),
        ),
      ),
    ],
  });
}

export function escalationCard(v: ReminderView): Card {
  return card({
    title: text(`请督办：${v.unitName}${v.deadlineName.zh}逾期`, `Please follow up: ${v.unitName} ${v.deadlineName.en} overdue`),
    template: 'carmine',
    elements: [markdown(text(`${v.deadlineName.zh}${when(v).zh}，${v.unitName}还差：`, `${v.deadlineName.en} ${when(v).en}; ${v.unitName} still misses:`)), markdown(itemsText(v.items))],
  });
}

export interface PlanRow {
  deadlineName: Text;
  dueDate: string;
  step: string;
  at: string;
  owing: number;
}

export function remindersPlanCard(v: { upcoming: PlanRow[]; sent: Array<{ deadlineName: Text; step: string; count: number; last: string }>; paused: string[]; allPaused: boolean }): Card {
  const stepName = (s: string): Text =>
    s === 'overdue' ? text('逾期通知', 'overdue notice') : s === 'digest' ? text('竞赛办汇总', 'office digest') : s === 'escalate' ? text('督办', 'escalation') : s.startsWith('snooze') ? text('稍后提醒', 'snoozed') : s === 'T-0' ? text('截止当天', 'deadline day') : text(`提前 ${s.slice(2)} 天`, `${s.slice(2)} days before`);
  return card({
    title: text('提醒计划', 'Reminder plan'),
    template: 'wathet',
    elements: [
      markdown(
        v.allPaused
          ? text('⏸ 全部提醒已暂停（发送「恢复提醒」恢复）。', '⏸ All reminders are paused (send "resume reminders").')
          : v.paused.length
            ? text(`⏸ 已暂停的单位：${v.paused.join('、')}`, `⏸ Paused units: ${v.paused.join(', ')}`)
            : text('提醒正常运行。', 'Reminders are running.'),
      ),
      divider(),
      markdown(
        v.upcoming.length
          ? text(`**接下来 14 天**\n${v.upcoming.map((r) => `${r.at} · ${r.deadlineName.zh}（${r.dueDate} 截止）· ${stepName(r.step).zh} · 目前 ${r.owing} 个未完成`).join('\n')}`, `**Next 14 days**\n${v.upcoming.map((r) => `${r.at} · ${r.deadlineName.en} (due ${r.dueDate}) · ${stepName(r.step).en} · ${r.owing} owing now`).join('\n')}`)
          : text('接下来 14 天没有提醒。', 'No reminder in the next 14 days.'),
      ),
      divider(),
      markdown(
        v.sent.length
          ? text(`**最近 14 天已发送**\n${v.sent.map((r) => `${r.last} · ${r.deadlineName.zh} · ${stepName(r.step).zh} · ${r.count} 个`).join('\n')}`, `**Sent in the last 14 days**\n${v.sent.map((r) => `${r.last} · ${r.deadlineName.en} · ${stepName(r.step).en} · ${r.count}`).join('\n')}`)
          : text('最近 14 天没有发送提醒。', 'No reminder sent in the last 14 days.'),
      ),
    ],
  });
}
