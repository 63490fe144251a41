// A list page's answer as the newest request gave it: `data` (null until the first answer),
// `loading` and `failure` (its text). Only the answer to the latest load counts — a slow answer to
// an older filter or page never overwrites a newer one — and an empty page past the first (fewer
// rows than when the URL was made) calls `beyond`, so that the page goes back to the first. The
// URL-driven list pages (专项审核, 数字化出库, 档案管理's search) share it.
import { errorText } from '../api/errors.ts';

export class LatestList<T extends { items: unknown[] }> {
  data = $state<T | null>(null);
  failure = $state<string | null>(null);
  loading = $state(false);
  private seq = 0;

  async load(offset: number, fetch: () => Promise<T>, beyond: () => unknown): Promise<void> {
    const mine = ++this.seq;
    this.loading = true;
    this.failure = null;
    try {
      const r = await fetch();
      if (mine !== this.seq) return;
      if (!r.items.length && offset > 0) {
        await beyond();
        return;
      }
      this.data = r;
    } catch (e) {
      if (mine === this.seq) this.failure = errorText(e);
    } finally {
      if (mine === this.seq) this.loading = false;
    }
  }
}
