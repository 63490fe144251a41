// HTTP routes of the requester's side and the case file: my applications, withdrawal, comments,
// attachments, diagrams, forms. Thin: parse, call one service function, map the result.
import { route } from '../http/route.ts';
import { z, uuid } from '../http/zod.ts';
import type { Services } from '../services.ts';
import { idParams } from './schema.ts';
import {

  applicationList,
  applicationsQuery,
  attachment,
  comment,
  commentBody,
  diagram,
  formKeyParams,
  formQuery,
  processKeyParams,
  uploadQuery,
  withdrawBody,
  withdrawResult,
} from './case-schema.ts';
import { openCaseList, openCasesFor, openCasesQuery } from './open-cases.ts';

/** Content-Disposition for a user-named file: an ASCII fallback and the exact UTF-8 name. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export function caseRoutes(s: Services) {
  return [
    route({
      method: 'get',
      path: '/api/applications',
      summary: 'My applications (我的申请): the cases I started, newest first',
      tags: ['applications'],
      permission: 'application.read',
      query: applicationsQuery,
      response: applicationList,
      handler: ({ query, user }) => s.cases.applications(user, query.state, query.offset, query.limit),
    }),
    route({
      method: 'post',
      path: '/api/process-instances/:id/withdraw',
      summary: 'Withdraw my application (撤回) while no approver has decided',
      description: 'Only the applicant; 409 ALREADY_DECIDED once any task of the case is completed; audited.',
      tags: ['applications'],
      permission: 'instance.withdraw',
      params: idParams,
      body: withdrawBody,
      response: withdrawResult,
      handler: ({ params, body, user, ip }) => s.cases.withdraw(user, ip, params.id, body.reason),
    }),
    route({
      method: 'get',
      path: '/api/process-instances/:id/diagram',
      summary: "The BPMN of the case's own version, with done and active steps",
      tags: ['processes'],
      permission: 'instance.read',
      params: idParams,
      response: diagram,
      handler: ({ params, user, ip }) => s.cases.diagram(user, ip, params.id),
    }),
    route({
      method: 'get',
      path: '/api/process-definitions/:key/diagram',
      summary: 'The BPMN of the latest version of a process I may start',
      tags: ['processes'],
      permission: 'process.read',
      params: processKeyParams,
      response: diagram,
      handler: ({ params, user }) => s.cases.definitionDiagram(user, params.key),
    }),
    route({
      // POST, not GET: the body may carry an ID number (身份证号), which must not travel in a URL
      // that proxies and access logs keep. It reads only.
      method: 'post',
      path: '/api/process-definitions/:key/open-cases',
      summary: 'My open cases of this process about a cadre (before filing another: a warning, not a refusal)',
      description:
        'The cadre as the start form names it: cadreId, or cadreName with cadreIdNumber. Only the caller’s own running cases, ' +
        'oldest first, with case number, start time and the steps waiting now; an unknown cadre answers an empty list.',
      tags: ['applications'],
      permission: 'application.read',
      params: processKeyParams,
      body: openCasesQuery,
      response: openCaseList,
      handler: ({ params, body, user }) => openCasesFor(s.db, user, params.key, body),
    }),
    route({
      method: 'get',
      path: '/api/forms/:key',
      summary: 'A form-js schema: as a case carries it (instanceId), as the latest version of a process carries it (processKey), or the installation’s',
      description: 'Forms are versioned with the process: a case keeps the forms of the version it started on.',
      tags: ['processes'],
      permission: 'form.read',
      params: formKeyParams,
      query: formQuery,
      response: z.object({ type: z.string(), components: z.array(z.unknown()) }).passthrough(),
      handler: async ({ params, query, user, ip }) => (await s.workflow.form(user, ip, params.key, query)) as any,
    }),
    route({
      method: 'get',
      path: '/api/process-instances/:id/comments',
      summary: 'Comments on a case (audited case.comments)',
      tags: ['cases'],
      permission: 'instance.read',
      params: idParams,
      response: z.array(comment),
      handler: ({ params, user, ip }) => s.cases.comments(user, ip, params.id),
    }),
    route({
      method: 'post',
      path: '/api/process-instances/:id/comments',
      summary: 'Add a comment to a running case (audited)',
      tags: ['cases'],
      permission: 'case.contribute',
      params: idParams,
      body: commentBody,
      response: comment,
      status: 201,
      handler: ({ params, body, user, ip }) => s.cases.addComment(user, ip, params.id, body.body),
    }),
    route({
      method: 'get',
      path: '/api/process-instances/:id/attachments',
      summary: 'Attachments of a case (audited case.attachments)',
      tags: ['cases'],
      permission: 'instance.read',
      params: idParams,
      response: z.array(attachment),
      handler: ({ params, user, ip }) => s.attachments.list(user, ip, params.id),
    }),
    route({
      method: 'post',
      path: '/api/process-instances/:id/attachments',
      summary: 'Attach a file to a running case (audited)',
      description:
        'Body: the file as application/octet-stream; ?filename= its name. Accepted: pdf, png, jpg, tif, ofd, docx, xlsx, ' +
        'checked against the bytes (415 ATTACHMENT_TYPE); at most ATTACHMENT_MAX_MB (413) and ATTACHMENTS_PER_CASE (409).',
      tags: ['cases'],
      permission: 'case.contribute',
      params: idParams,
      query: uploadQuery,
      binaryBody: { maxBytes: s.config.attachments.maxBytes },
      response: attachment,
      status: 201,
      handler: ({ params, query, body, user, ip }) => s.attachments.upload(user, ip, params.id, query.filename, body),
    }),
    route({
      method: 'get',
      path: '/api/attachments/:id',
      summary: 'Download an attachment (audited; checked against its sha256)',
      tags: ['cases'],
      permission: 'instance.read',
      params: z.object({ id: uuid }),
      produces: 'application/octet-stream',
      async handler({ params, user, ip }) {
        const f = await s.attachments.download(user, ip, params.id);
        return { raw: f.bytes, contentType: f.contentType, headers: { 'Content-Disposition': contentDisposition(f.fileName) } };
      },
    }),
  ];
}

