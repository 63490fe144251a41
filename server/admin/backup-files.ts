// File plumbing shared by backup and restore: sha256 of files, encrypting files into a backup,
// SHA256SUMS in the format of coreutils' sha256sum (so `sha256sum -c SHA256SUMS` checks a backup
// without Dangan), and running pg_dump / pg_restore with the credentials in their environment
// (never on the command line, where `ps` would show them).
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { pipeline } from 'node:stream/promises';
import { childProcessEnv } from '../config.ts';
import { encryptFile, type Digest } from './backup-crypt.ts';

export interface FileEntry {
  /** Relative to the backup folder, '/'-separated. */
  path: string;
  /** Of the file as it was and is restored (the plaintext). */
  size: number;
  sha256: string;
  /** Of the encrypted file as stored in the backup (what SHA256SUMS lists); absent for files kept in clear. */
  stored?: Digest;
}

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(fs.createReadStream(file), h);
  return h.digest('hex');
}

/** encryptFile into the backup, or null when the file is gone before or while it is read (deleted meanwhile). */
export async function encryptIfPresent(from: string, to: string, rel: string, key: Buffer): Promise<FileEntry | null> {
  try {
    const { plain, stored } = await encryptFile(from, to, rel, key);
    return { path: rel, ...plain, stored };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || fs.existsSync(from)) throw e;
    fs.rmSync(to, { force: true });
    return null;
  }
}

/** Every regular file under a folder, relative paths with '/', sorted. Symlinks are not followed. */
export function walkFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(dir, e.name), r);
      else if (e.isFile()) out.push(r);
    }
  };
  if (fs.existsSync(root)) walk(root, '');
  return out;
}

/** SHA256SUMS lists the files as stored (encrypted), so `sha256sum -c` checks the media without the key. */
export function writeSums(dir: string, entries: FileEntry[]): void {
  fs.writeFileSync(path.join(dir, 'SHA256SUMS'), entries.map((e) => `${e.stored?.sha256 ?? e.sha256}  ${e.path}\n`).join(''));
}

export function readSums(dir: string): Array<{ path: string; sha256: string }> {
  const file = path.join(dir, 'SHA256SUMS');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
      if (!m) throw new Error(`SHA256SUMS: bad line ${JSON.stringify(line)}`);
      return { sha256: m[1], path: m[2] };
    });
}

/** libpq environment for a postgres:// URL. */
export function pgEnv(url: string): Record<string, string | undefined> {
  const u = new URL(url);
  return {
    PGHOST: u.hostname || undefined,
    PGPORT: u.port || undefined,
    PGUSER: u.username ? decodeURIComponent(u.username) : undefined,
    PGPASSWORD: u.password ? decodeURIComponent(u.password) : undefined,
    PGDATABASE: decodeURIComponent(u.pathname.replace(/^\//, '')) || undefined,
    PGSSLMODE: u.searchParams.get('sslmode') ?? undefined,
  };
}

/** Runs a PostgreSQL client tool; rejects with its stderr when it fails. */
export function runPgTool(bin: string, args: string[], databaseUrl: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env: childProcessEnv(pgEnv(databaseUrl)), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${bin} exited with ${code}: ${stderr.trim().slice(0, 2000)}`))));
  });
}
