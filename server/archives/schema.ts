// Input and output shapes of the archive API (zod; the OpenAPI document is generated from them).
import { z, intId, isoDate, visibleText, hasInvisible, INVISIBLE_MESSAGE } from '../http/zod.ts';
import { ARCHIVE_KIND_CODES, CORRECTED_FIELDS, MANAGEMENT_LEVEL_CODES } from './codes.ts';
import { STATUS_REASON_CODES } from './status-reason.ts';

const text = (max: number) => z.string().trim().min(1).max(max);
const optText = (max: number) => z.string().trim().max(max).nullish();
/** Optional text people read: nothing invisible in it (zero-width, bidi controls), "" or null for none. */
const optVisibleText = (max: number) => visibleText(0, max).nullish();

export const idParams = z.object({ id: intId });
export const pageParams = z.object({ id: intId, pageNo: intId });
export const pageUploadQuery = z.object({
  pageNo: intId.max(2000, '页码过大 / page number too large').optional().openapi({ description: 'the page this upload creates; makes a retry safe (see the description)' }),
});

/** 撤下多余页: why the page goes (uploaded by mistake, another material's page). */
export const pageWithdrawBody = z
  .object({
    reason: z
      .string({ error: '请写明撤下的原因 / Give the reason' })
      .trim()
      .min(2, '原因至少 2 个字 / The reason needs at least 2 characters')
      .max(200, '原因不能超过 200 个字 / The reason may have at most 200 characters')
      .refine((s) => !hasInvisible(s), INVISIBLE_MESSAGE),
  })
  .strict();

