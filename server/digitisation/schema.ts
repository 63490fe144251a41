// Input and output shapes of the 数字化出库/回库 register (zod; OpenAPI and client types).
import { z, intId, paging, uuid } from '../http/zod.ts';
import { ARCHIVE_STATUS_CODES } from '../archives/codes.ts';
import { BATCH_STATUS_CODES, PURPOSE_CODES } from './codes.ts';

export const idParams = z.object({ id: intId });
export const caseParams = z.object({ instanceId: uuid });

export const listQuery = z
  .object({
    status: z.enum(BATCH_STATUS_CODES).optional().openapi({ description: 'review 待审批 · approved 待出库 · out 已出库 · returned 已回库 · rejected 已驳回 · withdrawn 已撤回' }),
    custodianOrgId: intId.optional().openapi({ description: 'one of the caller’s archive offices (a leader over several)' }),
    overdue: z.enum(['true', 'false']).optional().transform((v) => v === 'true').openapi({ description: 'true: only batches out past their expected return date' }),
    ...paging,
  })
  .strict();

const named = z.object({ id: z.number().int(), name: z.string() });

const batchBase = {
  id: z.number().int(),
  caseNo: z.string(),
  instanceId: z.string(),
  custodianOrgId: z.number().int(),
  officeName: z.string(),
  purpose: z.enum(PURPOSE_CODES),
  purposeLabel: z.string(),
  expectedReturnDate: z.string().openapi({ description: 'YYYY-MM-DD (Beijing); the 回库登记 is due at its end' }),
  status: z.enum(BATCH_STATUS_CODES),
  statusLabel: z.string(),
  overdue: z.boolean().openapi({ description: 'out, and the expected return date has passed' }),
  itemCount: z.number().int().openapi({ description: 'archives in the batch (those of cadres the caller must avoid included)' }),
  startedBy: named,
  createdAt: z.string(),
  outAt: z.string().nullable(),
  returnedAt: z.string().nullable(),
};

export const batchList = z.object({ total: z.number().int(), items: z.array(z.object(batchBase)) });

export const batchItem = z
  .object({
    archiveId: z.number().int(),
    archiveNo: z.string().openapi({ description: 'the number when the batch was registered' }),
    cadreName: z.string(),
    archiveStatus: z.enum(ARCHIVE_STATUS_CODES).openapi({ description: 'the archive’s status now' }),
    archiveStatusLabel: z.string(),
    statusBefore: z.enum(ARCHIVE_STATUS_CODES).nullable().openapi({ description: 'the status it left the shelf from (set at the hand-over)' }),
    outAt: z.string().nullable(),
    backAt: z.string().nullable().openapi({ description: 'when it was registered back (a partial return registers some archives before the others)' }),
    leftOutAt: z.string().nullable().openapi({ description: 'left out of the batch at the hand-over (not on the shelf then): it never went out' }),
    leftOutReason: z.string().nullable(),
  })
  .openapi('DigitisationBatchItem');

export const batchReturn = z
  .object({
    by: named,
    at: z.string(),
    archiveNos: z.array(z.string()).openapi({ description: 'the archives registered back in this round' }),
    stillOutNos: z.array(z.string()).openapi({ description: 'the archives still out after it (empty: the batch is back)' }),
    note: z.string().nullable().openapi({ description: '部分回库: where the archives still out are and why' }),
    expectedBefore: z.string().openapi({ description: 'YYYY-MM-DD: the expected return date before this round' }),
    expectedAfter: z.string().openapi({ description: 'YYYY-MM-DD: after it (the same when not moved)' }),
  })
  .openapi('DigitisationBatchReturn');

export const batchRecord = z
  .object({
    ...batchBase,
    note: z.string().nullable(),
    decision: z.object({ by: named.nullable(), decision: z.string().nullable(), comment: z.string().nullable(), at: z.string().nullable() }),
    handedOverBy: named.nullable(),
    returnedBy: named.nullable(),
    partialReturn: z.object({ back: z.number().int(), of: z.number().int() }).nullable().openapi({ description: 'out, after a 部分回库: archives back of those handed over' }),
    returns: z.array(batchReturn).openapi({ description: '回库记录: each 回库登记, oldest first' }),
    items: z.array(batchItem).openapi({ description: 'the archives, in the order listed; those of cadres the caller must avoid are left out' }),
  })
  .openapi('DigitisationBatch');
