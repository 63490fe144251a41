// Reading an import file (历史数据迁移): CSV (UTF-8) or XLSX, into sheets of rows keyed by the
// normalised column name, each row keeping the line number a person sees in their editor or Excel.
// Headers may be the indicator codes of DOMAIN.md §2.2 (a0101 …, e01z211 …) or their Chinese names.
// A file that is not what it claims (a CSV not in UTF-8, an XLSX that is no workbook) or holds no
// data row is refused here, before anything is checked or written.
import { isUtf8 } from 'node:buffer';
import { Worker } from 'node:worker_threads';
import { parse } from 'csv-parse';
import { AppError, errors } from '../errors.ts';
import type { XlsxReadSlots } from './import-slots.ts';

export interface InRow {
  line: number;
  values: Record<string, string>;
}

export interface Sheet {
  name: string;
  /** normalised column → the header as written in the file (for messages). */
  headers: Map<string, string>;
  /** The line of the header row (problems with a column are reported on it). */
  headerLine: number;
  /** Per position: the normalised column ('' under a blank header) and the header as written. */
  columns: Array<{ key: string; header: string }>;
  /** Positions (1-based) past the header or under a blank one that hold a value, and the first line that does. */
  unnamed: Map<number, number>;
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

/** normalised column names of a header row, and each one's header as written (for messages). */
function columnsOf(header: string[]) {
  const cols = header.map(normaliseHeader);
  const headers = new Map<string, string>();
  cols.forEach((c, i) => c && !headers.has(c) && headers.set(c, header[i].trim()));
  return { cols, headers };
}

/** A row keyed by column; null for a row with nothing in it. A value without a column name is noted in `unnamed`. */
function inRow(cols: string[], r: { line: number; cells: string[] }, unnamed: Map<number, number>): InRow | null {
  if (r.cells.every((c) => !c.trim())) return null;
  const values: Record<string, string> = {};
  r.cells.forEach((cell, i) => {
    if (cols[i]) values[cols[i]] = cell.trim();
    else if (cell.trim() && !unnamed.has(i + 1)) unnamed.set(i + 1, r.line);
  });
  for (const c of cols) if (c && !(c in values)) values[c] = '';
  return { line: r.line, values };
}

const tooManyRows = (name: string, rows: number) =>
  errors.validation([
    {
      field: 'file',
      message: `表「${name}」有 ${rows} 行，每次最多导入 ${MAX_IMPORT_ROWS} 行：请拆成几个文件依次导入（重复导入同一文件不会重复写入） / sheet "${name}" has ${rows} rows, at most ${MAX_IMPORT_ROWS} per import: split it into files and import them one after another (importing a file twice writes nothing twice)`,
    },
  ]);

/** A sheet being read: its header's columns, and the rows so far (a CSV's all at once, an XLSX's in chunks). */
interface OpenSheet {
  name: string;
  header: { line: number; cells: string[] };
  cols: string[];
  headers: Map<string, string>;
  unnamed: Map<number, number>;
  rows: InRow[];
}

const openSheet = (name: string, header: { line: number; cells: string[] }): OpenSheet => ({ name, header, ...columnsOf(header.cells), unnamed: new Map(), rows: [] });

function addRows(sheet: OpenSheet, body: Array<{ line: number; cells: string[] }>): void {
  for (const r of body) {
    const row = inRow(sheet.cols, r, sheet.unnamed);
    if (row) sheet.rows.push(row);
  }
}

/** The sheet read, CSV or XLSX alike; refused past MAX_IMPORT_ROWS. */
function closeSheet({ name, header, cols, headers, unnamed, rows }: OpenSheet): Sheet {
  if (rows.length > MAX_IMPORT_ROWS) throw tooManyRows(name, rows.length);
  return { name, headers, headerLine: header.line, columns: cols.map((key, i) => ({ key, header: header.cells[i].trim() })), unnamed, rows };
}

/** Bytes parsed between two turns of the event loop: a 5 MB file does not hold up other requests. */
const CSV_CHUNK = 128 * 1024;

const refused = (message: string) => errors.validation([{ field: 'file', message }]);

/** Why the bytes are no UTF-8 CSV, or null when they are one (a UTF-8 BOM is fine). */
export function encodingProblem(buf: Buffer): string | null {
  const utf16 = buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff));
  if (!utf16 && buf.subarray(0, 8192).includes(0)) return '文件既不是 CSV 也不是 XLSX，无法读取 / the file is neither a CSV nor an XLSX file';
  if (isUtf8(buf)) return null;
  // The line of the first byte that is no UTF-8 (what a person looks for in the file).
  const text = buf.toString('utf8');
  const at = text.indexOf('\ufffd');
  const line = utf16 ? 1 : text.slice(0, Math.max(at, 0)).split('\n').length;
  return `文件不是 UTF-8 编码（第 ${line} 行起，常见于 GBK 编码），请在 Excel/WPS 中另存为“CSV UTF-8（逗号分隔）”或上传 XLSX 文件 / the file is not UTF-8 encoded (from line ${line}; GBK, as Excel/WPS save it on Chinese Windows, is not read): save it as "CSV UTF-8 (Comma delimited)" or upload the XLSX file`;
}

