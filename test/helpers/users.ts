// Extra users for a test, beside the demo ones: same password, any unit and roles.
import { iso } from '../../server/clock.ts';
import { hashPassword } from '../../server/people/passwords.ts';
import * as people from '../../server/people/store.ts';
import { DEMO_PASSWORD } from '../../db/seeds/demo.ts';
import type { TestSystem } from './server.ts';

export async function addUser(sys: TestSystem, u: { username: string; displayName: string; org: string; roles: string[] }): Promise<number> {
  const db = sys.services.db;
  const org = await people.findOrgUnitByCode(db, u.org);
  if (!org) throw new Error(`no org ${u.org}`);
  return people.insertUser(
    db,
    {
      username: u.username,
      display_name: u.displayName,
      org_unit_id: org.id,
      password_hash: await hashPassword(DEMO_PASSWORD, sys.services.config.passwordScryptN),
      password_changed_at: iso(sys.clock.now()),
      must_change_password: false,
      failed_logins: 0,
      locked_until: null,
      totp_secret: null,
      disabled: false,
      is_demo: true,
      language: 'zh',
      email: `${u.username}@dangan.example`,
      created_at: iso(sys.clock.now()),
    },
    u.roles,
  );
}
