// HTTP routes of the reading room (阅档室). Thin: parse, call one ReadingRoom function, answer.
// Page images come only watermarked from here; the clean scans stay with the custodian office
// (GET /api/materials/:id/pages/:pageNo refuses readers who hold only a grant).
import { route } from '../http/route.ts';
import type { Services } from '../services.ts';
import { clockSchema, endAnswer, endBody, grantParams, pageParams, sessionSchema } from './schema.ts';

export function readingRoutes(s: Services) {
  const r = s.reading;
  const tags = ['reading'];
  return [
    route({
      method: 'get',
      path: '/api/reading/:grantId',
      summary: 'Open the reading room of one of my viewing grants: the catalogue of the granted categories and the time left (audited)',
      tags,
      permission: 'grant.read',
      params: grantParams,
      response: sessionSchema,
      handler: ({ user, ip, params }) => r.session(user, ip, params.grantId),
    }),
    route({
      method: 'get',
      path: '/api/reading/:grantId/clock',
      summary: "The server's time and the seconds left in the grant's window (for the countdown)",
      tags,
      permission: 'grant.read',
      params: grantParams,
      response: clockSchema,
      handler: ({ user, params }) => r.clock(user, params.grantId),
    }),
    route({
      method: 'get',
      path: '/api/reading/:grantId/materials/:materialId/pages/:pageNo',
      summary: "One page at screen size with the reader's watermark burned in (JPEG; no-store; audited as page.view and counted in page_views)",
      tags,
      permission: 'grant.read',
      params: pageParams,
      produces: 'image/jpeg',
      handler: ({ user, ip, params }) => r.page(user, ip, params.grantId, params.materialId, params.pageNo, 'page'),
    }),
    route({
      method: 'get',
      path: '/api/reading/:grantId/materials/:materialId/pages/:pageNo/thumbnail',
      summary: "A page's thumbnail, watermarked too (JPEG; no-store; audited as page.thumbnail)",
      tags,
      permission: 'grant.read',
      params: pageParams,
      produces: 'image/jpeg',
      handler: ({ user, ip, params }) => r.page(user, ip, params.grantId, params.materialId, params.pageNo, 'thumbnail'),
    }),
    route({
      method: 'post',
      path: '/api/reading/:grantId/end',
      summary: '结束阅档: completes my 电子阅档 task (the case then revokes its grants), or ends my own grant as a co-applicant',
      tags,
      permission: 'grant.read',
      params: grantParams,
      body: endBody,
      response: endAnswer,
      handler: ({ user, ip, params, body }) => r.end(user, ip, params.grantId, body),
    }),
  ];
}
