// Restore (数据恢复) from a backup folder. Everything is verified before anything is replaced:
// the manifest's format, every file against SHA256SUMS and the manifest, every encrypted file
// decrypted and its chunks authenticated with the backup key (a missing or wrong key, an altered
// or cut file, is refused here), the SQLite copy's
// integrity and row counts, and that the target is empty (or --force, which moves what was there
// into pre-restore-<time>/ rather than deleting it; on PostgreSQL it drops and recreates the
// tables). Afterwards the row counts are compared with the manifest and the audit chain is
// verified; then the restore itself is written to the audit log.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Config } from '../config.ts';
import { createDb, migrationsDir } from '../db.ts';
import { systemClock, iso } from '../clock.ts';
import { AuditLog } from '../audit/service.ts';
import { CheckpointSigner, keyIdOf } from '../audit/signer.ts';
import type { VerifyResult } from '../audit/verify.ts';
import { readSums, runPgTool, sha256File } from './backup-files.ts';
import { BackupDecryptError, backupKeyId, decryptFile, loadBackupKey, MANIFEST_MAC, manifestMacValid } from './backup-crypt.ts';
import { AppError } from '../errors.ts';
import { MANIFEST_FORMAT, MANIFEST_FORMAT_CLEAR, MANIFEST_SIG, MANIFEST_SIG_PURPOSE, manifestDigest, SQLITE_FILE, type BackupManifest, type ManifestSignature } from './backup.ts';
import type { KeyObject } from 'node:crypto';
import { createPublicKey } from 'node:crypto';
import { z } from '../http/zod.ts';
import { usersOf } from './data-lock.ts';
import { checkTotpKey, type TotpKeyCheck } from '../people/totp-key-check.ts';

export class RestoreError extends Error {}

const digest = { size: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) };
const entry = z.object({ path: z.string().min(1), ...digest, stored: z.object(digest).optional() });
/** What restore relies on in manifest.json; anything else in it is kept as it is. */
const manifestShape = z.object({
  format: z.string(),
  encryption: z.object({ algorithm: z.string(), keyId: z.string() }).optional(),
  createdAt: z.string(),
  kind: z.enum(['sqlite', 'pg']),
  database: entry,
  tables: z.record(z.string(), z.number().int().nonnegative()),
  auditHead: z.object({ seq: z.number().int().nonnegative(), hash: z.string() }),
  files: z.array(entry),
});

export interface RestoreReport {
  ok: boolean;
  kind: 'sqlite' | 'pg';
  createdAt: string;
  tables: number;
  /** Tables whose row count differs from the manifest (empty when all match). */
  countMismatches: Array<{ table: string; expected: number; actual: number }>;
  audit: VerifyResult;
  movedAsideTo?: string;
  signature: SignatureCheck;
  /** Whether TOTP_KEY_FILE (never in a backup) opens the restored second factors. */
  totpKey: TotpKeyCheck;
  /** false: an older backup (format 1) kept in clear, restored with a warning. */
  encrypted: boolean;
}

