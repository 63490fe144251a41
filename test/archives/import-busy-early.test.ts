// 目录导入 while every XLSX reading slot is taken (IMPORT_MAX_XLSX_READS): the refusal, 503
// IMPORT_BUSY with Retry-After, came only once the whole upload had arrived — a user sending 20 MB
// over a slow line waited for all of it to go up to be told to try again in 10 seconds. Now an
// upload declared as XLSX is refused before its body is read: the answer comes while the body is
// still being sent. A CSV takes no slot and is read as before; the slot is free again afterwards.
import http from 'node:http';
import test from 'ava';
import ExcelJS from 'exceljs';
import { startSystem, type TestSystem } from '../helpers/server.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

let sys: TestSystem;
let cookie: string;
let workbook: Buffer;
test.before(async () => {
  sys = await startSystem({ env: { IMPORT_MAX_XLSX_READS: '1' } });
  cookie = ((await sys.as('archivist1')) as unknown as { cookie: string }).cookie;
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('目录');
  ws.addRow(['档案号', '材料类别', '材料名称', '材料形成时间', '页数']);
  ws.addRow(['XL-00001', '4-1', '高等学校毕业生登记表', '2001-02-15', 1]);
  workbook = Buffer.from(await wb.xlsx.writeBuffer());
});
test.after.always(async () => {
  await sys?.close();
});

const slots = () => sys.services.archives.xlsxReads;
const dryRuns = async () => Number((await sys.services.db('audit_log').where({ action: 'import.dry_run' }).count({ n: '*' }))[0].n);

/**
 * POST /api/imports announcing `declared` bytes and sending only `first` of them; resolves with the
 * answer if one comes within `waitMs` while the rest is still unsent, else null. `finish` sends the rest.
 */
function partialUpload(type: string, body: Buffer, first: number, waitMs: number) {
  const url = new URL(`${sys.url}/api/imports?dryRun=true`);
  const req = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST', headers: { cookie, 'content-type': type, 'content-length': body.length } });
  const answer = new Promise<{ status: number; retryAfter: string | undefined; body: any }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string | undefined, body: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
  });
  req.write(body.subarray(0, first));
  const early = Promise.race([answer, new Promise<null>((r) => setTimeout(() => r(null), waitMs))]);
  return {
    early,
    answer,
    finish: () => {
      req.end(body.subarray(first));
      return answer;
    },
  };
}

test.serial('with the slot taken, an XLSX is refused while its body is still being sent: 503 IMPORT_BUSY and Retry-After, nothing read or audited', async (t) => {
  const free = slots().take(); // another file is being read
  t.teardown(free);
  const auditsBefore = await dryRuns();
  const upload = partialUpload(XLSX_TYPE, workbook, 100, 3_000);
  const early = await upload.early;
  t.truthy(early, 'answered before the body was complete');
  t.is(early!.status, 503);
  t.is(early!.retryAfter, '10');
  t.is(early!.body.code, 'IMPORT_BUSY');
  t.deepEqual(early!.body.details, { retryAfterSeconds: 10 });
  t.regex(early!.body.message, /^服务器正在读取其他 XLSX 文件（同时最多 1 个），请约 10 秒后再试；本文件未被读取/);
  upload.finish();
  t.is(slots().inUse, 1, 'only the other file holds a slot');
  t.is(await dryRuns(), auditsBefore, 'nothing was checked');
});

test.serial('with the slot taken, a CSV is still read: no early answer, its report once the body is complete', async (t) => {
  const free = slots().take();
  t.teardown(free);
  const csv = Buffer.from('档案号,材料类别,材料名称,材料形成时间,页数\nXL-1,4-1,登记表,2001-02-15,1\n');
  const upload = partialUpload('text/csv', csv, 20, 500);
  t.is(await upload.early, null, 'the server waits for the rest of a CSV');
  const done = await upload.finish();
  t.is(done.status, 200, JSON.stringify(done.body));
  t.is(done.body.errorCount, 1, 'the row names an absent archive');
});

test.serial('the slot free again, the same XLSX is read', async (t) => {
  t.is(slots().inUse, 0);
  const upload = partialUpload(XLSX_TYPE, workbook, 100, 300);
  t.is(await upload.early, null, 'not refused: the server reads the rest');
  const done = await upload.finish();
  t.is(done.status, 200, JSON.stringify(done.body));
  t.is(done.body.errorCount, 1);
  t.is(slots().inUse, 0, 'freed once read');
});
