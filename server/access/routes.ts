// HTTP routes of the avoidance lists (档案人员规避), for the security administrator.
import { route } from '../http/route.ts';
import { z, intId, idNumber } from '../http/zod.ts';
import type { Services } from '../services.ts';

const entry = z.object({ id: z.number().int(), userId: z.number().int(), username: z.string(), cadreId: z.number().int(), cadreIdNumber: z.string(), archiveNo: z.string().nullable(), reason: z.string(), createdAt: z.string() });

/** Why an entry is added (kept with it): 2–200 characters. */
const addReason = z
  .string({ error: '请填写回避原因 / Give the reason for the entry' })
  .trim()
  .min(2, '回避原因至少 2 个字 / The reason needs at least 2 characters')
  .max(200, '回避原因最多 200 个字 / The reason may have at most 200 characters');

/** Why an entry is lifted: lifting one lets the user see the cadre again, so it is as accountable as adding one. */
const liftReason = z
  .string({ error: '请填写解除回避的原因 / Give the reason for lifting the entry' })
  .trim()
  .min(2, '解除回避的原因至少 2 个字 / The reason needs at least 2 characters')
  .max(500, '解除回避的原因最多 500 个字 / The reason may have at most 500 characters');

const CADRE_BY_ID_NUMBER = '请按身份证号指定干部，不接受干部编号 / Name the cadre by ID number (cadreIdNumber); cadreId is not accepted';

export function accessRoutes(s: Services) {
  const tags = ['access'];
  return [
    route({
      method: 'get',
      path: '/api/avoidance-entries',
      summary: 'Avoidance list entries in force (audited avoidance.list, with the count)',
      tags,
      permission: 'avoidance.manage',
      query: z.object({ userId: intId.optional() }),
      response: z.array(entry),
      handler: async ({ query, user, ip }) => {
        // The list names cadres and why a user must avoid them: its reading is in the log, like any list read.
        const rows = await s.avoidance.list(query.userId);
        await s.audit.record(null, { actor: user, ip, action: 'avoidance.list', objectType: 'avoidance', detail: { ...(query.userId ? { userId: query.userId } : {}), total: rows.length } });
        return rows;
      },
    }),
    route({
      method: 'post',
      path: '/api/avoidance-entries',
      summary: 'Add a cadre to a user’s avoidance list, by the cadre’s ID number',
      description:
        'The cadre is named by 居民身份证 number only: a 三员 account reads no business data, and a cadre id would list the cadres’ names by number (`cadreId` is refused, 400). An ID number no archive holds is 400 on `cadreIdNumber` (干部不存在), audited `avoidance.add` denied with the number masked. The reason (2–200 characters) is kept with the entry and written to the audit row `avoidance.add`.',
      tags,
      permission: 'avoidance.manage',
      body: z.strictObject(
        { userId: intId, cadreIdNumber: idNumber, reason: addReason },
        // A cadre id is refused by name, so the refusal says what to give instead.
        { error: (iss) => (iss.code === 'unrecognized_keys' && iss.keys.includes('cadreId') ? CADRE_BY_ID_NUMBER : undefined) },
      ),
      response: entry,
      status: 201,
      handler: ({ user, ip, body }) => s.avoidance.add(user, ip, body),
    }),
    route({
      method: 'delete',
      path: '/api/avoidance-entries/:id',
      summary: 'Lift an avoidance entry (kept for the record), giving the reason',
      description: 'The reason (2–500 characters) is written to the audit row `avoidance.remove`; without one 400 VALIDATION.',
      tags,
      permission: 'avoidance.manage',
      params: z.object({ id: intId }),
      body: z.object({ reason: liftReason }).strict(),
      response: z.object({ ok: z.literal(true) }),
      handler: ({ user, ip, params, body }) => s.avoidance.remove(user, ip, params.id, body.reason),
    }),
  ];
}
