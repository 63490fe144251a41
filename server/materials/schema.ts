// Input and output shapes of the material-collection API (zod; the OpenAPI document and the
// client's types are generated from them).
import { z, intId, isoDate, paging, uuid } from '../http/zod.ts';

export const idParams = z.object({ id: intId });
export const caseParams = z.object({ instanceId: uuid });
export const scanParams = z.object({ id: intId, seq: intId });

export const ledgerQuery = z
  .object({
    status: z.enum(['received', 'returned', 'ledgered', 'filed', 'withdrawn', 'refused']).optional().openapi({ description: '已接收 / 已退回 / 已入台账 / 已归档 / 已撤回 / 已拒收' }),
    late: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional()
      .openapi({ description: 'only hand-overs later (true) or not later (false) than a month after formation' }),
    cadreId: intId.optional(),
    q: z.string().trim().max(40).optional().openapi({ description: '登记号 (a part of it, any case) or the cadre’s name (a part of it)' }),
    from: isoDate.optional().openapi({ description: 'registered on or after this day (Beijing time)' }),
    to: isoDate.optional().openapi({ description: 'registered on or before this day (Beijing time)' }),
    ...paging,
  })
  .strict();

/** What the ledger row and the full record both say about an intake. */
const intakeBase = {
  id: z.number().int(),
  intakeNo: z.string(),
  instanceId: z.string(),
  status: z.string(),
  statusLabel: z.string(),
  round: z.number().int(),
  late: z.boolean(),
  handoverDue: z.string(),
  registeredAt: z.string(),
  title: z.string(),
  categoryCode: z.string(),
  formedDate: z.string(),
  pages: z.number().int(),
  isCopy: z.boolean(),
  filedAt: z.string().nullable(),
};
const ledgerItem = z.object({
  ...intakeBase,
  cadreId: z.number().int(),
  cadreName: z.string(),
  producerOrgId: z.number().int(),
  producerOrgName: z.string(),
  seqNo: z.string().nullable(),
  caseReadable: z.boolean().openapi({ description: 'whether the caller may open the case' }),
});
export const ledgerResult = z.object({ total: z.number().int(), items: z.array(ledgerItem) }).openapi('MaterialLedger');

const named = z.object({ id: z.number().int(), name: z.string() });
const finding = z.object({ code: z.string(), pageNo: z.number().int().optional(), message: z.string() });
const scan = z.object({
  seq: z.number().int(),
  pageNo: z.number().int().nullable().openapi({ description: 'page of the material; null when withdrawn' }),
  format: z.string(),
  dpi: z.number().int().nullable(),
  colourMode: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  bytes: z.number().int(),
  sha256: z.string(),
  createdAt: z.string(),
  withdrawnAt: z.string().nullable(),
});
export const scanState = z.object({ scans: z.array(scan), scanFindings: z.array(finding) }).openapi('IntakeScans');

export const intakeRecord = z
  .object({
    ...intakeBase,
    categoryLabel: z.string().openapi({ description: 'the category as people read it: 三、考核鉴定材料, 4-1 学历学位材料' }),
    cadre: named,
    archiveId: z.number().int().nullable(),
    custodianOrg: named,
    producerOrg: named,
    handler: named.nullable(),
    copyDate: z.string().nullable(),
    copySealed: z.boolean(),
    approval: z.object({ authority: z.string().nullable(), date: z.string().nullable(), docNo: z.string().nullable() }),
    delivery: z.object({ method: z.string(), label: z.string(), confidentialNo: z.string().nullable() }),
    stated: z.object({ name: z.string(), birthDate: z.string(), workStartDate: z.string().nullable(), partyJoinDate: z.string().nullable() }),
    keyFieldMismatches: z
      .array(z.object({ field: z.string(), label: z.string(), stated: z.string(), archive: z.string() }))
      .nullable()
      .openapi({ description: 'archive staff only: where the material and the archive disagree' }),
    receiver: named.nullable(),
    acceptedAt: z.string().nullable(),
    material: z.object({ id: z.number().int(), seqNo: z.string().nullable() }).nullable(),
    filedBy: named.nullable(),
    noticeNo: z.string().nullable(),
    view: z.enum(['archive', 'producer']),
    events: z.array(
      z.object({ round: z.number().int(), kind: z.string(), actor: z.string().nullable(), at: z.string(), comment: z.string().nullable(), detail: z.record(z.string(), z.unknown()).nullable() }),
    ),
    scans: z.array(scan),
    scanFindings: z.array(finding),
    canUpload: z.boolean(),
    sameMaterials: z
      .array(z.object({ intakeNo: z.string().nullable(), intakeStatus: z.string().nullable(), seqNo: z.string().nullable() }))
      .nullable()
      .openapi({ description: 'archive staff only: other intakes (not withdrawn) or catalogue rows of the same material — same cadre, category, formation date and title (spaces ignored)' }),
  })
  .openapi('MaterialIntake');

export const noticesQuery = z.object({ status: z.enum(['open', 'answered', 'withdrawn']).optional(), ...paging }).strict();

export const noticeRecord = z
  .object({
    id: z.number().int(),
    noticeNo: z.string(),
    instanceId: z.string(),
    status: z.string(),
    statusLabel: z.string(),
    cadre: named,
    producerOrg: named,
    custodianOrg: named,
    title: z.string(),
    categoryCode: z.string(),
    formedDate: z.string(),
    dueAt: z.string(),
    note: z.string().nullable(),
    intake: z.object({ id: z.number().int(), intakeNo: z.string().nullable() }).nullable(),
    createdAt: z.string(),
    closedAt: z.string().nullable(),
    closedReason: z.string().nullable(),
  })
  .openapi('CollectionNotice');
export const noticesResult = z.object({ total: z.number().int(), items: z.array(noticeRecord.extend({ caseReadable: z.boolean().openapi({ description: 'whether the caller may open the case' }) })) });

export const withdrawBody = z.object({ reason: z.string().trim().min(2).max(500) }).strict();
