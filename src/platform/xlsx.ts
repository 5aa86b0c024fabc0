/**
 * A minimal XLSX writer: rows in, bytes out. Only Web-platform APIs (Uint8Array, TextEncoder, CompressionStream), so
 * that it runs on Node and on Cloudflare Workers alike without node:zlib or Buffer.
 *
 * - The container is a ZIP with every entry DEFLATEd (PKWARE APPNOTE 4.4.5 method 8,
 *   https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT) by `CompressionStream('deflate-raw')`
 *   (https://developer.mozilla.org/en-US/docs/Web/API/CompressionStream; raw RFC 1951 data, as method 8 wants), and its
 *   CRC-32 (APPNOTE 4.4.7) over the uncompressed bytes. Sheet XML compresses ten to twenty times; `size` counts the
 *   compressed bytes, which are what a size limit is about (the bytes uploaded).
 * - The parts are the smallest SpreadsheetML package Excel, LibreOffice, Numbers and Lark's preview open
 *   (ECMA-376 Part 1 §12.3): [Content_Types].xml, _rels/.rels, xl/workbook.xml, xl/_rels/workbook.xml.rels,
 *   xl/styles.xml (a bold header and a date-time format) and one xl/worksheets/sheetN.xml per sheet.
 * - Text goes in inline strings (t="inlineStr"), so there is no shared-string table to hold in memory, and never in
 *   a formula: nothing a user typed can be evaluated when the file is opened.
 * - Rows are encoded and compressed as they come, and only the compressed bytes are kept: building is linear in the
 *   output, and memory is about twice the file (the chunks, then the one array they are joined into), plus the text
 *   written since the last `await flush()` (compression runs when the caller yields; a caller writing many rows
 *   awaits `flush()` now and then).
 * - The whole file is assembled at the end, so every size is known when its header is written: local headers carry
 *   the CRC and both sizes (no data descriptors, general purpose bit 3 stays clear).
 */

/** A date and time as the wall clock shows it, in milliseconds since 1970-01-01 00:00 on that clock. */
export interface WallClock {
  readonly wallClockMs: number;
}

/** A cell: text, a number, a flag, a wall-clock time, or nothing (an empty cell). */
export type Cell = string | number | boolean | WallClock | null | undefined;

export interface SheetInput {
  name: string;
  /** Written in bold on the first row, which stays in view when scrolling. */
  header?: readonly string[];
  rows: Iterable<readonly Cell[]>;
}

/** Excel's limit on the characters of one cell (Excel specifications and limits). */
export const MAX_CELL_CHARS = 32_767;
/** Excel's limit on a sheet name's length, and the characters it refuses in one. */
const MAX_SHEET_NAME = 31;
const BAD_SHEET_NAME_CHARS = /[\\/?*[\]:]/g;
/** Excel's last row (1,048,576) and column (XFD = 16,384). */
export const MAX_ROWS = 1_048_576;
export const MAX_COLUMNS = 16_384;

const encoder = new TextEncoder();

// ── text ──────────────────────────────────────────────────────────────────────────────────────────

/**
 * Characters XML 1.0 does not allow at all (https://www.w3.org/TR/xml/#charsets): C0 controls other than tab, LF and
 * CR, U+FFFE, U+FFFF and lone surrogates (the `u` flag reads a pair as one code point, so only lone halves match).
 */
const ILLEGAL_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Cell text as Excel can hold it: characters XML forbids removed, cut to Excel's limit with a mark. */
export function cellText(value: string): string {
  let s = value.replace(ILLEGAL_XML, '');
  if (s.length > MAX_CELL_CHARS) {
    let cut = MAX_CELL_CHARS - 1;
    // Never split a surrogate pair.
    if (/[\uD800-\uDBFF]/.test(s[cut - 1]!)) cut -= 1;
    s = `${s.slice(0, cut)}…`;
  }
  return s;
}

/** Escapes text for an XML text node or attribute value. CR is kept as a reference (parsers fold a raw CR to LF). */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"\r]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#13;',
  );
}

/** A sheet name Excel accepts: no \ / ? * [ ] :, at most 31 characters, not blank, no apostrophe at either end. */
export function sheetName(name: string): string {
  const cleaned = [
    ...name
      .replace(ILLEGAL_XML, '')
      .replace(BAD_SHEET_NAME_CHARS, ' ')
      .replace(/^'+|'+$/g, '')
      .trim(),
  ]
    .slice(0, MAX_SHEET_NAME)
    .join('')
    .trim();
  return cleaned || 'Sheet';
}

const columnNames: string[] = [];
/** A, B, …, Z, AA, …: the column part of a cell reference (0-based index). */
export function columnName(index: number): string {
  const known = columnNames[index];
  if (known !== undefined) return known;
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  if (index < 1024) columnNames[index] = s;
  return s;
}

