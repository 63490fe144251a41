// Shapes of the certified-copy API.
import { z, intId, uuid } from '../http/zod.ts';
import { copyList } from '../requests/schema.ts';

export const idParams = z.object({ id: intId });
export const caseParams = z.object({ instanceId: uuid });

export const produceBody = z
  .object({
    pageFrom: z.number().int().min(1).optional().openapi({ description: 'first page to copy (default: the register row’s)' }),
    pageTo: z.number().int().min(1).optional().openapi({ description: 'last page to copy (default: the register row’s)' }),
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
