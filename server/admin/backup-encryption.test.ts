// Backups an office can keep on removable media (等保 数据保密性): what a backup on a USB disk holds
// is unreadable without the backup key, which stays in the data folder; a restore without that key,
// with another installation's key, or from a file altered on the medium is refused before anything
// is moved; an older backup in clear is still restored, with a warning.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import test from 'ava';
import { startSystem, type TestSystem } from '../../test/helpers/server.ts';
import { usingPg } from '../../test/helpers/db.ts';
import { projectRoot } from '../services.ts';
import { backupKeyId, CHUNK, decryptFile, loadBackupKey } from './backup-crypt.ts';

let sys: TestSystem;
const scan = randomBytes(3 * CHUNK);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-backup-enc-'));
const pgDatabases: string[] = [];
let backup: { path: string; sha256: string };

test.before(async () => {
  sys = await startSystem();
  const dir = path.join(sys.testDb.dataDir, 'scans', '0009');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'page-001.jpg'), scan);
  await sys.as('applicant1');
  const res = await (await sys.as('sysadmin')).post('/api/admin/backups', { medium: 'usb' });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  backup = res.body;
});
test.after.always(async () => {
  await sys?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
  if (pgDatabases.length) {
    const admin = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 0, max: 1 } });
    for (const name of pgDatabases) await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.destroy();
  }
});

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const filesOf = (dir: string) => (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile());

