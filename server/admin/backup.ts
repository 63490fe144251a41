// Backups (数据备份): the database (SQLite's online backup API through better-sqlite3, or
// pg_dump inside one REPEATABLE READ snapshot on PostgreSQL) plus the files of the data folder
// (the page scans and other uploads), each encrypted with the backup key (backup-crypt.ts), into
// one folder with a manifest (row counts, the audit head, the size and sha256 of every file, as it
// was and as stored) and SHA256SUMS (of the stored files). The audit key's public half goes along so a
// restored system can still verify its checkpoints; the private key never does. Each backup is
// signed into the audit chain first (a checkpoint), then recorded in the ledger and the audit log.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Config } from '../config.ts';
import type { Db } from '../db.ts';
import { isPg } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { AppError, errors } from '../errors.ts';
import type { Actor, AuditLog } from '../audit/service.ts';
import type { SignedCheckpoint } from '../audit/signer.ts';
import { createHash } from 'node:crypto';
import { encryptIfPresent, runPgTool, sha256File, walkFiles, writeSums, type FileEntry } from './backup-files.ts';
import { backupKeyId, ENCRYPTION, encryptFile, loadOrCreateBackupKey, MANIFEST_MAC, manifestMac } from './backup-crypt.ts';
import * as store from './store.ts';
import { fileURLToPath } from 'node:url';

/** 2: files encrypted (manifest.encryption). 1: the older backups in clear, still restored with a warning. */
export const MANIFEST_FORMAT = 'dangan-backup/2';
export const MANIFEST_FORMAT_CLEAR = 'dangan-backup/1';
export const MANIFEST_SIG = 'manifest.sig';
export const MANIFEST_SIG_PURPOSE = 'dangan-backup-manifest/1';

/** manifest.sig: an audit-key signature (Ed25519, as checkpoints are) over {seq, hash, at}, hash being manifestDigest. */
export interface ManifestSignature extends SignedCheckpoint {
  purpose: typeof MANIFEST_SIG_PURPOSE;
}

/** What is signed for a manifest: a digest kept apart from the audit chain's hashes by its prefix. */
export const manifestDigest = (bytes: Buffer): string => createHash('sha256').update(`${MANIFEST_SIG_PURPOSE}\n`).update(bytes).digest('hex');
export const SQLITE_FILE = 'dangan.sqlite';
/** Files of uploads still being written: never copied. */
const TEMPORARY = /\.(part|tmp)$/i;
export const MEDIA = ['disk', 'optical', 'usb', 'tape', 'remote'] as const;
export type Medium = (typeof MEDIA)[number];

export interface BackupManifest {
  format: typeof MANIFEST_FORMAT | typeof MANIFEST_FORMAT_CLEAR;
  /** How the database and files/ are encrypted and under which key (its id, not the key); absent in format 1. */
  encryption?: { algorithm: typeof ENCRYPTION; keyId: string };
  createdAt: string;
  kind: 'sqlite' | 'pg';
  database: FileEntry;
  /** Rows per table in the copy, counted inside the same snapshot. */
  tables: Record<string, number>;
  auditHead: { seq: number; hash: string };
  /** The data folder's files (files/…) and the audit public keys (keys/…). */
  files: FileEntry[];
  operator: string;
  medium: string;
  /** The Dangan that made the backup: package version and the last database migration applied (absent in older backups). */
  app?: { version: string; lastMigration: string | null; migrations: number };
}

export interface BackupOperator {
  actor?: Actor | null;
  /** From the command line: who said they run it (--operator), free text; the OS account is recorded beside it. */
  label?: string;
  ip?: string | null;
}

/** The console user; from the command line the OS account that ran it ('os:root') and the name given, as given. */
export function operatorName(who: BackupOperator): string {
  if (who.actor) return who.actor.username;
  const label = who.label?.trim();
  return `os:${os.userInfo().username}${label ? `（自述 / stated: ${label}）` : ''}`;
}

export interface BackupDeps {
  config: Config;
  db: Db;
  clock: Clock;
  audit: AuditLog;
}

