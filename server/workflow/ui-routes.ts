// What the browser needs before anything else: who is logged in (null instead of a 401, so the
// login page loads without a failed request) and the settings it must honour; plus the org
// tree for pickers. The idle timeout is the security policy's (安全策略, changed at run time by the
// security administrator), not the startup default: the browser warns and locks when the server
// would end the session. Open pages read it again in the background (state/session.svelte.ts).
import { route } from '../http/route.ts';
import { z } from '../http/zod.ts';
import type { Services } from '../services.ts';
import { bool } from '../db.ts';
import { iso } from '../clock.ts';
import { bootstrap } from './case-schema.ts';
import { ATTACHMENT_TYPES } from './attachments.ts';
import { orgUnits } from './store.ts';

export function uiRoutes(s: Services) {
  return [
    route({
      method: 'get',
      path: '/api/ui/bootstrap',
      summary: 'The logged-in user (or null) and the client settings',
      tags: ['ui'],
      permission: 'public',
      response: bootstrap,
      handler: async ({ user }) => ({
        user: user ? await s.people.me(user.id) : null,
        settings: {
          sessionIdleSeconds: (await s.settings.current()).session.idleSeconds,
          pollSeconds: s.config.inbox.pollSeconds,
          dueSoonHours: s.config.inbox.dueSoonHours,
          attachmentMaxBytes: s.config.attachments.maxBytes,
          attachmentTypes: Object.keys(ATTACHMENT_TYPES),
        },
        serverTime: iso(s.clock.now()),
      }),
    }),
    route({
      method: 'get',
      path: '/api/lookups/org-units',
      summary: 'Org units for pickers; custodian=true: only the offices that hold archives (管档单位); producer=true: only units that form materials (材料形成单位: no region, no archive office)',
      tags: ['ui'],
      permission: 'lookup.read',
      query: z.object({ custodian: z.enum(['true', 'false']).default('false'), producer: z.enum(['true', 'false']).default('false') }).strict(),
      response: z.array(
        z.object({ id: z.number().int(), name: z.string(), code: z.string(), parentId: z.number().int().nullable(), isCustodian: z.boolean() }),
      ),
      handler: async ({ query }) =>
        (await orgUnits(s.db, query.custodian === 'true', query.producer === 'true')).map((o) => ({
          id: o.id,
          name: o.name,
          code: o.code,
          parentId: o.parent_id,
          isCustodian: bool(o.is_custodian),
        })),
    }),
  ];
}
