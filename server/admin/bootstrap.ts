// First accounts of a real installation (DANGAN_DEMO=false seeds nobody): one system
// administrator, one security administrator and one auditor, each with a random initial password
// that must be changed at the first login, where each also enrols an authenticator. A role that
// already has an enabled holder is skipped, so running it again creates nothing twice.
import os from 'node:os';
import type { Db } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import type { AuditLog } from '../audit/service.ts';
import { generateInitialPassword, hashPassword } from '../people/passwords.ts';
import * as people from '../people/store.ts';
import * as store from './store.ts';
import { visibleText } from '../http/zod.ts';

/** An org unit's name (单位名称): at most 200 characters (org_units.name). */
const unitName = visibleText(1, 200);

const FIRST_ADMINS = [
  { role: 'sys_admin', username: 'sysadmin', displayName: '系统管理员' },
  { role: 'sec_admin', username: 'secadmin', displayName: '安全保密管理员' },
  { role: 'auditor', username: 'auditor', displayName: '安全审计员' },
] as const;

export interface BootstrapResult {
  created: Array<{ role: string; username: string; initialPassword: string }>;
  skipped: string[];
}

export async function createFirstAdmins(
  db: Db,
  clock: Clock,
  audit: AuditLog,
  org: { code: string; name?: string },
  scryptN: number,
  operator = `os:${os.userInfo().username}`,
): Promise<BootstrapResult> {
  const result: BootstrapResult = { created: [], skipped: [] };
  await db.transaction(async (trx) => {
    let unit = await people.findOrgUnitByCode(trx, org.code);
    if (!unit) {
      if (!org.name) throw new Error(`no org unit with code ${org.code}; give --org-name to create it as a top-level unit`);
      // The unit's name is read on every screen and in every letter: nothing invisible in it.
      const name = unitName.safeParse(org.name);
      if (!name.success) throw new Error(`--org-name: ${name.error.issues[0].message}`);
      unit = await people.insertOrgUnit(trx, { code: org.code, name: name.data, kind: 'unit', parent_id: null });
    }
    for (const a of FIRST_ADMINS) {
      if ((await store.enabledHolders(trx, a.role)) > 0) {
        result.skipped.push(a.role);
        continue;
      }
      let username: string = a.username;
      for (let i = 2; await store.usernameTaken(trx, username); i++) username = `${a.username}${i}`;
      const initialPassword = generateInitialPassword();
      const now = iso(clock.now());
      const id = await people.insertUser(
        trx,
        people.newAccountRow({ username, displayName: a.displayName, orgUnitId: unit.id, passwordHash: await hashPassword(initialPassword, scryptN), now }),
        [a.role],
      );
      await audit.record(trx, { actorName: operator, action: 'user.create', objectType: 'user', objectId: id, detail: { username, roles: [a.role], bootstrap: true } });
      result.created.push({ role: a.role, username, initialPassword });
    }
  });
  return result;
}
