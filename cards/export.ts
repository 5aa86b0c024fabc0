/**
 * The card that goes with an exported workbook: the file's name and size, what it covers, and the rows of each sheet.
 */
import { text, type Text } from '../src/platform/i18n';
import { card, markdown, md, table, type Card } from './kit';

export interface ExportSummaryView {
  fileName: string;
  size: string;
  /** e.g. 全部赛道 / all tracks, or T02 法治建设 / T02 Rule of law. */
  scope: Text;
  timeZone: string;
  sheets: ReadonlyArray<{ name: string; rows: number }>;
}

export function exportSummaryCard(v: ExportSummaryView): Card {
  return card({
    title: text('记录导出', 'Records export'),
    template: 'green',
    elements: [
      markdown(
        text(
          `文件 **${md(v.fileName)}** （${v.size}），范围：${md(v.scope.zh)}。每张表的第一行是表头；时间为 ${v.timeZone} 时间。`,
          `File **${md(v.fileName)}** (${v.size}), covering ${md(v.scope.en)}. The first row of each sheet is its header; times are ${v.timeZone} time.`,
        ),
      ),
      table(
        [
          { name: 'sheet', header: '工作表 Sheet', type: 'text' },
          { name: 'rows', header: '行数 Rows', type: 'number' },
        ],
        v.sheets.map((s) => ({ sheet: s.name, rows: s.rows })),
      ),
      markdown(
        text(
          '文件含联系电话和评委评分，请勿转发到群里。',
          "The file holds phone numbers and judges' scores: do not forward it to groups.",
        ),
      ),
    ],
  });
}
