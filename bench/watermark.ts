// Reading-room images: an A4 page scanned at 300 dpi (2480 × 3508, grey JPEG) served as the
// reader sees it — scaled to screen width (READING_PAGE_WIDTH, 1600 px) with the watermark burned
// in. Figures: the first view of a page (the clean derivative made and cached, then watermarked),
// later views (derivative from the cache; the watermark overlay cached per reader and minute),
// a view whose overlay must be drawn (a new reader or a new minute), the thumbnail, and the
// watermark applied straight to the full scan without any cache. Image work only: the audit and
// page_views rows of a view add one small transaction (see `npm run bench -- audit`).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { PageRenderer } from '../db/seeds/page-render.ts';
import { Derivatives } from '../server/reading/derivatives.ts';
import { watermarkPage } from '../server/reading/watermark.ts';
import { summarise } from './stats.ts';

const fmt = (s: { p50: number; p95: number; n: number }) => `p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms (n=${s.n})`;
const PAGE_WIDTH = 1600;
const THUMB_WIDTH = 200;

async function timed(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    xs.push(performance.now() - t);
  }
  return xs;
}

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-bench-wm-'));
  try {
    const renderer = new PageRenderer();
    const scans: Array<{ file: string; sha: string }> = [];
    for (let i = 0; i < 12; i++) {
      const page = await renderer.render({ title: '干部履历表', seqNo: '1-1', pageNo: i + 1, pages: 12, cadreName: '王守行', gender: '男', birth: '1970-03-01', formedDate: '1999-05-02', unit: '乌海市委组织部', lines: ['一九九〇年毕业于内蒙古大学', `第${i + 1}页`], jitter: i });
      const a4 = await sharp(page).resize(2480, 3508, { fit: 'fill' }).toColourspace('b-w').jpeg({ quality: 80 }).withDensity(300).toBuffer();
      const file = path.join(dir, `scan-${i}.jpg`);
      fs.writeFileSync(file, a4);
      scans.push({ file, sha: createHash('sha256').update(a4).digest('hex') });
    }
    const derivatives = new Derivatives(dir);
    // As the reading room draws it: the tiles carry the day, the bottom line the minute.
    const who = (reader: number) => [`查阅人 读者${reader} 乌海市纪委监委`, '查借-2026-0001'];
    const opts = (reader: number, extra: { quality?: number } = {}) => ({ tileLines: [...who(reader), '2026-11-02'], ...extra });
    const lines = (reader: number, minute = 5) => [...who(reader), `2026-11-02 09:${String(minute).padStart(2, '0')}`];
    await watermarkPage(await derivatives.get(scans[0].file, scans[0].sha, PAGE_WIDTH), lines(0), opts(0)); // font parsed, first overlay drawn

    const first = await timed(scans.length - 1, async (i) => watermarkPage(await derivatives.get(scans[i + 1].file, scans[i + 1].sha, PAGE_WIDTH), lines(0), opts(0)));
    console.log(`first view of a page (derivative made + watermark)   ${fmt(summarise(first))}`);
    const warm = await timed(60, async (i) => watermarkPage(await derivatives.get(scans[i % scans.length].file, scans[i % scans.length].sha, PAGE_WIDTH), lines(0), opts(0)));
    console.log(`watermarked page, A4 300 dpi → ${PAGE_WIDTH} px (cached derivative)   ${fmt(summarise(warm))}   target p95 < 150 ms`);
    const minute = await timed(10, async (i) => watermarkPage(await derivatives.get(scans[i].file, scans[i].sha, PAGE_WIDTH), lines(0, 10 + i), opts(0)));
    console.log(`a new minute (bottom line redrawn)                   ${fmt(summarise(minute))}`);
    const fresh = await timed(10, async (i) => watermarkPage(await derivatives.get(scans[i].file, scans[i].sha, PAGE_WIDTH), lines(100 + i), opts(100 + i)));
    console.log(`a new reader or day (whole overlay drawn)            ${fmt(summarise(fresh))}`);
    for (const s of scans) await derivatives.get(s.file, s.sha, THUMB_WIDTH);
    const thumbs = await timed(60, async (i) => watermarkPage(await derivatives.get(scans[i % scans.length].file, scans[i % scans.length].sha, THUMB_WIDTH), lines(0), opts(0, { quality: 70 })));
    console.log(`watermarked thumbnail (${THUMB_WIDTH} px)                        ${fmt(summarise(thumbs))}`);
    const direct = await timed(12, async (i) => watermarkPage(scans[i].file, lines(0), { ...opts(0), maxWidth: PAGE_WIDTH }));
    console.log(`no cache: full scan → ${PAGE_WIDTH} px + watermark            ${fmt(summarise(direct))}`);
    const [load] = os.loadavg();
    console.log(`(load average ${load.toFixed(1)} on ${os.cpus().length} cores while measuring)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
