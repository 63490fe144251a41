// HTTP routes of material collection: the ledger (台账), an intake's record and its page scans,
// collection notices (催收). Thin: parse, call one service function, answer.
import { route } from '../http/route.ts';
import { z } from '../http/zod.ts';
import type { Services } from '../services.ts';
import * as S from './schema.ts';

const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/tiff'];

export function materialRoutes(s: Services) {
  const m = s.materials;
  const tags = ['materials'];
  return [
    route({
      method: 'get',
      path: '/api/material-intakes',
      summary: '材料接收台账: the intakes the caller may see, newest first',
      description: 'Archive staff and leaders: the intakes of their offices; producers: their unit’s own hand-overs. Status 已接收 / 已退回 / 已入台账 / 已归档, late hand-overs flagged.',
      tags,
      permission: 'material.read',
      query: S.ledgerQuery,
      response: S.ledgerResult,
      handler: ({ user, ip, query }) => m.ledger(user, ip, query),
    }),
    route({ method: 'get', path: '/api/material-intakes/:id', summary: 'An intake: the material, review events (退回记录, 鉴别意见), scans, the catalogue row it became (audited)', tags, permission: 'material.read', params: S.idParams, response: S.intakeRecord, handler: ({ user, ip, params }) => m.intake(user, ip, params.id) }),
    route({ method: 'get', path: '/api/material-intakes/by-case/:instanceId', summary: 'The intake of a material-collection case (audited)', tags, permission: 'material.read', params: S.caseParams, response: S.intakeRecord, handler: ({ user, ip, params }) => m.intakeOfCase(user, ip, params.instanceId) }),
    route({
      method: 'post',
      path: '/api/material-intakes/:id/scans',
      summary: 'Add one page scan (JPEG, PNG or TIFF body) to an intake, after its last one',
      description: 'Only the producer who handed the material over, until the archivist accepts it. The scans not withdrawn are the material’s pages, in upload order.',
      tags,
      permission: 'material.scan',
      params: S.idParams,
      binaryBody: { types: IMAGE_TYPES, maxBytes: 20 * 1024 * 1024 },
      response: S.scanState,
      status: 201,
      handler: ({ user, ip, params, body }) => m.uploadScan(user, ip, params.id, body as unknown as Buffer),
    }),
    route({ method: 'post', path: '/api/material-intakes/:id/scans/:seq/withdraw', summary: 'Withdraw a scan of an intake (kept on record, no longer a page)', tags, permission: 'material.scan', params: S.scanParams, response: S.scanState, handler: ({ user, ip, params }) => m.withdrawScan(user, ip, params.id, params.seq) }),
    route({ method: 'get', path: '/api/material-intakes/:id/scans/:seq', summary: 'One scan of an intake (image; audited)', tags, permission: 'material.read', params: S.scanParams, produces: 'image/jpeg', handler: ({ user, ip, params }) => m.readScan(user, ip, params.id, params.seq) }),
    route({ method: 'get', path: '/api/collection-notices', summary: '材料催收通知: sent by the caller’s office, or addressed to the caller’s unit', tags, permission: 'material.read', query: S.noticesQuery, response: S.noticesResult, handler: ({ user, query }) => m.listNotices(user, query) }),
    route({ method: 'get', path: '/api/collection-notices/:id', summary: 'One collection notice', tags, permission: 'material.read', params: S.idParams, response: S.noticeRecord, handler: ({ user, params }) => m.notice(user, params.id) }),
    route({
      method: 'post',
      path: '/api/collection-notices/:id/withdraw',
      summary: 'Withdraw an open collection notice: its case ends and its hand-over deadline is cancelled',
      tags,
      permission: 'material.chase',
      params: S.idParams,
      body: S.withdrawBody,
      response: z.object({ ok: z.literal(true) }),
      handler: ({ user, ip, params, body }) => m.withdrawNotice(user, ip, params.id, body.reason),
    }),
  ];
}
