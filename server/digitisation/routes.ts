// HTTP routes of the 数字化出库/回库 register. Thin: parse, call one service function, answer.
import { route } from '../http/route.ts';
import type { Services } from '../services.ts';
import * as S from './schema.ts';

export function digitisationRoutes(s: Services) {
  const d = s.digitisation;
  const tags = ['digitisation'];
  return [
    route({
      method: 'get',
      path: '/api/digitisation-batches',
      summary: '数字化出库/回库: the batches of the caller’s archive offices, newest first (audited)',
      description: 'Archivists and the chief of an office, and the leaders above it. Filter by status; `overdue` marks a batch out past its expected return date.',
      tags,
      permission: 'digitisation.read',
      query: S.listQuery,
      response: S.batchList,
      handler: ({ user, ip, query }) => d.list(user, ip, query),
    }),
    route({
      method: 'get',
      path: '/api/digitisation-batches/:id',
      summary: 'A batch with its archives: number, cadre, the archive’s status now, out and back times (audited)',
      description: 'A batch of another office answers 404, as absent (audited as denied). Archives of cadres the caller must avoid are left out of `items`.',
      tags,
      permission: 'digitisation.read',
      params: S.idParams,
      response: S.batchRecord,
      handler: ({ user, ip, params }) => d.get(user, ip, params.id),
    }),
    route({ method: 'get', path: '/api/digitisation-batches/by-case/:instanceId', summary: 'The batch of a digitisation-batch case (audited)', tags, permission: 'digitisation.read', params: S.caseParams, response: S.batchRecord, handler: ({ user, ip, params }) => d.ofCase(user, ip, params.instanceId) }),
  ];
}
