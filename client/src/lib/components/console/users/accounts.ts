// What the 用户管理 console shows of an account and of a refusal. The server decides; these only
// say it in words: a broken 三员 rule names the roles in the user's language, not their codes.
import type { ApiRoutes } from '../../../api/types.ts';
import { ApiError } from '../../../api/client.ts';
import { errorText } from '../../../api/errors.ts';
import { roleName, tu } from '../../../i18n/console-users.ts';
import { roleList } from '../../../format/roles.ts';

export type Account = ApiRoutes['GET /api/admin/users']['response']['items'][number];
export type RoleInfo = ApiRoutes['GET /api/admin/roles']['response'][number];
export type OrgUnit = ApiRoutes['GET /api/admin/org-units']['response'][number];

const ADMIN = ['sys_admin', 'sec_admin', 'auditor'];
const ORDER = ['applicant', 'unit_head', 'archivist', 'archive_chief', 'auth_leader', 'producer', 'process_admin', ...ADMIN];

/** The roles in the order the UI names them everywhere (i18n `roles.*`), unknown ones last. */
export const inRoleOrder = (roles: RoleInfo[]): RoleInfo[] =>
  [...roles].sort((a, b) => (ORDER.indexOf(a.code) + 1 || 99) - (ORDER.indexOf(b.code) + 1 || 99));

/** Why the server refused an action on an account, in the user's language. */
export function refusalText(e: unknown): string {
  if (e instanceof ApiError && e.code === 'RULE_VIOLATION') {
    const d = (e.details ?? {}) as { rule?: string; role?: string; roles?: string[] };
    if (d.rule === 'NOT_OWN_ACCOUNT') return tu('refusal.ownAccount');
    if (d.rule === 'LAST_ADMINISTRATOR' && d.role) return tu('refusal.lastAdmin', { role: roleName(d.role) });
    if (d.rule === 'SEPARATION_OF_DUTIES') {
      const admins = ADMIN.filter((r) => d.roles?.includes(r));
      if (admins.length > 1) return tu('refusal.separationAdmins', { roles: roleList(admins) });
      if (admins.length === 1) return tu('refusal.separationMixed', { role: roleName(admins[0]) });
      return tu('refusal.separation');
    }
  }
  if (e instanceof ApiError && e.code === 'ALREADY_DISABLED') return tu('refusal.alreadyDisabled');
  if (e instanceof ApiError && e.code === 'ALREADY_ENABLED') return tu('refusal.alreadyEnabled');
  return errorText(e);
}
