// HTTP routes of scan quality control: run a check on a material or an archive, list the failing
// materials of the offices in scope. Thin: parse, call one service function, answer.
import { route } from '../http/route.ts';
import type { Services } from '../services.ts';
import * as S from './schema.ts';

export function qualityRoutes(s: Services) {
  const q = s.quality;
  const tags = ['quality'];
  return [
    route({
      method: 'get',
      path: '/api/scan-checks/failing',
      summary: '扫描质检不合格清单: materials whose newest scan check failed, in the caller’s archive offices',
      tags,
      permission: 'scan.read',
      query: S.failingQuery,
      response: S.failingList,
      handler: ({ user, ip, query }) => q.failing(user, ip, query),
    }),
    route({
      method: 'post',
      path: '/api/materials/:id/scan-checks',
      summary: 'Check a material’s scans now (page count, dpi, readable, size, sha256) and record the result',
      tags,
      permission: 'scan.check',
      params: S.idParams,
      response: S.materialCheck,
      handler: ({ user, ip, params }) => q.checkMaterial(user, ip, params.id),
    }),
    route({
      method: 'post',
      path: '/api/archives/:id/scan-checks',
      summary: 'Check every scanned material of an archive (every material when it is marked digitised)',
      tags,
      permission: 'scan.check',
      params: S.idParams,
      response: S.archiveCheck,
      handler: ({ user, ip, params }) => q.checkArchive(user, ip, params.id),
    }),
  ];
}
