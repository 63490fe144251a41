// A list page's answer as the newest request gave it: `data` (null until the first answer),
// `loading` and `failure` (its text). Only the answer to the latest load counts — a slow answer to
// an older filter or page never overwrites a newer one — and an empty page past the first (fewer
// rows than when the URL was made) calls `beyond`, so that the page goes back to the first. The
// URL-driven list pages (专项审核, 数字化出库, 档案管理's search) share it.
import { errorText } from '../api/errors.ts';
import { Turns } from './turns.ts';

export class LatestList<T extends { items: unknown[] }> {
  data = $state<T | null>(null);
  failure = $state<string | null>(null);
  loading = $state(false);
  private readonly turns = new Turns();

  async load(offset: number, fetch: () => Promise<T>, beyond: () => unknown): Promise<void> {
    const current = this.turns.take();
    this.loading = true;
    this.failure = null;
    try {
      const r = await fetch();
      if (!current()) return;
      if (!r.items.length && offset > 0) {
        await beyond();
        return;
      }
      this.data = r;
    } catch (e) {
      if (current()) this.failure = errorText(e);
    } finally {
      if (current()) this.loading = false;
    }
  }
}
