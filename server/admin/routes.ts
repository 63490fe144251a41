// HTTP routes of the account consoles: the system administrator's (create, disable, enable,
// unlock, reset password) and the security administrator's (roles, org unit scope, TOTP reset, the
// cadre an account is, by ID number).
// Both read the account list; neither reaches business data. Which accounts are cadres (the link,
// its number masked) is in the security administrator's answers only (users.ts seesCadreLinks).
import { route } from '../http/route.ts';
import { z } from '../http/zod.ts';
import type { Services } from '../services.ts';
import * as store from './store.ts';
import {
  accountPage,
  accountSchema,
  cadreLinkBody,
  cadreUnlinkBody,
  createUserBody,
  emailBody,
  idParams,
  initialPasswordResult,
  orgUnitBody,
  orgUnitSchema,
  roleSchema,
  rolesBody,
  userListQuery,
} from './schema.ts';

export function adminUserRoutes(s: Services) {
  const u = s.users;
  const userAction = (path: string, summary: string, act: (user: any, ip: string, id: number) => Promise<unknown>) =>
    route({
      method: 'post',
      path: `/api/admin/users/:id/${path}`,
      summary,
      tags: ['admin'],
      permission: 'users.manage',
      params: idParams,
      response: accountSchema,
      handler: ({ params, user, ip }) => act(user, ip, params.id) as Promise<z.input<typeof accountSchema>>,
    });
  return [
    route({
      method: 'get',
      path: '/api/admin/users',
      summary: 'Accounts, by username',
      tags: ['admin'],
      permission: 'users.read',
      query: userListQuery,
      response: accountPage,
      handler: async ({ query, user, ip }) => {
        const page = await u.list(user, { text: query.q, role: query.role, offset: query.offset, limit: query.limit });
        // The account list is read like any other list: audited with the filter and the count.
        const filter = Object.fromEntries(Object.entries({ q: query.q, role: query.role }).filter(([, v]) => v !== undefined));
        await s.audit.record(null, { actor: user, ip, action: 'user.list', objectType: 'user', detail: { filter, offset: query.offset, total: page.total, returned: page.items.length } });
        return page;
      },
    }),
    route({
      method: 'get',
      path: '/api/admin/users/:id',
      summary: 'One account',
      tags: ['admin'],
      permission: 'users.read',
      params: idParams,
      response: accountSchema,
      handler: ({ params, user }) => u.get(user, params.id),
    }),
    route({
      method: 'post',
      path: '/api/admin/users',
      summary: 'Create an account (no roles yet; the security administrator grants them)',
      description: 'Answers the account and a random initial password, shown once; the user must change it at the first login. 409 USERNAME_TAKEN.',
      tags: ['admin'],
      permission: 'users.manage',
      body: createUserBody,
      response: initialPasswordResult,
      status: 201,
      handler: ({ body, user, ip }) => u.create(user, ip, body),
    }),
    userAction('disable', 'Disable an account and end all its sessions', (user, ip, id) => u.setDisabled(user, ip, id, true)),
    userAction('enable', 'Enable a disabled account', (user, ip, id) => u.setDisabled(user, ip, id, false)),
    userAction('unlock', 'Lift a lockout after failed logins', (user, ip, id) => u.unlock(user, ip, id)),
    route({
      method: 'post',
      path: '/api/admin/users/:id/reset-password',
      summary: 'Reset a password to a random initial one (must change at next login); ends its sessions',
      description:
        'The user is mailed `password_reset` at once (who and when; mandatory, never digested). The initial password does not log in from the address that reset it (403 INITIAL_PASSWORD_SAME_ADDRESS, audited `auth.reset_login_same_ip`).',
      tags: ['admin'],
      permission: 'users.manage',
      params: idParams,
      response: initialPasswordResult,
      handler: ({ params, user, ip }) => u.resetPassword(user, ip, params.id),
    }),
    route({
      method: 'put',
      path: '/api/admin/users/:id/email',
      summary: "Add, correct or remove an account's mail address",
      description:
        'The address is checked as the mail worker checks it: one plain address in a domain of MAIL_ALLOWED_DOMAINS, else 400 VALIDATION_FAILED on `email` naming the allowed domains. `null` removes it (the user gets no mail). Audited `user.email_change` with the old and new address. 422 NOT_OWN_ACCOUNT for your own.',
      tags: ['admin'],
      permission: 'users.manage',
      params: idParams,
      body: emailBody,
      response: accountSchema,
      handler: ({ params, body, user, ip }) => u.setEmail(user, ip, params.id, body.email),
    }),
    route({
      method: 'put',
      path: '/api/admin/users/:id/roles',
      summary: "Set an account's roles",
      description:
        '422 RULE_VIOLATION rule SEPARATION_OF_DUTIES when the set would give one account two of sys_admin, sec_admin, auditor, or one of them with any other role; LAST_ADMINISTRATOR when it would leave no enabled holder of one of them; NOT_OWN_ACCOUNT for your own.',
      tags: ['admin'],
      permission: 'roles.manage',
      params: idParams,
      body: rolesBody,
      response: accountSchema,
      handler: ({ params, body, user, ip }) => u.setRoles(user, ip, params.id, body.roles),
    }),
    route({
      method: 'put',
      path: '/api/admin/users/:id/org-unit',
      summary: "Move an account to another org unit (its data scope)",
      tags: ['admin'],
      permission: 'roles.manage',
      params: idParams,
      body: orgUnitBody,
      response: accountSchema,
      handler: ({ params, body, user, ip }) => u.setOrgUnit(user, ip, params.id, body.orgUnitId),
    }),
    route({
      method: 'put',
      path: '/api/admin/users/:id/cadre',
      summary: 'Link an account to the cadre it is, by the cadre’s ID number',
      description:
        'From then on the user reads neither their own archive nor a relative’s (both ways), at once. The cadre is named by 居民身份证 number only (`cadreId` is refused, 400); the answer shows the number masked, never the name. An ID number of no cadre is 400 on `cadreIdNumber` (干部不存在), audited `user.cadre_link` denied with the number masked. 409 ACCOUNT_HAS_CADRE (unlink first), CADRE_ALREADY_LINKED, CADRE_LINKED_ELSEWHERE (details name the account); 422 NOT_OWN_ACCOUNT. The reason (2–200 characters) is written to the audit row `user.cadre_link`; without one 400 VALIDATION_FAILED.',
      tags: ['admin'],
      permission: 'avoidance.manage',
      params: idParams,
      body: cadreLinkBody,
      response: accountSchema,
      handler: ({ params, body, user, ip }) => u.linkCadre(user, ip, params.id, body.cadreIdNumber, body.reason),
    }),
    route({
      method: 'delete',
      path: '/api/admin/users/:id/cadre',
      summary: 'Unlink an account from its cadre, giving the reason',
      description:
        'The user reads their own and their relatives’ archives again where their scope holds them. Audited `user.cadre_unlink` (the number masked) with the reason (2–500 characters); without one 400 VALIDATION_FAILED. 409 CADRE_NOT_LINKED.',
      tags: ['admin'],
      permission: 'avoidance.manage',
      params: idParams,
      body: cadreUnlinkBody,
      response: accountSchema,
      handler: ({ params, body, user, ip }) => u.unlinkCadre(user, ip, params.id, body.reason),
    }),
    route({
      method: 'post',
      path: '/api/admin/users/:id/totp-reset',
      summary: 'Forget a lost authenticator; the user enrols a new one at the next login',
      tags: ['admin'],
      permission: 'roles.manage',
      params: idParams,
      response: accountSchema,
      handler: ({ params, user, ip }) => u.resetTotp(user, ip, params.id),
    }),
    route({
      method: 'get',
      path: '/api/admin/roles',
      summary: 'The roles an account can hold',
      tags: ['admin'],
      permission: 'users.read',
      response: z.array(roleSchema),
      handler: async () => (await store.roles(s.db)).map((r) => ({ code: r.code, nameZh: r.name_zh, nameEn: r.name_en, kind: r.kind })),
    }),
    route({
      method: 'get',
      path: '/api/admin/org-units',
      summary: 'Org units, for placing accounts',
      tags: ['admin'],
      permission: 'users.read',
      response: z.array(orgUnitSchema),
      handler: async () =>
        (await store.orgUnits(s.db)).map((o) => ({ id: o.id, code: o.code, name: o.name, kind: o.kind, parentId: o.parent_id, path: o.path, isCustodian: o.is_custodian })),
    }),
  ];
}
