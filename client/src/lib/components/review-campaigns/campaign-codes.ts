// The words and colours of 专项审核工作 in the user's language: where each archive of a campaign
// stands (server/reviews/codes.ts's CAMPAIGN_ITEM_STATES, copied into the dictionaries), the
// management levels a campaign covers (none named: every archive of the office), and a score.
import type { ApiRoutes, ReviewCampaign } from '../../api/types.ts';
import { i18n } from '../../i18n/index.svelte.ts';

export type CampaignItem = ApiRoutes['GET /api/review-campaigns/:id/items']['response']['items'][number];
export type CampaignItemState = CampaignItem['state'];
export type ManagementLevel = ReviewCampaign['managementLevels'][number];

export const CAMPAIGN_STATES: CampaignItemState[] = ['not_started', 'draft', 'submitted', 'passed', 'failed'];
export const isCampaignState = (s: string | null | undefined): s is CampaignItemState => !!s && (CAMPAIGN_STATES as string[]).includes(s);

export const MANAGEMENT_LEVELS: ManagementLevel[] = ['central', 'provincial', 'municipal', 'county', 'unit'];

/** Not started: grey; being scored: blue; awaiting the chief: amber; 合格 green; 不合格 red. */
export const stateBadge = (s: CampaignItemState): string =>
  ({ not_started: '', draft: 'badge-info', submitted: 'badge-warn', passed: 'badge-ok', failed: 'badge-danger' })[s] ?? '';
export const stateLabel = (s: string, serverLabel?: string): string => i18n.tx(`campaigns.state.${s}`, undefined, serverLabel ?? s);

export const levelLabel = (code: string, serverLabel?: string): string => i18n.tx(`codes.level.${code}`, undefined, serverLabel ?? code);
/** "市管、县管", or 全部 when the campaign names no level. */
export const levelsText = (levels: readonly string[]): string =>
  levels.length ? levels.map((l) => levelLabel(l)).join(i18n.t('campaigns.levelsSep')) : i18n.t('campaigns.allLevels');
