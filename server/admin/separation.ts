// The 三员 separation of duties (DOMAIN.md §4.1, 等保 level 3 "separation of admin rights"): the
// system administrator, the security administrator and the auditor are three different people,
// and none of them holds any business role or process_admin. A role set that breaks this is
// refused in the service, whoever asks.
import { ADMIN_ROLES, ALL_ROLES } from '../http/policy.ts';
import { errors } from '../errors.ts';

const isAdminRole = (r: string) => (ADMIN_ROLES as readonly string[]).includes(r);

/** Why a set of roles cannot be held by one account, or null when it can. */
export function separationBreak(roles: readonly string[]): { rule: string; message: string } | null {
  const admin = roles.filter(isAdminRole);
  if (admin.length > 1) {
    return {
      rule: 'SEPARATION_OF_DUTIES',
      message: `系统管理员、安全保密管理员、安全审计员不能由同一账号兼任 / One account cannot hold two of sys_admin, sec_admin, auditor (${admin.join(', ')})`,
    };
  }
  if (admin.length === 1 && roles.length > 1) {
    return {
      rule: 'SEPARATION_OF_DUTIES',
      message: `${admin[0]} 不能兼任业务角色或流程管理员 / ${admin[0]} cannot be combined with any other role`,
    };
  }
  return null;
}

/** Throws 422 RULE_VIOLATION (rule SEPARATION_OF_DUTIES) or 400 for unknown roles. */
export function assertRoleSet(roles: readonly string[]): void {
  const unknown = roles.filter((r) => !(ALL_ROLES as readonly string[]).includes(r));
  if (unknown.length) throw errors.validation(unknown.map((r) => ({ field: 'roles', message: `unknown role ${r}` })));
  const broken = separationBreak(roles);
  if (broken) throw errors.rule(broken.rule, broken.message, { roles: [...roles] });
}