/** Excel's serial date (days since 1899-12-30, the 1900 system with its leap-year quirk folded in) of a wall clock. */
export function excelSerial(wallClockMs: number): number {
  return wallClockMs / 86_400_000 + 25_569;
}

/** Style indexes in styles.xml's cellXfs. */
const STYLE_HEADER = 1;
const STYLE_DATETIME = 2;

function cellXml(ref: string, value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') {
    if (value === '') return '';
    return `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${escapeXml(cellText(value))}</t></is></c>`;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? `<c r="${ref}"><v>${value}</v></c>` : '';
  if (typeof value === 'boolean') return `<c r="${ref}" t="b"><v>${value ? 1 : 0}</v></c>`;
  if (Number.isFinite(value.wallClockMs))
    return `<c r="${ref}" s="${STYLE_DATETIME}"><v>${excelSerial(value.wallClockMs)}</v></c>`;
  return '';
}

// ── CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as ZIP requires ──────────────────────────────

let crcTable: Uint32Array | undefined;
function table(): Uint32Array {
  if (crcTable) return crcTable;
  crcTable = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crcTable[n] = c >>> 0;
  }
  return crcTable;
}

/** Continues a CRC-32 over more bytes: start with `crc32(bytes)`, go on with `crc32(more, previous)`. */
export function crc32(bytes: Uint8Array, previous = 0): number {
  const t = table();
  let c = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// ── ZIP (DEFLATE) ───────────────────────────────────────────────────────────────────────────────────

/**
 * Text in, DEFLATE out: a raw DEFLATE stream (RFC 1951, no zlib or gzip wrapper) fed text in pieces of about 64 KB,
 * keeping the compressed chunks, the CRC-32 and the size of the uncompressed bytes.
 */
class DeflateSink {
  readonly chunks: Uint8Array[] = [];
  crc = 0;
  size = 0;
  compressedSize = 0;
  private pending: string[] = [];
  private pendingLength = 0;
  private readonly writer: WritableStreamDefaultWriter<BufferSource>;
  private readonly drained: Promise<void>;
  private lastWrite: Promise<void> = Promise.resolve();

  constructor() {
    const stream = new CompressionStream('deflate-raw');
    this.writer = stream.writable.getWriter();
    const reader = stream.readable.getReader();
    this.drained = (async () => {
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        this.chunks.push(r.value);
        this.compressedSize += r.value.length;
      }
    })();
    // A failure is reported where it is awaited (flush, close), never as an unhandled rejection meanwhile.
    this.drained.catch(() => {});
  }

  write(s: string): void {
    this.pending.push(s);
    this.pendingLength += s.length;
    if (this.pendingLength >= 1 << 16) this.encode();
  }

  /** Hands the text written so far to the compressor and waits until it has taken it. */
  async flush(): Promise<void> {
    this.encode();
    await this.lastWrite;
  }

  /** Ends the stream; afterwards `chunks` and the sizes are complete. */
  async close(): Promise<void> {
    this.encode();
    await this.writer.close();
    await this.drained;
  }

  /** Drops the stream and what it holds (a workbook given up on). */
  abort(): void {
    this.writer.abort().catch(() => {});
  }

  private encode(): void {
    if (!this.pending.length) return;
    const bytes = encoder.encode(this.pending.join(''));
    this.pending = [];
    this.pendingLength = 0;
    this.crc = crc32(bytes, this.crc);
    this.size += bytes.length;
    // Writes queue in order; awaiting the last one (in flush) waits for all of them.
    this.lastWrite = this.writer.write(bytes);
    this.lastWrite.catch(() => {});
  }
}

interface Entry {
  name: Uint8Array;
  sink: DeflateSink;
}

/** MS-DOS date and time of 1980-01-01 00:00, the earliest ZIP can say: fixed, so the same rows give the same bytes. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
/** Version needed to extract: 2.0, the first with DEFLATE (APPNOTE 4.4.3.2). */
const VERSION = 20;
const METHOD_DEFLATE = 8;

function u16(view: DataView, at: number, v: number) {
  view.setUint16(at, v, true);
}
function u32(view: DataView, at: number, v: number) {
  view.setUint32(at, v >>> 0, true);
}