/** Top-level entries of the data folder that are not backed up: the database itself, keys, backups. */
function dataEntries(config: Config, outDir: string): string[] {
  if (!fs.existsSync(config.dataDir)) return [];
  const skip = new Set([SQLITE_FILE, `${SQLITE_FILE}-wal`, `${SQLITE_FILE}-shm`, `${SQLITE_FILE}-journal`]);
  const inside = (p: string) => {
    const rel = path.relative(config.dataDir, p);
    return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep)[0] : null;
  };
  for (const p of [outDir, config.backup.dir, path.dirname(config.audit.keyFile), path.dirname(config.backup.keyFile), path.dirname(config.totpKeyFile)]) {
    const top = inside(p);
    if (top) skip.add(top);
  }
  return fs
    .readdirSync(config.dataDir)
    .filter((n) => !skip.has(n) && !n.startsWith('pre-restore-') && !n.startsWith('.'))
    .sort();
}

async function countTables(q: Db | import('../db.ts').Trx, names: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of names.sort()) {
    const [{ n }] = await q(t).count<{ n: number | string }[]>({ n: '*' });
    out[t] = Number(n);
  }
  return out;
}

async function snapshotSqlite(config: Config, dest: string) {
  // Not opened read-only: a read-only connection cannot open a WAL database whose -shm is gone.
  const src = new Database(path.join(config.dataDir, SQLITE_FILE), { fileMustExist: true, timeout: 5000 });
  try {
    await src.backup(dest);
  } finally {
    src.close();
  }
  // The copy is one self-contained file: out of WAL mode, so no -wal/-shm appear beside it.
  const copy = new Database(dest);
  try {
    copy.pragma('journal_mode = DELETE');
    const names = (copy.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as Array<{ name: string }>).map((r) => r.name).sort();
    const tables: Record<string, number> = {};
    for (const n of names) tables[n] = Number((copy.prepare(`SELECT count(*) AS n FROM "${n.replace(/"/g, '""')}"`).get() as { n: number }).n);
    const head = copy.prepare('SELECT seq, hash FROM audit_head WHERE id = 1').get() as { seq: number; hash: string };
    const migrations = copy.prepare('SELECT name FROM knex_migrations ORDER BY name').pluck().all() as string[];
    return { tables, auditHead: { seq: Number(head.seq), hash: head.hash }, migrations };
  } finally {
    copy.close();
  }
}

/** pg_dump and the row counts read the same exported snapshot, so the counts describe the dump. */
async function snapshotPg(db: Db, databaseUrl: string, dest: string) {
  return db.transaction(async (trx) => {
    await trx.raw('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const snap = (await trx.raw('SELECT pg_export_snapshot() AS s')).rows[0].s as string;
    const names = (await trx.raw(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`)).rows.map(
      (r: { table_name: string }) => r.table_name,
    );
    const tables = await countTables(trx, names);
    const head = await trx('audit_head').where({ id: 1 }).first();
    const migrations = (await trx('knex_migrations').select('name').orderBy('name')).map((r: { name: string }) => r.name);
    await runPgTool('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--snapshot=${snap}`, `--file=${dest}`], databaseUrl);
    return { tables, auditHead: { seq: Number(head.seq), hash: head.hash as string }, migrations };
  });
}

/** The version in Dangan's package.json (the nearest one above this file, sources or compiled tree). */
export function appVersion(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) return String(JSON.parse(fs.readFileSync(file, 'utf8')).version ?? 'unknown');
    if (path.dirname(dir) === dir) return 'unknown';
  }
}

const folderNotEmpty = (dir: string) => errors.conflict('BACKUP_FOLDER_NOT_EMPTY', `备份目录不为空 / The backup folder ${dir} is not empty`);
const exists = (e: unknown) => (e as NodeJS.ErrnoException).code === 'EEXIST';

/**
 * The folder named by the time, made exclusively: a second backup in the same second (another
 * process, npm run backup) gets "…Z-2", never the same folder — nor does one's clean-up on
 * failure remove the other's copy.
 */
