// One 专项审核's page state: the review as the server answers it (each save, submission or decision
// answers the whole review, which replaces it), the archive's catalogue for naming and choosing the
// materials of a finding, and which rows hold changes not saved yet.
import type { ArchiveReview, Catalogue } from '../../lib/api/types.ts';
import { call } from '../../lib/api/client.ts';
import type { ReviewAction, ReviewItem } from '../../lib/components/reviews/review-codes.ts';

export type ReviewMaterial = { id: number; seqNo: string; title: string; categoryCode: string; parentCode: string | null };

export class ReviewSheet {
  review = $state<ArchiveReview | null>(null);
  failure = $state<unknown>(null);
  catalogue = $state<Catalogue | null>(null);
  catalogueFailure = $state<unknown>(null);
  /** Item numbers whose row differs from what the server holds. */
  dirty = $state<number[]>([]);

  constructor(readonly id: number) {}

  /** Every material of the archive in catalogue order, with its category and that category's parent. */
  materials = $derived.by((): ReviewMaterial[] =>
    (this.catalogue?.categories ?? []).flatMap((c) => c.materials.map((m) => ({ id: m.id, seqNo: m.seqNo, title: m.title, categoryCode: c.code, parentCode: c.parentCode }))),
  );
  byId = $derived(new Map(this.materials.map((m) => [m.id, m])));

  can(action: ReviewAction): boolean {
    return !!this.review?.actions.includes(action);
  }

  /** The materials an item is about: those filed in its categories (or their sub-categories); all when it names none. */
  candidates(item: ReviewItem): ReviewMaterial[] {
    if (!item.categoryCodes.length) return this.materials;
    return this.materials.filter((m) => item.categoryCodes.includes(m.categoryCode) || (m.parentCode !== null && item.categoryCodes.includes(m.parentCode)));
  }

  async load(): Promise<void> {
    try {
      this.review = await call('GET /api/reviews/:id', { params: { id: this.id } });
      this.failure = null;
    } catch (e) {
      this.failure = e;
      return;
    }
    if (!this.catalogue) await this.loadCatalogue();
  }

  async loadCatalogue(): Promise<void> {
    if (!this.review) return;
    try {
      this.catalogue = await call('GET /api/archives/:id/catalogue', { params: { id: this.review.archiveId } });
      this.catalogueFailure = null;
    } catch (e) {
      this.catalogueFailure = e;
    }
  }

  /** The server's answer to an action: the whole review as it is now. */
  apply(review: ArchiveReview): void {
    this.review = review;
  }

  setDirty(no: number, dirty: boolean): void {
    const has = this.dirty.includes(no);
    if (dirty && !has) this.dirty = [...this.dirty, no].sort((a, b) => a - b);
    else if (!dirty && has) this.dirty = this.dirty.filter((n) => n !== no);
  }
}
