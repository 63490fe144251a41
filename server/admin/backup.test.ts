// Backups as the system administrator runs them: from the console or `npm run backup`, into a
// folder whose manifest and SHA256SUMS check out (with coreutils too), recorded in the ledger;
// `npm run restore` into an empty folder gives the same rows and a valid audit chain, and refuses
// a damaged backup or an occupied target before touching anything.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import test from 'ava';
import { startSystem, type TestSystem } from '../../test/helpers/server.ts';
import { usingPg } from '../../test/helpers/db.ts';
import { projectRoot } from '../services.ts';
import { nodeScriptArgs } from '../../test/helpers/node-script.ts';
import { createDb } from '../db.ts';
import { loadConfig } from '../config.ts';
import { AuditLog } from '../audit/service.ts';
import { CheckpointSigner } from '../audit/signer.ts';
import { MovableClock } from '../clock.ts';
import { decryptFile, encryptFile, loadBackupKey, MANIFEST_MAC, manifestMac } from './backup-crypt.ts';

let sys: TestSystem;
const scan = randomBytes(50_000);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-backup-test-'));
const pgDatabases: string[] = [];

test.before(async () => {
  sys = await startSystem();
  const dir = path.join(sys.testDb.dataDir, 'scans', '0001', '0002');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'page-001.jpg'), scan);
  fs.mkdirSync(path.join(sys.testDb.dataDir, 'attachments'));
  fs.writeFileSync(path.join(sys.testDb.dataDir, 'attachments', '说明.txt'), '附件内容');
  // Some life in the database first.
  for (const u of ['applicant1', 'archivist1', 'auditor']) await sys.as(u);
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

/**
 * A target for a restore: an empty folder and, on PostgreSQL, an empty database. The TOTP key is
 * copied over from the old installation as README says (keys never travel in a backup), unless withKey is false;
 * the backup key likewise, unless backupKey is false.
 */
