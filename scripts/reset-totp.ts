// `npm run admins:reset-totp -- <username> [<username> …]` or `-- --unreadable`
// Forgets a second factor from the server's shell, when nobody can log in to do it in the
// console (the TOTP key was lost with a restore; the security administrator lost the device).
// Shell access to the installation is the only proof asked for. Ends the user's sessions, writes
// user.totp_reset to the audit log (actor os:<OS account>, via shell) and prints what the user
// does next. --unreadable resets every account whose stored secret the current TOTP key cannot
// open (see server/people/totp-key-check.ts).
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../server/config.ts';
import { createDb, migrate } from '../server/db.ts';
import { systemClock } from '../server/clock.ts';
import { auditLogFor } from '../server/audit/service.ts';
import { clearTotp } from '../server/admin/store.ts';
import { checkTotpKey } from '../server/people/totp-key-check.ts';
import { deleteSessionsOf } from '../server/people/store.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { unreadable: { type: 'boolean', default: false } } });
if (!positionals.length === !values.unreadable) {
  console.error('usage: npm run admins:reset-totp -- <username> [<username> …] | --unreadable');
  process.exit(2);
}
const config = loadConfigOrExit();
const db = createDb(config);
try {
  await migrate(db);
  const audit = auditLogFor(config, db, systemClock);
  const names = values.unreadable ? (await checkTotpKey(db, config.totpKeyFile)).users : positionals;
  if (!names.length) console.log('没有需要重置的账号：动态口令密钥可解密全部动态口令 / Nothing to reset: the TOTP key opens every stored secret');
  const osUser = os.userInfo().username;
  for (const username of names) {
    const user = await db('users').where({ username }).first('id', 'username', 'disabled');
    if (!user) {
      console.error(`${username}: 无此账号 / no such account`);
      process.exitCode = 1;
      continue;
    }
    await db.transaction(async (trx) => {
      await clearTotp(trx, user.id);
      const ended = await deleteSessionsOf(trx, user.id);
      await audit.record(trx, {
        actorName: `os:${osUser}`,
        action: 'user.totp_reset',
        objectType: 'user',
        objectId: user.id,
        detail: { via: 'shell', osUser, host: os.hostname(), sessionsEnded: ended, ...(values.unreadable ? { reason: 'unreadable' } : {}) },
      });
    });
    console.log(`${username}\t动态口令已重置 / second factor reset${user.disabled ? '（账号已停用 / the account is disabled）' : ''}`);
  }
  if (names.length) {
    console.log('下次登录时（用户名和密码之后）登录页显示二维码和密钥：用验证器扫描或输入，再输入验证器显示的 6 位动态口令完成绑定。');
    console.log('At the next login (after username and password) the login page shows a QR code and the key: scan or type it into an authenticator, then give the 6-digit code it shows to finish enrolling.');
  }
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
