// One stock check's page state: the check with its progress, and the page of its items the
// filter asks for (result, 档案号/name, offset — all three mirrored in the URL, so a reload or a
// link keeps them). Marks refresh both quietly, without the spinner of a first load.
import type { StockCheck, StockCheckItem } from '../../lib/api/types.ts';
import { call } from '../../lib/api/client.ts';
import { router } from '../../lib/router/routes.ts';
import { Turns } from '../../lib/state/turns.ts';
import { RESULT_CODES, type ItemResult } from '../../lib/components/stock-checks/results.ts';

export const PAGE_SIZE = 50;

export class StockCheckState {
  check = $state<StockCheck | null>(null);
  failure = $state<unknown>(null);

  result = $state<ItemResult | ''>('');
  q = $state('');
  offset = $state(0);
  items = $state<StockCheckItem[] | null>(null);
  total = $state(0);
  loading = $state(false);
  itemsFailure = $state<unknown>(null);

  private readonly turns = new Turns();
  /** Marks in quick succession each refresh the progress: the newest answer counts. */
  private readonly checkTurns = new Turns();

  constructor(
    readonly id: number,
    query: URLSearchParams,
  ) {
    const r = query.get('result') as ItemResult;
    if (RESULT_CODES.includes(r)) this.result = r;
    this.q = query.get('q') ?? '';
    const o = Number(query.get('offset'));
    this.offset = Number.isInteger(o) && o > 0 ? o : 0;
  }

  get open(): boolean {
    return this.check?.status === 'open';
  }

  async loadCheck(): Promise<void> {
    const current = this.checkTurns.take();
    try {
      const check = await call('GET /api/stock-checks/:id', { params: { id: this.id } });
      if (!current()) return;
      this.check = check;
      this.failure = null;
    } catch (e) {
      if (current()) this.failure = e;
    }
  }

  async loadItems(): Promise<void> {
    const current = this.turns.take();
    this.loading = true;
    try {
      const text = this.q.trim();
      const r = await call('GET /api/stock-checks/:id/items', {
        params: { id: this.id },
        query: { result: this.result || undefined, q: text || undefined, offset: this.offset, limit: PAGE_SIZE },
      });
      if (!current()) return;
      // A page the list no longer reaches (fewer matches since): back to the first.
      if (!r.items.length && this.offset > 0) {
        this.offset = 0;
        this.syncUrl();
        return this.loadItems();
      }
      this.items = r.items;
      this.total = r.total;
      this.itemsFailure = null;
    } catch (e) {
      if (current()) this.itemsFailure = e;
    } finally {
      if (current()) this.loading = false;
    }
  }

  async load(): Promise<void> {
    await this.loadCheck();
    if (!this.check) return;
    await this.loadItems();
  }

  /** After a mark: the progress and the visible page. */
  async refresh(): Promise<void> {
    await Promise.all([this.loadCheck(), this.loadItems()]);
  }

  private syncUrl(): void {
    router.setQuery({ result: this.result || null, q: this.q.trim() || null, offset: this.offset || null });
  }

  /** The filter changed: URL first, then the first page of the new list. */
  filter(change: { result?: ItemResult | ''; q?: string }): Promise<void> {
    if (change.result !== undefined) this.result = change.result;
    if (change.q !== undefined) this.q = change.q;
    this.offset = 0;
    this.syncUrl();
    return this.loadItems();
  }

  page(offset: number): Promise<void> {
    this.offset = offset;
    this.syncUrl();
    return this.loadItems();
  }
}
