// 专项审核: the states of an archive review. The reviewer scores (审核中) and submits (待复核); the
// office's chief confirms the score (已认定) or sends it back to the reviewer. A draft may be
// withdrawn (已撤销).

export const REVIEW_STATUSES = {
  draft: { zh: '审核中', en: 'Being reviewed' },
  submitted: { zh: '待复核', en: 'Awaiting confirmation' },
  confirmed: { zh: '已认定', en: 'Confirmed' },
  cancelled: { zh: '已撤销', en: 'Withdrawn' },
} as const;
export type ReviewStatus = keyof typeof REVIEW_STATUSES;
export const REVIEW_STATUS_CODES = Object.keys(REVIEW_STATUSES) as [ReviewStatus, ...ReviewStatus[]];

/** A review still under way: one per archive at a time. */
export const OPEN_REVIEW: readonly ReviewStatus[] = ['draft', 'submitted'];

/** Deductions go in half points (the standard's finest rule is 每缺一份扣0.5分). */
export const DEDUCTION_STEP = 0.5;

/** 专项审核工作: where each archive of a campaign stands, by its newest review made for the campaign. */
export const CAMPAIGN_ITEM_STATES = {
  not_started: { zh: '未开始', en: 'Not started' },
  draft: { zh: '审核中', en: 'Being reviewed' },
  submitted: { zh: '待复核', en: 'Awaiting confirmation' },
  passed: { zh: '合格', en: 'Passed' },
  failed: { zh: '不合格', en: 'Failed' },
} as const;
export type CampaignItemState = keyof typeof CAMPAIGN_ITEM_STATES;
export const CAMPAIGN_ITEM_STATE_CODES = Object.keys(CAMPAIGN_ITEM_STATES) as [CampaignItemState, ...CampaignItemState[]];

/**
 * Why a campaign does not count a review of one of its archives (its items' `outside`): made for
 * another campaign, scored on another version of the standard, going on after the campaign closed,
 * a second look at an archive it counts 合格, or none of these (made for no campaign).
 */
export const OUTSIDE_REASONS = ['other_campaign', 'other_version', 'after_close', 'passed_again', 'other'] as const;
export type OutsideReason = (typeof OUTSIDE_REASONS)[number];
