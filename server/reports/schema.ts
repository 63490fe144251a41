// Shapes of 统计分析: one summary of an office's (or a leader's offices') holdings and a year's work.
import { z, intId } from '../http/zod.ts';

export const summaryQuery = z
  .object({
    year: z.coerce.number().int().min(2000).max(2100).optional(),
    custodianOrgId: intId.optional(),
  })
  .strict();

const counted = z.object({ code: z.string(), zh: z.string(), en: z.string(), n: z.number().int() });

export const summary = z
  .object({
    year: z.number().int(),
    asOf: z.string().openapi({
      description: 'the Beijing calendar day (YYYY-MM-DD) the holdings, digitisation and reviews under way are counted on: they are the present state, whatever the year; the other figures are of the year',
    }),
    custodianOrgId: z.number().int().nullable().openapi({ description: 'the one office asked for; null: every office in the caller’s scope' }),
    offices: z.array(z.object({ id: z.number().int(), name: z.string() })).openapi({ description: 'every archive office in the caller’s scope, to choose from' }),
    holdings: z
      .object({
        total: z.number().int(),
        held: z.number().int().openapi({ description: 'archives still held: not transferred out, not handed to the state archives' }),
        digitised: z.number().int().openapi({ description: 'held archives digitised or verified' }),
        byStatus: z.array(counted),
        byLevel: z.array(counted),
        byDigital: z.array(counted).openapi({ description: 'the held archives by digital status' }),
      })
      .openapi({ description: 'the office’s archives as they are on `asOf` (today), not at the end of `year`' }),
    use: z.object({
      total: z.number().int(),
      byKind: z.array(
        z.object({ code: z.string(), zh: z.string(), en: z.string(), total: z.number().int(), open: z.number().int(), closed: z.number().int(), rejected: z.number().int(), withdrawn: z.number().int() }),
      ),
    }),
    transfers: z.object({
      out: z.object({ total: z.number().int(), byStatus: z.array(counted) }),
      in: z.object({ total: z.number().int(), byStatus: z.array(counted) }),
    }),
    materials: z.object({ total: z.number().int(), late: z.number().int(), byStatus: z.array(counted) }),
    reviews: z
      .object({
        confirmed: z.number().int(),
        passed: z.number().int(),
        failed: z.number().int(),
        vetoed: z.number().int().openapi({ description: '不合格 by a failed 单项否决 item' }),
        meanScore: z.number().nullable().openapi({ description: 'the mean score on a 100-point scale (each score against its 审核标准 version’s total), one decimal' }),
        underWay: z.number().int().openapi({ description: 'reviews being made or awaiting confirmation on `asOf` (today), whatever the year' }),
      })
      .openapi({ description: '专项审核 confirmed in the year' }),
  })
  .openapi('ReportSummary');
