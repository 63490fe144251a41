// Shapes of the scan quality API: a finding, a check's result, the list of failing materials, a
// page marked failing by eye (标为不合格).
import { z, intId, paging } from '../http/zod.ts';
import { DIGITAL_STATUS_CODES } from '../archives/codes.ts';

export const idParams = z.object({ id: intId });
export const pageParams = z.object({ id: intId, pageNo: intId });

/** 标为不合格: why the page fails by eye (illegible, skewed, the wrong material). */
export const markBody = z
  .object({
    reason: z
      .string({ error: '请写明不合格的原因 / Give the reason' })
      .trim()
      .min(2, '原因至少 2 个字 / The reason needs at least 2 characters')
      .max(200, '原因不能超过 200 个字 / The reason may have at most 200 characters'),
  })
  .strict();

export const finding = z
  .object({
    code: z.enum(['PAGE_COUNT', 'PAGE_MISSING', 'PAGE_DUPLICATE', 'DUPLICATE_ELSEWHERE', 'LOW_DPI', 'NO_DPI', 'FILE_MISSING', 'FILE_CHANGED', 'UNREADABLE', 'SIZE_MISMATCH', 'MARKED_FAILING']),
    pageNo: z.number().int().optional(),
    message: z.string(),
    reason: z.string().optional().openapi({ description: 'MARKED_FAILING: the archivist’s reason, as written' }),
    elsewhere: z
      .object({ archiveNos: z.array(z.string()) })
      .optional()
      .openapi({ description: 'DUPLICATE_ELSEWHERE on /quality: the 档案号 of the other archives holding the image that the reader’s scope covers (of others nothing, not even their number)' }),
  })
  .openapi('ScanFinding');

export const materialCheck = z
  .object({ materialId: z.number().int(), seqNo: z.string(), passed: z.boolean(), findings: z.array(finding) })
  .openapi('MaterialScanCheck');

const checkResult = z.object({ materialId: z.number().int(), seqNo: z.string(), title: z.string(), passed: z.boolean(), findings: z.array(finding) });

export const archiveCheck = z
  .object({
    archiveId: z.number().int(),
    checked: z.number().int(),
    notScanned: z.number().int().openapi({ description: 'materials without scans, not checked (the archive is not marked digitised)' }),
    failing: z.number().int(),
    results: z.array(checkResult),
  })
  .openapi('ArchiveScanCheck');

export const failingQuery = z.object({ archiveId: intId.optional(), custodianOrgId: intId.optional(), ...paging });

export const failingList = z
  .object({
    total: z.number().int(),
    items: z.array(
      z.object({
        checkId: z.number().int(),
        materialId: z.number().int(),
        seqNo: z.string(),
        title: z.string(),
        archiveId: z.number().int(),
        archiveNo: z.string(),
        custodianOrgId: z.number().int(),
        cadreId: z.number().int(),
        cadreName: z.string(),
        trigger: z.enum(['filing', 'upload', 'material', 'archive', 'mark', 'withdraw']),
        checkedAt: z.string(),
        checkedByName: z.string().nullable(),
        pagesDeclared: z.number().int(),
        pagesScanned: z.number().int(),
        lastPage: z.number().int().nullable().openapi({ description: 'the material’s last page now (not withdrawn): the one 撤下多余页 (POST …/pages/:pageNo/withdraw) may withdraw' }),
        minDpi: z.number().int(),
        findings: z.array(finding),
      }),
    ),
  })
  .openapi('FailingScans');

export const digitalBody = z
  .object({
    to: z.enum(DIGITAL_STATUS_CODES).exclude(['none']).openapi({ description: 'partial 部分数字化 · done 已数字化 · verified 已验收 (archive chief)' }),
    note: z.string().trim().max(500).optional().openapi({ description: 'why; required for a move back (done → partial, verified → done or partial)' }),
  })
  .strict();

export const digitalChange = z
  .object({
    archiveId: z.number().int(),
    fromStatus: z.string(),
    toStatus: z.string(),
    toStatusLabel: z.string(),
    checked: z.number().int().openapi({ description: 'materials whose scans were checked for this move' }),
    results: z.array(checkResult),
  })
  .openapi('DigitalStatusChange');

export const pageMark = z
  .object({
    materialId: z.number().int(),
    seqNo: z.string(),
    pageNo: z.number().int(),
    passed: z.boolean(),
    findings: z.array(finding),
    digitalStatus: z
      .object({ status: z.string(), label: z.string(), from: z.string().nullable() })
      .openapi({ description: 'the archive’s digital status after the mark; `from` is set when the mark moved it back to 部分数字化' }),
  })
  .openapi('PageMark');
