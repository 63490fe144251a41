// The inbox page's state: filters mirrored in the URL (so links, back and reload keep them), the
// current page of tasks, and a conditional poll that refreshes it without a reload.
import type { DueState, InboxFacets, InboxItem } from '../../lib/api/types.ts';
import { call, poll } from '../../lib/api/client.ts';
import { router } from '../../lib/router/routes.ts';
import { session } from '../../lib/state/session.svelte.ts';
import { Turns } from '../../lib/state/turns.ts';

export type ListFilter = 'open' | 'mine' | 'candidate' | 'completed';
export const PAGE_SIZE = 50;
const FILTERS: ListFilter[] = ['open', 'mine', 'candidate', 'completed'];
const DUES: DueState[] = ['overdue', 'soon', 'later', 'none'];

export class InboxState {
  filter = $state<ListFilter>('open');
  processKey = $state('');
  due = $state<DueState | ''>('');
  unitId = $state('');
  q = $state('');
  sort = $state<'due' | 'age'>('due');
  offset = $state(0);

  items = $state<InboxItem[]>([]);
  total = $state(0);
  loading = $state(true);
  error = $state<unknown>(null);
  facets = $state<InboxFacets>({ processes: [], units: [] });
  /** Announced to screen readers when a background refresh brought something new. */
  announcement = $state('');

  private etag: string | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  /** The list and the filter menus each apply only the answer to their newest request. */
  private readonly listTurns = new Turns();
  private readonly facetTurns = new Turns();

  constructor(query: URLSearchParams) {
    const f = query.get('filter') as ListFilter;
    if (FILTERS.includes(f)) this.filter = f;
    this.processKey = query.get('processKey') ?? '';
    const d = query.get('due') as DueState;
    if (DUES.includes(d)) this.due = d;
    this.unitId = /^\d+$/.test(query.get('unitId') ?? '') ? query.get('unitId')! : '';
    this.q = query.get('q') ?? '';
    if (query.get('sort') === 'age') this.sort = 'age';
    const o = Number(query.get('offset'));
    this.offset = Number.isInteger(o) && o > 0 ? o : 0;
  }

  get hasFilters(): boolean {
    return !!(this.processKey || this.due || this.unitId || this.q);
  }

  private query() {
    return {
      filter: this.filter,
      processKey: this.processKey || undefined,
      due: this.filter === 'completed' ? undefined : this.due || undefined,
      unitId: this.unitId ? Number(this.unitId) : undefined,
      q: this.q.trim() || undefined,
      sort: this.sort,
      offset: this.offset,
      limit: PAGE_SIZE,
    };
  }

  /** Reloads after the user changed something: URL first, then data, then the filter menus. */
  async changed(): Promise<void> {
    router.setQuery({
      filter: this.filter === 'open' ? null : this.filter,
      processKey: this.processKey,
      due: this.due,
      unitId: this.unitId,
      q: this.q.trim(),
      sort: this.sort === 'due' ? null : this.sort,
      offset: this.offset || null,
    });
    await Promise.all([this.load(false), this.loadFacets()]);
  }

  async load(background: boolean): Promise<void> {
    const current = this.listTurns.take();
    if (!background) this.loading = true;
    try {
      const r = await poll('GET /api/tasks', background ? this.etag : null, { query: this.query(), background });
      if (!current()) return;
      if (r.changed) {
        this.items = r.data.items;
        this.total = r.data.total;
        this.etag = r.etag;
        session.syncClock(r.data.serverTime);
        if (background) this.announcement = `${r.data.total}`;
      }
      this.error = null;
    } catch (e) {
      if (current() && !background) this.error = e;
    } finally {
      if (current()) this.loading = false;
    }
  }

  /** The menus of the tab shown: a slower answer for the tab left before must not replace them. */
  async loadFacets(): Promise<void> {
    const current = this.facetTurns.take();
    try {
      const facets = await call('GET /api/tasks/facets', { query: { filter: this.filter } });
      if (current()) this.facets = facets;
    } catch {
      /* the menus keep what they had */
    }
  }

  startPolling(): void {
    const every = (session.settings?.pollSeconds ?? 15) * 1000;
    this.timer = setInterval(() => {
      if (document.visibilityState === 'visible') void this.load(true);
    }, every);
    document.addEventListener('visibilitychange', this.onVisible);
  }

  stopPolling(): void {
    if (this.timer) clearInterval(this.timer);
    document.removeEventListener('visibilitychange', this.onVisible);
  }

  private onVisible = () => {
    if (document.visibilityState === 'visible') void this.load(true);
  };
}