/** The migrations this code has, as knex_migrations names them (their .ts file names). */
export function knownMigrations(): Set<string> {
  return new Set(fs.readdirSync(migrationsDir).filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts')).map((f) => f.replace(/\.js$/, '.ts')));
}

/** A database migrated by a newer Dangan cannot be run by this one: refused before anything is replaced. */
function refuseNewer(manifest: BackupManifest, applied: string[]): void {
  const known = knownMigrations();
  const unknown = applied.filter((n) => !known.has(n));
  if (!unknown.length) return;
  const made = manifest.app?.version ? ` ${manifest.app.version}` : '';
  const ex = unknown.slice(0, 3).join(', ') + (unknown.length > 3 ? ' …' : '');
  throw new RestoreError(
    `备份来自较新的版本${made}（其数据库含本程序没有的 ${unknown.length} 个迁移：${ex}），本程序无法运行该数据库：请先把 Dangan 升级到该版本或更新的版本再恢复 / The backup comes from a newer version of Dangan${made} (its database has ${unknown.length} migration(s) this code lacks: ${ex}); this version cannot run it: upgrade Dangan to that version or later, then restore`,
  );
}

export interface SignatureCheck {
  /** trusted: by a key this installation trusts; backupKeyOnly: valid, but only by a key the backup itself carries; unsigned: an older backup. */
  state: 'trusted' | 'backupKeyOnly' | 'unsigned';
  keyId: string | null;
}

/**
 * manifest.sig against the manifest's bytes. A signature that does not match is refused. One that
 * matches a key this installation trusts proves the manifest (and through it every file's sha256)
 * is as the installation made it; one that matches only the public key inside the backup proves
 * nothing against someone who replaced that key too, and says so.
 */
export function checkManifestSignature(folder: string, trusted: Map<string, KeyObject>, { encrypted }: { encrypted: boolean }): SignatureCheck {
  const file = path.join(folder, MANIFEST_SIG);
  if (!fs.existsSync(file)) {
    // Only a backup of the older format (in clear) was made without one.
    if (encrypted) throw new RestoreError(`加密的备份缺少 ${MANIFEST_SIG}（每个加密的备份都有清单签名）：备份被改动过 / The encrypted backup lacks ${MANIFEST_SIG} (every encrypted backup is made with one): the backup was altered`);
    return { state: 'unsigned', keyId: null };
  }
  let sig: ManifestSignature;
  try {
    sig = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    throw new RestoreError(`${MANIFEST_SIG} 无法解析，备份已损坏或被改动 / ${MANIFEST_SIG} is not valid JSON: the backup is damaged or was altered`);
  }
  const bytes = fs.readFileSync(path.join(folder, 'manifest.json'));
  const bad = () =>
    new RestoreError(`manifest.json 的签名不符，清单在备份后被改动过 / The signature of manifest.json does not match: the manifest was altered after the backup was made`);
  if (sig.purpose !== MANIFEST_SIG_PURPOSE || sig.hash !== manifestDigest(bytes)) throw bad();
  if (CheckpointSigner.isValid(sig, trusted)) return { state: 'trusted', keyId: sig.keyId };
  if (trusted.has(sig.keyId)) throw bad();
  const carried = new Map<string, KeyObject>();
  for (const f of fs.existsSync(path.join(folder, 'keys')) ? fs.readdirSync(path.join(folder, 'keys')).filter((n) => n.endsWith('.pub.pem')) : []) {
    try {
      const pub = createPublicKey(fs.readFileSync(path.join(folder, 'keys', f)));
      carried.set(keyIdOf(pub), pub);
    } catch {
      // Not a key: trusts nothing.
    }
  }
  if (CheckpointSigner.isValid(sig, carried)) return { state: 'backupKeyOnly', keyId: sig.keyId };
  throw bad();
}

export interface VerifiedBackup {
  manifest: BackupManifest;
  /** false for an older backup (format 1), whose files are in clear. */
  encrypted: boolean;
  /** The database copy in clear: in the backup (format 1), or decrypted into the work folder. */
  database: string;
  key: Buffer | null;
  /** Removes what was decrypted for the check. */
  dispose(): void;
}

/** The backup key that opens this manifest's files, or a refusal that says which file to bring. */
function keyFor(manifest: BackupManifest, keyFile: string): Buffer {
  let key: Buffer | null;
  try {
    key = loadBackupKey(keyFile);
  } catch (e) {
    throw e instanceof AppError ? new RestoreError(e.message) : e;
  }
  const id = manifest.encryption!.keyId;
  if (!key) {
    throw new RestoreError(
      `备份已加密，但备份密钥文件 ${keyFile} 不存在：请把制作该备份的安装的备份密钥（其数据目录下的 keys/backup-aes256.key，或其 BACKUP_KEY_FILE 所指文件，密钥标识 ${id}）复制到此处，权限 600 / The backup is encrypted and the backup key file ${keyFile} does not exist: copy the backup key of the installation that made it (keys/backup-aes256.key in its data folder, or the file its BACKUP_KEY_FILE names; key id ${id}) here, mode 600`,
    );
  }
  if (backupKeyId(key) !== id) {
    throw new RestoreError(
      `备份密钥不符：该备份由密钥 ${id} 加密，${keyFile} 中是密钥 ${backupKeyId(key)}：请换成制作该备份的安装的备份密钥 / Wrong backup key: the backup was encrypted with key ${id}, ${keyFile} holds key ${backupKeyId(key)}: use the backup key of the installation that made it`,
    );
  }
  return key;
}

/**
 * Checks a backup folder without replacing anything: every file, and for an encrypted backup every
 * chunk of every file decrypted and authenticated. The database copy is decrypted into a folder
 * under workDir (the data folder: it holds the database in clear anyway), which dispose() removes.
 */
export async function verifyBackup(folder: string, opts: { keyFile: string; workDir: string }): Promise<VerifiedBackup> {
  if (!fs.existsSync(folder)) throw new RestoreError(`备份目录不存在：${folder} / No backup folder at ${folder}`);
  if (!fs.statSync(folder).isDirectory()) {
    throw new RestoreError(`${folder} 是一个文件，不是备份目录：请给出含 manifest.json 的备份目录 / ${folder} is a file, not a backup folder: name the folder that holds manifest.json`);
  }
  const mfile = path.join(folder, 'manifest.json');
  if (!fs.existsSync(mfile)) throw new RestoreError(`${folder} 中没有 manifest.json，不是 Dangan 的备份 / ${folder} holds no manifest.json: not a Dangan backup`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(mfile, 'utf8'));
  } catch {
    throw new RestoreError('manifest.json 无法解析，备份已损坏或被改动 / manifest.json is not valid JSON: the backup is damaged or was altered');
  }
  const shape = manifestShape.safeParse(raw);
  if (!shape.success) {
    const where = shape.error.issues.slice(0, 3).map((i) => i.path.join('.') || '(top)').join(', ');
    throw new RestoreError(`manifest.json 内容不完整或有误（${where}），备份已损坏或被改动 / manifest.json lacks or garbles what a backup lists (${where}): the backup is damaged or was altered`);
  }
  const manifest = raw as BackupManifest;
  if (manifest.format !== MANIFEST_FORMAT && manifest.format !== MANIFEST_FORMAT_CLEAR) throw new RestoreError(`未知的备份格式 ${manifest.format} / Unknown backup format ${manifest.format}`);
  const encrypted = manifest.format === MANIFEST_FORMAT;
  if (encrypted && !manifest.encryption) throw new RestoreError('manifest.json 未说明加密方式（encryption），备份已损坏或被改动 / manifest.json lacks its encryption entry: the backup is damaged or was altered');
  // In an encrypted backup only the public keys are in clear: a file in clear elsewhere was put there.
  const sealed = [manifest.database, ...manifest.files].filter((e) => !e.path.startsWith('keys/'));
  if (encrypted) {
    const clear = sealed.find((e) => !e.stored);
    if (clear) throw new RestoreError(`${clear.path}：加密的备份中出现未加密的文件，备份被改动过 / ${clear.path}: listed in clear in an encrypted backup: the backup was altered`);
  }
  let sums: Array<{ path: string; sha256: string }>;
  try {
    sums = readSums(folder);
  } catch (e) {
    throw new RestoreError(`SHA256SUMS 有无法识别的行，备份已损坏或被改动 / SHA256SUMS has a line that is not "<sha256>  <path>": the backup is damaged or was altered (${(e as Error).message.slice(0, 200)})`);
  }
  const listed = new Map(sums.map((s) => [s.path, s.sha256]));
  for (const e of [manifest.database, ...manifest.files]) {
    if (listed.get(e.path) !== (e.stored ?? e).sha256) throw new RestoreError(`${e.path}：不在 SHA256SUMS 中或校验值不同 / ${e.path}: not in SHA256SUMS or listed with another hash`);
  }
  if (!listed.has('manifest.json')) throw new RestoreError('SHA256SUMS 未包含 manifest.json / SHA256SUMS does not cover manifest.json');
  for (const s of sums) {
    const file = path.join(folder, ...s.path.split('/'));
    if (path.relative(folder, file).startsWith('..')) throw new RestoreError(`${s.path}：在备份目录之外 / ${s.path}: outside the backup folder`);
    if (!fs.existsSync(file)) throw new RestoreError(`${s.path}：文件缺失 / ${s.path}: missing`);
    if ((await sha256File(file)) !== s.sha256) throw new RestoreError(`${s.path}：校验值不符（已损坏或被改动）/ ${s.path}: sha256 does not match (damaged or altered)`);
  }
  // PostgreSQL's dump cannot be read without restoring it: the manifest's record (newer backups) says.
  if (manifest.kind === 'pg' && manifest.app?.lastMigration) refuseNewer(manifest, [manifest.app.lastMigration]);
  // The medium checks out (SHA256SUMS needs no key); now what only the key can tell.
  const key = encrypted ? keyFor(manifest, opts.keyFile) : null;
  if (key) checkManifestMac(folder, key);

  const stored = (e: { path: string }) => path.join(folder, ...e.path.split('/'));
  let work: string | null = null;
  const dispose = () => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  };
  try {
    let database = stored(manifest.database);
    if (key) {
      fs.mkdirSync(opts.workDir, { recursive: true });
      work = fs.mkdtempSync(path.join(opts.workDir, '.restore-'));
      database = path.join(work, path.basename(manifest.database.path));
      for (const e of sealed) {
        const got = await openChecked(stored(e), e === manifest.database ? database : null, e.path, key);
        if (got.sha256 !== e.sha256 || got.size !== e.size) {
          throw new RestoreError(`${e.path}：解密后的内容与清单不符 / ${e.path}: decrypted, it is not the file the manifest lists`);
        }
      }
    }
    if (manifest.kind === 'sqlite') checkSqliteCopy(manifest, database);
    return { manifest, encrypted, database, key, dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}

/**
 * manifest.mac: the manifest as the holder of the backup key wrote it. Required in an encrypted
 * backup — without it, who holds the medium could drop a file from the manifest, or put an older
 * backup's file (same key, same path) in its place, recompute SHA256SUMS and delete manifest.sig.
 */
function checkManifestMac(folder: string, key: Buffer): void {
  const file = path.join(folder, MANIFEST_MAC);
  if (!fs.existsSync(file)) {
    throw new RestoreError(`加密的备份缺少 ${MANIFEST_MAC}（清单的密钥认证），无法证明清单未被改动：备份已损坏或被改动 / The encrypted backup lacks ${MANIFEST_MAC} (the manifest's authentication by the backup key): the manifest cannot be shown unaltered; the backup is damaged or was altered`);
  }
  if (!manifestMacValid(key, fs.readFileSync(path.join(folder, 'manifest.json')), fs.readFileSync(file, 'utf8').trim())) {
    throw new RestoreError(`manifest.json 与备份密钥对它的认证（${MANIFEST_MAC}）不符：清单在备份后被改动过 / manifest.json does not match its authentication by the backup key (${MANIFEST_MAC}): the manifest was altered after the backup was made`);
  }
}

/** decryptFile, its failure said as a refusal. */
async function openChecked(from: string, to: string | null, rel: string, key: Buffer) {
  try {
    return await decryptFile(from, to, rel, key);
  } catch (e) {
    if (e instanceof BackupDecryptError) throw new RestoreError(`解密校验失败，备份已损坏或被改动：${e.message}`);
    throw e;
  }
}

function checkSqliteCopy(manifest: BackupManifest, file: string): void {
  const copy = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const check = copy.prepare('PRAGMA integrity_check').pluck().all();
    if (check.length !== 1 || check[0] !== 'ok') throw new RestoreError(`数据库副本未通过完整性检查 / The database copy fails integrity_check: ${check.slice(0, 3).join('; ')}`);
    for (const [t, n] of Object.entries(manifest.tables)) {
      const actual = Number(copy.prepare(`SELECT count(*) FROM "${t.replace(/"/g, '""')}"`).pluck().get());
      if (actual !== n) throw new RestoreError(`数据库副本中 ${t} 有 ${actual} 行，清单记为 ${n} 行 / database copy: ${t} has ${actual} rows, the manifest says ${n}`);
    }
    if ('knex_migrations' in manifest.tables) refuseNewer(manifest, copy.prepare('SELECT name FROM knex_migrations').pluck().all() as string[]);
  } finally {
    copy.close();
  }
}