export const searchQuery = z.object({
  q: z.string().max(40).optional().openapi({ description: '姓名（包含）、拼音首字母或全拼（前缀）、身份证号（前缀）、档案号（前缀，不分大小写，仅本人可读的档案）、单位名称' }),
  unitId: intId.optional().openapi({ description: 'only cadres of this unit and the units under it' }),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const cadreHit = z.object({
  id: z.number().int(),
  name: z.string(),
  gender: z.string(),
  birthDate: z.string(),
  unitId: z.number().int(),
  unitName: z.string(),
  post: z.string().nullable(),
  managementLevel: z.string(),
  archiveNos: z.array(z.string()).openapi({ description: '档案号 of the archives of the cadre the caller reads (正本 first); tells namesakes apart' }),
});
export const searchResult = z
  .object({
    items: z.array(cadreHit),
    total: z.number().int().openapi({ description: 'number of matches, exact up to 1000; see totalExact' }),
    totalExact: z.boolean().openapi({ description: 'false when there are more than 1000 matches (show "1000+")' }),
    offset: z.number().int(),
    limit: z.number().int(),
  })
  .openapi('CadreSearchResult');

/** The answer of POST /api/imports (import.ts ImportReport). */
export const importReportSchema = z
  .object({
    dryRun: z.boolean(),
    imported: z.boolean().openapi({ description: 'true only when a real run wrote every row (all or nothing)' }),
    counts: z
      .object({ cadres: z.number().int(), archives: z.number().int(), materials: z.number().int() })
      .openapi({ description: 'what the file adds (a dry run: would add)' }),
    errors: z
      .array(
        z.object({
          sheet: z.string(),
          row: z.number().int().openapi({ description: 'the line in the file (the header row for a problem with a column)' }),
          column: z.string().nullable().openapi({ description: 'the header as written in the file; null for a problem with the whole row or sheet' }),
          problem: z.string().openapi({ description: 'Chinese / English' }),
        }),
      )
      .openapi({ description: 'the first 1,000 problems, by sheet and row' }),
    errorCount: z.number().int().openapi({ description: 'all problems (more than errors.length when they were cut)' }),
  })
  .openapi('ImportReport');

export const cadreBody = z
  .object({
    name: visibleText(1, 50),
    gender: z.enum(['1', '2']).openapi({ description: 'GB/T 2261.1: 1 男, 2 女' }),
    birthDate: isoDate,
    ethnicity: text(20),
    nativePlace: visibleText(1, 50),
    politicalStatus: visibleText(1, 20),
    partyJoinDate: isoDate.nullish(),
    workStartDate: isoDate.nullish(),
    idNumber: z.string().regex(/^\d{17}[\dX]$/, '18 characters'),
    education: optVisibleText(20),
    degree: optVisibleText(20),
    unitId: intId,
    post: optVisibleText(100),
    managementLevel: z.enum(MANAGEMENT_LEVEL_CODES),
    archive: z
      .object({
        archiveNo: z.string().trim().min(1).max(40).regex(/^[\w\-\u4e00-\u9fa5（）()〔〕]+$/).optional(),
        volumes: z.number().int().min(1).max(50).default(1),
        storeRoom: z.string().trim().max(40).optional(),
        cabinet: z.string().trim().max(40).optional(),
        shelf: z.string().trim().max(40).optional(),
      })
      .strict()
      .default({ volumes: 1 }),
  })
  .strict()
  .openapi('NewCadre');

export const familyBody = z
  .object({
    name: visibleText(1, 50),
    relation: visibleText(1, 20),
    birthDate: isoDate.nullish(),
    idNumber: z.string().regex(/^\d{17}[\dX]$/).nullish(),
    relatedCadreId: intId.nullish(),
    workUnit: optVisibleText(100),
  })
  .strict();

export const materialBody = z
  .object({
    categoryCode: z
      .string()
      .trim()
      .min(1, '请填写材料类别 / Give the category')
      .max(12, '材料类别过长 / The category is too long')
      .openapi({ description: "the 类号: '1' … '10', a sub-category '4-1' … '9-4'; also as written on paper: 一 … 十, 四-1, 99 (十类)", example: '4-1' }),
    title: text(200),
    titleCode: optText(20),
    formedDate: z.string().max(10),
    pages: z.number().int(),
    isCopy: z.boolean().default(false),
    copyDate: z.string().max(10).nullish(),
    remark: optText(200),
    producerOrgId: intId.nullish(),
  })
  .strict()
  .openapi('NewMaterial');

export const supersedeBody = materialBody
  .omit({ categoryCode: true })
  .partial()
  .extend({
    // Left out, the material keeps what it was: no default that would turn a copy into an original.
    isCopy: z.boolean().optional(),
    reason: z
      .string({ error: '请写明更正原因 / Give the reason for the correction' })
      .trim()
      .min(2, '更正原因至少 2 个字 / The reason needs at least 2 characters')
      .max(200, '更正原因不能超过 200 个字 / The reason may have at most 200 characters'),
  })
  .strict();

export const materialSchema = z
  .object({
    id: z.number().int(),
    archiveId: z.number().int(),
    categoryCode: z.string(),
    itemNo: z.number().int(),
    revision: z.number().int(),
    seqNo: z.string(),
    title: z.string(),
    formedDate: z.string(),
    pages: z.number().int(),
    isCopy: z.boolean(),
    copyDate: z.string().nullable(),
    remark: z.string().nullable(),
    producerOrgId: z.number().int().nullable(),
    supersedesMaterialId: z.number().int().nullable(),
    filedAt: z.string(),
    scannedPages: z.number().int().optional(),
  })
  .openapi('Material');

export const pageSchema = z.object({
  pageNo: z.number().int(),
  format: z.string(),
  sha256: z.string(),
  dpi: z.number().int().nullable(),
  colourMode: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  bytes: z.number().int(),
});

export const findingSchema = z.object({ code: z.string(), pageNo: z.number().int().optional(), message: z.string(), reason: z.string().optional() });

export const materialDetailSchema = materialSchema
  .extend({
    superseded: z.boolean().openapi({ description: 'a later row with the same 序号 replaces it' }),
    corrections: z
      .array(
        z.object({
          revision: z.number().int(),
          materialId: z.number().int(),
          at: z.string(),
          byName: z.string().nullable(),
          reason: z.string().nullable(),
          changes: z.array(
            z.object({
              field: z.enum(CORRECTED_FIELDS),
              from: z.union([z.string(), z.number(), z.boolean()]).nullable(),
              to: z.union([z.string(), z.number(), z.boolean()]).nullable(),
            }),
          ),
        }),
      )
      .openapi({ description: 'the corrections (更正) of this 序号, oldest first, each with who, when, why and what changed (producerOrgId as the unit’s name); the office’s only — empty for a reader with a grant' }),
    pageImages: z.array(pageSchema),
    pageMarks: z
      .array(z.object({ pageNo: z.number().int(), reason: z.string(), markedAt: z.string(), markedByName: z.string().nullable() }))
      .openapi({ description: 'pages marked failing by eye (标为不合格) and not rescanned since' }),
  })
  .openapi('MaterialDetail');

export const scanFindingsSchema = z.object({ materialId: z.number().int(), findings: z.array(findingSchema) });

export const fieldHistorySchema = z.object({
  items: z.array(
    z.object({
      field: z.string(),
      version: z.number().int(),
      oldValue: z.string().nullable(),
      newValue: z.string().nullable(),
      oldText: z.string().nullable().openapi({ description: 'the old value as a reader says it where the value is an id (a unit’s name for org_unit_id), else null' }),
      newText: z.string().nullable().openapi({ description: 'the new value as a reader says it where the value is an id, else null' }),
      basisMaterialId: z.number().int().nullable(),
      basisInstanceId: z.string().nullable(),
      basisDocument: z.string().nullable(),
      actor: z.string().nullable(),
      at: z.string(),
      basisMaterial: z
        .object({ id: z.number().int(), archiveId: z.number().int(), seqNo: z.string(), title: z.string() })
        .nullable()
        .openapi({ description: 'the basis material when the caller may read it (its archive and category); null otherwise or when there is none' }),
      basisCase: z
        .object({ instanceId: z.string(), caseNo: z.string().nullable(), readable: z.boolean().openapi({ description: 'whether the caller may open the case' }) })
        .nullable(),
    }),
  ),
});

export const categoryListSchema = z.array(
  z.object({ code: z.string(), numeral: z.string(), name: z.string(), parentCode: z.string().nullable(), divided: z.boolean(), active: z.boolean() }),
);

const archiveCore = {
  id: z.number().int(),
  cadreId: z.number().int(),
  archiveNo: z.string(),
  kind: z.string(),
  kindLabel: z.string(),
  volumes: z.number().int(),
  custodianOrgId: z.number().int(),
  custodianName: z.string(),
  location: z.object({ storeRoom: z.string().nullable(), cabinet: z.string().nullable(), shelf: z.string().nullable() }),
  awaitingShelving: z.boolean().describe('received and not yet 入库上架: no place in this office yet'),
  senderNumber: z.boolean().describe('the number is still the sending office\'s, replaced at 入库'),
  status: z.string(),
  statusLabel: z.string(),
  digitalStatus: z.string(),
  digitalStatusLabel: z.string(),
};

export const cadreSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    gender: z.string(),
    genderLabel: z.string(),
    birthDate: z.string(),
    birthDateRuling: z.string().nullable().openapi({ description: 'the 信息更正 case number that settled (认定) the birth date, or null' }),
    idNumberBirthDate: z.string().nullable().openapi({ description: 'the date inside the ID number when it differs from the birth date (a 认定 birth date), else null' }),
    ethnicity: z.string(),
    nativePlace: z.string(),
    politicalStatus: z.string(),
    partyJoinDate: z.string().nullable(),
    workStartDate: z.string().nullable(),
    idNumber: z.string(),
    education: z.string().nullable(),
    degree: z.string().nullable(),
    unitId: z.number().int(),
    unitName: z.string(),
    post: z.string().nullable(),
    managementLevel: z.string(),
    managementLevelLabel: z.string(),
    family: z.array(z.object({ id: z.number().int(), name: z.string(), relation: z.string(), birthDate: z.string().nullable(), relatedCadreId: z.number().int().nullable(), workUnit: z.string().nullable() })),
    familyWithheld: z.boolean().openapi({ description: 'true for a reader through a reading grant: the family members are not shown (nor any archive’s location)' }),
    archives: z.array(z.object(archiveCore)),
  })
  .openapi('Cadre');

