// 历史数据迁移 benchmark: POST /api/imports with a real-size file while another user polls
// GET /api/health, as an office migrating would. Cadres (with their archives), then the catalogue
// of those archives (also as XLSX: reading alone, then a dry run), then a dry run of a file where
// every row is bad. Prints rows/s, how long a concurrent health check waited (max and p95) and the
// longest stall of the server's event loop. SQLite by default; PostgreSQL when DATABASE_URL is set.
// Sizes: IMPORT_BENCH_CADRES (default 3000) cadres, IMPORT_BENCH_PER_ARCHIVE (default 10) catalogue
// rows each. `npm run bench -- import`.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { PassThrough } from 'node:stream';
import { Worker } from 'node:worker_threads';
import ExcelJS from 'exceljs';
import { startSystem } from '../test/helpers/server.ts';
import { idCheckDigit } from '../server/archives/validate.ts';
import { readImportFile } from '../server/archives/import-read.ts';
import { summarise } from './stats.ts';

const CADRES = Number(process.env.IMPORT_BENCH_CADRES ?? 3000);
const PER_ARCHIVE = Number(process.env.IMPORT_BENCH_PER_ARCHIVE ?? 10);

const day = (i: number) => new Date(Date.UTC(1965, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
const idNumber = (birth: string, seq: string) => {
  const first = `150303${birth.replace(/-/g, '')}${seq}`;
  return first + idCheckDigit(first);
};

function cadreCsv(n: number): string {
  const lines = ['a0101,a0104,a0107,a0111a,a0117,a0134,a0141,a0144,a0184,education,unit_code,post,management_level,archive_no,volumes'];
  for (let i = 0; i < n; i++) {
    // Born 1965–1992 (so joined the party by 2017), one man a day, the order code telling them apart.
    const birth = day((i * 2) % 10_000);
    const seq = String(11 + 2 * Math.floor((i * 2) / 10_000)).padStart(3, '0');
    const y = Number(birth.slice(0, 4));
    lines.push(`迁移${i},1,${birth.replace(/-/g, '')},内蒙古乌海,汉族,${y + 22}0801,中共党员,${y + 25}0701,${idNumber(birth, seq)},大学本科,150303-ZF,科员,县管,BEN-${String(i).padStart(5, '0')},1`);
  }
  return lines.join('\n');
}

const TITLES: Array<[string, string]> = [['1', '干部履历表'], ['2', '自传'], ['4-1', '高等学校毕业生登记表'], ['6', '入党志愿书'], ['7', '嘉奖审批表'], ['9-2', '干部任免审批表'], ['10', '干部健康检查表']];

function catalogueCsv(n: number, per: number, bad = false): string {
  const lines = ['archive_no,e01z211,e01z211a,e01z227,e01z224,is_copy'];
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < per; k++) {
      const [cat, title] = TITLES[k % TITLES.length];
      const formed = `${2000 + k}-0${1 + (k % 9)}-15`;
      lines.push(bad ? `NOPE-${i},${cat},${title}${k},${formed},x,也许` : `BEN-${String(i).padStart(5, '0')},${cat},${title}（${k}）,${formed},${1 + (k % 5)},否`);
    }
  }
  return lines.join('\n');
}

/** The same rows as an XLSX workbook, one sheet (exceljs's streaming writer). */
async function toXlsx(csv: string): Promise<Buffer> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useSharedStrings: false, useStyles: false });
  const ws = wb.addWorksheet('目录');
  for (const line of csv.split('\n')) ws.addRow(line.split(',')).commit();
  ws.commit();
  await wb.commit();
  return Buffer.concat(chunks);
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The longest stall of this process's event loop (the server's: startSystem runs it here) while `work` runs. */
async function stallDuring<T>(work: () => Promise<T>): Promise<{ result: T; stallMs: number }> {
  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();
  const result = await work();
  // A stall is recorded when the loop's timer next fires: give it that turn before reading.
  await new Promise((r) => setTimeout(r, 30));
  eld.disable();
  return { result, stallMs: eld.max / 1e6 };
}

