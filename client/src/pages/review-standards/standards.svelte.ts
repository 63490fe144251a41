// The 审核标准 page's state: the versions, the one the URL names (?version=, else the one in force)
// with its items, the catalogue categories that name the items' materials, and the process
// administrator's editor (?edit=1): a draft seeded from the version in force, published with the
// version it started from. Versions never change once published, so each is fetched once; the
// newest answer wins when the selection moves faster than the server answers.
import type { ReviewStandard, ReviewStandardList } from '../../lib/api/types.ts';
import { call } from '../../lib/api/client.ts';
import { errorText } from '../../lib/api/errors.ts';
import { router } from '../../lib/router/routes.ts';
import { session } from '../../lib/state/session.svelte.ts';
import { Turns } from '../../lib/state/turns.ts';
import { catalogCategories, type Category } from '../../lib/components/review-standards/categories.ts';
import { StandardDraft } from '../../lib/components/review-standards/standard-draft.svelte.ts';

export class StandardsPage {
  list = $state<ReviewStandardList | null>(null);
  listFailure = $state<string | null>(null);
  shown = $state<ReviewStandard | null>(null);
  shownFailure = $state<unknown>(null);
  categories = $state<Category[] | null>(null);
  categoriesFailure = $state<string | null>(null);
  /** The editor is open (the URL says ?edit=1 while it is). */
  editing = $state(false);
  draft = $state.raw<StandardDraft | null>(null);
  editFailure = $state<string | null>(null);

  readonly mayPublish = session.hasRole('process_admin');
  private readonly versions = new Map<number, ReviewStandard>();
  private readonly shownTurns = new Turns();
  private readonly editTurns = new Turns();

  /** The version the URL names, else the one in force once the list is known. */
  readonly selected = $derived.by((): number | null => {
    const v = Math.floor(Number(router.current?.query.get('version')));
    return v >= 1 ? v : (this.list?.current ?? null);
  });
  readonly wantsEditor = $derived(this.mayPublish && router.current?.query.get('edit') === '1');

  async loadList(): Promise<ReviewStandardList | null> {
    try {
      this.list = await call('GET /api/review-standards');
      this.listFailure = null;
    } catch (e) {
      this.listFailure = errorText(e);
    }
    return this.list;
  }

  async loadCategories(): Promise<void> {
    try {
      this.categories = await catalogCategories();
      this.categoriesFailure = null;
    } catch (e) {
      this.categoriesFailure = errorText(e);
    }
  }

  private async version(n: number): Promise<ReviewStandard> {
    let v = this.versions.get(n);
    if (!v) this.versions.set(n, (v = await call('GET /api/review-standards/:version', { params: { version: n } })));
    return v;
  }

  async show(n: number): Promise<void> {
    const mine = this.shownTurns.take();
    if (this.shown?.version !== n) this.shown = null;
    this.shownFailure = null;
    try {
      const v = await this.version(n);
      if (mine()) this.shown = v;
    } catch (e) {
      if (mine()) this.shownFailure = e;
    }
  }

  /** Opens the editor on the version in force now (asked again: another may have been published). */
  async openEditor(): Promise<void> {
    const mine = this.editTurns.take();
    this.editing = true;
    this.draft = null;
    this.editFailure = null;
    try {
      const list = await call('GET /api/review-standards');
      this.list = list;
      const base = await this.version(list.current);
      if (mine() && this.editing) this.draft = new StandardDraft(base, list.passScore);
    } catch (e) {
      if (mine()) this.editFailure = errorText(e);
    }
  }

  closeEditor(): void {
    this.editTurns.take();
    this.editing = false;
    this.draft = null;
    this.editFailure = null;
  }

  /** Publishes the draft; the new version is then shown as the one in force. False when refused (the draft says why). */
  async publish(): Promise<ReviewStandard | null> {
    const draft = this.draft;
    if (!draft) return null;
    try {
      const v = await call('POST /api/review-standards', { body: draft.body() });
      this.versions.set(v.version, v);
      this.closeEditor();
      this.shown = v;
      router.setQuery({ edit: null, version: v.version });
      await this.loadList();
      return v;
    } catch (e) {
      draft.refused(e);
      // A refusal because another version came: the list shows it.
      if (draft.refusal?.kind === 'changed') void this.loadList();
      return null;
    }
  }
}