export const archiveSchema = z
  .object({
    ...archiveCore,
    cadre: z.object({ id: z.number().int(), name: z.string(), unitName: z.string(), post: z.string().nullable() }),
    access: z.enum(['custody', 'grant']),
    grantedCategories: z.array(z.string()).nullable(),
    statusHistory: z.array(z.object({ fromStatus: z.string().nullable(), toStatus: z.string(), reason: z.string(), systemReason: z.object({ code: z.enum(STATUS_REASON_CODES), params: z.record(z.string(), z.string()) }).nullable().openapi({ description: 'a move the system made (a loan, 数字化出库/回库, a transfer): the reason as data, worded in the reader’s language; null for a reason a person typed (shown as typed)' }), instanceId: z.string().nullable(), actorId: z.number().int().nullable(), actorName: z.string().nullable(), at: z.string() })),
    digitalHistory: z.array(
      z.object({
        fromStatus: z.string(),
        toStatus: z.string(),
        note: z.string().nullable(),
        autoBack: z
          .object({ seqNo: z.string(), codes: z.array(z.string()) })
          .nullable()
          .openapi({ description: 'a move back the scan check made on its own: the material and the findings (codes as in the check result); null for a move a person made' }),
        actorId: z.number().int().nullable(),
        actorName: z.string().nullable(),
        at: z.string(),
        checked: z.number().int(),
      }),
    ),
    digitalTransitions: z.array(z.string()).openapi({ description: 'the digital statuses the caller may move the archive to now (POST /api/archives/:id/digital-status)' }),
  })
  .openapi('Archive');

export const catalogueSchema = z
  .object({
    archiveId: z.number().int(),
    categories: z.array(z.object({ code: z.string(), numeral: z.string(), name: z.string(), parentCode: z.string().nullable(), materials: z.array(materialSchema) })),
  })
  .openapi('Catalogue');

export const custodyBody = z
  .object({
    rootOrgId: intId,
    managementLevels: z.array(z.enum(MANAGEMENT_LEVEL_CODES)).min(1),
    archiveKind: z.enum(ARCHIVE_KIND_CODES).default('original'),
    note: z.string().trim().max(200).optional(),
  })
  .strict();

export const custodySchema = z.object({
  id: z.number().int(),
  custodianOrgId: z.number().int(),
  rootOrgId: z.number().int(),
  managementLevels: z.array(z.string()),
  archiveKind: z.string(),
  note: z.string().nullable(),
});

export const orgUnitSchema = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  kind: z.string(),
  parentId: z.number().int().nullable(),
  path: z.string(),
  isCustodian: z.boolean(),
  sortOrder: z.number().int(),
});

export const importQuery = z.object({
  dryRun: z.enum(['true', 'false', '1', '0']).default('true').transform((v) => v === 'true' || v === '1'),
});
