// `npm run restore -- <backup folder> [--force] [--check]`
// Verifies the backup (manifest, every sha256, the database copy) before replacing anything, then
// restores into DANGAN_DATA_DIR / DATABASE_URL and checks row counts and the audit chain.
// --check only verifies. Without --force an occupied target is refused; with it, what was there is
// moved into <data dir>/pre-restore-<time>/ (PostgreSQL tables are dropped and recreated).
// Refused while a server uses the data folder (its mark in <data dir>/.in-use/, see
// server/admin/data-lock.ts) or, on PostgreSQL, while other sessions are connected to the database.
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../server/config.ts';
import { checkManifestSignature, restoreBackup, verifyBackup, RestoreError, type SignatureCheck } from '../server/admin/restore.ts';
import { CheckpointSigner } from '../server/audit/signer.ts';
import fs from 'node:fs';
import path from 'node:path';
import { createDb } from '../server/db.ts';
import { sha256File } from '../server/admin/backup-files.ts';
import { SQLITE_FILE } from '../server/admin/backup.ts';
import type { Config } from '../server/config.ts';
import { totpKeyProblem } from '../server/people/totp-key-check.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { force: { type: 'boolean', default: false }, check: { type: 'boolean', default: false }, operator: { type: 'string' } },
});
if (positionals.length !== 1) {
  console.error('usage: npm run restore -- <backup folder> [--force] [--check]');
  process.exit(2);
}

function signatureLine(s: SignatureCheck): string {
  if (s.state === 'trusted') return `  清单签名 / manifest signature: 有效，签名密钥 ${s.keyId} 为本系统所信任 / valid, by key ${s.keyId} this installation trusts`;
  if (s.state === 'backupKeyOnly')
    return `  清单签名 / manifest signature: 与备份自带的公钥 ${s.keyId} 相符，但本系统不信任该密钥，无法证明来源 / matches only the public key ${s.keyId} the backup carries itself: its origin is not proven here`;
  return '  清单签名 / manifest signature: 无（较早的备份）/ none (an older backup)';
}

/** Whether this installation's ledger lists a backup with this manifest's sha256 (it records it for each backup). */
async function ledgerLine(config: Config, folder: string): Promise<string | null> {
  if (!config.databaseUrl && !fs.existsSync(path.join(config.dataDir, SQLITE_FILE))) return null;
  const sha = await sha256File(path.join(folder, 'manifest.json'));
  const db = createDb(config);
  try {
    const row = await db('backups').where({ sha256: sha }).first('id', 'at');
    return row
      ? `  备份记录 / ledger: 第 ${row.id} 条（${row.at}）记有相同的清单哈希 / entry ${row.id} (${row.at}) records this manifest's sha256`
      : '  备份记录 / ledger: 本系统的备份记录中没有该清单哈希 / no backup in this installation\'s ledger has this manifest\'s sha256';
  } catch {
    return null;
  } finally {
    await db.destroy();
  }
}

const config = loadConfigOrExit();
try {
  if (values.check) {
    const m = await verifyBackup(positionals[0]);
    const sig = checkManifestSignature(positionals[0], new CheckpointSigner(config.audit.keyFile).trustedKeys());
    console.log(`备份完好 / backup verified: ${m.kind}, created ${m.createdAt}, ${m.files.length + 1} files, audit seq ${m.auditHead.seq}`);
    console.log(signatureLine(sig));
    const ledger = await ledgerLine(config, positionals[0]);
    if (ledger) console.log(ledger);
  } else {
    const r = await restoreBackup(config, positionals[0], { force: values.force, operatorLabel: values.operator });
    console.log(`恢复${r.ok ? '完成' : '存在问题'} / restore ${r.ok ? 'done' : 'finished with problems'}: ${r.kind} backup of ${r.createdAt}, ${r.tables} tables`);
    for (const m of r.countMismatches) console.log(`  row count differs: ${m.table} expected ${m.expected}, found ${m.actual}`);
    console.log(`  audit chain: ${r.audit.ok ? `valid (${r.audit.entries} rows, head ${r.audit.headSeq})` : `BROKEN at seq ${r.audit.firstBadSeq} (${r.audit.reason})`}`);
    console.log(signatureLine(r.signature));
    if (r.movedAsideTo) console.log(`  what was there before is kept in ${r.movedAsideTo}`);
    // Keys never travel in a backup (README, Keys): the TOTP key must come from the old installation.
    const keyProblem = totpKeyProblem(r.totpKey);
    if (keyProblem) {
      console.log(`  动态口令密钥 / TOTP key: 有问题，服务器将拒绝启动 / PROBLEM, the server will refuse to start`);
      console.error(`注意 / ATTENTION: ${keyProblem}`);
    } else {
      console.log(`  动态口令密钥 / TOTP key: ${r.totpKey.state === 'ok' ? `${r.totpKey.keyFile} 可解密全部 ${r.totpKey.sealed} 个动态口令 / opens all ${r.totpKey.sealed} stored secrets` : '无已加密的动态口令 / no encrypted secrets stored'}`);
    }
    if (!r.ok || keyProblem) process.exitCode = 1;
  }
} catch (e) {
  console.error(`${e instanceof RestoreError ? '拒绝恢复 / restore refused' : '恢复失败 / restore failed'}: ${e instanceof Error ? e.message : e}`);
  process.exitCode = 1;
}