function claimNewFolder(parent: string, name: string): string {
  fs.mkdirSync(parent, { recursive: true, mode: 0o700 });
  for (let n = 1; n <= 100; n++) {
    const dir = path.resolve(parent, n === 1 ? name : `${name}-${n}`);
    try {
      fs.mkdirSync(dir, { mode: 0o700 });
      return dir;
    } catch (e) {
      if (!exists(e)) throw e;
    }
  }
  throw folderNotEmpty(path.resolve(parent, name));
}

/** A folder the operator named (npm run backup --out): made, or taken while still empty. */
function claimGivenFolder(dir: string): string {
  fs.mkdirSync(path.dirname(dir), { recursive: true, mode: 0o700 });
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if (!exists(e)) throw e;
    if (fs.readdirSync(dir).length) throw folderNotEmpty(dir);
  }
  return dir;
}

/** A backup is under way in this process: a second one (a double click, two tabs) is refused, not raced into the same folder. */
let running: { startedAt: string; operator: string } | null = null;

/** The backup this server is making now, if any (GET /api/admin/backups/status; the console polls it). */
export function backupStatus(clock: Clock): { running: boolean; startedAt: string | null; operator: string | null; elapsedMs: number | null } {
  const elapsedMs = running ? Math.max(0, clock.now().getTime() - Date.parse(running.startedAt)) : null;
  return { running: running !== null, startedAt: running?.startedAt ?? null, operator: running?.operator ?? null, elapsedMs };
}

export async function createBackup(deps: BackupDeps, who: BackupOperator, opts: BackupOptions = {}) {
  if (running) {
    const { startedAt, operator } = running;
    throw new AppError(409, 'BACKUP_RUNNING', `已有备份正在进行（${operator} 于 ${startedAt} 开始），请待其完成后再试 / A backup is already running (started ${startedAt} by ${operator}): try again when it has finished`, { startedAt, operator, elapsedMs: backupStatus(deps.clock).elapsedMs });
  }
  running = { startedAt: iso(deps.clock.now()), operator: operatorName(who) };
  try {
    return await backupOnce(deps, who, opts);
  } catch (e) {
    const err = plainError(e);
    await recordFailure(deps, who, opts, err).catch(() => undefined);
    throw err;
  } finally {
    running = null;
  }
}

const isBusy = (e: unknown) => /SQLITE_BUSY|database is locked/.test(`${(e as { code?: string })?.code ?? ''} ${(e as Error)?.message ?? ''}`);

/** Under load another process may hold SQLite's writer lock past busy_timeout: wait and try again. */
export async function whileBusy<T>(fn: () => Promise<T>, delaysMs: number[] = [500, 1000, 2000, 4000, 8000]): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (!isBusy(e) || i >= delaysMs.length) throw e;
      await new Promise((r) => setTimeout(r, delaysMs[i]));
    }
  }
}

/** What the operator reads: words, not a driver's SQL message. */
function plainError(e: unknown): Error {
  if (e instanceof AppError) return e;
  if (isBusy(e)) {
    return new AppError(503, 'DATABASE_BUSY', '数据库持续繁忙，备份未完成，请稍后重试 / The database stayed busy (other work kept it locked): the backup was not made; try again in a moment', { retryAfterSeconds: 30 }, { 'Retry-After': '30' });
  }
  const code = (e as NodeJS.ErrnoException)?.code;
  const msg = e instanceof Error ? e.message : String(e);
  return new AppError(500, 'BACKUP_FAILED', `备份失败 / The backup failed${code ? ` (${code})` : ''}: ${msg.split('\n')[0].slice(0, 300)}`);
}

