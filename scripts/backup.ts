// `npm run backup -- [--out <folder>] [--medium disk|optical|usb|tape|remote] [--operator <name>] [--new-key]`
// Backs up the database (online: the server may keep running) and the data folder into a new
// folder (default BACKUP_DIR/<time>), records it in the ledger and the audit log, prints a summary.
// The operator recorded is the OS account running this ('os:root'); --operator adds a name as stated
// ('os:root（自述 / stated: 张三）'), not an account of Dangan. The backup key is made for the first
// backup only; --new-key makes one where none is (lost), on purpose — the audit row says so.
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../server/config.ts';
import { createDb } from '../server/db.ts';
import { systemClock } from '../server/clock.ts';
import { auditLogFor } from '../server/audit/service.ts';
import { createBackup, MEDIA, type Medium } from '../server/admin/backup.ts';

const { values } = parseArgs({
  options: { out: { type: 'string' }, medium: { type: 'string', default: 'disk' }, operator: { type: 'string' }, 'new-key': { type: 'boolean', default: false } },
});
if (!(MEDIA as readonly string[]).includes(values.medium!)) {
  console.error(`--medium must be one of ${MEDIA.join(', ')}`);
  process.exit(2);
}

const config = loadConfigOrExit();
const db = createDb(config);
try {
  const audit = auditLogFor(config, db, systemClock);
  const b = await createBackup(
    { config, db, clock: systemClock, audit },
    { label: values.operator },
    { medium: values.medium as Medium, outDir: values.out, newKey: values['new-key'] },
  );
  console.log(`备份完成 / backup written: ${b.path}`);
  console.log(`  ${b.kind}, ${b.files} files, ${b.size} bytes, manifest sha256 ${b.sha256}, audit seq ${b.audit_seq}`);
  console.log(`  tables: ${Object.entries(b.manifest.tables).map(([t, n]) => `${t}=${n}`).join(' ')}`);
} catch (e) {
  console.error(`备份失败 / backup failed: ${e instanceof Error ? e.message : e}`);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