async function emptyTarget(name: string, { withKey = true, backupKey = true } = {}): Promise<{ dataDir: string; databaseUrl?: string }> {
  const dataDir = path.join(tmp, name);
  fs.mkdirSync(dataDir);
  if (withKey) {
    fs.mkdirSync(path.join(dataDir, 'keys'), { mode: 0o700 });
    fs.copyFileSync(sys.testDb.config.totpKeyFile, path.join(dataDir, 'keys', 'totp-aes256.key'));
    fs.chmodSync(path.join(dataDir, 'keys', 'totp-aes256.key'), 0o600);
  }
  // The backup key too, kept apart from the media as README says, unless backupKey is false.
  if (backupKey && fs.existsSync(sys.testDb.config.backup.keyFile)) {
    fs.mkdirSync(path.join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
    fs.copyFileSync(sys.testDb.config.backup.keyFile, path.join(dataDir, 'keys', 'backup-aes256.key'));
  }
  if (!usingPg) return { dataDir };
  const db = `dangan_r_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE ${db}`);
  await admin.destroy();
  pgDatabases.push(db);
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${db}`;
  return { dataDir, databaseUrl: url.toString() };
}

function npmScript(script: string, args: string[], target: { dataDir: string; databaseUrl?: string }) {
  const env: NodeJS.ProcessEnv = { ...process.env, DANGAN_DATA_DIR: target.dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'test' };
  delete env.DATABASE_URL;
  if (target.databaseUrl) env.DATABASE_URL = target.databaseUrl;
  return spawnSync(process.execPath, nodeScriptArgs(projectRoot, `scripts/${script}.ts`, args), { env, encoding: 'utf8', cwd: projectRoot, timeout: 120_000 });
}

const source = () => ({ dataDir: sys.testDb.dataDir, databaseUrl: sys.testDb.config.databaseUrl });
const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

test.serial('the system administrator backs up from the console; the ledger shows time, medium, operator, size and hash', async (t) => {
  const admin = await sys.as('sysadmin');
  const res = await admin.post('/api/admin/backups', { medium: 'optical' });
  t.is(res.status, 201);
  const b = res.body;
  t.is(b.operator, 'sysadmin');
  t.is(b.medium, 'optical');
  t.is(b.kind, usingPg ? 'pg' : 'sqlite');
  t.true(b.path.startsWith(path.join(sys.testDb.dataDir, 'backups')));
  t.is(b.sha256, sha256(path.join(b.path, 'manifest.json')));
  const manifest = JSON.parse(fs.readFileSync(path.join(b.path, 'manifest.json'), 'utf8'));
  const total = fs.readdirSync(b.path, { recursive: true }).map(String).filter((f) => fs.statSync(path.join(b.path, f)).isFile());
  t.is(b.size, total.reduce((s, f) => s + fs.statSync(path.join(b.path, f)).size, 0));
  t.truthy(manifest.files.find((f: any) => f.path === 'files/scans/0001/0002/page-001.jpg' && f.sha256 === createHash('sha256').update(scan).digest('hex')));
  t.truthy(manifest.files.find((f: any) => f.path === 'files/attachments/说明.txt'));
  t.truthy(manifest.files.find((f: any) => f.path.startsWith('keys/') && f.path.endsWith('.pub.pem')));
  t.false(manifest.files.some((f: any) => f.path.includes('backups/')), 'no backup inside a backup');
  t.true(manifest.tables.users >= 12);
  for (const f of total) t.false(fs.readFileSync(path.join(b.path, f)).includes('PRIVATE KEY'), `${f} holds no private key`);
  // Anyone can check the copy with coreutils.
  const check = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: b.path, encoding: 'utf8' });
  t.is(check.status, 0, check.stdout + check.stderr);
  // A checkpoint signed just before the snapshot is inside it.
  const cp = await sys.services.db('audit_checkpoints').where({ reason: 'backup' }).orderBy('id', 'desc').first();
  t.true(Number(cp.seq) <= manifest.auditHead.seq);

  const ledger = await admin.get('/api/admin/backups');
  t.is(ledger.status, 200);
  t.deepEqual(ledger.body.items[0], { ...b, outcome: 'success', code: null, reason: null });
  const row = await sys.services.db('audit_log').where({ action: 'backup.create' }).orderBy('seq', 'desc').first();
  t.is(row.actor, 'sysadmin');
  t.is(JSON.parse(row.detail).sha256, b.sha256);
});

test.serial('two backups asked for at once: one is made, the other is refused as already running; backups in the same second get folders of their own', async (t) => {
  const admin = await sys.as('sysadmin');
  const dir = path.join(sys.testDb.dataDir, 'backups');
  const before = fs.existsSync(dir) ? fs.readdirSync(dir).length : 0;
  const [a, b] = await Promise.all([admin.post('/api/admin/backups', { medium: 'disk' }), admin.post('/api/admin/backups', { medium: 'disk' })]);
  const statuses = [a.status, b.status].sort();
  t.deepEqual(statuses, [201, 409]);
  const refused = a.status === 409 ? a : b;
  const made = a.status === 201 ? a : b;
  t.is(refused.body.code, 'BACKUP_RUNNING');
  t.regex(refused.body.message, /^已有备份正在进行（sysadmin 于 \d{4}-\d\d-\d\dT[\d:.]+Z 开始），请待其完成后再试 \/ A backup is already running \(started .* by sysadmin\)/);
  t.is(refused.body.details.operator, 'sysadmin');
  const status = await admin.get('/api/admin/backups/status');
  t.deepEqual(status.body, { running: false, startedAt: null, operator: null, elapsedMs: null }, 'done by now');
  t.is(fs.readdirSync(dir).length, before + 1, 'one new folder');
  const check = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: made.body.path, encoding: 'utf8' });
  t.is(check.status, 0, check.stdout + check.stderr);
  // Once it has finished, the next one is made, in the same second too: a folder of its own.
  const next = await admin.post('/api/admin/backups', { medium: 'disk' });
  t.is(next.status, 201);
  t.not(next.body.path, made.body.path);
  t.is(fs.readdirSync(dir).length, before + 2);
});

test.serial('npm run backup, then npm run restore into an empty folder: identical rows and a valid audit chain', async (t) => {
  const out = path.join(tmp, 'cli-backup');
  const backup = npmScript('backup', ['--out', out, '--operator', 'tester', '--medium', 'usb'], source());
  t.is(backup.status, 0, backup.stderr);
  t.regex(backup.stdout, /备份完成/);
  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
  const ledger = await (await sys.as('sysadmin')).get('/api/admin/backups');
  // The OS account that ran it, and the name given as a label, not as if it were an account of Dangan.
  t.is(ledger.body.items[0].operator, `os:${os.userInfo().username}（自述 / stated: tester）`);
  const created = await sys.services.db('audit_log').where({ action: 'backup.create' }).orderBy('seq', 'desc').first();
  t.is(created.actor, `os:${os.userInfo().username}`);
  t.is(JSON.parse(created.detail).operatorLabel, 'tester');
  t.is(ledger.body.items[0].medium, 'usb');

  const target = await emptyTarget('restored');
  const restore = npmScript('restore', [out, '--operator', 'sysadmin'], target);
  t.is(restore.status, 0, restore.stdout + restore.stderr);
  t.regex(restore.stdout, /审计链 \/ audit chain: 完好 \/ valid/);
  t.regex(restore.stdout, /TOTP key: .*opens all \d+ stored secrets/);

  const config = loadConfig({ NODE_ENV: 'test', DANGAN_DATA_DIR: target.dataDir, LOG_LEVEL: 'silent', ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}) });
  const db = createDb(config);
  t.teardown(() => db.destroy());
  for (const [table, n] of Object.entries(manifest.tables as Record<string, number>)) {
    const [{ c }] = await db(table).count({ c: '*' });
    // The restore writes exactly one row of its own into the log, after comparing the counts.
    t.is(Number(c), table === 'audit_log' ? n + 1 : n, table);
  }
  const last = await db('audit_log').orderBy('seq', 'desc').first();
  t.is(last.action, 'backup.restore');
  t.is(last.actor, `os:${os.userInfo().username}`, 'not the sysadmin account');
  t.is(JSON.parse(last.detail).operatorLabel, 'sysadmin');
  t.is(Number(last.seq), manifest.auditHead.seq + 1);
  const v = await new AuditLog(db, new MovableClock(), new CheckpointSigner(config.audit.keyFile)).verify();
  t.true(v.ok, JSON.stringify(v));
  t.true(v.checkpoints >= 1, 'the checkpoints verify with the public key that came along');
  t.deepEqual(fs.readFileSync(path.join(target.dataDir, 'scans', '0001', '0002', 'page-001.jpg')), scan);
  t.is(fs.readFileSync(path.join(target.dataDir, 'attachments', '说明.txt'), 'utf8'), '附件内容');
  t.false(fs.existsSync(config.audit.keyFile), 'no private key travels');
});

test.serial('a damaged backup is refused before anything is replaced', async (t) => {
  const out = path.join(tmp, 'cli-backup');
  const damaged = path.join(tmp, 'damaged');
  fs.cpSync(out, damaged, { recursive: true });
  const page = path.join(damaged, 'files', 'scans', '0001', '0002', 'page-001.jpg');
  const bytes = fs.readFileSync(page);
  bytes[1000] ^= 0xff;
  fs.writeFileSync(page, bytes);
  const target = await emptyTarget('never-restored', { withKey: false });
  const res = npmScript('restore', [damaged], target);
  t.is(res.status, 1);
  t.regex(res.stderr, /拒绝恢复.*page-001\.jpg: sha256 does not match/);
  t.deepEqual(written(target.dataDir), [], 'nothing written');
  if (target.databaseUrl) {
    const db = knexFactory({ client: 'pg', connection: target.databaseUrl, pool: { min: 0, max: 1 } });
    const r = await db.raw(`SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'`);
    await db.destroy();
    t.is(Number(r.rows[0].n), 0);
  }
  const check = npmScript('restore', [damaged, '--check'], target);
  t.is(check.status, 1);
});