/** A failed backup is in the ledger (the office sees the gap) and the audit log, with its reason. */
async function recordFailure(deps: BackupDeps, who: BackupOperator, opts: { medium?: Medium; outDir?: string }, err: Error) {
  await whileBusy(() => deps.db.transaction(async (trx) => {
    await store.insertBackupFailure(trx, {
      at: iso(deps.clock.now()),
      medium: opts.medium ?? 'disk',
      operator_id: who.actor?.id ?? null,
      operator: operatorName(who).slice(0, 100),
      code: ((err as AppError).code ?? 'BACKUP_FAILED').slice(0, 40),
      reason: err.message.slice(0, 500),
    });
    await deps.audit.record(trx, {
      actor: who.actor ?? null,
      actorName: who.actor ? undefined : `os:${os.userInfo().username}`,
      ip: who.ip ?? null,
      action: 'backup.create',
      objectType: 'backup',
      outcome: 'failure',
      detail: { medium: opts.medium ?? 'disk', code: (err as AppError).code ?? null, reason: err.message.slice(0, 500), ...(who.label ? { operatorLabel: who.label.slice(0, 100) } : {}) },
    });
  }));
}

/** --new-key (npm run backup only): make a new backup key where none is, on purpose, audited. */
type BackupOptions = { medium?: Medium; outDir?: string; newKey?: boolean };

