/**
 * `导出 [赛道]` / `export [track]` (office only): every record as one .xlsx workbook, uploaded to Lark and sent as a
 * file message with a card saying what is in it.
 *
 * - Exactly once per command: the file message's key is derived from the command's message id, and a re-run of the
 *   event (after a crash) that finds it queued does nothing; Lark's uuid dedupe backs a re-sent row.
 * - Nothing half-sent: the card and the file are queued together, only once the upload has succeeded; a failed upload
 *   or a file over Lark's 30 MB limit gets a message saying so, and nothing else.
 * - Asked in a group, the file goes to the asker one-to-one: it holds judges' scores and phone numbers, and before
 *   publication no score may reach a group (see rankings.handlers.ts).
 */
import { exportSummaryCard } from '../../../cards/export';
import type { CommandSpec } from '../../lark/handlers';
import type { OutgoingMessage } from '../../lark/outbox.repository';
import { refuse } from '../../platform/errors';
import { echo, text, type Text } from '../../platform/i18n';
import { matchTrack } from '../../core/scope-matcher';
import { exportFileName, humanSize, SHEETS, type SheetKey } from './export.rules';
import { buildExport, uploadWithRetry } from './export.service';

const SHEET_ZH: Record<SheetKey, string> = {
  projects: '项目',
  reports: '进展',
  selfEvaluations: '自评',
  guidance: '指导意见',
  attachments: '附件',
  scores: '评分',
  awards: '表彰',
  audit: '审计',
};

function tooLarge(sheet: SheetKey, size: number, limit: number, track: string | undefined): Text {
  const zh = `导出文件超过飞书的文件上传上限 ${humanSize(limit)}（写到「${SHEET_ZH[sheet]}」表时已有 ${humanSize(size)}），没有发送。`;
  const en = `The export is over Lark's file upload limit of ${humanSize(limit)} (${humanSize(size)} by the time it reached the ${SHEETS[sheet]} sheet), so nothing was sent.`;
  return track
    ? text(
        `${zh}这个赛道的记录本身就超过上限，请联系技术人员从数据库导出。`,
        `${en} This track's records alone are over the limit: ask the technical staff for an export from the database.`,
      )
    : text(`${zh}请按赛道分别导出，例如「导出 T02」。`, `${en} Export one track at a time instead, e.g. "export T02".`);
}

export const exportCommand: CommandSpec = {
  name: 'export',
  words: ['导出', 'export'],
  summary: text(
    '把全部记录导出为 Excel 表格（项目、进展、自评、评分、表彰、审计日志）发到聊天中；在群里发的，文件私信给你',
    'Export every record as an Excel workbook (projects, reports, self-evaluations, scores, awards, audit log), sent in chat; asked in a group, the file comes to you one-to-one',
  ),
  usage: text('导出 [赛道]，如「导出」「导出 T02」', 'export [track], e.g. "export" or "export T02"'),
  audience: 'office',
  async run(ctx) {
    const s = ctx.services;
    const c = await s.competition();
    const e = ctx.event;
    const q = ctx.command.args.join(' ').trim();
    let track: { code: string; name: string; nameEn: string } | undefined;
    if (q) {
      const m = matchTrack(c.file.tracks, q);
      if (m.kind !== 'one') {
        const choices = (m.candidates.length ? m.candidates : c.file.tracks).map((t) => t.code);
        const shown = echo(q, 20);
        refuse(
          'export.unknown_track',
          `「${shown}」不是一个赛道。可以写：${choices.join('、')}，或不写（导出全部）。`,
          `"${shown}" is not a track. Try: ${choices.join(', ')}, or nothing (everything).`,
        );
      }
      track = m.item;
    }

    const key = `export:${e.messageId}`;
    // The event ran before and queued the file (a crash after that): it is on its way, do nothing more.
    if (await s.repos.outbox.isEnqueued(`${key}:file`)) return;

    const now = s.clock.now();
    const built = await buildExport(s.repos, c, { track: track?.code });
    if (built.kind === 'too_large')
      return ctx.reply(tooLarge(built.sheet, built.size, built.limit, track?.code), 'export-too-large');

    const fileName = exportFileName(c, track?.code, now);
    const upload = await uploadWithRetry(s.lark, { fileName, data: built.bytes });
    if (!upload.ok) {
      s.logger.warn('export upload failed', {
        messageId: e.messageId,
        bytes: built.bytes.length,
        reason: upload.error.message,
      });
      const why = `${upload.error.httpStatus ? `HTTP ${upload.error.httpStatus}` : upload.error.msg || 'network'}${upload.error.code !== undefined ? ` / ${upload.error.code}` : ''}`;
      return ctx.reply(
        text(
          `导出文件没能上传到飞书（${why}），什么都没有发送。请稍后再发送「导出」。`,
          `The export could not be uploaded to Lark (${why}); nothing was sent. Please send "export" again later.`,
        ),
        'export-failed',
      );
    }

    const privately = e.chatType === 'group';
    const to: Pick<OutgoingMessage, 'op' | 'receiveIdType' | 'receiveId' | 'rateKey'> = privately
      ? { op: 'send', receiveIdType: 'open_id', receiveId: e.senderOpenId, rateKey: `user:${e.senderOpenId}` }
      : {
          op: 'reply',
          receiveIdType: 'message_id',
          receiveId: e.messageId,
          // One-to-one: the reply counts against the person's limit, as every other message to them does.
          rateKey: `user:${e.senderOpenId}`,
        };
    const summary = exportSummaryCard({
      fileName,
      size: humanSize(built.bytes.length),
      scope: track
        ? text(`${track.code} ${track.name}`, `${track.code} ${track.nameEn}`)
        : text('全部赛道', 'all tracks'),
      timeZone: c.timeZone,
      sheets: (Object.keys(SHEETS) as SheetKey[]).map((k) => ({ name: SHEETS[k], rows: built.counts[k] })),
    });
    // Who took which records, and where to: recorded before the messages are queued, so that it is never missing.
    await s.repos.audit.recordAudit({
      competitionId: c.id,
      actor: e.senderOpenId,
      action: 'records.export',
      entityType: 'export',
      entityId: e.messageId,
      after: {
        track: track?.code ?? null,
        fileName,
        bytes: built.bytes.length,
        rows: built.counts,
        to: privately ? `open_id ${e.senderOpenId}` : `chat ${e.chatId}`,
      },
      at: now,
    });
    await s.enqueue([
      {
        key: `${key}:summary`,
        purpose: 'export',
        ...to,
        msgType: 'interactive',
        content: summary,
        competitionId: c.id,
      },
      {
        key: `${key}:file`,
        purpose: 'export-file',
        ...to,
        msgType: 'file',
        content: { file_key: upload.fileKey },
        competitionId: c.id,
      },
    ]);
    if (privately)
      await ctx.reply(
        text(
          '导出文件含联系电话和评委评分，已私信发给你。',
          "The export holds phone numbers and judges' scores: it has been sent to you one-to-one.",
        ),
        'export-private',
      );
  },
};