test.serial('an occupied target is refused without --force; with it, the old files are kept aside', async (t) => {
  const out = path.join(tmp, 'cli-backup');
  const target = await emptyTarget('occupied');
  t.is(npmScript('restore', [out], target).status, 0);
  fs.writeFileSync(path.join(target.dataDir, 'scans', 'newer.jpg'), 'later scan');
  const refused = npmScript('restore', [out], target);
  t.is(refused.status, 1);
  t.regex(refused.stderr, /not empty/);
  const forced = npmScript('restore', [out, '--force'], target);
  t.is(forced.status, 0, forced.stdout + forced.stderr);
  t.regex(forced.stdout, /审计链 \/ audit chain: 完好 \/ valid/);
  const aside = fs.readdirSync(target.dataDir).find((n) => n.startsWith('pre-restore-'))!;
  t.truthy(aside);
  t.is(fs.readFileSync(path.join(target.dataDir, aside, 'scans', 'newer.jpg'), 'utf8'), 'later scan', 'kept, not deleted');
  t.false(fs.existsSync(path.join(target.dataDir, 'scans', 'newer.jpg')));
});

/** Starts the real server (server/main.ts) on a data folder; resolves once it listens. */
async function startServer(target: { dataDir: string; databaseUrl?: string }) {
  const env: NodeJS.ProcessEnv = { ...process.env, DANGAN_DATA_DIR: target.dataDir, LOG_LEVEL: 'info', NODE_ENV: 'test', DANGAN_DEMO: 'false', PORT: String(41000 + (process.pid % 2000)), HOST: '127.0.0.1' };
  delete env.DATABASE_URL;
  if (target.databaseUrl) env.DATABASE_URL = target.databaseUrl;
  const child = spawn(process.execPath, nodeScriptArgs(projectRoot, 'server/main.ts'), { env, cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 90_000);
    const onData = (d: Buffer) => {
      out += String(d);
      if (out.includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
  const stop = () =>
    new Promise<number | null>((resolve) => {
      child.removeAllListeners('exit');
      child.on('exit', (code) => resolve(code));
      child.kill('SIGTERM');
    });
  return { pid: child.pid!, stop };
}

const npmScriptAsync = (script: string, args: string[], target: { dataDir: string; databaseUrl?: string }) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DANGAN_DATA_DIR: target.dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'test' };
    delete env.DATABASE_URL;
    if (target.databaseUrl) env.DATABASE_URL = target.databaseUrl;
    const child = spawn(process.execPath, nodeScriptArgs(projectRoot, `scripts/${script}.ts`, args), { env, cwd: projectRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });

test.serial('restore --force over a folder a running server uses is refused, naming the process; once it has stopped, the restore goes ahead', async (t) => {
  const out = path.join(tmp, 'cli-backup');
  const target = await emptyTarget('in-use');
  t.is(npmScript('restore', [out], target).status, 0);
  const server = await startServer(target);
  let stopped = false;
  t.teardown(async () => {
    if (!stopped) await server.stop();
  });
  const dbFile = path.join(target.dataDir, 'dangan.sqlite');
  const dbBefore = usingPg ? 0 : fs.statSync(dbFile).ino;
  const refused = await npmScriptAsync('restore', [out, '--force'], target);
  t.is(refused.status, 1);
  t.regex(refused.stderr, new RegExp(`拒绝恢复.*数据目录正在被运行中的服务器使用（进程 ${server.pid}），请先停止服务器再恢复 / .*in use by a running server \\(process ${server.pid}\\)`));
  t.false(fs.readdirSync(target.dataDir).some((n) => n.startsWith('pre-restore-')), 'nothing moved aside');
  if (!usingPg) t.is(fs.statSync(dbFile).ino, dbBefore, 'the database the server uses is where it was');
  t.is(await server.stop(), 0);
  stopped = true;
  t.deepEqual(fs.readdirSync(path.join(target.dataDir, '.in-use')), [], 'a clean stop removes its mark');
  if (target.databaseUrl) {
    // PostgreSQL: a session on the database (another server, psql) is as good a reason.
    const other = knexFactory({ client: 'pg', connection: target.databaseUrl, pool: { min: 1, max: 1 } });
    await other.raw('SELECT 1');
    const busy = await npmScriptAsync('restore', [out, '--force'], target);
    await other.destroy();
    t.is(busy.status, 1);
    t.regex(busy.stderr, /数据库正在被其他连接使用（1 个：\d+.*），请先停止服务器再恢复 \/ The database is in use by 1 other connection/);
  }
  const forced = await npmScriptAsync('restore', [out, '--force'], target);
  t.is(forced.status, 0, forced.stdout + forced.stderr);
});

test.serial('a mark left by a server that died (kill -9) does not block a restore', async (t) => {
  const out = path.join(tmp, 'cli-backup');
  const target = await emptyTarget('stale-mark');
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const pid = Number(dead.stdout);
  fs.mkdirSync(path.join(target.dataDir, '.in-use'));
  fs.writeFileSync(path.join(target.dataDir, '.in-use', `${pid}.json`), JSON.stringify({ pid, host: os.hostname(), procStart: '1', startedAt: new Date().toISOString() }));
  const res = npmScript('restore', [out], target);
  t.is(res.status, 0, res.stdout + res.stderr);
  // A live process with a mark of its own (this test) does block.
  fs.writeFileSync(path.join(target.dataDir, '.in-use', `${process.pid}.json`), JSON.stringify({ pid: process.pid, host: os.hostname(), procStart: null, startedAt: new Date().toISOString() }));
  const refused = npmScript('restore', [out, '--force'], target);
  t.is(refused.status, 1);
  t.regex(refused.stderr, new RegExp(`进程 ${process.pid}`));
});

test.serial('restored without its TOTP key: the restore says which file to copy, the server refuses to start, admins:reset-totp is the way out', async (t) => {
  const out = path.join(tmp, 'cli-backup');
  const target = await emptyTarget('no-totp-key', { withKey: false });
  const keyFile = path.join(target.dataDir, 'keys', 'totp-aes256.key');
  const restore = npmScript('restore', [out], target);
  t.is(restore.status, 1, 'not a clean success');
  t.regex(restore.stdout, /恢复完成/);
  t.regex(restore.stderr, new RegExp(`动态口令密钥文件 ${keyFile.replace(/[.]/g, '\\.')} 不存在.*请从原安装复制该密钥文件.* / The TOTP key file .* does not exist.*copy the key file from the old installation`));
  t.false(fs.existsSync(keyFile), 'no new key made up');

  const env: NodeJS.ProcessEnv = { ...process.env, DANGAN_DATA_DIR: target.dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'test', DANGAN_DEMO: 'false', PORT: '0' };
  delete env.DATABASE_URL;
  if (target.databaseUrl) env.DATABASE_URL = target.databaseUrl;
  const start = () => spawnSync(process.execPath, nodeScriptArgs(projectRoot, 'server/main.ts'), { env, encoding: 'utf8', cwd: projectRoot, timeout: 90_000 });
  const refused = start();
  t.is(refused.status, 1);
  t.regex(refused.stderr, /^拒绝启动 \/ not starting: 动态口令密钥文件 .*totp-aes256\.key 不存在/);
  t.notRegex(refused.stderr, /\n\s+at /, 'words, not a stack');
  t.false(fs.existsSync(keyFile), 'still no new key');

  // Another installation's key is no better.
  fs.mkdirSync(path.dirname(keyFile), { recursive: true, mode: 0o700 });
  fs.writeFileSync(keyFile, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
  const wrong = start();
  t.is(wrong.status, 1);
  t.regex(wrong.stderr, /无法解密数据库中 \d+ 个动态口令（.*sysadmin/);

  // The key is lost for good: reset from the shell, audited.
  const reset = npmScript('reset-totp', ['--unreadable'], target);
  t.is(reset.status, 0, reset.stdout + reset.stderr);
  t.regex(reset.stdout, /sysadmin\t动态口令已重置 \/ second factor reset/);
  t.regex(reset.stdout, /登录页显示二维码/);
  const server = await startServer(target);
  t.is(await server.stop(), 0, 'now it starts');
  const config = loadConfig({ NODE_ENV: 'test', DANGAN_DATA_DIR: target.dataDir, LOG_LEVEL: 'silent', ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}) });
  const db = createDb(config);
  t.teardown(() => db.destroy());
  t.is((await db('users').where({ username: 'sysadmin' }).first()).totp_secret, null);
  const row = await db('audit_log').where({ action: 'user.totp_reset' }).orderBy('seq', 'desc').first();
  t.is(row.actor, `os:${os.userInfo().username}`);
  t.like(JSON.parse(row.detail), { via: 'shell', reason: 'unreadable' });
});

test.serial('admins:reset-totp <username> forgets one account\'s second factor and ends its sessions', async (t) => {
  const out = path.join(tmp, 'cli-backup');
  const target = await emptyTarget('reset-one');
  t.is(npmScript('restore', [out], target).status, 0);
  const config = loadConfig({ NODE_ENV: 'test', DANGAN_DATA_DIR: target.dataDir, LOG_LEVEL: 'silent', ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}) });
  const db = createDb(config);
  t.teardown(() => db.destroy());
  const sysadminBefore = (await db('users').where({ username: 'sysadmin' }).first()).totp_secret;
  t.truthy(sysadminBefore);
  const auditorId = (await db('users').where({ username: 'auditor' }).first()).id;
  t.true(Number((await db('sessions').where({ user_id: auditorId }).count({ n: '*' }))[0].n) > 0, 'the backup holds a session of auditor');
  const res = npmScript('reset-totp', ['auditor'], target);
  t.is(res.status, 0, res.stdout + res.stderr);
  t.is(Number((await db('sessions').where({ user_id: auditorId }).count({ n: '*' }))[0].n), 0);
  t.is((await db('users').where({ username: 'auditor' }).first()).totp_secret, null);
  t.is((await db('users').where({ username: 'sysadmin' }).first()).totp_secret, sysadminBefore, 'nobody else');
  const missing = npmScript('reset-totp', ['nobody'], target);
  t.is(missing.status, 1);
  t.regex(missing.stderr, /nobody: 无此账号 \/ no such account/);
  t.is(npmScript('reset-totp', [], target).status, 2);
});