/** A parse error of csv-parse in words, with its line; nothing of the file is echoed. */
function csvProblem(e: Error & { code?: string; lines?: number }): string {
  const at = e.lines ? `第 ${e.lines} 行附近` : '';
  const near = e.lines ? ` near line ${e.lines}` : '';
  if (e.code === 'CSV_QUOTE_NOT_CLOSED') return `CSV 无法解析：${at}引号没有闭合 / the CSV cannot be read: a quote is not closed${near}`;
  if (e.code === 'CSV_INVALID_CLOSING_QUOTE' || e.code === 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE') return `CSV 无法解析：${at}引号后紧跟其他字符（值内的引号须写成两个 ""） / the CSV cannot be read: a closing quote is followed by other characters${near} (a quote inside a value is written twice: "")`;
  return `CSV 无法解析${at ? `（${at}）` : ''} / the CSV cannot be read${near}`;
}

async function readCsv(buf: Buffer, name: string): Promise<Sheet[]> {
  const encoding = encodingProblem(buf);
  if (encoding) throw refused(encoding);
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
    throw refused(csvProblem(e as Error));
  }
  if (!records.length) return [];
  const startLine = (r: { record: string[]; info: { lines: number } }) => r.info.lines - r.record.reduce((n, c) => n + (c.match(/\n/g)?.length ?? 0), 0);
  const cells = (r: { record: string[]; info: { lines: number } }) => ({ line: startLine(r), cells: r.record });
  const sheet = openSheet(name, cells(records[0]));
  addRows(sheet, records.slice(1).map(cells));
  return [closeSheet(sheet)];
}

const XLSX_UNREADABLE = 'XLSX 无法解析 / the XLSX file cannot be read';

/** Rows in one message from the XLSX worker: each takes the main thread a few milliseconds to take in. */
const XLSX_CHUNK_ROWS = 1_000;

/**
 * Heap of the XLSX worker. exceljs holds the whole workbook as objects: a 50,000-row sheet of 22
 * columns, every cell a different text (the widest, cadres), needs 400–500 MB, and runs slowly near
 * the limit. A file that needs more (a zip that unpacks to far more than the upload limit) stops the
 * worker with ERR_WORKER_OUT_OF_MEMORY, answered as too big, instead of taking the server's memory.
 */
const XLSX_HEAP_MB = 1_536;

/** The read of a request whose client went away: nobody is left to answer (nginx's 499). */
const clientGone = () => new AppError(499, 'CLIENT_CLOSED_REQUEST', '请求已取消 / The request was cancelled');

/**
 * An XLSX file, parsed by exceljs in a worker thread (xlsx-worker.mjs) so that the server keeps
 * answering other users meanwhile; its rows come back in chunks and become a Sheet here, exactly as
 * a CSV's do. The worker is gone when this settles, whatever happened, and only then is its slot
 * (opts.slots) free again. opts.signal ends the worker early (the client disconnected).
 */
