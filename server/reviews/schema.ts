// Shapes of 专项审核: open a review of an archive, mark an item of the standard, submit, decide,
// and the answers.
import { z, intId, isoDate, paging } from '../http/zod.ts';
import { MANAGEMENT_LEVEL_CODES } from '../archives/codes.ts';
import { CAMPAIGN_ITEM_STATE_CODES, DEDUCTION_STEP, OUTSIDE_REASONS, REVIEW_STATUS_CODES } from './codes.ts';

export const idParams = z.object({ id: intId });
export const itemParams = z.object({ id: intId, no: z.coerce.number().int().min(1).max(999) });

export const startBody = z
  .object({
    archiveId: intId,
    campaignId: intId
      .optional()
      .openapi({ description: 'the 专项审核工作 the review is made for (open, of the office, listing the archive); left out, the open campaign of the office listing the archive, unless it already counts it 合格' }),
  })
  .strict();

export const listQuery = z
  .object({
    archiveId: intId.optional(),
    custodianOrgId: intId.optional(),
    status: z.enum(REVIEW_STATUS_CODES).optional(),
    result: z.enum(['passed', 'failed']).optional().openapi({ description: 'confirmed reviews only: 合格 or 不合格' }),
    q: z.string().trim().min(1).max(40).optional().openapi({ description: '档案号 or the cadre’s name (contains)' }),
    campaignId: intId.optional(),
    ...paging,
  })
  .strict();

export const markBody = z
  .object({
    deduction: z
      .number({ error: '请填写扣分 / give the points off' })
      .min(0, '扣分不能为负数 / points off cannot be negative')
      .max(100, '扣分不能超过 100 分 / at most 100 points off')
      .refine((d) => Number.isInteger(d / DEDUCTION_STEP), { message: `扣分以 ${DEDUCTION_STEP} 分为单位 / deductions go in steps of ${DEDUCTION_STEP}` })
      .openapi({ description: 'points taken off this item (at most its maxScore); 0 with veto false clears the mark' }),
    veto: z.boolean({ error: '单项否决应为是或否 / veto is true or false' }).default(false).openapi({ description: '单项否决 items only: the item fails, and the archive with it' }),
    note: z.string({ error: '问题说明应为文字 / the note is text' }).trim().max(500, '问题说明最多 500 个字 / at most 500 characters').default('').openapi({ description: 'what is wrong or missing; required for a deduction or a veto' }),
    materialIds: z.array(intId).max(20, '最多选 20 份材料 / at most 20 materials').default([]).openapi({ description: 'materials of the archive the finding concerns' }),
  })
  .strict()
  .refine((b) => (b.deduction === 0 && !b.veto) || b.note.length > 0, { path: ['note'], message: '扣分须写明原因 / say what is wrong' });

export const cancelBody = z.object({ reason: z.string({ error: '请写明撤销原因 / say why' }).trim().min(1, '请写明撤销原因 / say why').max(500, '原因最多 500 个字 / at most 500 characters') }).strict();

export const withdrawBody = z.object({ reason: z.string({ error: '请写明撤回原因 / say why' }).trim().min(1, '请写明撤回原因 / say why').max(500, '原因最多 500 个字 / at most 500 characters') }).strict();

export const submitBody = z.object({ summary: z.string({ error: '请填写审核意见 / give the review’s opinion' }).trim().min(1, '请填写审核意见 / give the review’s opinion').max(1000, '审核意见最多 1000 个字 / at most 1000 characters').openapi({ description: '审核意见' }) }).strict();

export const decideBody = z
  .object({
    decision: z.enum(['confirm', 'return'], { error: '请选择认定或退回 / confirm or return' }),
    note: z.string({ error: '说明应为文字 / the note is text' }).trim().max(500, '说明最多 500 个字 / at most 500 characters').default(''),
  })
  .strict()
  .refine((b) => b.decision === 'confirm' || b.note.length > 0, { path: ['note'], message: '退回须写明原因 / say why it goes back' });

const mark = z.object({
  deduction: z.number(),
  veto: z.boolean(),
  note: z.string(),
  materialIds: z.array(z.number().int()),
  markedByName: z.string().nullable(),
  markedAt: z.string(),
});

