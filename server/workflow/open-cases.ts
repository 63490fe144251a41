// Duplicate requests: before filing, the start page asks (POST …/open-cases) whether the caller already has an open case
// of the same process about the same cadre. A warning, not a refusal (a second request may have
// another purpose). Only the caller's own cases are answered, so nothing is learnt about anybody
// else's work or about whether a cadre exists: an unknown cadre answers what a known one without
// open cases answers.
import type { Q } from '../db.ts';
import { errors } from '../errors.ts';
import { z } from '../http/zod.ts';
import * as engineStore from '../engine/store.ts';
import { LIVE_STATUSES } from '../engine/store.ts';
import { findCadreByIdNumber } from '../archives/store.ts';
import type { SessionUser } from '../people/sessions.ts';
import { openStepsOf } from './cases-store.ts';

/** The cadre as the start form names it: picked by id, or written as name and ID number (利用 forms). */
export const openCasesQuery = z
  .object({
    cadreId: z.number().int().positive().optional().openapi({ description: 'The cadre picked in the form (forms with the cadre picker)' }),
    cadreName: z.string().trim().min(1).max(100).optional().openapi({ description: 'With cadreIdNumber: the cadre as a 利用 form names it' }),
    cadreIdNumber: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^\d{17}[\dX]$/, '身份证号应为 18 位，末位可为 X / expected an 18-digit ID number, the last may be X')
      .optional(),
  })
  .strict()
  .refine((q) => (q.cadreId !== undefined ? q.cadreName === undefined && q.cadreIdNumber === undefined : q.cadreName !== undefined && q.cadreIdNumber !== undefined), {
    message: '请给出干部编号，或干部姓名和身份证号（二者选一） / give cadreId, or cadreName with cadreIdNumber',
    path: ['cadreId'],
  });

export const openCase = z
  .object({
    id: z.string().uuid(),
    caseNo: z.string().nullable().openapi({ description: 'The case number (business key), when the process gives one' }),
    subject: z.string().nullable(),
    startedAt: z.string(),
    currentSteps: z.array(z.string()).openapi({ description: 'Names of the steps waiting now' }),
  })
  .openapi('OpenCase');

export const openCaseList = z.object({ items: z.array(openCase) }).openapi('OpenCaseList');

type OpenCasesQuery = z.infer<typeof openCasesQuery>;

/** The caller's running cases of `processKey` about `cadreId`, oldest first (workflow_cases_cadre index). */
export function ownOpenCases(q: Q, userId: number, processKey: string, cadreId: number) {
  return q('workflow_cases as c')
    .join('process_instances as pi', 'pi.id', 'c.instance_id')
    .where({ 'c.cadre_id': cadreId, 'c.initiator_id': userId, 'c.process_key': processKey })
    .whereIn('pi.status', LIVE_STATUSES)
    .orderBy([{ column: 'c.started_at' }, { column: 'c.instance_id' }])
    .limit(20)
    .select('c.instance_id', 'pi.business_key', 'c.subject', 'c.started_at') as Promise<
    Array<{ instance_id: string; business_key: string | null; subject: string | null; started_at: string }>
  >;
}

/** Which cadre the form names, as the start checks resolve it (name compared without spaces). */
async function cadreNamed(q: Q, query: OpenCasesQuery): Promise<number | null> {
  if (query.cadreId !== undefined) return query.cadreId;
  const cadre = await findCadreByIdNumber(q, query.cadreIdNumber!);
  return cadre && cadre.name === query.cadreName!.replace(/\s+/g, '') ? cadre.id : null;
}

export async function openCasesFor(q: Q, user: SessionUser, processKey: string, query: OpenCasesQuery) {
  if (!(await engineStore.latestDeployment(q, processKey))) throw errors.notFound('Process');
  const cadreId = await cadreNamed(q, query);
  if (cadreId === null) return { items: [] };
  const rows = await ownOpenCases(q, user.id, processKey, cadreId);
  const steps = await openStepsOf(q, rows.map((r) => r.instance_id));
  return {
    items: rows.map((r) => ({
      id: r.instance_id,
      caseNo: r.business_key,
      subject: r.subject,
      startedAt: r.started_at,
      currentSteps: steps.get(r.instance_id) ?? [],
    })),
  };
}
