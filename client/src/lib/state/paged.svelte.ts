// A paged list read from the API: the current page's items (null while the first page loads), the
// total, the offset and the failure of the last load. List pages (我的申请, 转递, 复制登记, 扫描质检)
// share it; each passes how to fetch one page. Only the answer to the latest load counts (Turns).
// `offset` is the offset of the items shown: a page asked for becomes current with its answer, so
// the pager never says "page 2" over the rows of page 1 while the next page loads.
import { Turns } from './turns.ts';

export const PAGE_SIZE = 50;

export class PagedList<T> {
  items = $state<T[] | null>(null);
  total = $state(0);
  offset = $state(0);
  failure = $state<unknown>(null);
  private readonly turns = new Turns();
  /** The page last asked for: a retry after a failure asks for it again. */
  private wanted = 0;

  constructor(
    private readonly fetchPage: (page: { offset: number; limit: number }) => Promise<{ items: T[]; total: number }>,
    readonly limit = PAGE_SIZE,
  ) {}

  /** Loads the current page again (after an action, or a retry). */
  load = async (): Promise<void> => {
    const offset = this.wanted;
    const current = this.turns.take();
    this.failure = null;
    try {
      const r = await this.fetchPage({ offset, limit: this.limit });
      if (!current()) return;
      this.items = r.items;
      this.total = r.total;
      this.offset = offset;
    } catch (e) {
      if (current()) this.failure = e;
    }
  };

  /** Goes to the page starting at `offset` (0 after a filter changed). */
  page = (offset: number): Promise<void> => {
    this.wanted = offset;
    return this.load();
  };
}