const item = z.object({
  no: z.number().int(),
  criterion: z.string(),
  deductionRule: z.string(),
  maxScore: z.number(),
  veto: z.boolean().openapi({ description: '单项否决 item' }),
  categoryCodes: z.array(z.string()).openapi({ description: 'catalogue categories where its materials are filed' }),
  mark: mark.nullable(),
});

const summaryFields = {
  id: z.number().int(),
  archiveId: z.number().int(),
  archiveNo: z.string(),
  cadreId: z.number().int(),
  cadreName: z.string(),
  custodianOrgId: z.number().int(),
  officeName: z.string(),
  status: z.enum(REVIEW_STATUS_CODES),
  statusLabel: z.string(),
  reviewerId: z.number().int(),
  reviewerName: z.string().nullable(),
  startedAt: z.string(),
  submittedAt: z.string().nullable(),
  score: z.number().openapi({ description: 'points kept: the total of the standard less the deductions (live while being reviewed)' }),
  maxScore: z.number(),
  percent: z.number().openapi({
    description: 'the score out of 100 (against maxScore), one decimal TRUNCATED (79.96 → 79.9): as 待复核 and 统计分析 show it; it reaches passScore exactly when confirming gives 合格 (no veto)',
  }),
  vetoed: z.boolean(),
  passScore: z.number().openapi({ description: 'the pass mark, out of 100 (REVIEW_PASS_SCORE when submitted)' }),
  passed: z.boolean().nullable().openapi({ description: '合格/不合格 once confirmed; null before' }),
  decidedByName: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
  returns: z.number().int(),
  campaignId: z.number().int().nullable(),
  campaignTitle: z.string().nullable(),
  standardVersion: z.number().int().openapi({ description: 'the version of the 审核标准 the review is scored on (the newest when it was opened)' }),
};

export const reviewCounts = z.object({ mine: z.number().int(), toConfirm: z.number().int() });

export const awaitingQuery = z
  .object({
    for: z
      .enum(['me', 'office'])
      .default('me')
      .openapi({ description: '`me`: those the caller may confirm (not his own, no cadre he must avoid) — the 工作台 tile’s `toConfirm`; `office`: every one of the office' }),
    ...paging,
  })
  .strict();

export const awaitingReview = z
  .object({
    id: z.number().int(),
    archiveNo: z.string(),
    reviewerName: z.string().nullable(),
    submittedAt: z.string(),
    waitingDays: z.number().int().openapi({ description: 'Beijing calendar days since it was submitted: 0 the same day' }),
    score: z.number().openapi({
      description: 'out of 100, one decimal TRUNCATED (79.96 → 79.9, never shown as a pass that fails): the score against its 审核标准 version’s total (as 统计分析 counts it and passScore reads), so a legacy version’s 87 of 147 is 59.1 (59.18…)',
    }),
    passScore: z.number(),
    vetoed: z.boolean(),
    campaignTitle: z.string().nullable(),
    confirmable: z.boolean().openapi({ description: 'the caller may confirm it (false: he is its reviewer)' }),
  })
  .openapi('AwaitingReview');
export const awaitingList = z.object({ total: z.number().int(), items: z.array(awaitingReview) });

export const reviewSummary = z.object(summaryFields).openapi('ArchiveReviewSummary');
export const reviewList = z.object({ total: z.number().int(), items: z.array(reviewSummary) });

export const review = z
  .object({
    ...summaryFields,
    summary: z.string().nullable(),
    items: z.array(item),
    confirmable: z
      .boolean()
      .nullable()
      .openapi({ description: 'submitted reviews: whether a chief of the office may confirm it (false: every chief is its reviewer or must avoid the cadre, or there is none — review_unstaffed was sent); else null' }),
    actions: z.array(z.enum(['mark', 'submit', 'withdraw', 'cancel', 'confirm', 'return'])).openapi({ description: 'what the caller may do now (withdraw: 撤回提交, the reviewer takes back a submission nobody has decided)' }),
    history: z
      .array(z.object({ action: z.enum(['submit', 'withdraw', 'return', 'confirm', 'cancel', 'detach']), actorName: z.string().nullable(), at: z.string(), note: z.string().nullable(), score: z.number().nullable() }))
      .openapi({ description: 'every submission (with its opinion and score), return (reason), confirmation and withdrawal, oldest first' }),
  })
  .openapi('ArchiveReview');