const PROBE = `
const { parentPort, workerData } = require('node:worker_threads');
let running = true;
const waits = [];
parentPort.on('message', () => { running = false; });
(async () => {
  while (running) {
    const t = performance.now();
    await (await fetch(workerData.url)).text();
    waits.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 25));
  }
  parentPort.postMessage(waits);
})();
`;

export async function run(): Promise<void> {
  const sys = await startSystem();
  try {
    const archivist = await sys.as('archivist1');
    const health = sys.client();
    const post = async (path: string, body: string | Buffer, type: string) => {
      const res = await fetch(sys.url + path, { method: 'POST', headers: { cookie: archivist.cookie, 'content-type': type }, body });
      return { status: res.status, body: await res.json() };
    };
    const measure = async (label: string, rows: number, path: string, body: string | Buffer, expect: (b: any) => boolean, type = 'text/csv') => {
      // The probe runs in its own thread, like another user's browser: the server's event loop
      // being blocked shows as a long wait, not as a probe that did not get to ask.
      const probe = new Worker(PROBE, { eval: true, workerData: { url: `${sys.url}/api/health` } });
      const waitsP = new Promise<number[]>((resolve) => probe.once('message', resolve));
      await new Promise((r) => setTimeout(r, 100));
      const rss0 = process.memoryUsage().rss;
      const t0 = performance.now();
      const { result: res, stallMs } = await stallDuring(() => post(path, body, type));
      const ms = performance.now() - t0;
      probe.postMessage('stop');
      const waits = await waitsP;
      await probe.terminate();
      const ok = res.status === 200 && expect(res.body);
      const s = summarise(waits);
      console.log(
        `${label}: ${rows} rows in ${ms.toFixed(0)} ms = ${((rows * 1000) / ms).toFixed(0)} rows/s${ok ? '' : ` (UNEXPECTED ${res.status} ${JSON.stringify(res.body).slice(0, 200)})`}; ` +
          `concurrent GET /api/health max ${Math.max(...waits).toFixed(0)} ms, p95 ${s.p95.toFixed(0)} ms (n=${s.n}); longest event-loop stall ${stallMs.toFixed(0)} ms; RSS +${((process.memoryUsage().rss - rss0) / 2 ** 20).toFixed(0)} MB`,
      );
    };
    await measure(`cadres+archives`, CADRES, '/api/imports?dryRun=false', cadreCsv(CADRES), (b) => b.imported);
    const cat = catalogueCsv(CADRES, PER_ARCHIVE);
    await measure(`catalogue dry run`, CADRES * PER_ARCHIVE, '/api/imports?dryRun=true', cat, (b) => !b.errors.length);
    // The same catalogue as XLSX: the reading alone (exceljs, in a worker thread), then a dry run over the API.
    const xlsx = await toXlsx(cat);
    const t0 = performance.now();
    const { result: sheets, stallMs } = await stallDuring(() => readImportFile(xlsx));
    console.log(
      `XLSX read: ${sheets[0].rows.length} rows (${(xlsx.length / 2 ** 20).toFixed(1)} MB) in ${(performance.now() - t0).toFixed(0)} ms; ` +
        `max event-loop stall during XLSX read ${stallMs.toFixed(0)} ms`,
    );
    await measure(`catalogue dry run, XLSX`, CADRES * PER_ARCHIVE, '/api/imports?dryRun=true', xlsx, (b) => !b.errors.length, XLSX_TYPE);
    await measure(`catalogue`, CADRES * PER_ARCHIVE, '/api/imports?dryRun=false', cat, (b) => b.imported);
    await measure(`catalogue again (every row a duplicate)`, CADRES * PER_ARCHIVE, '/api/imports?dryRun=false', cat, (b) => !b.imported);
    await measure(`dry run, every row bad`, CADRES * PER_ARCHIVE, '/api/imports?dryRun=true', catalogueCsv(CADRES, PER_ARCHIVE, true), (b) => b.errors.length > 0);
  } finally {
    await sys.close();
  }
}
