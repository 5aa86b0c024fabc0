/**
 * The office sees what could not be delivered: `发送失败` / `failures`, and a notice as soon as a message is given up.
 */
import { card, markdown, userText } from '../../../cards/kit';
import { text } from '../../platform/i18n';
import type { BotServices, CommandSpec } from '../../lark/handlers';
import type { OutboxRow } from '../../lark/outbox.repository';

export const FAILURE_NOTICE = 'failure-notice';

export const failuresCommand: CommandSpec = {
  name: 'failures',
  words: ['发送失败', 'failures'],
  summary: text('查看没能送达的消息及原因', 'See the messages that could not be delivered, and why'),
  audience: 'office',
  async run(ctx) {
    const [counts, failures] = await Promise.all([
      ctx.services.repos.outbox.outboxCounts(ctx.services.competitionId),
      ctx.services.repos.outbox.recentFailures(15, ctx.services.competitionId),
    ]);
    const elements = [
      markdown(
        text(
          `待发送 ${counts.pending + counts.sending} · 已发送 ${counts.sent} · 失败 ${counts.failed}`,
          `Waiting ${counts.pending + counts.sending} · sent ${counts.sent} · failed ${counts.failed}`,
        ),
      ),
      ...failures.map((f) =>
        userText(`${f.createdAt.slice(0, 16)} UTC · ${f.purpose} → ${f.receiveIdType} ${f.receiveId} · ${f.reason}`),
      ),
    ];
    if (!failures.length) elements.push(markdown(text('没有发送失败的消息。', 'No message has failed.')));
    await ctx.reply(
      card({
        title: text('消息发送情况', 'Message delivery'),
        template: failures.length ? 'orange' : 'green',
        elements,
      }),
      'failures',
    );
  },
};

/** Tells the office about a message given up on (never about a failed notice, so failures cannot chain). */
export async function noticeGiveUp(
  services: Pick<BotServices, 'repos' | 'competitionId' | 'admins' | 'enqueue'>,
  row: OutboxRow,
  reason: string,
): Promise<void> {
  if (row.purpose === FAILURE_NOTICE) return;
  const office = await services.repos.roles.officeOpenIds(services.competitionId, services.admins);
  const notice = text(
    `有一条消息（${row.purpose}）没能送达 ${row.receiveIdType} ${row.receiveId}：${reason}。发送「发送失败」查看全部。`,
    `A message (${row.purpose}) could not be delivered to ${row.receiveIdType} ${row.receiveId}: ${reason}. Send "failures" to see them all.`,
  );
  await services.enqueue(
    office.map((openId) => ({
      key: `failure-notice:${row.id}:${openId}`,
      purpose: FAILURE_NOTICE,
      op: 'send' as const,
      receiveIdType: 'open_id' as const,
      receiveId: openId,
      rateKey: `user:${openId}`,
      msgType: 'text' as const,
      content: { text: `${notice.zh}\n${notice.en}` },
      competitionId: services.competitionId,
    })),
  );
}
