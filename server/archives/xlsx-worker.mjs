// @ts-check
// The XLSX half of reading an import file (import-read.ts), run in a worker thread: exceljs parses a
// workbook in long synchronous stretches (a 50,000-row sheet is seconds of CPU), which on the
// server's main thread would hold up every other user's request. Plain JavaScript on purpose: on
// Node 20 tsx does not register its loader in worker threads, so a .ts worker would need a bootstrap;
// this file loads the same under tsx, the test runner, the CLI and plain node.
//
// In: workerData = { bytes: Uint8Array (the file, transferred), maxRows, chunkRows }.
// Out, in order: per sheet with a header row { type: 'sheet', name, line, header } (line: the header's row), then its rows as
// { type: 'rows', rows: [{ line, cells }] } in chunks of chunkRows, then { type: 'done' }. After a
// 'sheet' or 'rows' message the worker waits for the main thread to ask for the next one: messages
// already queued are all delivered in one turn of its event loop, so sending every chunk at once
// would hand it the whole file in one bite again. Instead, at most once: { type: 'unreadable' } (not a workbook
// exceljs can read) or { type: 'tooMany', name, rows } (a sheet over maxRows, nothing sent for it).
// Rows whose cells are all blank are left out here, as import-read.ts would leave them out.
import { parentPort, workerData } from 'node:worker_threads';
import Excel from 'exceljs';

/** @param {import('exceljs').CellValue} v */
function cellText(v) {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return cellText(/** @type {import('exceljs').CellValue} */ (v.result));
    if ('text' in v) return String(v.text);
    if ('error' in v) return '';
  }
  return String(v);
}

/** @param {{ bytes: Uint8Array, maxRows: number, chunkRows: number }} input */
async function read({ bytes, maxRows, chunkRows }) {
  const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
  /** @param {object} m */
  const send = (m) =>
    new Promise((resolve) => {
      port.once('message', resolve);
      port.postMessage(m);
    });
  const wb = new Excel.Workbook();
  try {
    await wb.xlsx.load(/** @type {any} */ (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
  } catch {
    port.postMessage({ type: 'unreadable' });
    return;
  }
  for (const ws of wb.worksheets) {
    // Once per sheet: exceljs's columnCount walks every row, and asked for every cell it made the
    // reading quadratic (10,000 rows took 35–120 s on a loaded 2-core machine; 50,000, most of an hour).
    const width = ws.columnCount;
    /** @type {string[] | null} */
    let header = null;
    let headerLine = 0;
    /** @type {Array<{ line: number, cells: string[] }>} */
    const body = [];
    ws.eachRow({ includeEmpty: false }, (row, n) => {
      const cells = [];
      for (let i = 1; i <= width; i++) cells.push(cellText(row.getCell(i).value));
      if (!header) {
        header = cells;
        headerLine = n;
      }
      else if (cells.some((c) => c.trim())) body.push({ line: n, cells });
    });
    if (!header) continue;
    if (body.length > maxRows) {
      port.postMessage({ type: 'tooMany', name: ws.name, rows: body.length });
      return;
    }
    await send({ type: 'sheet', name: ws.name, line: headerLine, header });
    for (let i = 0; i < body.length; i += chunkRows) await send({ type: 'rows', rows: body.slice(i, i + chunkRows) });
  }
  port.postMessage({ type: 'done' });
}

await read(workerData);