test.serial('a backup under load: uploads still being written are skipped, a file gone meanwhile is no error, a database busy for a while is waited for', async (t) => {
  const admin = await sys.as('sysadmin');
  const caseDir = path.join(sys.testDb.dataDir, 'attachments', '77');
  fs.mkdirSync(caseDir, { recursive: true });
  fs.writeFileSync(path.join(caseDir, '123.part'), 'half an upload');
  fs.writeFileSync(path.join(caseDir, '124.tmp'), 'scratch');
  fs.writeFileSync(path.join(caseDir, '125.pdf'), 'a finished upload');
  // Another process holds SQLite's writer lock for longer than busy_timeout (5 s).
  let holder: ReturnType<typeof spawn> | null = null;
  if (!usingPg) {
    holder = spawn(
      process.execPath,
      ['-e', `const D=require('better-sqlite3');const d=new D(process.argv[1]);d.pragma('busy_timeout = 5000');d.exec('BEGIN IMMEDIATE');process.stdout.write('locked');setTimeout(()=>{d.exec('COMMIT');d.close();},6500);`, path.join(sys.testDb.dataDir, 'dangan.sqlite')],
      { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => holder!.stdout!.once('data', () => resolve()));
  }
  const res = await admin.post('/api/admin/backups', { medium: 'disk' });
  t.is(res.status, 201, JSON.stringify(res.body));
  const manifest = JSON.parse(fs.readFileSync(path.join(res.body.path, 'manifest.json'), 'utf8'));
  const paths = manifest.files.map((f: { path: string }) => f.path);
  t.true(paths.includes('files/attachments/77/125.pdf'));
  t.false(paths.some((p: string) => /\.(part|tmp)$/.test(p)), 'no upload still being written');
  fs.rmSync(caseDir, { recursive: true });

  const { encryptIfPresent } = await import('./backup-files.ts');
  const to = path.join(tmp, 'gone', 'x.pdf');
  t.is(await encryptIfPresent(path.join(tmp, 'no-such-file.pdf'), to, 'files/x.pdf', randomBytes(32)), null);
  t.false(fs.existsSync(to));
});

test.serial('a backup that fails is in the audit log as a failure, with its reason in words', async (t) => {
  const out = path.join(tmp, 'not-empty');
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(out, 'something'), 'x');
  const res = npmScript('backup', ['--out', out], source());
  t.is(res.status, 1);
  t.regex(res.stderr, /备份失败 \/ backup failed: 备份目录不为空/);
  const row = await sys.services.db('audit_log').where({ action: 'backup.create' }).orderBy('seq', 'desc').first();
  t.is(row.outcome, 'failure');
  t.is(row.actor, `os:${os.userInfo().username}`);
  t.regex(JSON.parse(row.detail).reason, /备份目录不为空/);
});

