// HTTP routes of scan quality control: run a check on a material or an archive, list the failing
// materials of the offices in scope, mark a page failing by eye (标为不合格). Thin: parse, call one
// service function, answer.
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
    route({
      method: 'post',
      path: '/api/materials/:id/pages/:pageNo/failing',
      summary: '标为不合格: mark a page failing by eye (illegible, skewed, the wrong material), with a reason; recorded as a failing check until the page is rescanned',
      description:
        'Archivist or chief of the office holding the archive (404 otherwise, as for an absent material or page; audited page.mark_failing, denied with the reason). The mark is recorded as a check (trigger `mark`, finding MARKED_FAILING): listed on /quality, its category refused for 电子查阅, an archive 已数字化 or 已验收 moved back to 部分数字化. It stands in every later check until PUT /api/materials/:id/pages/:pageNo (重扫此页) replaces the page. 409 PAGE_MARKED when the page is marked already.',
      tags,
      permission: 'scan.check',
      params: S.pageParams,
      body: S.markBody,
      response: S.pageMark,
      handler: ({ user, ip, params, body }) => q.markPage(user, ip, params.id, params.pageNo, body.reason),
    }),
    route({
      method: 'post',
      path: '/api/archives/:id/digital-status',
      summary: '数字化进度: mark an archive partly digitised, digitised (every material’s scans pass a check made now) or verified (验收, the archive chief)',
      description:
        'Moves: none → partial | done; partial → done; done → verified (archive_chief, a second person: not who marked it done, nor — since it was marked — who withdrew a verification of it or whose image is on one of its pages) | partial; verified → done | partial (archive_chief). A move back needs a note. 422 RULE_VIOLATION with details.rule = digital_status (move not allowed), digital_scans (details.failing lists the materials whose newest check failed, details.notScanned counts those without scans) or four_eyes (details.reason: marked_done, withdrew or changed_pages with details.pages).',
      tags,
      permission: 'archive.digitise',
      params: S.idParams,
      body: S.digitalBody,
      response: S.digitalChange,
      handler: ({ user, ip, params, body }) => q.changeDigitalStatus(user, ip, params.id, body),
    }),
  ];
}
