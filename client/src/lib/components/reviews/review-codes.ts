// The words and colours of a 专项审核 in the user's language (server/reviews/codes.ts's statuses,
// copied into the dictionaries), the list's tabs, and the link that turns a finding of a failed
// review into a 材料催收 (the start form reads cadreId, title and categoryCode from its query).
import type { ArchiveReview, ArchiveReviewSummary } from '../../api/types.ts';
import { i18n } from '../../i18n/index.svelte.ts';

export type ReviewStatus = ArchiveReviewSummary['status'];
export type ReviewItem = ArchiveReview['items'][number];
export type ReviewAction = ArchiveReview['actions'][number];
/** What a review's dialog does: every action but marking. */
export type ReviewMove = Exclude<ReviewAction, 'mark'>;

export const REVIEW_STATUSES: ReviewStatus[] = ['draft', 'submitted', 'confirmed', 'cancelled'];
export const isReviewStatus = (s: string | null | undefined): s is ReviewStatus => !!s && (REVIEW_STATUSES as string[]).includes(s);

/** Being scored: blue; waiting on the chief: amber; confirmed: green; withdrawn: grey. */
export const statusBadge = (s: ReviewStatus): string => ({ draft: 'badge-info', submitted: 'badge-warn', confirmed: 'badge-ok', cancelled: '' })[s] ?? '';
export const statusLabel = (s: string, serverLabel?: string): string => i18n.tx(`reviews.status.${s}`, undefined, serverLabel ?? s);

/** The list's tabs: a status, or the confirmed reviews that failed (result=failed), or all. */
export type ReviewTab = '' | 'draft' | 'submitted' | 'confirmed' | 'failed' | 'cancelled';
export const REVIEW_TABS: ReviewTab[] = ['', 'draft', 'submitted', 'confirmed', 'failed', 'cancelled'];

/** Points as the standard writes them: 95, 93.5. */
export const points = (n: number): string => String(Math.round(n * 10) / 10);

/** Of a finding's note, the words a 催收 title starts with (the form takes 200). */
const TITLE_MAX = 100;

/**
 * Whether an item of a review is a finding to chase (发起材料催收): the review confirmed 不合格, and the
 * item lost points or failed as a 单项否决 item (a veto takes no points, and fails the archive).
 */
export function collectable(review: Pick<ArchiveReview, 'status' | 'passed'>, item: Pick<ReviewItem, 'mark'>): boolean {
  return review.status === 'confirmed' && review.passed === false && !!item.mark && (item.mark.deduction > 0 || item.mark.veto);
}

/** 发起材料催收 for an item a confirmed review took points off (or failed as a veto): the cadre, what is missing, where it files. */
export function collectionHref(cadreId: number, item: ReviewItem): string {
  const text = (item.mark?.note.trim() || item.criterion).slice(0, TITLE_MAX);
  const parts = [`cadreId=${cadreId}`, `title=${encodeURIComponent(text)}`];
  if (item.categoryCodes[0]) parts.push(`categoryCode=${encodeURIComponent(item.categoryCodes[0])}`);
  return `/start/collection-notice?${parts.join('&')}`;
}
