// HTTP routes of the correction records (认定审批表, evidence, field history). Thin.
import { route } from '../http/route.ts';
import type { Services } from '../services.ts';
import * as S from './schema.ts';

export function correctionRoutes(s: Services) {
  const c = s.corrections;
  const tags = ['corrections'];
  return [
    route({ method: 'get', path: '/api/corrections', summary: '信息更正 cases of the caller’s archive offices, newest first', tags, permission: 'correction.read', query: S.listQuery, response: S.listResult, handler: ({ user, query }) => c.list(user, query) }),
    route({ method: 'get', path: '/api/corrections/:id', summary: 'A correction case: item, old and new value, evidence table, basis, opinions, reply number, the filed 认定表 (audited)', tags, permission: 'correction.read', params: S.idParams, response: S.correctionRecord, handler: ({ user, ip, params }) => c.get(user, ip, params.id) }),
    route({ method: 'get', path: '/api/corrections/by-case/:instanceId', summary: 'The correction of a correction case (audited)', tags, permission: 'correction.read', params: S.caseParams, response: S.correctionRecord, handler: ({ user, ip, params }) => c.ofCase(user, ip, params.instanceId) }),
  ];
}