/** Joins the closed entries into a ZIP: local headers and data, then the central directory and its end record. */
function zip(entries: readonly Entry[]): Uint8Array {
  let total = 22;
  for (const e of entries) total += 30 + e.name.length + e.sink.compressedSize + 46 + e.name.length;
  if (total > 0xffffffff || entries.length > 0xffff || entries.some((e) => e.sink.size > 0xffffffff))
    throw new RangeError('workbook too large for a ZIP without ZIP64');
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  const offsets: number[] = [];
  for (const { name, sink } of entries) {
    offsets.push(at);
    u32(view, at, 0x04034b50); // local file header signature
    u16(view, at + 4, VERSION);
    u16(view, at + 6, 0); // flags: sizes and CRC are here, no data descriptor
    u16(view, at + 8, METHOD_DEFLATE);
    u16(view, at + 10, DOS_TIME);
    u16(view, at + 12, DOS_DATE);
    u32(view, at + 14, sink.crc);
    u32(view, at + 18, sink.compressedSize);
    u32(view, at + 22, sink.size);
    u16(view, at + 26, name.length);
    u16(view, at + 28, 0); // extra field length
    out.set(name, at + 30);
    at += 30 + name.length;
    for (const c of sink.chunks) {
      out.set(c, at);
      at += c.length;
    }
  }
  const central = at;
  entries.forEach(({ name, sink }, i) => {
    u32(view, at, 0x02014b50); // central directory header signature
    u16(view, at + 4, VERSION); // version made by
    u16(view, at + 6, VERSION); // version needed
    u16(view, at + 8, 0);
    u16(view, at + 10, METHOD_DEFLATE);
    u16(view, at + 12, DOS_TIME);
    u16(view, at + 14, DOS_DATE);
    u32(view, at + 16, sink.crc);
    u32(view, at + 20, sink.compressedSize);
    u32(view, at + 24, sink.size);
    u16(view, at + 28, name.length);
    u16(view, at + 30, 0); // extra
    u16(view, at + 32, 0); // comment
    u16(view, at + 34, 0); // disk number
    u16(view, at + 36, 0); // internal attributes
    u32(view, at + 38, 0); // external attributes
    u32(view, at + 42, offsets[i]!);
    out.set(name, at + 46);
    at += 46 + name.length;
  });
  u32(view, at, 0x06054b50); // end of central directory
  u16(view, at + 4, 0);
  u16(view, at + 6, 0);
  u16(view, at + 8, entries.length);
  u16(view, at + 10, entries.length);
  u32(view, at + 12, at - central);
  u32(view, at + 16, central);
  u16(view, at + 20, 0);
  return out;
}

async function entryOf(name: string, xml: string): Promise<Entry> {
  const sink = new DeflateSink();
  sink.write(xml);
  await sink.close();
  return { name: encoder.encode(name), sink };
}

// ── SpreadsheetML ─────────────────────────────────────────────────────────────────────────────────────

const XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const NS_PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const CT_SHEET = 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml';

