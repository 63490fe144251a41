// Health of the API (the audit verification endpoint lives in server/audit/routes.ts).
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
  ];
}
