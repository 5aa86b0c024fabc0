/**
 * Reads an .xlsx back with an independent implementation: Python's zipfile (which checks every entry's CRC-32) and
 * xml.etree (which refuses XML that is not well-formed), spawned as a separate process. What our writer and this
 * reader agree on is what any spreadsheet program will see.
 */
import { spawnSync } from 'node:child_process';
import { inflateRawSync } from 'node:zlib';

export interface ReadSheet {
  name: string;
  /** Cell values by row, padded to the row's last cell: strings, numbers, booleans or null for an empty cell. */
  rows: Array<Array<string | number | boolean | null>>;
  /** Style index of each cell of the first row (1 is the bold header). */
  headerStyles: Array<string | null>;
}

export interface ReadWorkbook {
  sheets: ReadSheet[];
  /** Every entry of the ZIP, in order, with its compression method (0 = STORE, 8 = DEFLATE). */
  entries: Array<{ name: string; method: number }>;
}

const READER = `
import io, json, re, sys, zipfile
import xml.etree.ElementTree as ET

data = sys.stdin.buffer.read()
z = zipfile.ZipFile(io.BytesIO(data))
bad = z.testzip()
if bad is not None:
    raise SystemExit('bad CRC in ' + bad)
for info in z.infolist():
    if info.filename.endswith('.xml') or info.filename.endswith('.rels'):
        ET.fromstring(z.read(info.filename))
M = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'
R = '{http://schemas.openxmlformats.org/officeDocument/2006/relationships}'
P = '{http://schemas.openxmlformats.org/package/2006/relationships}'
ET.fromstring(z.read('[Content_Types].xml'))
root_rels = ET.fromstring(z.read('_rels/.rels'))
wb_target = [r.get('Target') for r in root_rels.findall(P + 'Relationship')][0]
wb = ET.fromstring(z.read(wb_target))
rels = {r.get('Id'): r.get('Target') for r in ET.fromstring(z.read('xl/_rels/workbook.xml.rels')).findall(P + 'Relationship')}

def col_index(ref):
    letters = re.match(r'[A-Z]+', ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1

sheets = []
for s in wb.find(M + 'sheets').findall(M + 'sheet'):
    xml = ET.fromstring(z.read('xl/' + rels[s.get(R + 'id')]))
    rows = []
    header_styles = []
    for i, row in enumerate(xml.find(M + 'sheetData').findall(M + 'row')):
        values = []
        for c in row.findall(M + 'c'):
            idx = col_index(c.get('r'))
            while len(values) < idx:
                values.append(None)
            t = c.get('t')
            if t == 'inlineStr':
                v = ''.join(x.text or '' for x in c.iter(M + 't'))
            elif t == 'b':
                v = c.find(M + 'v').text == '1'
            elif t in (None, 'n'):
                v = float(c.find(M + 'v').text)
                if v == int(v) and c.get('s') != '2':
                    v = int(v)
            else:
                raise SystemExit('unexpected cell type ' + str(t))
            if i == 0:
                while len(header_styles) < idx:
                    header_styles.append(None)
                header_styles.append(c.get('s'))
            values.append(v)
        rows.append(values)
    sheets.append({'name': s.get('name'), 'rows': rows, 'headerStyles': header_styles})
print(json.dumps({'sheets': sheets, 'entries': [{'name': i.filename, 'method': i.compress_type} for i in z.infolist()]}, ensure_ascii=False))
`;

export function readXlsx(bytes: Uint8Array): ReadWorkbook {
  const r = spawnSync('python3', ['-c', READER], { input: bytes, maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python3 could not read the workbook: ${r.stderr.toString() || r.error}`);
  return JSON.parse(r.stdout.toString('utf8')) as ReadWorkbook;
}

/**
 * The entries of a ZIP as text, read in-process through its central directory (PKWARE APPNOTE 4.3.12,
 * https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT): STOREd as is, DEFLATEd through node:zlib. For looking
 * at the XML itself (the reader above checks it).
 */
export function zipEntries(bytes: Uint8Array): Map<string, { method: number; compressedSize: number; text: string }> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length - 22;
  if (view.getUint32(end, true) !== 0x06054b50) throw new Error('no end of central directory record (or a comment)');
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const out = new Map<string, { method: number; compressedSize: number; text: string }>();
  for (let i = 0; i < count; i++) {
    if (view.getUint32(at, true) !== 0x02014b50) throw new Error(`no central directory header at ${at}`);
    const method = view.getUint16(at + 10, true);
    const compressedSize = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const skip = nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    const local = view.getUint32(at + 42, true);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const data = bytes.subarray(start, start + compressedSize);
    const raw = method === 8 ? inflateRawSync(data) : method === 0 ? data : undefined;
    if (!raw) throw new Error(`${name}: compression method ${method}`);
    out.set(name, { method, compressedSize, text: new TextDecoder().decode(raw) });
    at += 46 + skip;
  }
  return out;
}