test.serial('a failed backup is in the ledger too, between the backups made: when, who, to which medium and why', async (t) => {
  const admin = await sys.as('sysadmin');
  const keyFile = sys.testDb.config.backup.keyFile;
  // The backup key left readable by others (a careless copy): the backup is refused, and the office should see the gap.
  fs.chmodSync(keyFile, 0o644);
  const failed = await admin.post('/api/admin/backups', { medium: 'optical' });
  fs.chmodSync(keyFile, 0o600);
  t.is(failed.status, 500);
  t.is(failed.body.code, 'BACKUP_KEY_UNSAFE');
  const made = await admin.post('/api/admin/backups', { medium: 'disk' });
  t.is(made.status, 201);
  const ledger = await admin.get('/api/admin/backups?limit=100');
  t.is(ledger.status, 200);
  const items = ledger.body.items;
  const newest = items.find((i: any) => i.outcome === 'success' && i.id === made.body.id);
  t.like(newest, { code: null, reason: null });
  const gap = items.find((i: any) => i.outcome === 'failure' && i.code === 'BACKUP_KEY_UNSAFE');
  t.like(gap, { operator: 'sysadmin', medium: 'optical', kind: null, path: null, size: null, sha256: null, files: null, auditSeq: null });
  t.regex(gap.reason, /^备份密钥文件权限过宽，请 chmod 600 \/ The backup key file .* is readable by others/);
  t.true(items.indexOf(gap) > items.indexOf(newest) || gap.at === newest.at, 'newest first');
  t.deepEqual(items.map((i: any) => i.at), items.map((i: any) => i.at).sort().reverse(), 'in time order');
  // The command line's failure (the folder not empty, above) is there too, by the OS account.
  const all = ledger.body;
  t.truthy(all.items.find((i: any) => i.outcome === 'failure' && i.code === 'BACKUP_FOLDER_NOT_EMPTY' && i.operator === `os:${os.userInfo().username}`));
  const count = async (table: string) => Number(((await sys.services.db(table).count({ n: '*' })) as Array<{ n: number | string }>)[0].n);
  t.is(all.total, (await count('backups')) + (await count('backup_failures')));
});

