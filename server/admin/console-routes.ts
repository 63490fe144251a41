// HTTP routes of the settings consoles: the security policy (sec_admin), the system settings and
// backups (sys_admin), and the public system notice the login page shows.
import { route } from '../http/route.ts';
import { z } from '../http/zod.ts';
import type { Services } from '../services.ts';
import { backupStatus, createBackup } from './backup.ts';
import { settingsSchema } from './settings.ts';
import * as store from './store.ts';
import { backupBody, backupSchema, ledgerEntrySchema, pageQuery, systemInfoSchema } from './schema.ts';

const backupDto = (r: store.BackupRow) => ({
  id: r.id,
  at: r.at,
  kind: r.kind,
  medium: r.medium,
  operator: r.operator,
  path: r.path,
  size: r.size,
  sha256: r.sha256,
  files: r.files,
  auditSeq: r.audit_seq,
});

const ledgerDto = (r: store.LedgerRow) => ({
  outcome: r.outcome,
  id: r.id,
  at: r.at,
  kind: r.kind,
  medium: r.medium,
  operator: r.operator,
  path: r.path,
  size: r.size,
  sha256: r.sha256,
  files: r.files,
  auditSeq: r.audit_seq,
  code: r.code,
  reason: r.reason,
});

export function adminConsoleRoutes(s: Services) {
  const policyFull = settingsSchema('sec_admin', false).openapi('SecurityPolicy');
  const systemFull = settingsSchema('sys_admin', false).openapi('SystemSettings');
  return [
    route({
      method: 'get',
      path: '/api/admin/security-policy',
      summary: 'The security policy in force (password, lockout, session, TOTP, per-IP limit)',
      tags: ['admin'],
      permission: 'security.policy',
      response: policyFull,
      handler: () => s.settings.group('sec_admin'),
    }),
    route({
      method: 'put',
      path: '/api/admin/security-policy',
      summary: 'Change the security policy (any subset); each change is audited as config.change',
      tags: ['admin'],
      permission: 'security.policy',
      body: settingsSchema('sec_admin', true),
      response: policyFull,
      handler: ({ body, user, ip }) => s.settings.update(user, ip, 'sec_admin', body as Record<string, Record<string, unknown>>),
    }),
    route({
      method: 'get',
      path: '/api/admin/settings',
      summary: 'System settings',
      tags: ['admin'],
      permission: 'system.settings',
      response: systemFull,
      handler: () => s.settings.group('sys_admin'),
    }),
    route({
      method: 'put',
      path: '/api/admin/settings',
      summary: 'Change system settings; each change is audited as config.change',
      tags: ['admin'],
      permission: 'system.settings',
      body: settingsSchema('sys_admin', true),
      response: systemFull,
      handler: ({ body, user, ip }) => s.settings.update(user, ip, 'sys_admin', body as Record<string, Record<string, unknown>>),
    }),
    route({
      method: 'get',
      path: '/api/admin/backups',
      summary: 'The backup ledger: time, medium, operator, size, hash; failed backups too, with why',
      tags: ['admin'],
      permission: 'backup.manage',
      query: pageQuery,
      response: z.object({ items: z.array(ledgerEntrySchema), total: z.number().int() }),
      handler: async ({ query }) => {
        const { rows, total } = await store.listBackups(s.db, query.offset, query.limit);
        return { items: rows.map(ledgerDto), total };
      },
    }),
    route({
      method: 'get',
      path: '/api/admin/backups/status',
      summary: 'Whether this server is making a backup now, since when and for whom',
      tags: ['admin'],
      permission: 'backup.manage',
      response: z.object({ running: z.boolean(), startedAt: z.string().nullable(), operator: z.string().nullable(), elapsedMs: z.number().int().nullable() }),
      handler: async () => backupStatus(s.clock),
    }),
    route({
      method: 'post',
      path: '/api/admin/backups',
      summary: 'Back up the database and the data folder now (into BACKUP_DIR)',
      tags: ['admin'],
      permission: 'backup.manage',
      body: backupBody,
      response: backupSchema,
      status: 201,
      handler: async ({ body, user, ip }) => backupDto(await createBackup(s, { actor: user, ip }, { medium: body.medium })),
    }),
    route({
      method: 'get',
      path: '/api/system/info',
      summary: 'The installation name and the notice shown on the login page',
      tags: ['system'],
      permission: 'public',
      response: systemInfoSchema,
      handler: async () => {
        const v = await s.settings.values();
        return { siteName: String(v['system.siteName']), loginNotice: String(v['system.loginNotice']) };
      },
    }),
  ];
}
