// What encrypting backups costs (`npm run bench -- backup`; BENCH_BACKUP_MB, default 300): a data
// folder of page scans (500 KB each, random bytes: JPEG does not compress) copied into a backup as
// before (copy + sha256) and as now (AES-256-GCM chunks + sha256 of the plaintext and of the stored
// file), then checked as restore does (every chunk decrypted and authenticated, nothing written)
// and decrypted into place. Figures: MB/s of each pass and the process's peak RSS, which must not
// grow with the folder (the streams hold two chunks at a time).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { decryptFile, encryptFile } from '../server/admin/backup-crypt.ts';

const SCAN = 500 * 1024;

async function copyHashed(from: string, to: string): Promise<void> {
  const h = createHash('sha256');
  await pipeline(
    fs.createReadStream(from),
    async function* (src: AsyncIterable<Buffer>) {
      for await (const c of src) {
        h.update(c);
        yield c;
      }
    },
    fs.createWriteStream(to),
  );
  h.digest('hex');
}

async function pass(label: string, mb: number, files: string[], fn: (f: string, i: number) => Promise<unknown>): Promise<void> {
  const t = performance.now();
  for (let i = 0; i < files.length; i++) await fn(files[i], i);
  const s = (performance.now() - t) / 1000;
  console.log(`${label.padEnd(44)} ${s.toFixed(1).padStart(6)} s  ${(mb / s).toFixed(0).padStart(5)} MB/s`);
}

export async function run(): Promise<void> {
  const mb = Number(process.env.BENCH_BACKUP_MB ?? 300);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-bench-backup-'));
  try {
    const n = Math.ceil((mb * 1024 * 1024) / SCAN);
    const src = path.join(dir, 'scans');
    fs.mkdirSync(src);
    const block = randomBytes(SCAN);
    const files: string[] = [];
    for (let i = 0; i < n; i++) {
      const f = path.join(src, `page-${i}.jpg`);
      block.writeUInt32BE(i, 0); // every file different
      fs.writeFileSync(f, block);
      files.push(f);
    }
    const key = randomBytes(32);
    for (const d of ['plain', 'sealed', 'restored']) fs.mkdirSync(path.join(dir, d));
    console.log(`${n} scans of ${SCAN / 1024} KB, ${mb} MB, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'})`);
    await pass('backup in clear (copy + sha256), before', mb, files, (f, i) => copyHashed(f, path.join(dir, 'plain', `${i}`)));
    await pass('backup encrypted (AES-256-GCM + 2× sha256)', mb, files, (f, i) => encryptFile(f, path.join(dir, 'sealed', `${i}`), `files/scans/page-${i}.jpg`, key));
    await pass('restore check (decrypt + authenticate)', mb, files, (_f, i) => decryptFile(path.join(dir, 'sealed', `${i}`), null, `files/scans/page-${i}.jpg`, key));
    await pass('restore (decrypt into place)', mb, files, (_f, i) => decryptFile(path.join(dir, 'sealed', `${i}`), path.join(dir, 'restored', `${i}`), `files/scans/page-${i}.jpg`, key));
    // One large file too: a database dump of the same size, to show memory stays flat.
    const big = path.join(dir, 'big.sqlite');
    fs.writeFileSync(big, '');
    for (const f of files) fs.appendFileSync(big, fs.readFileSync(f));
    const rss0 = process.memoryUsage().rss;
    await pass(`one ${mb} MB file encrypted`, mb, [big], () => encryptFile(big, path.join(dir, 'big.sealed'), 'database/dangan.sqlite', key));
    await pass(`one ${mb} MB file checked`, mb, [big], () => decryptFile(path.join(dir, 'big.sealed'), null, 'database/dangan.sqlite', key));
    const stored = fs.statSync(path.join(dir, 'big.sealed')).size - fs.statSync(big).size;
    console.log(`size overhead: ${stored} bytes on ${mb} MB (24-byte header + 16 bytes per 64 KiB chunk)`);
    console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (RSS before the large file ${(rss0 / 1048576).toFixed(0)} MB)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