// 专项审核工作 (review campaigns)

export const campaignStartBody = z
  .object({
    title: z.string({ error: '请填写名称 / give a title' }).trim().min(1, '请填写名称 / give a title').max(100, '名称最多 100 个字 / at most 100 characters'),
    managementLevels: z.array(z.enum(MANAGEMENT_LEVEL_CODES)).max(MANAGEMENT_LEVEL_CODES.length).default([]).openapi({ description: 'the cadres’ management levels it covers; [] = every archive the office holds' }),
    dueDate: isoDate.openapi({ description: 'Beijing day by which the reviews are to be confirmed (today … three years ahead)' }),
  })
  .strict();

export const campaignListQuery = z.object({ custodianOrgId: intId.optional(), archiveId: intId.optional().openapi({ description: 'only the campaigns that list this archive' }) }).strict();

export const campaignItemsQuery = z
  .object({
    state: z.enum(CAMPAIGN_ITEM_STATE_CODES).optional(),
    q: z.string().trim().min(1).max(40).optional().openapi({ description: '档案号 or the cadre’s name (contains)' }),
    ...paging,
  })
  .strict();

export const campaignCloseBody = z.object({ note: z.string({ error: '说明应为文字 / the note is text' }).trim().max(500, '说明最多 500 个字 / at most 500 characters').optional().openapi({ description: 'required when archives are left unconfirmed' }) }).strict();

export const campaign = z
  .object({
    id: z.number().int(),
    custodianOrgId: z.number().int(),
    officeName: z.string(),
    title: z.string(),
    managementLevels: z.array(z.enum(MANAGEMENT_LEVEL_CODES)),
    dueDate: z.string(),
    overdue: z.boolean().openapi({ description: 'open, past its due day, archives unconfirmed' }),
    status: z.enum(['open', 'closed']),
    startedAt: z.string(),
    startedByName: z.string().nullable(),
    closedAt: z.string().nullable(),
    closedByName: z.string().nullable(),
    closeNote: z.string().nullable(),
    standardVersion: z.number().int().openapi({ description: 'the 审核标准 version its reviews are scored on: the one in force when it opened' }),
    actions: z.array(z.enum(['start_review', 'close'])).openapi({ description: 'what the caller may do now: start reviews for it (the office’s staff), close it (its chief)' }),
    progress: z.object({
      total: z.number().int(),
      confirmed: z.number().int(),
      byState: z.object(Object.fromEntries(CAMPAIGN_ITEM_STATE_CODES.map((s) => [s, z.number().int()])) as Record<(typeof CAMPAIGN_ITEM_STATE_CODES)[number], z.ZodNumber>),
    }),
  })
  .openapi('ReviewCampaign');

export const campaignList = z.object({ items: z.array(campaign) });

export const campaignItems = z.object({
  total: z.number().int(),
  maxScore: z.number().openapi({ description: 'the total points of the campaign’s version of the standard' }),
  items: z.array(
    z.object({
      archiveId: z.number().int(),
      archiveNo: z.string(),
      cadreId: z.number().int(),
      cadreName: z.string(),
      managementLevel: z.string(),
      managementLevelLabel: z.string(),
      state: z.enum(CAMPAIGN_ITEM_STATE_CODES),
      stateLabel: z.string(),
      reviewId: z.number().int().nullable(),
      score: z.number().nullable(),
      vetoed: z.boolean().nullable(),
      passed: z.boolean().nullable().openapi({ description: '合格/不合格 once confirmed' }),
      maxScore: z.number().nullable().openapi({ description: 'the total points of the standard version the review is scored on; null without a review' }),
      outside: z
        .object({
          reviewId: z.number().int(),
          status: z.enum(REVIEW_STATUS_CODES),
          statusLabel: z.string(),
          passed: z.boolean().nullable(),
          standardVersion: z.number().int(),
          campaignId: z.number().int().nullable(),
          campaignTitle: z.string().nullable().openapi({ description: 'the other campaign it was made for (reason other_campaign); else null' }),
          reason: z.enum(OUTSIDE_REASONS).openapi({
            description:
              'why it does not count: other_campaign (made for another campaign), other_version (another version of the standard), after_close (under way or confirmed after this campaign closed), passed_again (the campaign counts the archive 合格 already), other',
          }),
        })
        .nullable()
        .openapi({ description: 'the archive’s newest review the campaign does not count — under way, or confirmed since the campaign opened; else null' }),
    }),
  ),
});

