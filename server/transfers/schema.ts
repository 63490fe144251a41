// Input and output shapes of the 转递 API (zod; the OpenAPI document is generated from them).
import { z, intId, paging, uuid } from '../http/zod.ts';
import { MANAGEMENT_LEVEL_CODES } from '../archives/codes.ts';
import { isCalendarDate } from '../archives/validate.ts';
import { ORDER_STATUS_CODES } from './codes.ts';

/** A date field: one message for one mistake (the format first; a well-formed date that does not exist next). */
const day = (what: string, whatEn: string) =>
  z
    .string({ error: `请填写${what} / give the ${whatEn}` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, { message: `${what}应写作 YYYY-MM-DD / the ${whatEn} is written YYYY-MM-DD`, abort: true })
    .refine(isCalendarDate, `${what}不是有效的日期 / the ${whatEn} is not a date that exists`);
/** A required text field, trimmed, with its own words for empty and too long. */
const text = (max: number, what: string, whatEn: string) =>
  z
    .string({ error: `请填写${what} / give the ${whatEn}` })
    .trim()
    .min(1, { message: `请填写${what} / give the ${whatEn}`, abort: true })
    .max(max, `${what}最多 ${max} 个字 / the ${whatEn} takes at most ${max} characters`);

export const idParams = z.object({ id: intId });
export const caseParams = z.object({ instanceId: uuid });

export const positionChangeBody = z
  .object({
    unitId: intId.openapi({ description: '新任职单位 (org unit id)' }),
    post: z.string().trim().max(100).nullish().openapi({ description: '新职务; omitted: unchanged; "" or null: none' }),
    managementLevel: z.enum(MANAGEMENT_LEVEL_CODES).openapi({ description: '新的管理权限' }),
    noticeNo: text(60, '通知文号', 'notice number').openapi({ description: '任免（调动）通知文号' }),
    noticeDate: day('通知日期', 'notice date').openapi({ description: '通知日期; the 2-month transfer limit counts from it' }),
  })
  .strict()
  .openapi('PositionChange');
export type PositionChangeBody = z.infer<typeof positionChangeBody>;

export const receiptBody = z
  .object({
    receivedOn: day('签收日期', 'date of receipt').openapi({ description: '回执上接收单位的签收日期' }),
    signer: text(50, '回执上的收件人', 'name of who signed the receipt').openapi({ description: '回执上的收件人签名' }),
  })
  .strict()
  .openapi('PaperReceipt');
export type ReceiptBody = z.infer<typeof receiptBody>;

export const returnBody = z
  .object({
    reason: text(1000, '退回原因', 'reason for the return')
      .refine((s) => [...s].length >= 2, '退回原因至少 2 个字 / the reason for the return takes at least 2 characters')
      .openapi({ description: '退回原因（不全、不规范或手续不完备）' }),
  })
  .strict()
  .openapi('PaperReturn');
export type ReturnBody = z.infer<typeof returnBody>;

export const orderQuery = z
  .object({
    direction: z.enum(['out', 'in']).optional(),
    status: z.enum(ORDER_STATUS_CODES).optional(),
    cadreId: intId.optional(),
    ...paging,
  })
  .strict();

export const rosterQuery = z.object({ officeId: intId.optional(), ...paging }).strict();

const nullableText = z.string().nullable();
export const orderSummary = z
  .object({
    id: z.number().int(),
    direction: z.enum(['out', 'in']),
    caseNo: z.string(),
    instanceId: z.string(),
    status: z.string(),
    statusLabel: z.string(),
    cadreId: z.number().int().nullable(),
    cadreName: z.string(),
    fromUnit: z.string(),
    fromOrgId: z.number().int().nullable(),
    toUnit: z.string(),
    toOrgId: z.number().int().nullable(),
    reason: z.string(),
    reasonLabel: z.string(),
    slip: nullableText.openapi({ description: '转递单字号, e.g. 乌海档转字第2026-0007号' }),
    dueAt: nullableText,
    sentAt: nullableText,
    receiptAt: nullableText,
    storedAt: nullableText,
    openedAt: z.string(),
  })
  .openapi('TransferOrderSummary');

export const orderList = z.object({ total: z.number().int(), items: z.array(orderSummary) });

const person = z.object({ name: z.string(), unitAndPost: z.string(), reason: z.string(), volumesMain: z.number().int(), volumesCopy: z.number().int(), materialCount: z.number().int() });
export const slipSchema = z
  .object({
    orderId: z.number().int(),
    caseNo: z.string(),
    word: nullableText,
    number: nullableText,
    text: z.string(),
    date: nullableText,
    fromUnit: z.string(),
    toUnit: z.string(),
    method: nullableText,
    methodLabel: z.string(),
    couriers: z.array(z.object({ name: z.string(), partyMember: z.boolean() })),
    persons: z.array(person),
    stub: z.object({ text: z.string(), date: nullableText, number: z.string() }).openapi({ description: '存根' }),
    body: z.object({ text: z.string(), sender: nullableText }).openapi({ description: '正文' }),
    receipt: z.object({ text: z.string(), returned: z.boolean(), signer: nullableText, at: nullableText, source: nullableText }).openapi({ description: '回执' }),
  })
  .openapi('TransferSlip');

export const positionChangeResult = z.object({
  positionChangeId: z.number().int(),
  cadreId: z.number().int(),
  newCustodian: z.object({ id: z.number().int(), name: z.string() }).nullable(),
  transfer: z.object({ orderId: z.number().int(), instanceId: z.string(), caseNo: z.string(), dueAt: nullableText }).nullable(),
});

export const rosterList = z.object({
  office: z.object({ id: z.number().int(), name: z.string() }),
  total: z.number().int(),
  items: z.array(
    z.object({
      archiveId: z.number().int(),
      archiveNo: z.string(),
      kind: z.string(),
      kindLabel: z.string(),
      volumes: z.number().int(),
      status: z.string(),
      statusLabel: z.string(),
      location: nullableText,
      cadreId: z.number().int(),
      cadreName: z.string(),
      unitName: z.string(),
      post: nullableText,
      managementLevel: z.string(),
      managementLevelLabel: z.string(),
    }),
  ),
});

const party = z.object({ name: z.string(), partyMember: z.boolean() });
const levelSide = z.object({ unitId: z.number().int(), unitName: z.string(), post: nullableText, managementLevel: z.string(), managementLevelLabel: z.string() });
export const orderDetail = orderSummary
  .extend({
    cadreIdNumber: z.string(),
    unitAndPost: nullableText,
    destinationKind: z.string(),
    destinationKindLabel: z.string(),
    peerOrderId: z.number().int().nullable(),
    noticeNo: nullableText,
    noticeDate: nullableText,
    secrecyReview: nullableText,
    secrecyReviewDate: nullableText,
    managementLevel: nullableText,
    archives: z.array(z.object({ archiveId: z.number().int(), kind: z.string(), kindLabel: z.string(), volumes: z.number().int(), archiveNo: z.string(), newArchiveNo: z.string().optional() })),
    volumesMain: z.number().int().nullable(),
    volumesCopy: z.number().int().nullable(),
    materialCount: z.number().int().nullable(),
    method: nullableText,
    methodLabel: nullableText,
    couriers: z.array(party),
    sentBy: nullableText,
    receipt: z.object({ at: z.string(), signer: nullableText, source: nullableText, recordedBy: nullableText }).nullable(),
    storedBy: nullableText,
    openedBy: nullableText,
    approvals: z.array(z.object({ step: z.string(), name: z.string(), decision: nullableText, comment: nullableText, by: nullableText, at: z.string() })).openapi({ description: '转出审批单: every opinion in order' }),
    chases: z.array(z.object({ seq: z.number().int(), channel: z.string(), channelLabel: z.string(), note: nullableText, by: nullableText, at: z.string() })),
    returns: z.array(z.object({ slip: nullableText, reason: z.string(), source: z.string(), by: nullableText, at: z.string() })),
    positionChange: z
      .object({
        id: z.number().int(),
        from: levelSide,
        to: levelSide,
        noticeNo: z.string(),
        noticeDate: z.string(),
        recordedAt: z.string(),
        revert: z
          .object({ result: z.enum(['reverted', 'kept']), at: z.string() })
          .nullable()
          .openapi({ description: 'The transfer was cancelled: reverted — unit, post and level went back; kept — they had changed since, left as recorded (correct them by hand)' }),
      })
      .nullable(),
  })
  .openapi('TransferOrder');
