// Input and output shapes of the correction records API (zod; OpenAPI and client types).
import { z, intId, paging, uuid } from '../http/zod.ts';
import { ITEM_CODES } from './evidence.ts';

export const idParams = z.object({ id: intId });
export const caseParams = z.object({ instanceId: uuid });
export const listQuery = z
  .object({
    status: z.enum(['open', 'investigated', 'proposed', 'approved', 'rejected', 'withdrawn']).optional(),
    cadreId: intId.optional(),
    item: z.enum(ITEM_CODES).optional(),
    ...paging,
  })
  .strict();

const named = z.object({ id: z.number().int(), name: z.string() });
const decision = z.object({ by: named.nullable(), decision: z.string().nullable(), opinion: z.string().nullable(), at: z.string().nullable() });

export const listResult = z.object({
  total: z.number().int(),
  items: z.array(
    z.object({
      id: z.number().int(),
      caseNo: z.string(),
      instanceId: z.string(),
      cadre: named,
      item: z.string(),
      itemLabel: z.string(),
      oldValue: z.string().nullable(),
      newValue: z.string().nullable(),
      status: z.string(),
      statusLabel: z.string(),
      openedAt: z.string(),
      effectiveAt: z.string().nullable(),
      filedSeqNo: z.string().nullable(),
      caseReadable: z.boolean().openapi({ description: 'whether the caller may open the case' }),
    }),
  ),
});

export const correctionRecord = z
  .object({
    id: z.number().int(),
    caseNo: z.string(),
    instanceId: z.string(),
    cadre: named,
    archiveId: z.number().int(),
    item: z.string(),
    itemLabel: z.string(),
    field: z.string().nullable().openapi({ description: 'the A01 column the item updates; null for 工作经历 and 干部身份' }),
    oldValue: z.string().nullable(),
    proposedValue: z.string(),
    newValue: z.string().nullable(),
    currentValue: z.string().nullable(),
    idNumberBirthDate: z.string().nullable().openapi({ description: 'where the correction leaves birth date and ID number disagreeing: for a birth date, the date inside the cadre’s ID number (the 认定 stands; the ID number is unchanged); for an ID number, the date inside the new number; else null' }),
    recordedValues: z.array(z.object({ value: z.string(), seqNos: z.array(z.string()) })),
    trigger: z.string(),
    triggerLabel: z.string(),
    reason: z.string(),
    evidence: z.array(
      z.object({ materialId: z.number().int(), seqNo: z.string(), title: z.string(), formedDate: z.string(), selfFilled: z.boolean(), defaultBasis: z.boolean(), recordedValue: z.string().nullable() }),
    ),
    findings: z.string().nullable(),
    basis: z.array(z.object({ materialId: z.number().int(), seqNo: z.string() })),
    setAsideReason: z.string().nullable(),
    chief: decision,
    authority: decision,
    superiorReplyNo: z.string().nullable(),
    status: z.string(),
    statusLabel: z.string(),
    rejectedStage: z.string().nullable(),
    filedMaterial: z.object({ id: z.number().int(), seqNo: z.string().nullable() }).nullable(),
    history: z.object({ field: z.string(), version: z.number().int(), oldValue: z.string().nullable(), newValue: z.string().nullable(), at: z.string() }).nullable(),
    effectiveAt: z.string().nullable(),
    openedBy: named.nullable(),
    openedAt: z.string(),
  })
  .openapi('Correction');
