// `npm run admins:init -- --org-code <code> [--org-name <name>]`
// Creates the first system administrator, security administrator and auditor of an installation
// (see server/admin/bootstrap.ts) and prints their initial passwords once. Migrates first.
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../server/config.ts';
import { createDb, migrate } from '../server/db.ts';
import { systemClock } from '../server/clock.ts';
import { auditLogFor } from '../server/audit/service.ts';
import { createFirstAdmins } from '../server/admin/bootstrap.ts';

const { values } = parseArgs({ options: { 'org-code': { type: 'string' }, 'org-name': { type: 'string' } } });
if (!values['org-code']) {
  console.error('usage: npm run admins:init -- --org-code <code> [--org-name <name>]');
  process.exit(2);
}
const config = loadConfigOrExit();
const db = createDb(config);
try {
  await migrate(db);
  const audit = auditLogFor(config, db, systemClock);
  await audit.syncRetention();
  const r = await createFirstAdmins(db, systemClock, audit, { code: values['org-code'], name: values['org-name'] }, config.passwordScryptN);
  for (const c of r.created) console.log(`${c.role}\t${c.username}\t初始密码 / initial password: ${c.initialPassword}`);
  for (const s of r.skipped) console.log(`${s}\t已有可用账号，未创建 / an enabled account exists; none created`);
  if (r.created.length) console.log('首次登录须修改密码并绑定动态口令 / Each must change the password and enrol an authenticator at the first login.');
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
