/**
 * The XLSX writer, read back by Python's zipfile (CRCs) and xml.etree (well-formed XML): see test/support/xlsx-reader.ts;
 * and its ZIP tested by Info-ZIP's `unzip -t`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildXlsx,
  cellText,
  columnName,
  crc32,
  escapeXml,
  excelSerial,
  MAX_CELL_CHARS,
  sheetName,
  XlsxBuilder,
} from '../../src/platform/xlsx';
import { readXlsx, zipEntries } from '../support/xlsx-reader';

describe('the pieces', () => {
  it('CRC-32 matches the standard check value and continues across pieces', () => {
    const bytes = new TextEncoder().encode('123456789');
    expect(crc32(bytes)).toBe(0xcbf43926);
    expect(crc32(bytes.subarray(4), crc32(bytes.subarray(0, 4)))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
  });

  it('column names run A..Z, AA.., and up to XFD', () => {
    expect([0, 1, 25, 26, 27, 51, 52, 701, 702, 16_383].map(columnName)).toEqual([
      'A',
      'B',
      'Z',
      'AA',
      'AB',
      'AZ',
      'BA',
      'ZZ',
      'AAA',
      'XFD',
    ]);
  });

  it('escapes markup and keeps carriage returns as references', () => {
    expect(escapeXml('a<b>&"c"\r\n')).toBe('a&lt;b&gt;&amp;&quot;c&quot;&#13;\n');
  });

  it('drops characters XML 1.0 forbids (controls, U+FFFE/FFFF, lone surrogates) and keeps pairs, tabs and newlines', () => {
    expect(cellText('a\u0000b\u0007c\u000bd\ufffee\uffff\ud800f\udc00g\th\ni😀')).toBe('abcdefg\th\ni😀');
  });

  it("cuts text at Excel's 32,767 characters with a mark, never inside a surrogate pair", () => {
    const long = cellText('x'.repeat(MAX_CELL_CHARS + 10));
    expect(long.length).toBe(MAX_CELL_CHARS);
    expect(long.endsWith('…')).toBe(true);
    const emoji = cellText(`${'x'.repeat(MAX_CELL_CHARS - 3)}😀😀`);
    expect(emoji.length).toBeLessThanOrEqual(MAX_CELL_CHARS);
    expect(/[\ud800-\udbff]…$/.test(emoji)).toBe(false);
    expect(cellText('x'.repeat(MAX_CELL_CHARS))).toHaveLength(MAX_CELL_CHARS);
  });

  it('makes sheet names Excel accepts', () => {
    expect(sheetName('a/b:c*d?e[f]g\\h')).toBe('a b c d e f g h');
    expect(sheetName("'quoted'")).toBe('quoted');
    expect(sheetName('  ')).toBe('Sheet');
    expect([...sheetName('长'.repeat(40))]).toHaveLength(31);
  });

  it('turns wall-clock times into Excel serial dates', () => {
    expect(excelSerial(Date.UTC(1970, 0, 1))).toBe(25_569);
    expect(excelSerial(Date.UTC(2024, 3, 8, 12, 0, 0))).toBe(45_390.5);
  });
});

describe('a workbook read back by an independent reader', () => {
  it('has the sheets, a bold header, and text, numbers, flags, times and empty cells where they were put', async () => {
    const bytes = await buildXlsx([
      {
        name: '项目',
        header: ['项目编号 Project code', '完成度 Completion', '逾期 Late', '时间 At', '备注 Note'],
        rows: [
          ['2024-T02-HP-1', 35, false, { wallClockMs: Date.UTC(2024, 3, 8, 12) }, '第一行\n第二行'],
          ['2024-T02-HP-2', 0.5, true, null, undefined],
          ['', 12, undefined, { wallClockMs: Number.NaN }, '  spaces kept  '],
        ],
      },
      { name: '空 Empty', header: ['只有表头 Header only'], rows: [] },
      { name: 'No header', rows: [['a', 'b']] },
    ]);
    const wb = readXlsx(bytes);
    expect(wb.entries.every((e) => e.method === 8)).toBe(true);
    expect(wb.entries.map((e) => e.name)).toEqual([
      '[Content_Types].xml',
      '_rels/.rels',
      'xl/workbook.xml',
      'xl/_rels/workbook.xml.rels',
      'xl/styles.xml',
      'xl/worksheets/sheet1.xml',
      'xl/worksheets/sheet2.xml',
      'xl/worksheets/sheet3.xml',
    ]);
    expect(wb.sheets.map((s) => s.name)).toEqual(['项目', '空 Empty', 'No header']);
    const [projects, empty, plain] = wb.sheets;
    expect(projects!.rows).toEqual([
      ['项目编号 Project code', '完成度 Completion', '逾期 Late', '时间 At', '备注 Note'],
      ['2024-T02-HP-1', 35, false, 45_390.5, '第一行\n第二行'],
      ['2024-T02-HP-2', 0.5, true],
      [null, 12, null, null, '  spaces kept  '],
    ]);
    expect(projects!.headerStyles).toEqual(['1', '1', '1', '1', '1']);
    expect(empty!.rows).toEqual([['只有表头 Header only']]);
    expect(plain!.rows).toEqual([['a', 'b']]);
  });

  it('keeps hostile text as text: markup, formula-looking values, illegal characters and over-long cells', async () => {
    const hostile = [
      '=HYPERLINK("http://x","y")',
      '+1+1',
      '-2',
      '@SUM(A1)',
      '<script>&amp;</script>',
      ']]>',
      'a\u0001b',
      'é\r\nz',
      'x'.repeat(40_000),
    ];
    const bytes = await buildXlsx([{ name: 'x', rows: [hostile] }]);
    const wb = readXlsx(bytes);
    const row = wb.sheets[0]!.rows[0]!;
    expect(row.slice(0, 6)).toEqual(hostile.slice(0, 6));
    expect(row[6]).toBe('ab');
    expect(row[7]).toBe('é\r\nz');
    expect((row[8] as string).length).toBe(MAX_CELL_CHARS);
    // Text is never a formula: no <f> element anywhere.
    expect(zipEntries(bytes).get('xl/worksheets/sheet1.xml')!.text).not.toContain('<f>');
  });

  it('gives the same bytes for the same rows, and makes duplicate sheet names unique', async () => {
    const sheets = [
      { name: 'A', rows: [['x', 1]] },
      { name: 'a', rows: [] },
    ];
    expect(await buildXlsx(sheets)).toEqual(await buildXlsx(sheets));
    expect(readXlsx(await buildXlsx(sheets)).sheets.map((s) => s.name)).toEqual(['A', 'a-2']);
  });

  it('an empty builder still makes a valid workbook', async () => {
    expect(readXlsx(await new XlsxBuilder().finish()).sheets.map((s) => s.name)).toEqual(['Sheet1']);
  });

  it('grows linearly: 100,000 rows, read back whole, and the size it announced is close to the file', async () => {
    const b = new XlsxBuilder();
    b.sheet('big', ['n', 'text']);
    for (let i = 0; i < 100_000; i++) {
      b.row([i, `第 ${i} 行 row`]);
      if (i % 10_000 === 0) await b.flush();
    }
    await b.flush();
    const announced = b.size;
    const bytes = await b.finish();
    expect(Math.abs(bytes.length - announced)).toBeLessThan(70_000);
    const rows = readXlsx(bytes).sheets[0]!.rows;
    expect(rows).toHaveLength(100_001);
    expect(rows[100_000]).toEqual([99_999, '第 99999 行 row']);
  });
});

describe('the ZIP: every entry deflated', () => {
  /** Report-like rows: codes, numbers, times, and Chinese text that repeats the way real reports do. */
  const reportRows = (n: number) =>
    Array.from({ length: n }, (_, i) => [
      `2024-T${String(1 + (i % 10)).padStart(2, '0')}-U${String(i % 2000).padStart(4, '0')}-${1 + (i % 2)}`,
      `P${String(1 + (i % 12)).padStart(2, '0')}`,
      i % 7,
      i % 5 === 0,
      (i * 37) % 101,
      `本期完成了第 ${i} 项工作：调研走访 ${i % 13} 家单位，整理需求清单，完成方案初稿并组织评审；下一步推进试点。`.repeat(
        3,
      ),
      `问题：进度受天气影响 ${i % 3} 天，已调整计划。`,
      { wallClockMs: Date.UTC(2024, 3, 8) + i * 60_000 },
    ]);

  it('Info-ZIP unzip tests the file whole: local headers, CRCs and sizes agree', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xlsx-'));
    try {
      const file = join(dir, 'book.xlsx');
      writeFileSync(file, await buildXlsx([{ name: '进展', header: ['a', 'b'], rows: reportRows(2_000) }]));
      const r = spawnSync('unzip', ['-t', file], { encoding: 'utf8' });
      expect(r.error).toBeUndefined();
      expect(r.stdout).toContain('No errors detected');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a large sheet is several times smaller than stored, with the same cells', async () => {
    const rows = reportRows(20_000);
    const bytes = await buildXlsx([{ name: '进展', rows }]);
    const sheet = zipEntries(bytes).get('xl/worksheets/sheet1.xml')!;
    const xml = new TextEncoder().encode(sheet.text).length;
    expect(sheet.method).toBe(8);
    expect(sheet.compressedSize).toBeLessThan(xml / 5);
    expect(bytes.length).toBeLessThan(xml / 5);
    const back = readXlsx(bytes).sheets[0]!.rows;
    expect(back).toHaveLength(20_000);
    expect(back[19_999]!.slice(0, 7)).toEqual(rows[19_999]!.slice(0, 7));
  });
});