function readXlsx(buf: Buffer, opts: ReadOptions): Promise<Sheet[]> {
  if (opts.signal?.aborted) return Promise.reject(clientGone());
  // Refused here, before a thread or a copy of the file is made (throws 503 IMPORT_BUSY).
  const free = opts.slots?.take() ?? (() => {});
  let worker: Worker;
  try {
    // A copy of the file's bytes, handed over rather than copied again (buf may be a view of a bigger pool).
    const bytes = new Uint8Array(buf);
    worker = new Worker(new URL('./xlsx-worker.mjs', import.meta.url), {
      workerData: { bytes, maxRows: MAX_IMPORT_ROWS, chunkRows: XLSX_CHUNK_ROWS },
      transferList: [bytes.buffer],
      // Not the parent's flags (tsx's loader, --inspect…): the worker is plain JavaScript.
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: opts.xlsxHeapMb ?? XLSX_HEAP_MB },
    });
  } catch (e) {
    free();
    return Promise.reject(e);
  }
  return new Promise<Sheet[]>((resolve, reject) => {
    const out: Sheet[] = [];
    let sheet: OpenSheet | null = null;
    let settled = false;
    const onAbort = () => settle(clientGone());
    const settle = (fail: unknown, sheets?: Sheet[]) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      // The answer once the thread is gone (at once when it has ended by itself); its slot with it.
      void worker.terminate().finally(() => {
        free();
        if (fail) reject(fail);
        else resolve(sheets!);
      });
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const endSheet = () => {
      if (!sheet) return;
      out.push(closeSheet(sheet));
      sheet = null;
    };
    worker.on('message', (m: XlsxMessage) => {
      if (settled) return;
      try {
        if (m.type === 'sheet') {
          endSheet();
          sheet = openSheet(m.name, { line: m.line, cells: m.header });
        } else if (m.type === 'rows') {
          addRows(sheet!, m.rows);
        } else if (m.type === 'done') {
          endSheet();
          return settle(null, out);
        } else if (m.type === 'tooMany') return settle(tooManyRows(m.name, m.rows));
        else return settle(errors.validation([{ field: 'file', message: XLSX_UNREADABLE }]));
        // The next chunk after a turn of the event loop: other requests are served in between.
        setImmediate(() => settled || worker.postMessage('next'));
      } catch (e) {
        settle(e);
      }
    });
    worker.on('error', (e: Error & { code?: string }) => {
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        settle(errors.validation([{ field: 'file', message: 'XLSX 内容过多，无法读取：请拆成几个较小的文件依次导入 / the XLSX file holds too much to read: split it into smaller files and import them one after another' }]));
      } else settle(e);
    });
    worker.on('exit', (code) => settle(new Error(`the XLSX reader stopped (exit code ${code}) before it was done`)));
  });
}

type XlsxMessage =
  | { type: 'sheet'; name: string; line: number; header: string[] }
  | { type: 'rows'; rows: Array<{ line: number; cells: string[] }> }
  | { type: 'done' }
  | { type: 'tooMany'; name: string; rows: number }
  | { type: 'unreadable' };

export interface ReadOptions {
  /** Heap limit of the XLSX worker in MB (tests make it small to see a worker run out of memory). */
  xlsxHeapMb?: number;
  /** Sent as an XLSX (its content type or file name): bytes that are no workbook are an unreadable XLSX, not a CSV. */
  xlsx?: boolean;
  /** The server's limit on XLSX reads at once (none in the CLI and the bench: one file per process). */
  slots?: XlsxReadSlots;
  /** Aborted when the client has gone: the XLSX worker is ended and its slot freed. */
  signal?: AbortSignal;
}

export const NO_DATA_ROWS = '文件中没有数据行 / The file has no data rows';

/** XLSX when the bytes are a zip (PK…) or the file was sent as one, CSV otherwise; refused when no sheet holds a row. */
export async function readImportFile(buf: Buffer, name = 'CSV', opts: ReadOptions = {}): Promise<Sheet[]> {
  const zip = buf.length >= 4 && buf[0] === 0x50 && buf[1] === 0x4b;
  if (!zip && opts.xlsx) throw refused(XLSX_UNREADABLE);
  const sheets = zip ? await readXlsx(buf, opts) : await readCsv(buf, name);
  if (!sheets.some((s) => s.rows.length)) throw refused(NO_DATA_ROWS);
  return sheets;
}