function contentTypes(sheets: number): string {
  let overrides = '';
  for (let i = 1; i <= sheets; i++)
    overrides += `<Override PartName="/xl/worksheets/sheet${i}.xml" ContentType="${CT_SHEET}"/>`;
  return (
    `${XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
    `${overrides}</Types>`
  );
}

const ROOT_RELS =
  `${XML_DECL}<Relationships xmlns="${NS_PKG_REL}">` +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>' +
  '</Relationships>';

function workbook(names: readonly string[]): string {
  const sheets = names.map((n, i) => `<sheet name="${escapeXml(n)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('');
  return `${XML_DECL}<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}"><sheets>${sheets}</sheets></workbook>`;
}

function workbookRels(sheets: number): string {
  let rels = '';
  for (let i = 1; i <= sheets; i++)
    rels += `<Relationship Id="rId${i}" Type="${NS_REL}/worksheet" Target="worksheets/sheet${i}.xml"/>`;
  rels += `<Relationship Id="rId${sheets + 1}" Type="${NS_REL}/styles" Target="styles.xml"/>`;
  return `${XML_DECL}<Relationships xmlns="${NS_PKG_REL}">${rels}</Relationships>`;
}

/** cellXfs: 0 normal, 1 bold (the header), 2 date and time (numFmt 164). Two fills are required (none, gray125). */
const STYLES =
  `${XML_DECL}<styleSheet xmlns="${NS_MAIN}">` +
  '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>' +
  '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
  '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>' +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
  '</styleSheet>';

/** Columns wide enough for their header (Excel widths are in characters; CJK characters count double). */
function colsXml(header: readonly string[]): string {
  if (!header.length) return '';
  const widths = header.map((h, i) => {
    let w = 0;
    for (const ch of h) w += ch.codePointAt(0)! > 0x2e7f ? 2 : 1;
    return `<col min="${i + 1}" max="${i + 1}" width="${Math.min(60, Math.max(10, w + 2))}" customWidth="1"/>`;
  });
  return `<cols>${widths.join('')}</cols>`;
}

/**
 * Builds a workbook sheet by sheet and row by row. `size` says how big the file is so far, so that a caller can stop
 * early when it will not fit where it is going; `await flush()` first, so that the rows written have been compressed.
 */
export class XlsxBuilder {
  private readonly names: string[] = [];
  private readonly sheets: Entry[] = [];
  /** Sheets ended but perhaps still compressing; `finish` and `flush` wait for them. */
  private readonly closing: Promise<void>[] = [];
  private current: { sink: DeflateSink; rows: number; columns: number } | undefined;
  private finished = false;

  /** Starts a new sheet (ending the one before); the header row is written in bold and frozen. */
  sheet(name: string, header: readonly string[] = []): this {
    this.endSheet();
    if (this.finished) throw new Error('workbook already finished');
    let unique = sheetName(name);
    // Sheet names are unique regardless of case.
    for (let n = 2; this.names.some((x) => x.toLowerCase() === unique.toLowerCase()); n++)
      unique = `${[...sheetName(name)].slice(0, MAX_SHEET_NAME - 1 - String(n).length).join('')}-${n}`;
    this.names.push(unique);
    const sink = new DeflateSink();
    const frozen = header.length
      ? '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
      : '';
    sink.write(`${XML_DECL}<worksheet xmlns="${NS_MAIN}">${frozen}${colsXml(header)}<sheetData>`);
    this.current = { sink, rows: 0, columns: 0 };
    if (header.length) this.writeRow(header, STYLE_HEADER);
    return this;
  }

  /** Appends a row to the current sheet. */
  row(cells: readonly Cell[]): this {
    this.writeRow(cells);
    return this;
  }

  /** Waits until every row written so far has been handed to the compressor (and ended sheets are complete). */
  async flush(): Promise<void> {
    await Promise.all(this.closing);
    await this.current?.sink.flush();
  }

  /**
   * Bytes of the file if it were finished now, give or take the few hundred bytes of the fixed parts and what the
   * compressor still holds (its window: tens of KB).
   */
  get size(): number {
    let n = 1_500;
    for (const s of this.sheets) n += s.sink.compressedSize + 2 * s.name.length + 76;
    if (this.current) n += this.current.sink.compressedSize;
    return n;
  }

  /** Rows written to the current sheet, its header included. */
  get rows(): number {
    return this.current?.rows ?? 0;
  }

  /** The .xlsx bytes. The builder cannot be used afterwards. */
  async finish(): Promise<Uint8Array> {
    this.endSheet();
    if (!this.names.length) this.sheet('Sheet1').endSheet();
    this.finished = true;
    const parts = await Promise.all([
      entryOf('[Content_Types].xml', contentTypes(this.names.length)),
      entryOf('_rels/.rels', ROOT_RELS),
      entryOf('xl/workbook.xml', workbook(this.names)),
      entryOf('xl/_rels/workbook.xml.rels', workbookRels(this.names.length)),
      entryOf('xl/styles.xml', STYLES),
    ]);
    await Promise.all(this.closing);
    const bytes = zip([...parts, ...this.sheets]);
    this.sheets.length = 0;
    return bytes;
  }

  /** Gives the workbook up: its compressors are stopped and what they hold is dropped. */
  abort(): void {
    this.finished = true;
    this.current?.sink.abort();
    this.current = undefined;
    for (const s of this.sheets) s.sink.abort();
    this.sheets.length = 0;
  }

  private writeRow(cells: readonly Cell[], style?: number): void {
    const c = this.current;
    if (!c) throw new Error('no sheet started');
    if (c.rows >= MAX_ROWS) throw new RangeError(`a sheet holds at most ${MAX_ROWS} rows`);
    if (cells.length > MAX_COLUMNS) throw new RangeError(`a sheet holds at most ${MAX_COLUMNS} columns`);
    c.rows += 1;
    c.columns = Math.max(c.columns, cells.length);
    let xml = `<row r="${c.rows}">`;
    for (let i = 0; i < cells.length; i++) {
      const ref = `${columnName(i)}${c.rows}`;
      const cell = cellXml(ref, cells[i]);
      xml += style !== undefined && cell ? cell.replace('<c ', `<c s="${style}" `) : cell;
    }
    c.sink.write(`${xml}</row>`);
  }

  private endSheet(): void {
    const c = this.current;
    if (!c) return;
    this.current = undefined;
    c.sink.write('</sheetData></worksheet>');
    const closed = c.sink.close();
    closed.catch(() => {});
    this.closing.push(closed);
    this.sheets.push({ name: encoder.encode(`xl/worksheets/sheet${this.sheets.length + 1}.xml`), sink: c.sink });
  }
}

/** A whole workbook at once. */
export async function buildXlsx(sheets: readonly SheetInput[]): Promise<Uint8Array> {
  const b = new XlsxBuilder();
  for (const s of sheets) {
    b.sheet(s.name, s.header);
    for (const r of s.rows) b.row(r);
  }
  return b.finish();
}
