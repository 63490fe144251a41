// HTTP routes of the archive domain: org tree and custody, cadre search and records, archives,
// the catalogue, page scans and the import. Thin: parse, call one service function, answer.
import type { Response } from 'express';
import { route } from '../http/route.ts';
import { z } from '../http/zod.ts';
import type { Services } from '../services.ts';
import * as S from './schema.ts';

const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/tiff'];
const IMPORT_TYPES = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream'];
const ok = z.object({ ok: z.literal(true) });

const digitalAfter = z
  .object({ status: z.string(), label: z.string(), from: z.string().nullable() })
  .openapi({ description: 'the archive’s digital status after the new page was checked; `from` is set when a failing check moved it back to 部分数字化' });

/** Aborted when the connection closes before the answer is sent (the client went away). */
function clientGone(res: Response): AbortSignal {
  const ac = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) ac.abort();
  });
  return ac.signal;
}

export function archiveRoutes(s: Services) {
  const v = s.archiveViews;
  const a = s.archives;
  const tags = ['archives'];
  return [
    route({
      method: 'get',
      path: '/api/archive-offices',
      summary: 'The archive offices whose holdings the caller reads by role: their own (archivist, chief), those under them (leader)',
      description: '`own` marks the office the caller works in: the one where the caller may also act (库房核对, 专项审核).',
      tags: ['org'],
      permission: 'archive.read',
      response: z.array(z.object({ id: z.number().int(), code: z.string(), name: z.string(), own: z.boolean() })),
      handler: ({ user }) => v.myOffices(user),
    }),
    route({ method: 'get', path: '/api/org-units', summary: 'The org tree (单位), custodian offices marked', tags: ['org'], permission: 'org.read', response: z.array(S.orgUnitSchema), handler: () => v.orgUnits() }),
    route({ method: 'get', path: '/api/catalog-categories', summary: 'The catalogue categories (十大类 and sub-categories)', tags: ['org'], permission: 'org.read', response: S.categoryListSchema, handler: () => v.categories() }),
    route({ method: 'get', path: '/api/custody-ranges', summary: 'Custody ranges (管档范围): which office holds which cadres', tags: ['org'], permission: 'org.read', response: z.array(S.custodySchema), handler: () => a.listCustodyRanges() }),
    route({ method: 'post', path: '/api/custody-ranges', summary: "Add a custody range to the caller's office", tags: ['org'], permission: 'custody.manage', body: S.custodyBody, response: S.custodySchema, status: 201, handler: ({ user, ip, body }) => a.addCustodyRange(user, ip, body) }),
    route({ method: 'delete', path: '/api/custody-ranges/:id', summary: "Remove a custody range of the caller's office", tags: ['org'], permission: 'custody.manage', params: S.idParams, response: ok, handler: ({ user, ip, params }) => a.removeCustodyRange(user, ip, params.id) }),
    route({
      method: 'get',
      path: '/api/cadres',
      summary: 'Search cadres in scope',
      description: 'Name (contains), pinyin initials or full pinyin (prefix), ID number (prefix), unit name; `unitId` limits to a unit subtree. Sorted by pinyin. Only cadres the caller may read.',
      tags,
      permission: 'archive.read',
      query: S.searchQuery,
      response: S.searchResult,
      handler: ({ user, ip, query }) => v.search(user, ip, query),
    }),
    route({
      method: 'post',
      path: '/api/cadres',
      summary: "Register a cadre with a 正本 archive held by the caller's office",
      tags,
      permission: 'archive.write',
      body: S.cadreBody,
      response: z.object({ cadreId: z.number().int(), archiveId: z.number().int(), archiveNo: z.string() }),
      status: 201,
      handler: ({ user, ip, body }) =>
        a.registerCadre(user, ip, {
          name: body.name,
          gender: body.gender,
          birth_date: body.birthDate,
          ethnicity: body.ethnicity,
          native_place: body.nativePlace,
          political_status: body.politicalStatus,
          party_join_date: body.partyJoinDate ?? null,
          work_start_date: body.workStartDate ?? null,
          id_number: body.idNumber,
          education: body.education ?? null,
          degree: body.degree ?? null,
          org_unit_id: body.unitId,
          post: body.post ?? null,
          management_level: body.managementLevel,
          archive: body.archive,
        }),
    }),
    route({ method: 'get', path: '/api/cadres/:id', summary: 'A cadre record (audited)', tags, permission: 'archive.read', params: S.idParams, response: S.cadreSchema, handler: ({ user, ip, params }) => v.cadre(user, ip, params.id) }),
    route({ method: 'get', path: '/api/cadres/:id/history', summary: 'Versioned changes of the A01 fields', tags, permission: 'archive.read', params: S.idParams, response: S.fieldHistorySchema, handler: ({ user, ip, params }) => v.cadreHistory(user, ip, params.id) }),
    route({
      method: 'post',
      path: '/api/cadres/:id/family-members',
      summary: 'Add a family member (家庭成员) to a cadre held by the caller’s office',
      tags,
      permission: 'archive.write',
      params: S.idParams,
      body: S.familyBody,
      response: z.object({ id: z.number().int() }),
      status: 201,
      handler: ({ user, ip, params, body }) => a.addFamily(user, ip, { cadreId: params.id, ...body }),
    }),
    route({ method: 'get', path: '/api/archives/:id', summary: 'An archive: number, kind, location, status and its history (audited)', tags, permission: 'archive.read', params: S.idParams, response: S.archiveSchema, handler: ({ user, ip, params }) => v.archive(user, ip, params.id) }),
    route({ method: 'get', path: '/api/archives/:id/catalogue', summary: 'The catalogue (目录) by category; a grant shows only its categories (audited)', tags, permission: 'archive.read', params: S.idParams, response: S.catalogueSchema, handler: ({ user, ip, params }) => v.catalogue(user, ip, params.id) }),
    route({
      method: 'post',
      path: '/api/archives/:id/materials',
      summary: 'File a material under the next free 序号 of its category',
      tags,
      permission: 'archive.write',
      params: S.idParams,
      body: S.materialBody,
      response: S.materialSchema,
      status: 201,
      handler: ({ user, ip, params, body }) => a.fileMaterialAs(user, ip, { archiveId: params.id, ...body }),
    }),
    route({ method: 'get', path: '/api/materials/:id', summary: 'A material with its page images (audited)', tags, permission: 'archive.read', params: S.idParams, response: S.materialDetailSchema, handler: ({ user, ip, params }) => v.material(user, ip, params.id) }),
    route({
      method: 'post',
      path: '/api/materials/:id/supersede',
      summary: 'Correct a filed material: a new row with the same 序号 supersedes it (the old row never changes)',
      description: 'The fields left out keep their values. 400 when the correction changes nothing or its reason is not 2–200 characters. GET /api/materials/:id lists the corrections of the 序号 (`corrections`).',
      tags,
      permission: 'archive.write',
      params: S.idParams,
      body: S.supersedeBody,
      response: S.materialSchema,
      status: 201,
      handler: ({ user, ip, params, body }) => a.supersedeAs(user, ip, { materialId: params.id, ...body }),
    }),
    route({
      method: 'get',
      path: '/api/materials/:id/pages/:pageNo',
      summary: 'One scanned page (image; audited as page.view)',
      tags,
      permission: 'archive.read',
      params: S.pageParams,
      produces: 'image/jpeg',
      handler: ({ user, ip, params }) => v.page(user, ip, params.id, params.pageNo),
    }),
    route({
      method: 'get',
      path: '/api/materials/:id/pages/:pageNo/thumbnail',
      summary: 'A scanned page scaled down for the viewer’s thumbnail strip (JPEG, READING_THUMB_WIDTH wide; audited as page.thumbnail)',
      tags,
      permission: 'archive.read',
      params: S.pageParams,
      produces: 'image/jpeg',
      handler: ({ user, ip, params }) => v.thumbnail(user, ip, params.id, params.pageNo),
    }),
    route({
      method: 'post',
      path: '/api/materials/:id/pages',
      summary: 'Add one scanned page (JPEG, PNG or TIFF body) after the last page; refused on an archive 已验收 (422 digital_verified); a failing check moves an archive 已数字化 back to 部分数字化',
      description:
        'With `pageNo` (the page this upload creates) a retry is safe: 201 when it is the next page; 200 with `replayed: true` and nothing written when that page already holds the same image (sha256); 409 PAGE_EXISTS when it holds another image (replace it with PUT …/pages/:pageNo); 409 PAGE_NOT_NEXT past the next page. Without `pageNo` the page is appended after the last one.',
      tags,
      permission: 'archive.write',
      params: S.idParams,
      query: S.pageUploadQuery,
      binaryBody: { types: IMAGE_TYPES, maxBytes: 20 * 1024 * 1024 },
      response: z.object({
        pages: z.array(S.pageSchema),
        findings: z.array(S.findingSchema),
        digitalStatus: digitalAfter,
        replayed: z.boolean().openapi({ description: 'true: the page was already there with this image (a retry); nothing was written' }),
      }),
      status: 201,
      handler: async ({ user, ip, params, query, body }) => {
        const answer = await a.uploadPages(user, ip, params.id, [body as unknown as Buffer], query.pageNo);
        // A retry answers 200: nothing was created.
        return answer.replayed ? { raw: JSON.stringify(answer), contentType: 'application/json', status: 200 } : answer;
      },
    }),
    route({
      method: 'put',
      path: '/api/materials/:id/pages/:pageNo',
      summary: '重扫此页: replace one scanned page with a new image (JPEG, PNG or TIFF body); the material is checked again',
      description:
        'The page keeps its number; the old image stays on disk and its sha256 is in the audit row (page.replace). 404 when the page does not exist (new pages are added with POST …/pages); refused on an archive 已验收 (422 digital_verified); a failing check moves an archive 已数字化 back to 部分数字化.',
      tags,
      permission: 'archive.write',
      params: S.pageParams,
      binaryBody: { types: IMAGE_TYPES, maxBytes: 20 * 1024 * 1024 },
      response: z.object({ page: S.pageSchema, findings: z.array(S.findingSchema), digitalStatus: digitalAfter }),
      handler: ({ user, ip, params, body }) => a.replacePage(user, ip, params.id, params.pageNo, body as unknown as Buffer),
    }),
    route({
      method: 'post',
      path: '/api/materials/:id/pages/:pageNo/withdraw',
      summary: '撤下多余页: withdraw the last page of a material scanned past its 页数 (a page uploaded by mistake), with a reason; the material is checked again',
      description:
        'Archivist or chief of the office holding the archive (404 otherwise, as for an absent material or page; audited page.withdraw, denied with the reason). The page row is kept, marked withdrawn, and its image stays on disk; the audit row names its file and sha256. 422 RULE_VIOLATION page_withdraw when the page is not the last (details.kind not_last) or the pages left would be fewer than the catalogue’s 页数 (too_few); 422 digital_verified on an archive 已验收. The check made after it is recorded (trigger `withdraw`).',
      tags,
      permission: 'archive.write',
      params: S.pageParams,
      body: S.pageWithdrawBody,
      response: z.object({
        materialId: z.number().int(),
        seqNo: z.string(),
        pageNo: z.number().int(),
        scannedPages: z.number().int().openapi({ description: 'pages left (not withdrawn)' }),
        declaredPages: z.number().int(),
        findings: z.array(S.findingSchema),
        digitalStatus: digitalAfter,
      }),
      handler: ({ user, ip, params, body }) => a.withdrawPage(user, ip, params.id, params.pageNo, body.reason),
    }),
    route({ method: 'get', path: '/api/materials/:id/scan-check', summary: 'Findings of the scans against the catalogue row (page count, gaps, dpi, integrity)', tags, permission: 'archive.read', params: S.idParams, response: S.scanFindingsSchema, handler: ({ user, ip, params }) => v.scanFindings(user, ip, params.id) }),
    route({
      method: 'post',
      path: '/api/imports',
      summary: '历史数据迁移: import cadres, archives and catalogue rows from CSV or XLSX',
      description:
        'Sheets with a0101… columns are cadres (+ archive columns); sheets with e01z211… are catalogue rows. `dryRun=true` (the default) reports every bad row and writes nothing; a real run imports everything in one transaction or nothing. The server reads at most IMPORT_MAX_XLSX_READS XLSX files at once: one more is refused at once with 503 IMPORT_BUSY and Retry-After (nothing read, nothing written), never queued — sent as an XLSX (its content type), before its body is read.',
      tags,
      permission: 'archive.import',
      query: S.importQuery,
      binaryBody: { types: IMPORT_TYPES, maxBytes: 20 * 1024 * 1024 },
      // An XLSX while every reading slot is taken: refused before its bytes are read. Bytes sent as
      // application/octet-stream may be a CSV (no slot): they are told once read (import-read.ts).
      admit: (req) => {
        if (req.is(IMPORT_TYPES[1]) === IMPORT_TYPES[1]) a.xlsxReads.assertFree();
      },
      response: S.importReportSchema,
      handler: ({ user, ip, query, body, req, res }) => a.importFile(user, ip, body as unknown as Buffer, query.dryRun, req.is(IMPORT_TYPES[1]) === IMPORT_TYPES[1], clientGone(res)),
    }),
  ];
}