/** Rewrites a backup's hashes after a change (database: the new database entry), as someone with a newer Dangan's backup would have them. */
async function reseal(folder: string, database?: { size: number; sha256: string; stored: { size: number; sha256: string } }) {
  const mfile = path.join(folder, 'manifest.json');
  const m = JSON.parse(fs.readFileSync(mfile, 'utf8'));
  if (database) m.database = { ...m.database, ...database };
  fs.writeFileSync(mfile, JSON.stringify(m, null, 2) + '\n');
  // As the holder of the backup key would: its authentication of the manifest made anew.
  if (fs.existsSync(path.join(folder, MANIFEST_MAC))) fs.writeFileSync(path.join(folder, MANIFEST_MAC), manifestMac(loadBackupKey(sys.testDb.config.backup.keyFile)!, fs.readFileSync(mfile)) + '\n');
  const entries = [{ path: 'manifest.json', sha256: sha256(mfile) }, m.database, ...m.files];
  fs.writeFileSync(path.join(folder, 'SHA256SUMS'), entries.map((e: { path: string; sha256: string; stored?: { sha256: string } }) => `${e.stored?.sha256 ?? e.sha256}  ${e.path}\n`).join(''));
}

/** What a refused restore left in the target, besides the keys the operator put there. */
const written = (dataDir: string) => fs.readdirSync(dataDir).filter((n) => n !== 'keys');

