// Shapes of the scan quality API: a finding, a check's result, the list of failing materials.
import { z, intId, paging } from '../http/zod.ts';

export const idParams = z.object({ id: intId });

export const finding = z
  .object({
    code: z.enum(['PAGE_COUNT', 'PAGE_MISSING', 'PAGE_DUPLICATE', 'LOW_DPI', 'NO_DPI', 'FILE_MISSING', 'FILE_CHANGED', 'UNREADABLE', 'SIZE_MISMATCH']),
    pageNo: z.number().int().optional(),
    message: z.string(),
  })
  .openapi('ScanFinding');

export const materialCheck = z
  .object({ materialId: z.number().int(), seqNo: z.string(), passed: z.boolean(), findings: z.array(finding) })
  .openapi('MaterialScanCheck');

export const archiveCheck = z
  .object({
    archiveId: z.number().int(),
    checked: z.number().int(),
    notScanned: z.number().int().openapi({ description: 'materials without scans, not checked (the archive is not marked digitised)' }),
    failing: z.number().int(),
    results: z.array(z.object({ materialId: z.number().int(), seqNo: z.string(), title: z.string(), passed: z.boolean(), findings: z.array(finding) })),
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
        trigger: z.enum(['filing', 'upload', 'material', 'archive']),
        checkedAt: z.string(),
        checkedByName: z.string().nullable(),
        pagesDeclared: z.number().int(),
        pagesScanned: z.number().int(),
        minDpi: z.number().int(),
        findings: z.array(finding),
      }),
    ),
  })
  .openapi('FailingScans');
