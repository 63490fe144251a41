// One 专项审核工作's page state: the campaign with its progress, and the page of its archives the URL
// asks for (state=, q=, offset= — the API's own filters, so a reload, a link or the way back keeps
// them). The newest answer wins (LatestList); a page past the end goes back to the first.
import type { ApiRoutes, ReviewCampaign } from '../../lib/api/types.ts';
import { call } from '../../lib/api/client.ts';
import { router } from '../../lib/router/routes.ts';
import { PAGE_SIZE } from '../../lib/state/paged.svelte.ts';
import { LatestList } from '../../lib/state/latest.svelte.ts';
import { isCampaignState, type CampaignItemState } from '../../lib/components/review-campaigns/campaign-codes.ts';

type Items = ApiRoutes['GET /api/review-campaigns/:id/items']['response'];
export type StateTab = CampaignItemState | '';

export class CampaignState {
  campaign = $state<ReviewCampaign | null>(null);
  failure = $state<unknown>(null);
  readonly items = new LatestList<Items>();

  constructor(readonly id: number) {}

  /** The filter as the URL has it. */
  tab = $derived.by((): StateTab => {
    const s = router.current?.query.get('state');
    return isCampaignState(s) ? s : '';
  });
  q = $derived((router.current?.query.get('q') ?? '').trim().slice(0, 40));
  offset = $derived(Math.max(0, Math.floor(Number(router.current?.query.get('offset')) || 0)));

  get open(): boolean {
    return this.campaign?.status === 'open';
  }

  async load(): Promise<void> {
    try {
      this.campaign = await call('GET /api/review-campaigns/:id', { params: { id: this.id } });
      this.failure = null;
    } catch (e) {
      this.failure = e;
    }
  }

  loadItems(state: StateTab, q: string, offset: number): Promise<void> {
    return this.items.load(
      offset,
      () => call('GET /api/review-campaigns/:id/items', { params: { id: this.id }, query: { state: state || undefined, q: q || undefined, offset, limit: PAGE_SIZE } }),
      () => router.setQuery({ offset: null }),
    );
  }

  pick(state: StateTab): void {
    router.setQuery({ state: state || null, offset: null }, { push: true });
  }
  search(q: string): void {
    router.setQuery({ q: q.trim() || null, offset: null }, { push: true });
  }
  page(offset: number): void {
    router.setQuery({ offset: offset || null }, { push: true });
  }
}