test.serial('a backup from a newer version (a migration this code lacks) is refused before anything is replaced; the manifest names version and last migration', async (t) => {
  const out = path.join(tmp, 'cli-backup');
  const m = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
  const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8'));
  const lastHere = fs.readdirSync(path.join(projectRoot, 'db', 'migrations')).filter((f) => f.endsWith('.ts')).sort().at(-1);
  t.like(m.app, { version: pkg.version, lastMigration: lastHere });
  if (usingPg) return; // The PostgreSQL path reads the manifest's lastMigration; the SQLite copy is checked itself.
  const newer = path.join(tmp, 'newer');
  fs.cpSync(out, newer, { recursive: true });
  const Database = (await import('better-sqlite3')).default;
  // Opened with the backup key, changed, sealed again: a backup a newer Dangan of this office made.
  const key = loadBackupKey(sys.testDb.config.backup.keyFile)!;
  const plain = path.join(tmp, 'newer.sqlite');
  await decryptFile(path.join(newer, m.database.path), plain, m.database.path, key);
  const copy = new Database(plain);
  copy.prepare(`INSERT INTO knex_migrations (name, batch, migration_time) VALUES ('20991231_0000_future.ts', 99, 0)`).run();
  copy.close();
  fs.rmSync(path.join(newer, m.database.path));
  const sealed = await encryptFile(plain, path.join(newer, m.database.path), m.database.path, key);
  const mm = JSON.parse(fs.readFileSync(path.join(newer, 'manifest.json'), 'utf8'));
  mm.app = { ...mm.app, version: '9.0.0', lastMigration: '20991231_0000_future.ts' };
  mm.tables.knex_migrations += 1;
  fs.writeFileSync(path.join(newer, 'manifest.json'), JSON.stringify(mm));
  await reseal(newer, { ...sealed.plain, stored: sealed.stored });
  t.is(spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: newer }).status, 0, 'a sound backup otherwise');
  const target = await emptyTarget('from-newer', { withKey: false });
  const res = npmScript('restore', [newer, '--force'], target);
  t.is(res.status, 1);
  t.regex(res.stderr, /拒绝恢复.*备份来自较新的版本 9\.0\.0（其数据库含本程序没有的 1 个迁移：20991231_0000_future\.ts）.*upgrade Dangan/);
  t.deepEqual(written(target.dataDir), [], 'nothing written');
  const check = npmScript('restore', [newer, '--check'], target);
  t.is(check.status, 1);
  t.regex(check.stderr, /备份来自较新的版本/);
});

test.serial('whatever is named instead of a backup, the refusal says what is wrong, in Chinese and English', async (t) => {
  const out = path.join(tmp, 'cli-backup');
  const target = await emptyTarget('bad-inputs', { withKey: false });
  const bad = path.join(tmp, 'bad');
  fs.mkdirSync(bad);
  const emptyFile = path.join(bad, 'empty.bin');
  fs.writeFileSync(emptyFile, '');
  const textFile = path.join(bad, 'notes.txt');
  fs.writeFileSync(textFile, 'not a backup');
  const emptyDir = path.join(bad, 'empty-dir');
  fs.mkdirSync(emptyDir);
  const badJson = path.join(bad, 'bad-json');
  fs.cpSync(out, badJson, { recursive: true });
  fs.writeFileSync(path.join(badJson, 'manifest.json'), '{"format": "dangan-backup/1", ');
  const badShape = path.join(bad, 'bad-shape');
  fs.cpSync(out, badShape, { recursive: true });
  fs.writeFileSync(path.join(badShape, 'manifest.json'), JSON.stringify({ format: 'dangan-backup/1', kind: 'sqlite' }));
  const badSums = path.join(bad, 'bad-sums');
  fs.cpSync(out, badSums, { recursive: true });
  fs.appendFileSync(path.join(badSums, 'SHA256SUMS'), 'garbage line\n');
  const cases: Array<[string, RegExp]> = [
    [path.join(bad, 'no-such-folder'), /备份目录不存在：.*no-such-folder \/ No backup folder at /],
    [emptyFile, /empty\.bin 是一个文件，不是备份目录.* \/ .*is a file, not a backup folder/],
    [textFile, /notes\.txt 是一个文件，不是备份目录/],
    [emptyDir, /empty-dir 中没有 manifest\.json，不是 Dangan 的备份 \/ .*holds no manifest\.json/],
    [badJson, /manifest\.json 无法解析，备份已损坏或被改动 \/ manifest\.json is not valid JSON/],
    [badShape, /manifest\.json 内容不完整或有误（createdAt, database, tables）.* \/ manifest\.json lacks/],
    [badSums, /SHA256SUMS 有无法识别的行.* \/ SHA256SUMS has a line/],
  ];
  for (const [arg, expected] of cases) {
    for (const mode of [[], ['--check']]) {
      const res = npmScript('restore', [arg, ...mode], target);
      t.is(res.status, 1, arg);
      t.regex(res.stderr, /^拒绝恢复 \/ restore refused: /, arg);
      t.regex(res.stderr, expected, arg);
      t.notRegex(res.stderr, /SyntaxError|Unexpected|\n\s+at /, 'no raw parser message or stack');
    }
  }
  t.deepEqual(written(target.dataDir), [], 'nothing written');
});