async function backupOnce(deps: BackupDeps, who: BackupOperator, opts: BackupOptions) {
  const { config, db, clock, audit } = deps;
  const medium = opts.medium ?? 'disk';
  const createdAt = iso(clock.now());
  if (opts.outDir) {
    const given = path.resolve(opts.outDir);
    if (fs.existsSync(given) && fs.readdirSync(given).length) throw folderNotEmpty(given);
  }
  const operator = operatorName(who);

  // The checkpoint goes into the copy: a restored system can verify its chain up to here.
  await whileBusy(() => audit.checkpoint('backup'));
  // A key is made for the installation's first backup only, or when asked for: see loadOrCreateBackupKey.
  if (opts.newKey && fs.existsSync(config.backup.keyFile)) {
    throw new AppError(409, 'BACKUP_KEY_EXISTS', `备份密钥文件 ${config.backup.keyFile} 已存在，--new-key 不会替换它（此前的备份须用它恢复）/ The backup key file ${config.backup.keyFile} exists: --new-key does not replace it (earlier backups need it to be restored)`);
  }
  const { key, created: keyCreated } = loadOrCreateBackupKey(config.backup.keyFile, !(await store.anyEncryptedBackup(db)) || !!opts.newKey);
  const dir = opts.outDir ? claimGivenFolder(path.resolve(opts.outDir)) : claimNewFolder(config.backup.dir, createdAt.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z'));
  // The snapshot in clear stays in the data folder (which holds it in clear anyway), never on the
  // backup medium, where a deleted file can still be read back.
  fs.mkdirSync(config.dataDir, { recursive: true });
  const work = fs.mkdtempSync(path.join(config.dataDir, '.backup-'));
  try {
    const kind = isPg(db) ? 'pg' : 'sqlite';
    fs.mkdirSync(path.join(dir, 'database'));
    const dbRel = kind === 'pg' ? 'database/dangan.pgdump' : `database/${SQLITE_FILE}`;
    const plainDb = path.join(work, path.basename(dbRel));
    const snap = kind === 'pg' ? await snapshotPg(db, config.databaseUrl!, plainDb) : await snapshotSqlite(config, plainDb);
    const sealed = await encryptFile(plainDb, path.join(dir, dbRel), dbRel, key);
    fs.rmSync(work, { recursive: true, force: true });
    const database: FileEntry = { path: dbRel, ...sealed.plain, stored: sealed.stored };

    const files: FileEntry[] = [];
    for (const top of dataEntries(config, dir)) {
      const src = path.join(config.dataDir, top);
      let rels: string[];
      try {
        rels = fs.statSync(src).isDirectory() ? walkFiles(src).map((r) => `${top}/${r}`) : [top];
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw e;
      }
      // An upload being written (…part, …tmp) is not a file of the system yet; it becomes one (or
      // goes) when the upload ends. A file deleted between listing and copying is not in the copy.
      for (const rel of rels.filter((r) => !TEMPORARY.test(r))) {
        const entry = await encryptIfPresent(path.join(config.dataDir, rel), path.join(dir, 'files', rel), `files/${rel}`, key);
        if (entry) files.push(entry);
      }
    }
    // Public keys stay in clear: nothing secret, and they let anyone check manifest.sig without the backup key.
    fs.mkdirSync(path.join(dir, 'keys'));
    const keyDir = path.dirname(config.audit.keyFile);
    const publicKeys = [[`${audit.signer.keyId()}.pub.pem`, audit.signer.publicKeyPem()]];
    for (const f of fs.readdirSync(keyDir).filter((n) => n.endsWith('.pub.pem'))) publicKeys.push([f, fs.readFileSync(path.join(keyDir, f), 'utf8')]);
    for (const [name, pem] of new Map(publicKeys.map(([n, p]) => [n, p]))) {
      fs.writeFileSync(path.join(dir, 'keys', name), pem);
      files.push({ path: `keys/${name}`, size: Buffer.byteLength(pem), sha256: await sha256File(path.join(dir, 'keys', name)) });
    }

    const app = { version: appVersion(), lastMigration: snap.migrations.at(-1) ?? null, migrations: snap.migrations.length };
    const encryption = { algorithm: ENCRYPTION, keyId: backupKeyId(key) };
    const manifest: BackupManifest = { format: MANIFEST_FORMAT, encryption, createdAt, kind, database, tables: snap.tables, auditHead: snap.auditHead, files, operator, medium, app };
    const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2) + '\n');
    fs.writeFileSync(path.join(dir, 'manifest.json'), manifestBytes);
    const manifestEntry: FileEntry = { path: 'manifest.json', size: fs.statSync(path.join(dir, 'manifest.json')).size, sha256: await sha256File(path.join(dir, 'manifest.json')) };
    // Signed with the audit key: who holds only the backup cannot alter the manifest (and so any
    // file's hash) and sign again with this installation's key.
    const sig: ManifestSignature = { purpose: MANIFEST_SIG_PURPOSE, ...audit.signer.sign({ seq: snap.auditHead.seq, hash: manifestDigest(manifestBytes), at: createdAt }) };
    fs.writeFileSync(path.join(dir, MANIFEST_SIG), JSON.stringify(sig, null, 2) + '\n');
    const sigEntry: FileEntry = { path: MANIFEST_SIG, size: fs.statSync(path.join(dir, MANIFEST_SIG)).size, sha256: await sha256File(path.join(dir, MANIFEST_SIG)) };
    // …and authenticated by the backup key, which a restore needs anyway (the audit key may not be trusted there).
    fs.writeFileSync(path.join(dir, MANIFEST_MAC), manifestMac(key, manifestBytes) + '\n');
    const macEntry: FileEntry = { path: MANIFEST_MAC, size: fs.statSync(path.join(dir, MANIFEST_MAC)).size, sha256: await sha256File(path.join(dir, MANIFEST_MAC)) };
    writeSums(dir, [manifestEntry, sigEntry, macEntry, database, ...files]);
    const size = [manifestEntry, sigEntry, macEntry, database, ...files].reduce((s, f) => s + (f.stored ?? f).size, 0) + fs.statSync(path.join(dir, 'SHA256SUMS')).size;

    return await whileBusy(() => db.transaction(async (trx) => {
      const row = await store.insertBackup(trx, {
        at: createdAt,
        kind,
        medium,
        operator_id: who.actor?.id ?? null,
        operator: operator.slice(0, 100),
        path: dir.slice(0, 500),
        size,
        sha256: manifestEntry.sha256,
        files: files.length + 1,
        audit_seq: snap.auditHead.seq,
      }, encryption.keyId);
      await audit.record(trx, {
        actor: who.actor ?? null,
        actorName: who.actor ? undefined : `os:${os.userInfo().username}`,
        ip: who.ip ?? null,
        action: 'backup.create',
        objectType: 'backup',
        objectId: row.id,
        detail: { kind, medium, size, sha256: manifestEntry.sha256, auditSeq: snap.auditHead.seq, files: files.length, keyId: encryption.keyId, ...(keyCreated ? { keyCreated: true } : {}), ...(who.label ? { operatorLabel: who.label.slice(0, 100) } : {}) },
      });
      return { ...row, manifest };
    }));
  } catch (e) {
    // Nothing half-done: a failed backup leaves no folder that looks like a backup.
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
