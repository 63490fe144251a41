// 目录导入: the server reads at most IMPORT_MAX_XLSX_READS XLSX files at once (each in a worker that
// may take 1.5 GB). One more is refused at once — 503 IMPORT_BUSY with Retry-After and a message in
// Chinese and English, nothing read, nothing written, no audit row — never queued. The slot is free
// again when the reading worker has ended: done, failed on a bad file, out of memory, or ended
// because the client went away. CSV files take no slot.
import { PassThrough } from 'node:stream';
import test from 'ava';
import ExcelJS from 'exceljs';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { readImportFile } from '../../server/archives/import-read.ts';
import { XlsxReadSlots } from '../../server/archives/import-slots.ts';
import { isAppError } from '../../server/errors.ts';
import { loadConfig } from '../../server/config.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

let sys: TestSystem;
let archivist: Awaited<ReturnType<TestSystem['as']>>;
/** A catalogue of 20,000 rows: its reading takes the worker a few seconds. */
let big: Buffer;
/** A catalogue of 3 rows. */
let small: Buffer;
test.before(async () => {
  sys = await startSystem({ env: { IMPORT_MAX_XLSX_READS: '1' } });
  [big, small] = await Promise.all([catalogue(20_000), catalogue(3)]);
  archivist = await sys.as('archivist1');
});
test.after.always(async () => {
  await sys?.close();
});

async function catalogue(rows: number): Promise<Buffer> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useSharedStrings: false, useStyles: false });
  const ws = wb.addWorksheet('目录');
  ws.addRow(['档案号', '材料类别', '材料名称', '材料形成时间', '页数', '复印件']).commit();
  for (let i = 0; i < rows; i++) ws.addRow([`XL-${String(i).padStart(5, '0')}`, '4-1', `高等学校毕业生登记表（${i % 10}）`, '2001-02-15', 1 + (i % 5), '否']).commit();
  ws.commit();
  await wb.commit();
  return Buffer.concat(chunks);
}

const slots = () => sys.services.archives.xlsxReads;

/** Waits (polling every 10 ms) until cond holds; fails after timeoutMs. */
async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<number> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - start;
}

/** POST /api/imports as the city office's archivist; the status, Retry-After and JSON body. */
async function upload(body: Buffer | string, type: string, signal?: AbortSignal) {
  const cookie = (archivist as unknown as { cookie: string }).cookie;
  const res = await fetch(`${sys.url}/api/imports?dryRun=true`, { method: 'POST', headers: { cookie, 'content-type': type }, body, signal });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any };
}

const dryRuns = async () => Number((await sys.services.db('audit_log').where({ action: 'import.dry_run' }).count({ n: '*' }))[0].n);

test.serial('IMPORT_MAX_XLSX_READS: 1 unless set, at least 1; the server takes it', (t) => {
  t.is(loadConfig({}).imports.maxXlsxReads, 1);
  t.is(loadConfig({ IMPORT_MAX_XLSX_READS: '3' }).imports.maxXlsxReads, 3);
  t.throws(() => loadConfig({ IMPORT_MAX_XLSX_READS: '0' }), { message: /IMPORT_MAX_XLSX_READS/ });
  t.is(slots().max, 1);
});

test.serial('a second XLSX while one is read is refused at once with 503 IMPORT_BUSY and Retry-After; nothing of it is read or written; afterwards the next one goes through', async (t) => {
  const auditsBefore = await dryRuns();
  const first = upload(big, XLSX_TYPE);
  await until(() => slots().inUse === 1, 20_000, 'the first file is being read');
  const asked = Date.now();
  const second = await upload(small, XLSX_TYPE);
  const answeredIn = Date.now() - asked;
  t.is(second.status, 503);
  t.is(second.retryAfter, '10');
  t.is(second.body.code, 'IMPORT_BUSY');
  t.deepEqual(second.body.details, { retryAfterSeconds: 10 });
  t.regex(second.body.message, /^服务器正在读取其他 XLSX 文件（同时最多 1 个），请约 10 秒后再试；本文件未被读取，没有导入任何内容 \/ The server is reading other XLSX files \(at most 1 at a time\): try again in about 10 seconds/);
  t.is(slots().inUse, 1, 'the first file is still being read: the refusal did not wait for it');
  t.true(answeredIn < 2_000, `the refusal took ${answeredIn} ms`);
  // A CSV takes no slot: it is checked meanwhile.
  const csv = await upload('档案号,材料类别,材料名称,材料形成时间,页数\nXL-1,4-1,登记表,2001-02-15,1\n', 'text/csv');
  t.is(csv.status, 200, JSON.stringify(csv.body));
  t.is(csv.body.errorCount, 1);

  const done = await first;
  t.is(done.status, 200);
  t.is(done.body.errorCount, 20_000, 'every row names an absent archive');
  t.is(slots().inUse, 0);
  const next = await upload(small, XLSX_TYPE);
  t.is(next.status, 200);
  t.is(next.body.errorCount, 3);
  // The first, the CSV and the next: the refused one left no audit row.
  t.is(await dryRuns(), auditsBefore + 3);
});

test.serial('a worker that fails frees its slot: a file that is no workbook, then one that needs more memory than the worker has', async (t) => {
  const corrupt = Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(2_000, 7)]);
  const bad = await upload(corrupt, XLSX_TYPE);
  t.is(bad.status, 400);
  t.is(bad.body.details[0].message, 'XLSX 无法解析 / the XLSX file cannot be read');
  t.is(slots().inUse, 0);
  t.is((await upload(small, XLSX_TYPE)).status, 200);

  // The same rule on the reader itself: out of memory, the slot is free again.
  const one = new XlsxReadSlots(1);
  const tooBig = await readImportFile(big, 'x', { slots: one, xlsxHeapMb: 8 }).catch((e: unknown) => e);
  t.true(isAppError(tooBig) && tooBig.status === 400, String(tooBig));
  t.regex(JSON.stringify((tooBig as { details: unknown }).details), /XLSX 内容过多/);
  t.is(one.inUse, 0);
  t.is((await readImportFile(small, 'x', { slots: one }))[0].rows.length, 3);
  t.is(one.inUse, 0);
});

test.serial('a client that goes away while its XLSX is read: the worker is ended and the slot freed at once, not when the reading would have finished', async (t) => {
  // How long this file's reading takes here (the machine's speed varies).
  const start = Date.now();
  await readImportFile(big);
  const readMs = Date.now() - start;

  const auditsBefore = await dryRuns();
  const ac = new AbortController();
  const gone = upload(big, XLSX_TYPE, ac.signal).catch((e: Error) => e);
  await until(() => slots().inUse === 1, 20_000, 'the file is being read');
  ac.abort();
  t.is((await gone as Error).name, 'AbortError');
  const freedIn = await until(() => slots().inUse === 0, readMs, 'the slot is freed');
  t.true(freedIn < readMs / 2, `freed ${freedIn} ms after the client went, a read takes ${readMs} ms`);
  const next = await upload(small, XLSX_TYPE);
  t.is(next.status, 200);
  // The abandoned file was never checked: only the next one has its audit row.
  t.is(await dryRuns(), auditsBefore + 1);
});
