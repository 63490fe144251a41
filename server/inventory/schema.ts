// Shapes of 库房核对: open a check, mark an archive by its number, close, and the answers.
import { z, intId, paging, visibleText } from '../http/zod.ts';
import { ITEM_RESULT_CODES } from './codes.ts';

export const idParams = z.object({ id: intId });

const placePart = z.string().trim().min(1).max(40);

export const startBody = z
  .object({
    custodianOrgId: intId.optional().openapi({ description: 'the office to check; may be left out when the caller has one' }),
    title: visibleText(1, 100).optional().openapi({ description: 'default: <year>年度库房核对' }),
  })
  .strict();

export const listQuery = z.object({ custodianOrgId: intId.optional() }).strict();

export const itemsQuery = z
  .object({
    result: z.enum(ITEM_RESULT_CODES).optional(),
    q: z.string().trim().min(1).max(40).optional().openapi({ description: '档案号 or the cadre’s name (contains)' }),
    ...paging,
  })
  .strict();

export const markBody = z
  .object({
    archiveNo: z.string().trim().min(1).max(40).openapi({ description: 'the number on the archive’s spine' }),
    result: z.enum(['found', 'missing']),
    place: z
      .object({ storeRoom: placePart, cabinet: placePart, shelf: placePart })
      .strict()
      .optional()
      .openapi({ description: 'where it was found, when that is not where the register says (found only)' }),
    note: z.string().trim().max(200).optional(),
  })
  .strict()
  .refine((b) => b.result === 'found' || b.place === undefined, { path: ['place'], message: '未找到的档案没有位置 / a missing archive has no place' });

export const closeBody = z
  .object({
    note: z.string().trim().max(500).optional().openapi({ description: 'required when archives are left unchecked' }),
    fixLocations: z.boolean().default(false).openapi({ description: 'set the register’s place of each archive found elsewhere to where it was found' }),
  })
  .strict();

const place = z.object({ storeRoom: z.string().nullable(), cabinet: z.string().nullable(), shelf: z.string().nullable() });

const progress = z.object({
  total: z.number().int(),
  checked: z.number().int(),
  byResult: z.object(Object.fromEntries(ITEM_RESULT_CODES.map((r) => [r, z.number().int()])) as Record<(typeof ITEM_RESULT_CODES)[number], z.ZodNumber>),
});

export const stockCheck = z
  .object({
    id: z.number().int(),
    custodianOrgId: z.number().int(),
    officeName: z.string(),
    title: z.string(),
    status: z.enum(['open', 'closed']),
    startedAt: z.string(),
    startedByName: z.string().nullable(),
    closedByName: z.string().nullable(),
    away: z.number().int().openapi({ description: 'archives away from the shelf when the check began (借出, 数字化, 转出中): not on its list; one found on the shelf is added when marked (items with added)' }),
    closedAt: z.string().nullable(),
    closeNote: z.string().nullable(),
    locationsFixed: z.boolean(),
    progress,
  })
  .openapi('StockCheck');

export const stockCheckList = z.object({ items: z.array(stockCheck) });

export const stockItem = z
  .object({
    archiveId: z.number().int(),
    archiveNo: z.string(),
    cadreId: z.number().int(),
    cadreName: z.string().nullable(),
    expected: place,
    result: z.enum(ITEM_RESULT_CODES),
    resultLabel: z.string(),
    found: place.nullable(),
    note: z.string().nullable(),
    checkedAt: z.string().nullable(),
    checkedByName: z.string().nullable(),
    added: z.boolean().openapi({ description: 'not on the list when the check opened (the register had it away: 借出, 数字化中, 转出中 — or the office holds it since); added when found on the shelf' }),
    registerAway: z
      .object({ status: z.string(), label: z.string() })
      .nullable()
      .openapi({ description: 'marked found on the shelf while the register had it away (借出, 数字化中, 转出中): register and shelf disagree' }),
  })
  .openapi('StockCheckItem');

export const stockItems = z.object({ total: z.number().int(), items: z.array(stockItem) });

export const markedItem = stockItem
  .extend({
    awayNow: z
      .object({ status: z.string(), label: z.string() })
      .nullable()
      .openapi({ description: 'found on a shelf while the register has the archive away now (借出, 数字化, 转出中): the mark stands, the register disagrees' }),
  })
  .openapi('StockCheckMark');
