// Reading an import file (历史数据迁移): CSV (UTF-8) or XLSX, into sheets of rows keyed by the
// normalised column name, each row keeping the line number a person sees in their editor or Excel.
// Headers may be the indicator codes of DOMAIN.md §2.2 (a0101 …, e01z211 …) or their Chinese names.
import { parse } from 'csv-parse';
import type ExcelJS from 'exceljs';
import { errors } from '../errors.ts';

export interface InRow {
  line: number;
  values: Record<string, string>;
}

export interface Sheet {
  name: string;
  /** normalised column → the header as written in the file (for messages). */
  headers: Map<string, string>;
  rows: InRow[];
}

/** Chinese headers (and a few common variants) → the column names the import reads. */
export const HEADER_ALIASES: Record<string, string> = {
  姓名: 'a0101',
  性别: 'a0104',
  出生日期: 'a0107',
  出生年月: 'a0107',
  籍贯: 'a0111a',
  民族: 'a0117',
  参加工作日期: 'a0134',
  参加工作时间: 'a0134',
  政治面貌: 'a0141',
  入党日期: 'a0144',
  入党时间: 'a0144',
  身份证号: 'a0184',
  公民身份号码: 'a0184',
  学历: 'education',
  学位: 'degree',
  单位代码: 'unit_code',
  职务: 'post',
  管理权限: 'management_level',
  档案号: 'archive_no',
  档案类型: 'archive_kind',
  卷数: 'volumes',
  库房: 'store_room',
  柜: 'cabinet',
  柜号: 'cabinet',
  格: 'shelf',
  格号: 'shelf',
  管档单位代码: 'custodian_code',
  材料类别: 'e01z211',
  类号: 'e01z211',
  序号: 'e01z212',
  材料名称: 'e01z211a',
  材料编号: 'e01z211b',
  材料形成时间: 'e01z227',
  形成时间: 'e01z227',
  页数: 'e01z224',
  份数: 'e01z124',
  材料形成单位: 'e01z0001',
  复印件: 'is_copy',
  复制时间: 'copy_date',
  备注: 'remark',
};

/**
 * Rows per sheet. A clean file is written in one transaction, which holds SQLite's single writer
 * (other users' writes wait) and keeps the whole file and its plan in memory: 50,000 rows is about
 * 3 s of writing and ~150 MB (bench/import.ts). Bigger migrations go in chunks; re-running a chunk
 * is refused row by row (ID numbers, archive numbers, catalogue rows already there), never doubled.
 */
export const MAX_IMPORT_ROWS = 50_000;

const normaliseHeader = (h: string): string => {
  const t = h.replace(/^\ufeff/, '').trim();
  return HEADER_ALIASES[t] ?? t.toLowerCase();
};

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return cellText((v as { result: ExcelJS.CellValue }).result);
    if ('text' in v) return String((v as { text: unknown }).text);
    if ('error' in v) return '';
  }
  return String(v);
}

function toSheet(name: string, header: string[], body: Array<{ line: number; cells: string[] }>): Sheet {
  const cols = header.map(normaliseHeader);
  const headers = new Map<string, string>();
  cols.forEach((c, i) => c && headers.set(c, header[i].trim()));
  const rows: InRow[] = [];
  for (const r of body) {
    if (r.cells.every((c) => !c.trim())) continue;
    const values: Record<string, string> = {};
    cols.forEach((c, i) => {
      if (c) values[c] = (r.cells[i] ?? '').trim();
    });
    rows.push({ line: r.line, values });
  }
  if (rows.length > MAX_IMPORT_ROWS) {
    throw errors.validation([
      {
        field: 'file',
        message: `表「${name}」有 ${rows.length} 行，每次最多导入 ${MAX_IMPORT_ROWS} 行：请拆成几个文件依次导入（重复导入同一文件不会重复写入） / sheet "${name}" has ${rows.length} rows, at most ${MAX_IMPORT_ROWS} per import: split it into files and import them one after another (importing a file twice writes nothing twice)`,
      },
    ]);
  }
  return { name, headers, rows };
}

/** Bytes parsed between two turns of the event loop: a 5 MB file does not hold up other requests. */
const CSV_CHUNK = 128 * 1024;

async function readCsv(buf: Buffer, name: string): Promise<Sheet[]> {
  const records: Array<{ record: string[]; info: { lines: number } }> = [];
  try {
    const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true });
    let failed: Error | null = null;
    parser.on('readable', () => {
      let r;
      while ((r = parser.read()) !== null) records.push(r);
    });
    parser.on('error', (e) => (failed = e));
    const ended = new Promise<void>((resolve) => parser.on('end', resolve).on('error', () => resolve()));
    for (let i = 0; i < buf.length && !failed; i += CSV_CHUNK) {
      parser.write(buf.subarray(i, i + CSV_CHUNK));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (!failed) parser.end();
    await ended;
    if (failed) throw failed;
  } catch (e) {
    throw errors.validation([{ field: 'file', message: `CSV 无法解析 / the CSV cannot be read: ${(e as Error).message.slice(0, 200)}` }]);
  }
  if (!records.length) return [];
  const startLine = (r: { record: string[]; info: { lines: number } }) => r.info.lines - r.record.reduce((n, c) => n + (c.match(/\n/g)?.length ?? 0), 0);
  return [toSheet(name, records[0].record, records.slice(1).map((r) => ({ line: startLine(r), cells: r.record })))];
}

async function readXlsx(buf: Buffer): Promise<Sheet[]> {
  // Loaded on first use: exceljs takes ~0.5 s to load, and most servers never import a spreadsheet.
  const { default: Excel } = await import('exceljs');
  const wb = new Excel.Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
  } catch {
    throw errors.validation([{ field: 'file', message: 'XLSX 无法解析 / the XLSX file cannot be read' }]);
  }
  const out: Sheet[] = [];
  for (const ws of wb.worksheets) {
    let header: string[] | null = null;
    const body: Array<{ line: number; cells: string[] }> = [];
    ws.eachRow({ includeEmpty: false }, (row, n) => {
      const cells: string[] = [];
      for (let i = 1; i <= ws.columnCount; i++) cells.push(cellText(row.getCell(i).value));
      if (!header) header = cells;
      else body.push({ line: n, cells });
    });
    if (header) out.push(toSheet(ws.name, header, body));
  }
  return out;
}

/** XLSX when the bytes are a zip (PK…), CSV otherwise. */
export async function readImportFile(buf: Buffer, name = 'CSV'): Promise<Sheet[]> {
  if (buf.length >= 4 && buf[0] === 0x50 && buf[1] === 0x4b) return readXlsx(buf);
  return readCsv(buf, name);
}
