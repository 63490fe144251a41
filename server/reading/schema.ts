// Shapes of the reading-room API.
import { z, intId } from '../http/zod.ts';

export const grantParams = z.object({ grantId: intId }).strict();
export const pageParams = z.object({ grantId: intId, materialId: intId, pageNo: intId }).strict();

const materialSchema = z.object({
  id: z.number().int(),
  seqNo: z.string(),
  title: z.string(),
  formedDate: z.string(),
  pages: z.number().int().openapi({ description: '页数 in the catalogue' }),
  scannedPages: z.number().int().openapi({ description: 'page images on file; 0 = not digitised' }),
  withheldPages: z.array(z.number().int()).openapi({ description: 'pages the office marked failing (标为不合格): withheld from the reader until rescanned' }),
});

export const sessionSchema = z
  .object({
    grant: z.object({
      id: z.number().int(),
      requestId: z.number().int().nullable(),
      caseNo: z.string().nullable(),
      archiveId: z.number().int(),
      archiveNo: z.string(),
      cadre: z.object({ id: z.number().int(), name: z.string() }),
      categories: z.array(z.string()),
      validFrom: z.string(),
      validUntil: z.string(),
    }),
    now: z.string().openapi({ description: "the server's time; count down from remainingSeconds, not the browser's clock" }),
    remainingSeconds: z.number().int(),
    readingTaskId: z.string().nullable().openapi({ description: "the reader's open 电子阅档 task, completed by 结束阅档" }),
    categories: z.array(z.object({ code: z.string(), numeral: z.string(), name: z.string(), parentCode: z.string().nullable(), materials: z.array(materialSchema) })),
  })
  .openapi('ReadingSession');

export const clockSchema = z
  .object({
    open: z.boolean(),
    now: z.string(),
    validUntil: z.string(),
    remainingSeconds: z.number().int(),
    endedReason: z
      .enum(['archive_transferred'])
      .nullable()
      .openapi({ description: 'archive_transferred: the archive left the office that granted the reading (档案已转出，阅档已终止); null otherwise' }),
  })
  .openapi('ReadingClock');

export const endBody = z
  .object({
    confirmed: z.boolean().openapi({ description: '本人确认遵守查阅纪律 (must be true)' }),
    comment: z.string().trim().max(500).optional(),
  })
  .strict();

export const endAnswer = z.object({ ended: z.boolean(), taskCompleted: z.boolean() }).openapi('ReadingEnded');