// 审核标准 (standards.ts): its versions, one version's items, and the next version to publish.
export const versionParams = z.object({ version: z.coerce.number().int().min(1).max(100_000) });

const standardItem = z.object({
  no: z.number().int(),
  criterion: z.string(),
  deductionRule: z.string(),
  maxScore: z.number(),
  veto: z.boolean().openapi({ description: '单项否决 item' }),
  categoryCodes: z.array(z.string()),
});

const versionHead = {
  version: z.number().int(),
  basis: z.string().openapi({ description: '依据: the document the version rests on, or why it changed' }),
  publishedByName: z.string().nullable().openapi({ description: 'null for the seeded first version' }),
  publishedAt: z.string(),
};

export const standardList = z
  .object({
    current: z.number().int().openapi({ description: 'the version new reviews are made on' }),
    passScore: z.number().openapi({ description: 'the pass mark (REVIEW_PASS_SCORE)' }),
    items: z.array(
      z.object({
        ...versionHead,
        items: z.number().int(),
        vetoItems: z.number().int(),
        points: z.number(),
        reviews: z.number().int().openapi({ description: 'reviews made on this version' }),
      }),
    ),
  })
  .openapi('ReviewStandardList');

export const standardVersion = z
  .object({ ...versionHead, current: z.boolean(), points: z.number(), passScore: z.number(), items: z.array(standardItem) })
  .openapi('ReviewStandard');

const newItem = z
  .object({
    criterion: z
      .string({ error: '请填写审核内容 / give the criterion' })
      .trim()
      .min(2, '审核内容至少 2 个字 / the criterion takes at least 2 characters')
      .max(400, '审核内容最多 400 个字 / the criterion takes at most 400 characters')
      .openapi({ description: '审核内容: what the archive must hold or show' }),
    deductionRule: z
      .string({ error: '请填写扣分标准 / give the deduction rule' })
      .trim()
      .min(1, '请填写扣分标准 / give the deduction rule')
      .max(200, '扣分标准最多 200 个字 / the deduction rule takes at most 200 characters')
      .openapi({ description: '扣分标准' }),
    maxScore: z
      .number({ error: '请填写分值 / give the item’s points' })
      .min(DEDUCTION_STEP, `分值至少 ${DEDUCTION_STEP} 分 / at least ${DEDUCTION_STEP} points`)
      .max(100, '分值不能超过 100 分 / at most 100 points')
      .refine((d) => Number.isInteger(d / DEDUCTION_STEP), { message: `分值以 ${DEDUCTION_STEP} 分为单位 / points go in steps of ${DEDUCTION_STEP}` }),
    veto: z.boolean({ error: '请说明是否单项否决 / say whether it is a veto item' }),
    categoryCodes: z
      .array(z.string({ error: '材料类别应为文字 / a category is text' }).trim().min(1, '材料类别不能为空 / a category cannot be empty').max(4, '材料类别代码最多 4 个字 / a category code takes at most 4 characters'), {
        error: '请给出材料类别（可为空列表） / give the categories (an empty list is fine)',
      })
      .max(8, '最多 8 个材料类别 / at most 8 categories')
      .openapi({ description: 'catalogue categories where the item’s materials are filed (may be empty)' }),
  })
  .strict();

export const publishBody = z
  .object({
    baseVersion: z.number({ error: '请给出所依据的版本 / give the version you started from' }).int('版本应为整数 / a version is a whole number').min(1, '版本至少为 1 / versions start at 1').openapi({ description: 'the version the editor started from (409 STANDARD_CHANGED when another was published since)' }),
    basis: z.string({ error: '请填写依据 / give the basis' }).trim().min(2, '依据至少 2 个字 / the basis takes at least 2 characters').max(200, '依据最多 200 个字 / the basis takes at most 200 characters'),
    items: z
      .array(newItem, { error: '请给出审核项目 / give the items' })
      .min(1, '至少 1 个审核项目 / at least one item')
      .max(60, '最多 60 个审核项目 / at most 60 items')
      .openapi({ description: 'the items in order; they are numbered 1… as given' }),
  })
  .strict();
