// HTTP routes of certified copies: a case's 复制登记 rows, make the PDF of a copy's row from its pages
// or of an extract's row from its text, download it. Thin.
import { route } from '../http/route.ts';
import type { Services } from '../services.ts';
import * as S from './schema.ts';

export function copyRoutes(s: Services) {
  const c = s.copies;
  const tags = ['requests'];
  return [
    route({
      method: 'get',
      path: '/api/copy-register/by-case/:instanceId',
      summary: 'The 复制登记 rows of one copy-request case, with their PDF state (audited)',
      description: 'The same rows and scope as `GET /api/copy-register` (the holding office’s archivists and chief, the leaders above it; never about a cadre the caller must avoid), and for the applicants on the request its rows (`viewer: applicant`). 404 when the case is absent, not a copy request, or out of scope.',
      tags,
      permission: 'copy.case_read',
      params: S.caseParams,
      response: S.caseCopies,
      handler: ({ user, ip, params }) => c.ofCase(user, ip, params.instanceId),
    }),
    route({
      method: 'post',
      path: '/api/copy-register/:id/pdf',
      summary: '制作复制件 PDF: the approved pages, watermarked, and the certification page (once per copy)',
      description: 'The archivist of the office that holds the archive. Refused (422, audited) when the request is not approved (`copy-not-approved`), the material is not an approved one of the request’s archive (`copy-outside-approval`), or the pages lie outside the register row (`pages-outside-approval`); 404 out of scope. Asked again, answers the PDF already made (`created: false`).',
      tags,
      permission: 'copy.produce',
      params: S.idParams,
      body: S.produceBody,
      response: S.copyPdf,
      status: 201,
      handler: ({ user, ip, params, body }) => c.produce(user, ip, params.id, body),
    }),
    route({
      method: 'post',
      path: '/api/copy-register/:id/extract',
      summary: '制作摘录件 PDF: the extract’s checked text, citing its material and pages, and the certification page (once per extract)',
      description:
        'The archivist of the office that holds the archive enters the text extracted from the material (or pasted from the hand extract) and confirms it checked (`checked: true`). The PDF holds the text, watermarked as a copy’s pages, and the 核证页; no page image of the archive. Refused (422, audited) for a copy’s row (`not-an-extract`), a request not approved, a material not approved, pages outside the row; 400 for empty or too long text; 404 out of scope. Asked again with the same text and pages, answers the PDF made (`created: false`); otherwise 409 `PDF_EXISTS`. `POST /api/copy-register/:id/pdf` refuses an extract’s row (`extract-from-text`).',
      tags,
      permission: 'copy.produce',
      params: S.idParams,
      body: S.extractBody,
      response: S.copyPdf,
      status: 201,
      handler: ({ user, ip, params, body }) => c.extract(user, ip, params.id, body),
    }),
    route({
      method: 'get',
      path: '/api/copy-register/:id/pdf',
      summary: 'Download the certified PDF of a copy (audited): the office’s staff, and the applicants until they report disposal',
      tags,
      permission: 'copy.download',
      params: S.idParams,
      produces: 'application/pdf',
      handler: ({ user, ip, params }) => c.download(user, ip, params.id),
    }),
  ];
}