/** An empty folder (and database) to restore into, with the TOTP key and, unless told otherwise, the backup key brought over. */
async function target(name: string, backupKey: Buffer | 'none' | 'same' = 'same') {
  const dataDir = path.join(tmp, name);
  fs.mkdirSync(path.join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
  fs.copyFileSync(sys.testDb.config.totpKeyFile, path.join(dataDir, 'keys', 'totp-aes256.key'));
  if (backupKey === 'same') fs.copyFileSync(sys.testDb.config.backup.keyFile, path.join(dataDir, 'keys', 'backup-aes256.key'));
  else if (backupKey !== 'none') fs.writeFileSync(path.join(dataDir, 'keys', 'backup-aes256.key'), backupKey.toString('base64'), { mode: 0o600 });
  if (!usingPg) return { dataDir };
  const db = `dangan_e_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE ${db}`);
  await admin.destroy();
  pgDatabases.push(db);
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${db}`;
  return { dataDir, databaseUrl: url.toString() };
}

function restore(args: string[], to: { dataDir: string; databaseUrl?: string }) {
  const env: NodeJS.ProcessEnv = { ...process.env, DANGAN_DATA_DIR: to.dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'test' };
  delete env.DATABASE_URL;
  if (to.databaseUrl) env.DATABASE_URL = to.databaseUrl;
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'scripts', 'restore.ts'), ...args], { env, encoding: 'utf8', cwd: projectRoot, timeout: 120_000 });
}

/** What a refused restore left in the target besides the keys brought there: nothing, not even its work folder. */
const written = (dataDir: string) => fs.readdirSync(dataDir).filter((n) => n !== 'keys');

/** SHA256SUMS recomputed over the manifest and every file, as someone who altered the medium would. */
function resum(dir: string, m: { database: { path: string }; files: Array<{ path: string }> }) {
  const all = [{ path: 'manifest.json' }, ...(fs.existsSync(path.join(dir, 'manifest.sig')) ? [{ path: 'manifest.sig' }] : []), m.database, ...m.files];
  fs.writeFileSync(path.join(dir, 'SHA256SUMS'), all.map((e) => `${sha256(path.join(dir, e.path))}  ${e.path}\n`).join(''));
}

test.serial('a backup on a USB disk holds no scan and no database in clear; the key stays in the data folder, 0600; sha256sum checks the medium without it', (t) => {
  const keyFile = sys.testDb.config.backup.keyFile;
  t.is(keyFile, path.join(sys.testDb.dataDir, 'keys', 'backup-aes256.key'));
  t.is(fs.statSync(keyFile).mode & 0o777, 0o600);
  const key = fs.readFileSync(keyFile, 'utf8').trim();
  const manifest = JSON.parse(fs.readFileSync(path.join(backup.path, 'manifest.json'), 'utf8'));
  t.is(manifest.format, 'dangan-backup/2');
  t.deepEqual(manifest.encryption, { algorithm: 'AES-256-GCM/64KiB-chunks/HKDF-SHA256', keyId: backupKeyId(loadBackupKey(keyFile)!) });
  const page = manifest.files.find((f: { path: string }) => f.path === 'files/scans/0009/page-001.jpg');
  t.is(page.sha256, createHash('sha256').update(scan).digest('hex'), 'the manifest names the scan as it was');
  t.is(page.stored.size, scan.length + 24 + 3 * 16);
  for (const f of filesOf(backup.path)) {
    const bytes = fs.readFileSync(path.join(backup.path, f));
    t.false(bytes.includes(scan.subarray(1000, 1064)), `${f}: no run of the scan`);
    t.false(bytes.includes('SQLite format 3') || bytes.includes('PGDMP'), `${f}: no database in clear`);
    t.false(bytes.includes(key), `${f}: not the key`);
  }
  t.false(filesOf(backup.path).some((f) => f.includes('backup-aes256')), 'no key file in the backup');
  t.false(fs.readdirSync(sys.testDb.dataDir).some((n) => n.startsWith('.backup-')), 'no snapshot in clear left in the data folder');
  const check = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: backup.path, encoding: 'utf8' });
  t.is(check.status, 0, check.stdout + check.stderr);
});

test.serial('restore without the backup key, or with another installation\'s, is refused naming the key file, nothing moved; with it, the scans come back', async (t) => {
  const missing = await target('no-key', 'none');
  for (const args of [[backup.path], [backup.path, '--check']]) {
    const res = restore(args, missing);
    t.is(res.status, 1);
    t.regex(res.stderr, /拒绝恢复 \/ restore refused: 备份已加密，但备份密钥文件 .*keys\/backup-aes256\.key 不存在.*The backup is encrypted and the backup key file/);
  }
  t.deepEqual(written(missing.dataDir), []);
  const other = await target('other-key', randomBytes(32));
  const res = restore([backup.path], other);
  t.is(res.status, 1);
  t.regex(res.stderr, /备份密钥不符：该备份由密钥 [0-9a-f]{16} 加密.*Wrong backup key/);
  t.deepEqual(written(other.dataDir), []);

  const good = await target('with-key');
  const ok = restore([backup.path], good);
  t.is(ok.status, 0, ok.stdout + ok.stderr);
  t.regex(ok.stdout, /加密 \/ encryption: AES-256-GCM，每个文件逐块解密校验通过/);
  t.deepEqual(fs.readFileSync(path.join(good.dataDir, 'scans', '0009', 'page-001.jpg')), scan);
  t.false(fs.readdirSync(good.dataDir).some((n) => n.startsWith('.restore-')), 'the decrypted check copy is gone');
});

test.serial('a chunk altered on the medium, with the manifest and SHA256SUMS made to match, is refused before anything is moved: the manifest is authenticated by the backup key', async (t) => {
  const altered = path.join(tmp, 'altered');
  fs.cpSync(backup.path, altered, { recursive: true });
  const rel = 'files/scans/0009/page-001.jpg';
  const bytes = fs.readFileSync(path.join(altered, rel));
  bytes[24 + CHUNK + 16 + 100] ^= 0x55; // inside the second chunk
  fs.writeFileSync(path.join(altered, rel), bytes);
  const m = JSON.parse(fs.readFileSync(path.join(altered, 'manifest.json'), 'utf8'));
  m.files.find((f: { path: string }) => f.path === rel).stored.sha256 = createHash('sha256').update(bytes).digest('hex');
  fs.writeFileSync(path.join(altered, 'manifest.json'), JSON.stringify(m, null, 2));
  resum(altered, m);
  const to = await target('altered-target');
  const res = restore([altered, '--force'], to);
  t.is(res.status, 1);
  t.regex(res.stderr, /拒绝恢复 \/ restore refused: manifest\.json 与备份密钥对它的认证（manifest\.mac）不符.*the manifest was altered/);
  t.deepEqual(written(to.dataDir), [], 'nothing moved or written');
});

test.serial('without the key nobody can drop a file from an encrypted backup: a scan left out of the manifest and SUMS, with manifest.sig or manifest.mac deleted, is refused — not passed off as an older backup (regression)', async (t) => {
  const rel = 'files/scans/0009/page-001.jpg';
  for (const gone of ['manifest.sig', 'manifest.mac']) {
    const cut = path.join(tmp, `cut-${gone}`);
    fs.cpSync(backup.path, cut, { recursive: true });
    const m = JSON.parse(fs.readFileSync(path.join(cut, 'manifest.json'), 'utf8'));
    m.files = m.files.filter((f: { path: string }) => f.path !== rel);
    fs.rmSync(path.join(cut, rel));
    fs.writeFileSync(path.join(cut, 'manifest.json'), JSON.stringify(m, null, 2));
    fs.rmSync(path.join(cut, gone));
    resum(cut, m);
    const to = await target(`cut-target-${gone}`);
    for (const args of [[cut], [cut, '--check']]) {
      const res = restore(args, to);
      t.is(res.status, 1, `${gone} ${args.join(' ')}: ${res.stdout}`);
      t.regex(res.stderr, gone === 'manifest.mac' ? /加密的备份缺少 manifest\.mac/ : /manifest\.json 与备份密钥对它的认证（manifest\.mac）不符/);
      t.notRegex(res.stdout, /较早的备份/);
    }
    t.deepEqual(written(to.dataDir), []);
  }
  // The manifest intact, only manifest.sig deleted: still refused (every encrypted backup has one).
  const unsigned = path.join(tmp, 'unsigned');
  fs.cpSync(backup.path, unsigned, { recursive: true });
  fs.rmSync(path.join(unsigned, 'manifest.sig'));
  resum(unsigned, JSON.parse(fs.readFileSync(path.join(unsigned, 'manifest.json'), 'utf8')));
  const to = await target('unsigned-target');
  const res = restore([unsigned], to);
  t.is(res.status, 1, res.stdout);
  t.regex(res.stderr, /加密的备份缺少 manifest\.sig/);
});

test.serial('an older backup in clear (dangan-backup/1) is still restored, with a warning to back up again and destroy the old medium; the audit row says so', async (t) => {
  // The same backup as an older Dangan wrote it: every file in clear, no encryption entry.
  const old = path.join(tmp, 'old-format');
  fs.cpSync(backup.path, old, { recursive: true });
  const key = loadBackupKey(sys.testDb.config.backup.keyFile)!;
  const m = JSON.parse(fs.readFileSync(path.join(old, 'manifest.json'), 'utf8'));
  for (const e of [m.database, ...m.files].filter((x) => x.stored)) {
    const file = path.join(old, e.path);
    await decryptFile(path.join(backup.path, e.path), `${file}.clear`, e.path, key);
    fs.renameSync(`${file}.clear`, file);
    delete e.stored;
  }
  m.format = 'dangan-backup/1';
  delete m.encryption;
  fs.writeFileSync(path.join(old, 'manifest.json'), JSON.stringify(m, null, 2));
  fs.rmSync(path.join(old, 'manifest.sig'));
  fs.rmSync(path.join(old, 'manifest.mac'));
  resum(old, m);
  const to = await target('from-old', 'none');
  // Nothing authenticates such a manifest: restored only when the operator says the medium was kept safe.
  const refused = restore([old], to);
  t.is(refused.status, 1);
  t.regex(refused.stderr, /这是未加密的旧备份.*--accept-clear/);
  const res = restore([old, '--accept-clear'], to);
  t.is(res.status, 0, res.stdout + res.stderr);
  t.regex(res.stdout, /加密 \/ encryption: 无——这是未加密的旧备份.*make a new \(encrypted\) backup and destroy the old medium/);
  t.deepEqual(fs.readFileSync(path.join(to.dataDir, 'scans', '0009', 'page-001.jpg')), scan);
  const { loadConfig } = await import('../config.ts');
  const { createDb } = await import('../db.ts');
  const db = createDb(loadConfig({ NODE_ENV: 'test', DANGAN_DATA_DIR: to.dataDir, LOG_LEVEL: 'silent', ...(to.databaseUrl ? { DATABASE_URL: to.databaseUrl } : {}) }));
  t.teardown(() => db.destroy());
  const row = await db('audit_log').orderBy('seq', 'desc').first();
  t.is(row.action, 'backup.restore');
  t.is(JSON.parse(row.detail).encrypted, false);
});

test.serial('a backup key deleted after the first backup is not made up again: the next backup is refused naming the file, and only --new-key makes one, audited', async (t) => {
  const keyFile = sys.testDb.config.backup.keyFile;
  const first = await sys.services.db('audit_log').where({ action: 'backup.create' }).orderBy('seq').first();
  t.like(JSON.parse(first.detail), { keyId: backupKeyId(loadBackupKey(keyFile)!), keyCreated: true }, 'the first backup made the key and says so');
  t.is((await sys.services.db('backups').where({ id: Number(first.object_id) }).first()).key_id, backupKeyId(loadBackupKey(keyFile)!), 'the ledger names the key');
  const kept = fs.readFileSync(keyFile);
  fs.rmSync(keyFile);
  t.teardown(() => fs.writeFileSync(keyFile, kept, { mode: 0o600 }));
  const res = await (await sys.as('sysadmin')).post('/api/admin/backups', { medium: 'usb' });
  t.is(res.status, 409);
  t.is(res.body.code, 'BACKUP_KEY_MISSING');
  t.regex(res.body.message, /备份密钥文件 .* 不存在.*--new-key/);
  t.false(fs.existsSync(keyFile), 'no new key made behind the office’s back');
  const { createBackup } = await import('./backup.ts');
  const deps = { config: sys.testDb.config, db: sys.services.db, clock: sys.clock, audit: sys.services.audit };
  const made = await createBackup(deps, { label: 'test' }, { medium: 'disk', outDir: path.join(tmp, 'new-key'), newKey: true });
  t.true(fs.existsSync(keyFile));
  t.false(loadBackupKey(keyFile)!.equals(Buffer.from(kept.toString('utf8').trim(), 'base64')), 'a new key');
  const row = await sys.services.db('audit_log').where({ action: 'backup.create', object_id: String(made.id) }).first();
  t.like(JSON.parse(row.detail), { keyCreated: true });
  await t.throwsAsync(createBackup(deps, { label: 'test' }, { medium: 'disk', outDir: path.join(tmp, 'new-key-2'), newKey: true }), { message: /已存在，--new-key 不会替换它/ });
  fs.rmSync(keyFile);
});
