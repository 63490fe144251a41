// HTTP routes of the auditor's console: search, verify, export, checkpoints, prune. Auditor only;
// the policy keeps every other role out (the 三员 separation: the auditor reads the log of all,
// the system and security administrators included, and nothing else).
import { route } from '../http/route.ts';
import { z } from '../http/zod.ts';
import type { Services } from '../services.ts';
import { iso } from '../clock.ts';
import {
  auditFilterQuery,
  auditPage,
  auditSearchQuery,
  checkpointSchema,
  pageQuery,
  pruneResultSchema,
  verifyQuery,
  verifyResultSchema,
} from './schema.ts';

/**
 * The auditor's POSTs take no input: any field is refused (400), not ignored — the retention is the
 * installation's (AUDIT_RETENTION_DAYS), never a field of the request ({"days": 1} is refused).
 */
const emptyBody = z.object({}).strict().openapi({ description: 'No fields: the retention is the installation’s' });

export function auditRoutes(s: Services) {
  const c = s.auditConsole;
  return [
    route({
      method: 'get',
      path: '/api/audit/entries',
      summary: 'Search the audit log (newest first)',
      description: 'Filters: actor (username), actorId, role, action (exact, or a prefix ending in *), objectType, objectId, outcome, from/to (ISO-8601). The search itself is audited.',
      tags: ['audit'],
      permission: 'audit.read',
      query: auditSearchQuery,
      response: auditPage,
      handler: ({ query, user, ip }) => {
        const { offset, limit, ...filter } = query;
        return c.search(user, ip, filter, offset, limit);
      },
    }),
    route({
      method: 'get',
      path: '/api/audit/export.csv',
      summary: 'Export the matching audit rows as CSV (audited)',
      description: `Same filters as the search; oldest first, with prev_hash and hash of each row. At most 100,000 rows (422 RULE_VIOLATION, rule EXPORT_TOO_LARGE).`,
      tags: ['audit'],
      permission: 'audit.read',
      query: auditFilterQuery,
      produces: 'text/csv',
      handler: async ({ query, user, ip }) => {
        const { csv } = await c.exportCsv(user, ip, query);
        const stamp = iso(s.clock.now()).replace(/[-:]/g, '').slice(0, 15);
        return {
          raw: csv,
          contentType: 'text/csv; charset=utf-8',
          headers: { 'Content-Disposition': `attachment; filename="audit-${stamp}.csv"` },
        };
      },
    }),
    route({
      method: 'get',
      path: '/api/audit/verify',
      summary: 'Verify the audit hash chain against the signed checkpoints',
      description: 'Names the first broken seq (reason: hash, gap, truncated, checkpoint_mismatch, checkpoint_signature, missing_start, head_mismatch).',
      tags: ['audit'],
      permission: 'audit.read',
      query: verifyQuery,
      response: verifyResultSchema,
      handler: ({ query, user, ip }) => c.verify(user, ip, query.from),
    }),
    route({
      method: 'get',
      path: '/api/audit/checkpoints',
      summary: 'Signed checkpoints of the chain, newest first',
      tags: ['audit'],
      permission: 'audit.read',
      query: pageQuery,
      response: z.object({ items: z.array(checkpointSchema), total: z.number().int() }),
      handler: ({ query }) => c.listCheckpoints(query.offset, query.limit),
    }),
    route({
      method: 'post',
      path: '/api/audit/checkpoints',
      summary: 'Sign a checkpoint of the head now',
      tags: ['audit'],
      permission: 'audit.manage',
      body: emptyBody,
      response: checkpointSchema,
      status: 201,
      handler: ({ user, ip }) => c.checkpoint(user, ip),
    }),
    route({
      method: 'post',
      path: '/api/audit/prune',
      summary: 'Delete audit rows older than the retention period (at least 180 days)',
      description: 'Writes an audit.prune row and signed checkpoints first; the database refuses to delete anything younger.',
      tags: ['audit'],
      permission: 'audit.manage',
      body: emptyBody,
      response: pruneResultSchema,
      handler: ({ user, ip }) => c.prune(user, ip),
    }),
  ];
}