async function pgTableCount(config: Config): Promise<number> {
  const db = createDb(config);
  try {
    const r = await db.raw(`SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'`);
    return Number(r.rows[0].n);
  } finally {
    await db.destroy();
  }
}

/** Other sessions connected to the target PostgreSQL database (a server, psql, a report tool). */
async function pgOtherSessions(config: Config): Promise<Array<{ pid: number; app: string; client: string | null }>> {
  const db = createDb(config);
  try {
    const r = await db.raw(
      `SELECT pid, application_name AS app, client_addr::text AS client FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
    );
    return r.rows.map((x: { pid: number; app: string; client: string | null }) => ({ pid: Number(x.pid), app: x.app, client: x.client }));
  } finally {
    await db.destroy();
  }
}

/** Refuses while a server uses the data folder (its mark in .in-use/) or, on PostgreSQL, the database. */
async function refuseWhileInUse(config: Config, kind: 'sqlite' | 'pg'): Promise<void> {
  const users = usersOf(config.dataDir);
  if (users.length) {
    const pids = users.map((u) => (u.host === os.hostname() ? String(u.pid) : `${u.pid}@${u.host}`)).join(', ');
    throw new RestoreError(
      `数据目录正在被运行中的服务器使用（进程 ${pids}），请先停止服务器再恢复 / The data folder ${config.dataDir} is in use by a running server (process ${pids}): stop the server first, then restore`,
    );
  }
  if (kind === 'pg') {
    const others = await pgOtherSessions(config);
    if (others.length) {
      const list = others.map((o) => `${o.pid}${o.app ? ` ${o.app}` : ''}${o.client ? ` ${o.client}` : ''}`).join(', ');
      throw new RestoreError(
        `数据库正在被其他连接使用（${others.length} 个：${list}），请先停止服务器再恢复 / The database is in use by ${others.length} other connection(s) (${list}): stop the servers first, then restore`,
      );
    }
  }
}

type RestoreOptions = {
  force?: boolean;
  /** --operator: a name as stated, beside the OS account. */
  operatorLabel?: string;
  /** --accept-clear: an older backup in clear (unauthenticated) is restored only when the operator says so. */
  acceptClear?: boolean;
};

export async function restoreBackup(config: Config, folder: string, opts: RestoreOptions = {}): Promise<RestoreReport> {
  const verified = await verifyBackup(folder, { keyFile: config.backup.keyFile, workDir: config.dataDir });
  try {
    return await restoreVerified(config, folder, verified, opts);
  } finally {
    verified.dispose();
  }
}

async function restoreVerified(config: Config, folder: string, backup: VerifiedBackup, opts: RestoreOptions): Promise<RestoreReport> {
  const { manifest, key } = backup;
  const signature = checkManifestSignature(folder, new CheckpointSigner(config.audit.keyFile).trustedKeys(), { encrypted: backup.encrypted });
  if (!backup.encrypted && !opts.acceptClear) {
    throw new RestoreError(
      '这是未加密的旧备份（dangan-backup/1）：其清单没有密钥认证，无法证明备份后未被改动。确认介质一直妥善保管后，加 --accept-clear 恢复 / This is an older backup in clear (dangan-backup/1): its manifest is not authenticated by a key, so it cannot be shown unaltered since it was made. If the medium was kept safe throughout, restore it with --accept-clear',
    );
  }
  const kind = config.databaseUrl ? 'pg' : 'sqlite';
  if (manifest.kind !== kind) throw new RestoreError(`${manifest.kind === 'pg' ? 'PostgreSQL' : 'SQLite'} 的备份不能恢复到 ${kind === 'pg' ? 'PostgreSQL' : 'SQLite'} / A ${manifest.kind} backup cannot be restored into ${kind}`);
  await refuseWhileInUse(config, kind);

  // What would be replaced; refused unless --force.
  fs.mkdirSync(config.dataDir, { recursive: true });
  const sqliteFiles = [SQLITE_FILE, `${SQLITE_FILE}-wal`, `${SQLITE_FILE}-shm`].filter((f) => fs.existsSync(path.join(config.dataDir, f)));
  const tops = [...new Set(manifest.files.filter((f) => f.path.startsWith('files/')).map((f) => f.path.split('/')[1]))];
  const occupied = [
    ...(kind === 'sqlite' ? sqliteFiles : []),
    ...tops.filter((t) => fs.existsSync(path.join(config.dataDir, t))),
  ];
  const witness = new CheckpointSigner(config.audit.keyFile).witnessFile;
  const pgTables = kind === 'pg' ? await pgTableCount(config) : 0;
  if ((occupied.length || pgTables) && !opts.force) {
    throw new RestoreError(`恢复目标不为空（${[...occupied, ...(pgTables ? [`数据库中 ${pgTables} 个表 / ${pgTables} tables in the database`] : [])].join(', ')}）；加 --force 则原有内容移至 pre-restore-<时间>/ 后再恢复 / The target is not empty; use --force to replace it (what is there is moved into pre-restore-<time>/)`);
  }

  let aside: string | undefined;
  const moveAside = (abs: string, name: string) => {
    aside ??= path.join(config.dataDir, `pre-restore-${iso(systemClock.now()).replace(/[:.]/g, '-')}`);
    fs.mkdirSync(aside, { recursive: true });
    fs.renameSync(abs, path.join(aside, name));
  };
  for (const name of occupied) moveAside(path.join(config.dataDir, name), name);
  // Checkpoints witnessed after the backup describe rows the restored database does not have.
  if (fs.existsSync(witness)) moveAside(witness, path.basename(witness));

  // The database copy verified (decrypted into the data folder, or in clear in an older backup).
  const src = backup.database;
  if (kind === 'sqlite') {
    const tmp = path.join(config.dataDir, `${SQLITE_FILE}.restoring`);
    fs.copyFileSync(src, tmp);
    fs.renameSync(tmp, path.join(config.dataDir, SQLITE_FILE));
  } else {
    const args = ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', ...(pgTables ? ['--clean', '--if-exists'] : [])];
    await runPgTool('pg_restore', [...args, `--dbname=${pgDbName(config.databaseUrl!)}`, src], config.databaseUrl!);
  }
  for (const f of manifest.files.filter((e) => e.path.startsWith('files/'))) {
    const to = path.join(config.dataDir, ...f.path.split('/').slice(1));
    fs.mkdirSync(path.dirname(to), { recursive: true });
    if (key) {
      // Decrypted beside its place and compared with the manifest again: the medium was checked
      // before, but a file swapped on it since (a network share) must not slip in.
      const part = `${to}.restoring`;
      const got = await openChecked(path.join(folder, ...f.path.split('/')), part, f.path, key);
      if (got.sha256 !== f.sha256 || got.size !== f.size) {
        fs.rmSync(part, { force: true });
        throw new RestoreError(`${f.path}：恢复时解密的内容与清单不符（检查之后介质上的文件被换过）/ ${f.path}: decrypted at restore, it is not the file the manifest lists (the medium changed after the check)`);
      }
      fs.renameSync(part, to);
    } else fs.copyFileSync(path.join(folder, ...f.path.split('/')), to);
  }
  // Public keys of the backup become trusted here (retired keys), unless one is this system's own.
  const signer = new CheckpointSigner(config.audit.keyFile);
  const own = fs.existsSync(config.audit.keyFile) ? signer.keyId() : null;
  for (const f of manifest.files.filter((e) => e.path.startsWith('keys/'))) {
    const pem = fs.readFileSync(path.join(folder, ...f.path.split('/')), 'utf8');
    const id = keyIdOf(createPublicKey(pem));
    if (id === own) continue;
    fs.mkdirSync(signer.keyDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(signer.keyDir, `${id}.pub.pem`), pem);
  }

  const db = createDb(config);
  try {
    const countMismatches: RestoreReport['countMismatches'] = [];
    for (const [table, expected] of Object.entries(manifest.tables)) {
      const [{ n }] = await db(table).count<{ n: number | string }[]>({ n: '*' });
      if (Number(n) !== expected) countMismatches.push({ table, expected, actual: Number(n) });
    }
    const audit = new AuditLog(db, systemClock, signer, config.audit.retentionDays);
    const verified = await audit.verify();
    const ok = countMismatches.length === 0 && verified.ok;
    const totpKey = await checkTotpKey(db, config.totpKeyFile);
    await audit.record(null, {
      actorName: `os:${os.userInfo().username}`,
      action: 'backup.restore',
      objectType: 'backup',
      outcome: ok ? 'success' : 'failure',
      detail: { createdAt: manifest.createdAt, auditSeq: manifest.auditHead.seq, tables: Object.keys(manifest.tables).length, countsMatch: !countMismatches.length, chainOk: verified.ok, totpKey: totpKey.state, signature: signature.state, encrypted: backup.encrypted, ...(opts.operatorLabel ? { operatorLabel: opts.operatorLabel.slice(0, 100) } : {}) },
    });
    return { ok, kind, createdAt: manifest.createdAt, tables: Object.keys(manifest.tables).length, countMismatches, audit: verified, movedAsideTo: aside, totpKey, signature, encrypted: backup.encrypted };
  } finally {
    await db.destroy();
  }
}

const pgDbName = (url: string) => decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
