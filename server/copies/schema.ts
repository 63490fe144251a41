// Shapes of the certified-copy API.
import { z, intId, uuid, hasInvisible, INVISIBLE_MESSAGE } from '../http/zod.ts';
import { copyList } from '../requests/schema.ts';
import { cleanExtractText, EXTRACT_MAX, EXTRACT_MAX_LINES, EXTRACT_MAX_PAGES, extractLines } from '../../shared/extract-text.ts';

export const idParams = z.object({ id: intId });
export const caseParams = z.object({ instanceId: uuid });

export const produceBody = z
  .object({
    pageFrom: z.number().int().min(1).optional().openapi({ description: 'first page to copy (default: the register row’s)' }),
    pageTo: z.number().int().min(1).optional().openapi({ description: 'last page to copy (default: the register row’s)' }),
  })
  .strict();

/**
 * The text of a 摘录件 as the archivist checked it, cleaned as shared/extract-text.ts says (line
 * breaks kept, a run of blank lines made one), nothing invisible (as visibleText), 1–EXTRACT_MAX
 * characters, and no more than EXTRACT_MAX_LINES lines as the PDF wraps them (counted before any
 * page is drawn: line breaks alone would otherwise make hundreds of pages). Counted with the widths
 * the dialog has (`extractLines`: exact for ASCII and CJK, one em for anything else — never narrower
 * than the font, so it still bounds the pages), so the dialog and the server refuse the same text;
 * with the font's own widths a line of em-dashes the dialog counts as two would have passed here.
 */
export const extractText = z
  .string()
  .transform(cleanExtractText)
  .pipe(
    z
      .string()
      .min(1, '请填写摘录的文字 / Enter the extracted text')
      .max(EXTRACT_MAX, `摘录的文字不能超过 ${EXTRACT_MAX} 字 / The extract may hold at most ${EXTRACT_MAX} characters`)
      .refine((s) => !hasInvisible(s), INVISIBLE_MESSAGE)
      .superRefine((s, ctx) => {
        if (s.length > EXTRACT_MAX) return; // refused above; not worth wrapping
        const n = extractLines(s);
        if (n > EXTRACT_MAX_LINES) {
          ctx.addIssue({
            code: 'custom',
            message: `摘录的文字排版后不能超过 ${EXTRACT_MAX_LINES} 行（约 ${EXTRACT_MAX_PAGES} 页），现有 ${n} 行：请合并分行或删去多余的空行 / The extract may run to at most ${EXTRACT_MAX_LINES} lines on its pages (about ${EXTRACT_MAX_PAGES} pages); it has ${n}: join lines or remove blank ones`,
            params: { maxLines: EXTRACT_MAX_LINES, lines: n },
          });
        }
      }),
  );

export const extractBody = z
  .object({
    text: extractText.openapi({ description: `the extracted text, checked against the material (1–${EXTRACT_MAX} characters, at most ${EXTRACT_MAX_LINES} lines as wrapped on the pages; line breaks kept, a run of blank lines made one)` }),
    pageFrom: z.number().int().min(1).openapi({ description: 'first page the text is taken from (within the register row’s pages)' }),
    pageTo: z.number().int().min(1).openapi({ description: 'last page the text is taken from' }),
    checked: z.literal(true, { error: '须先对照档案原件核对摘录的文字 / Check the text against the material first' }).openapi({ description: 'the archivist checked the text against the material (核对)' }),
  })
  .strict();

export const copyPdf = z
  .object({
    copyId: z.number().int(),
    serialNo: z.string(),
    pages: z.object({ from: z.number().int(), to: z.number().int() }),
    sha256: z.string(),
    bytes: z.number().int(),
    madeAt: z.string(),
    created: z.boolean().openapi({ description: 'false when the PDF existed already (the same bytes are kept)' }),
  })
  .openapi('CopyPdf');

export const caseCopies = copyList
  .extend({
    viewer: z.enum(['office', 'applicant']).openapi({ description: 'office: read as the register; applicant: the caller is on the request (downloads until the disposal is reported)' }),
  })
  .openapi('CaseCopies');
