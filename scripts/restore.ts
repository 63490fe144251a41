// `npm run restore -- <backup folder> [--force] [--check]`
// Verifies the backup (manifest, every sha256, every encrypted chunk with BACKUP_KEY_FILE, the
// database copy) before replacing anything, then
// restores into DANGAN_DATA_DIR / DATABASE_URL and checks row counts and the audit chain.
// --check only verifies. An older backup in clear (no key authenticates its manifest) is restored
// only with --accept-clear. Without --force an occupied target is refused; with it, what was there is
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
  options: { force: { type: 'boolean', default: false }, check: { type: 'boolean', default: false }, operator: { type: 'string' }, 'accept-clear': { type: 'boolean', default: false } },
});
if (positionals.length !== 1) {
  console.error('用法 / usage: npm run restore -- <备份文件夹 / backup folder> [--force] [--check] [--operator <name>] [--accept-clear]');
  process.exit(2);
}

function signatureLine(s: SignatureCheck): string {
  if (s.state === 'trusted') return `  清单签名 / manifest signature: 有效，签名密钥 ${s.keyId} 为本系统所信任 / valid, by key ${s.keyId} this installation trusts`;
  if (s.state === 'backupKeyOnly')
    return `  清单签名 / manifest signature: 与备份自带的公钥 ${s.keyId} 相符，但本系统不信任该密钥，无法证明来源 / matches only the public key ${s.keyId} the backup carries itself: its origin is not proven here`;
  return '  清单签名 / manifest signature: 无（较早的备份）/ none (an older backup)';
}

/** An older backup is restored all the same (losing it would be worse), but said to be in clear. */
function encryptionLine(encrypted: boolean, keyId: string | null | undefined): string {
  if (encrypted) return `  加密 / encryption: AES-256-GCM，每个文件逐块解密校验通过${keyId ? `，备份密钥 ${keyId}` : ''} / every chunk of every file decrypted and authenticated${keyId ? ` (backup key ${keyId})` : ''}`;
  return '  加密 / encryption: 无——这是未加密的旧备份，其介质上的数据是明文：请做一次新的（加密的）备份，并按涉密载体销毁旧介质 / NONE — an older backup in clear: its medium carries the data readable; make a new (encrypted) backup and destroy the old medium as classified media are';
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
    const v = await verifyBackup(positionals[0], { keyFile: config.backup.keyFile, workDir: config.dataDir });
    v.dispose();
    const m = v.manifest;
    const sig = checkManifestSignature(positionals[0], new CheckpointSigner(config.audit.keyFile).trustedKeys(), { encrypted: v.encrypted });
    console.log(`备份完好 / backup verified: ${m.kind}，备份于 / created ${m.createdAt}，${m.files.length + 1} 个文件 / files，审计序号 / audit seq ${m.auditHead.seq}`);
    console.log(encryptionLine(v.encrypted, m.encryption?.keyId));
    console.log(signatureLine(sig));
    const ledger = await ledgerLine(config, positionals[0]);
    if (ledger) console.log(ledger);
  } else {
    const r = await restoreBackup(config, positionals[0], { force: values.force, operatorLabel: values.operator, acceptClear: values['accept-clear'] });
    console.log(`恢复${r.ok ? '完成' : '存在问题'} / restore ${r.ok ? 'done' : 'finished with problems'}: ${r.kind}，备份于 / backup of ${r.createdAt}，${r.tables} 个表 / tables`);
    for (const m of r.countMismatches) console.log(`  行数不符 / row count differs: ${m.table} 应为 / expected ${m.expected}，实为 / found ${m.actual}`);
    console.log(
      `  审计链 / audit chain: ${r.audit.ok ? `完好 / valid (${r.audit.entries} rows, head ${r.audit.headSeq})` : `在序号 ${r.audit.firstBadSeq} 处断裂 / BROKEN at seq ${r.audit.firstBadSeq} (${r.audit.reason})`}`,
    );
    console.log(signatureLine(r.signature));
    console.log(encryptionLine(r.encrypted, null));
    if (r.movedAsideTo) console.log(`  原有内容保存在 / what was there before is kept in ${r.movedAsideTo}`);
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
