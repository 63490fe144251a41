// `npm run bench -- copies`: certified copies as PDFs (server/copies), made through the service as
// 制作 PDF makes them — every page watermarked, the 核证页 drawn, the file written under a temp data
// folder with its sha256, the row and audit recorded. The material: 10 pages scanned as A4 at 200 dpi
// (1654 × 2339 grey JPEGs that look like filled-in forms: the demo's page renderer). The cases are
// built as the tests build theirs (test/copies/helpers.ts: request, approvals, 逐份登记 with 5 copies,
// the most the process allows, so one case gives 5 rows). BENCH_COPY_PDFS (default 20) PDFs are
// timed after one untimed (font parsed, first overlay). With DATABASE_URL set it runs on PostgreSQL.
import os from 'node:os';
import { startSystem } from '../test/helpers/server.ts';
import { certifiedCase } from '../test/copies/helpers.ts';
import { actor } from '../test/helpers/notify.ts';
import { PageRenderer } from '../db/seeds/page-render.ts';
import type { SessionUser } from '../server/people/sessions.ts';
import { peakRss, summarise } from './stats.ts';

const PDFS = Number(process.env.BENCH_COPY_PDFS ?? 20);
const PAGES = 10;
const COPIES = 5;
/** Distinct page images rendered once and reused (a material's pages stay distinct: 10 < 16). */
const VARIANTS = 16;

export async function run(): Promise<void> {
  const sys = await startSystem();
  try {
    const renderer = new PageRenderer();
    const variants = new Map<number, Buffer>();
    const scanOf = async (n: number) => {
      const k = n % VARIANTS;
      if (!variants.has(k)) {
        variants.set(k, await renderer.render({ title: '干部考察材料', seqNo: '3-9', pageNo: k + 1, pages: VARIANTS, cadreName: '王守行', gender: '男', birth: '1970-03-01', formedDate: '2020-06-18', unit: '乌海市委组织部', lines: ['该同志政治立场坚定，工作认真负责', `考察组意见第${k + 1}页`], jitter: k }));
      }
      return variants.get(k)!;
    };
    const rows: Array<{ id: number }> = [];
    const t0 = performance.now();
    for (let nth = 0; rows.length < PDFS + 1; nth++) {
      const c = await certifiedCase(sys, nth, { pages: PAGES, copies: COPIES, scanOf });
      if (c.rows.length !== COPIES || c.rows.some((r) => r.page_from !== 1 || r.page_to !== PAGES)) throw new Error(`case ${nth}: unexpected rows`);
      rows.push(...c.rows);
    }
    console.log(`fixtures: ${Math.ceil((PDFS + 1) / COPIES)} certified cases, ${rows.length} register rows, ${variants.size} page images (${((performance.now() - t0) / 1000).toFixed(1)} s)`);

    const rssBefore = process.memoryUsage().rss;
    const a = await actor(sys, 'archivist1');
    const user = { id: a.id, username: a.username, displayName: '刘晓燕', orgUnitId: a.orgUnitId, roles: a.roles, language: 'zh', sessionId: 'bench' } as SessionUser;
    const produce = async (id: number) => {
      const r = await sys.services.copies.produce(user, '127.0.0.1', id, {});
      if (!r.created || r.pages.to - r.pages.from + 1 !== PAGES) throw new Error(`copy ${id}: not made as asked`);
      return r.bytes;
    };
    const cold = performance.now();
    await produce(rows[0].id);
    const coldMs = performance.now() - cold;

    const ms: number[] = [];
    let bytes = 0;
    for (const row of rows.slice(1, PDFS + 1)) {
      const t = performance.now();
      bytes += await produce(row.id);
      ms.push(performance.now() - t);
    }
    const s = summarise(ms);
    const total = ms.reduce((x, y) => x + y, 0) / 1000;
    const db = sys.services.db.client.config.client === 'pg' ? 'PostgreSQL' : 'SQLite';
    console.log(`certified PDF of ${PAGES} A4 pages at 200 dpi + 核证页 (${db}): p50 ${s.p50.toFixed(0)} ms, p95 ${s.p95.toFixed(0)} ms per PDF (n=${s.n}); first one ${coldMs.toFixed(0)} ms`);
    console.log(`${((PDFS * PAGES) / total).toFixed(1)} copied pages/s; ${(bytes / PDFS / 1024 / 1024).toFixed(2)} MB per PDF; RSS ${(rssBefore / 1024 / 1024).toFixed(0)} MB before the PDFs, peak ${(peakRss() / 1024 / 1024).toFixed(0)} MB`);
    const [load] = os.loadavg();
    console.log(`(load average ${load.toFixed(1)} on ${os.cpus().length} cores while measuring)`);
  } finally {
    await sys.close();
  }
}
