// Health and the audit verification endpoint of DESIGN.md's API.
import { route } from '../http/route.ts';
import { z } from '../http/zod.ts';
import type { Services } from '../services.ts';

export function systemRoutes(s: Services) {
  return [
    route({
      method: 'get',
      path: '/api/health',
      summary: 'Liveness and database reachability',
      tags: ['system'],
      permission: 'public',
      response: z.object({ status: z.enum(['ok', 'degraded']), db: z.enum(['ok', 'down']) }),
      async handler() {
        try {
          await s.db.raw('select 1');
          return { status: 'ok' as const, db: 'ok' as const };
        } catch {
          return { status: 'degraded' as const, db: 'down' as const };
        }
      },
    }),
    route({
      method: 'get',
      path: '/api/audit/verify',
      summary: 'Verify the audit hash chain (auditor only)',
      tags: ['audit'],
      permission: 'audit.read',
      response: z.object({
        ok: z.boolean(),
        entries: z.number().int(),
        headSeq: z.number().int(),
        firstBadSeq: z.number().int().optional(),
        reason: z.string().optional(),
      }),
      async handler({ user, ip }) {
        const result = await s.audit.verify();
        await s.audit.record(null, { actor: user, ip, action: 'audit.verify', objectType: 'audit_log', detail: { ok: result.ok } });
        return result;
      },
    }),
  ];
}
