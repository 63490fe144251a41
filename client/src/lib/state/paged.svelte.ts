// A paged list read from the API: the current page's items (null while the first page loads), the
// total, the offset and the failure of the last load. List pages (我的申请, 转递, 复制登记, 扫描质检)
// share it; each passes how to fetch one page. Only the answer to the latest load counts (Turns).
import { Turns } from './turns.ts';

export const PAGE_SIZE = 50;

export class PagedList<T> {
  items = $state<T[] | null>(null);
  total = $state(0);
  offset = $state(0);
  failure = $state<unknown>(null);
  private readonly turns = new Turns();

  constructor(
    private readonly fetchPage: (page: { offset: number; limit: number }) => Promise<{ items: T[]; total: number }>,
    readonly limit = PAGE_SIZE,
  ) {}

  /** Loads the current page again (after an action, or a retry). */
  load = async (): Promise<void> => {
    const current = this.turns.take();
    this.failure = null;
    try {
      const r = await this.fetchPage({ offset: this.offset, limit: this.limit });
      if (!current()) return;
      this.items = r.items;
      this.total = r.total;
    } catch (e) {
      if (current()) this.failure = e;
    }
  };

  /** Goes to the page starting at `offset` (0 after a filter changed). */
  page = (offset: number): Promise<void> => {
    this.offset = offset;
    return this.load();
  };
}