test.serial('while a backup runs, the status says so, since when and for whom', async (t) => {
  const admin = await sys.as('sysadmin');
  const pending = admin.post('/api/admin/backups', { medium: 'disk' });
  let seen: any = null;
  for (let i = 0; i < 200 && !seen; i++) {
    const s = await admin.get('/api/admin/backups/status');
    if (s.body.running) seen = s.body;
    else await new Promise((r) => setTimeout(r, 5));
  }
  t.is((await pending).status, 201);
  t.truthy(seen, 'seen running');
  t.is(seen.operator, 'sysadmin');
  t.regex(seen.startedAt, /^\d{4}-\d\d-\d\dT/);
  t.true(seen.elapsedMs >= 0 && seen.elapsedMs < 60_000);
  t.false((await admin.get('/api/admin/backups/status')).body.running);
  t.is((await (await sys.as('auditor')).get('/api/admin/backups/status')).status, 403);
});

test.serial('permission bits survive: a 0600 attachment is 0600 in the backup and in the restored folder', async (t) => {
  const file = path.join(sys.testDb.dataDir, 'attachments', 'private-0600.pdf');
  fs.writeFileSync(file, 'only the server may read this', { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  t.teardown(() => fs.rmSync(file, { force: true }));
  const out = path.join(tmp, 'modes-backup');
  const backup = npmScript('backup', ['--out', out], source());
  t.is(backup.status, 0, backup.stderr);
  const mode = (f: string) => (fs.statSync(f).mode & 0o777).toString(8);
  t.is(mode(path.join(out, 'files', 'attachments', 'private-0600.pdf')), '600');
  t.is(mode(path.join(out, 'files', 'attachments', '说明.txt')), mode(path.join(sys.testDb.dataDir, 'attachments', '说明.txt')), 'others as they were');
  const target = await emptyTarget('modes');
  const restore = npmScript('restore', [out], target);
  t.is(restore.status, 0, restore.stdout + restore.stderr);
  t.is(mode(path.join(target.dataDir, 'attachments', 'private-0600.pdf')), '600');
});

test.serial('the manifest is signed with the audit key: checked here it is trusted, elsewhere it matches only the key it carries, altered it is refused', async (t) => {
  const out = path.join(tmp, 'cli-backup');
  t.true(fs.existsSync(path.join(out, 'manifest.sig')));
  t.is(spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: out, encoding: 'utf8' }).status, 0, 'SHA256SUMS covers it');
  const here = npmScript('restore', [out, '--check'], source());
  t.is(here.status, 0, here.stderr);
  t.regex(here.stdout, /清单签名 \/ manifest signature: 有效，签名密钥 [0-9a-f]{16} 为本系统所信任/);
  const entry = await sys.services.db('backups').where({ sha256: sha256(path.join(out, 'manifest.json')) }).first();
  t.regex(here.stdout, new RegExp(`备份记录 / ledger: 第 ${entry.id} 条（.*）记有相同的清单哈希`));
  const other = npmScript('restore', [path.join(tmp, 'modes-backup'), '--check'], { dataDir: path.join(tmp, 'restored') });
  if (!usingPg) t.regex(other.stdout, /本系统的备份记录中没有该清单哈希/, 'another installation never recorded it');
  const target = await emptyTarget('signed');
  const elsewhere = npmScript('restore', [out], target);
  t.is(elsewhere.status, 0, elsewhere.stdout + elsewhere.stderr);
  t.regex(elsewhere.stdout, /manifest signature: 与备份自带的公钥 [0-9a-f]{16} 相符，但本系统不信任该密钥.*origin is not proven here/);

  // Someone holding the backup key (not the audit key) edits the manifest (here: the medium), makes
  // its manifest.mac anew and recomputes SHA256SUMS: the signature tells.
  const altered = path.join(tmp, 'altered-manifest');
  fs.cpSync(out, altered, { recursive: true });
  const m = JSON.parse(fs.readFileSync(path.join(altered, 'manifest.json'), 'utf8'));
  m.medium = 'tape';
  fs.writeFileSync(path.join(altered, 'manifest.json'), JSON.stringify(m, null, 2) + '\n');
  await reseal(altered);
  const refused = await emptyTarget('altered', { withKey: false });
  for (const args of [[altered], [altered, '--check']]) {
    const res = npmScript('restore', args, refused);
    t.is(res.status, 1);
    t.regex(res.stderr, /拒绝恢复 \/ restore refused: manifest\.json 的签名不符，清单在备份后被改动过 \/ The signature of manifest\.json does not match/);
  }
  t.deepEqual(written(refused.dataDir), [], 'nothing written');
});
