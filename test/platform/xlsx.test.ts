/**
 * The XLSX writer, read back by Python's zipfile (CRCs) and xml.etree (well-formed XML): see test/support/xlsx-reader.ts.
 */
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
import { readXlsx } from '../support/xlsx-reader';

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
  it('has the sheets, a bold header, and text, numbers, flags, times and empty cells where they were put', () => {
    const bytes = buildXlsx([
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
    expect(wb.entries.every((e) => e.method === 0)).toBe(true);
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

  it('keeps hostile text as text: markup, formula-looking values, illegal characters and over-long cells', () => {
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
    const wb = readXlsx(buildXlsx([{ name: 'x', rows: [hostile] }]));
    const row = wb.sheets[0]!.rows[0]!;
    expect(row.slice(0, 6)).toEqual(hostile.slice(0, 6));
    expect(row[6]).toBe('ab');
    expect(row[7]).toBe('é\r\nz');
    expect((row[8] as string).length).toBe(MAX_CELL_CHARS);
    // Text is never a formula: no <f> element anywhere.
    expect(new TextDecoder().decode(buildXlsx([{ name: 'x', rows: [hostile] }]))).not.toContain('<f>');
  });

  it('gives the same bytes for the same rows, and makes duplicate sheet names unique', () => {
    const sheets = [
      { name: 'A', rows: [['x', 1]] },
      { name: 'a', rows: [] },
    ];
    expect(buildXlsx(sheets)).toEqual(buildXlsx(sheets));
    expect(readXlsx(buildXlsx(sheets)).sheets.map((s) => s.name)).toEqual(['A', 'a-2']);
  });

  it('an empty builder still makes a valid workbook', () => {
    expect(readXlsx(new XlsxBuilder().finish()).sheets.map((s) => s.name)).toEqual(['Sheet1']);
  });

  it('grows linearly: 100,000 rows, read back whole, and the size it announced is close to the file', () => {
    const b = new XlsxBuilder();
    b.sheet('big', ['n', 'text']);
    for (let i = 0; i < 100_000; i++) b.row([i, `第 ${i} 行 row`]);
    const announced = b.size;
    const bytes = b.finish();
    expect(Math.abs(bytes.length - announced)).toBeLessThan(70_000);
    const rows = readXlsx(bytes).sheets[0]!.rows;
    expect(rows).toHaveLength(100_001);
    expect(rows[100_000]).toEqual([99_999, '第 99999 行 row']);
  });
});
