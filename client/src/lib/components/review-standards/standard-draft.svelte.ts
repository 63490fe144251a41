// The editor's draft of the next version of the 审核标准: seeded from the version it starts from
// (kept as baseVersion, so a version published meanwhile is refused, not overwritten), its items
// edited, added, removed (and restored) and moved, the basis; the running total against 满分 100
// (nothing else is published), what changed against the base, the server's limits checked before sending (the same as
// server/reviews/schema.ts's publishBody), and a refusal turned into words at the field it is about.
import type { ApiRoutes, ReviewStandard } from '../../api/types.ts';
import { ApiError } from '../../api/client.ts';
import { errorText } from '../../api/errors.ts';
import { t, type MessageKey } from '../../i18n/index.svelte.ts';
import { points } from '../reviews/review-codes.ts';

type BaseItem = ReviewStandard['items'][number];
export type PublishBody = ApiRoutes['POST /api/review-standards']['body'];
export type ItemField = 'criterion' | 'deductionRule' | 'maxScore' | 'categoryCodes';

/** What the items must total (server/reviews/standards.ts FULL_MARKS). */
export const FULL_MARKS = 100;

/** The server's limits (publishBody). */
export const LIMITS = { criterion: [2, 400], deductionRule: [1, 200], basis: [2, 200], maxScore: [0.5, 100], step: 0.5, items: 60, categories: 8 } as const;

const FIELD_TEXT: Record<ItemField, MessageKey> = {
  criterion: 'reviewStandards.criterionInvalid',
  deductionRule: 'reviewStandards.ruleInvalid',
  maxScore: 'reviewStandards.maxInvalid',
  categoryCodes: 'reviewStandards.categoriesInvalid',
};

const between = (s: string, [min, max]: readonly [number, number]) => s.trim().length >= min && s.trim().length <= max;
export const validPoints = (n: unknown): n is number =>
  typeof n === 'number' && Number.isFinite(n) && n >= LIMITS.maxScore[0] && n <= LIMITS.maxScore[1] && Number.isInteger(n / LIMITS.step);

/** One item being edited; `from` is the base version's item it started as (null: added). */
export class DraftItem {
  criterion = $state('');
  deductionRule = $state('');
  maxScore = $state<number | null>(null);
  veto = $state(false);
  categoryCodes = $state<string[]>([]);

  constructor(
    readonly key: number,
    readonly from: BaseItem | null,
  ) {
    if (from) {
      this.criterion = from.criterion;
      this.deductionRule = from.deductionRule;
      this.maxScore = from.maxScore;
      this.veto = from.veto;
      this.categoryCodes = [...from.categoryCodes];
    }
  }

  /** As the server stores it (trimmed, categories once each). */
  toNew(): PublishBody['items'][number] {
    return { criterion: this.criterion.trim(), deductionRule: this.deductionRule.trim(), maxScore: this.maxScore ?? 0, veto: this.veto, categoryCodes: [...new Set(this.categoryCodes)] };
  }

  /** Differs from the base item it started as (an added item always does). */
  get changed(): boolean {
    return !this.from || !sameItem(this.toNew(), this.from);
  }
}

const sameItem = (a: PublishBody['items'][number], b: BaseItem) =>
  a.criterion === b.criterion && a.deductionRule === b.deductionRule && a.maxScore === b.maxScore && a.veto === b.veto && JSON.stringify(a.categoryCodes) === JSON.stringify(b.categoryCodes);

/** What stopped a publication that is not about one field. */
export type Refusal = { kind: 'changed'; current: number } | { kind: 'text'; text: string };

export class StandardDraft {
  items = $state<DraftItem[]>([]);
  /** Removed items with the place they had, so that they can come back. */
  removed = $state<Array<{ item: DraftItem; at: number }>>([]);
  basis = $state('');
  /** Set by the first attempt to publish: from then on the fields are checked as they change. */
  attempted = $state(false);
  /** The server's word on a field ('basis', or `${key}.${field}`), until that field changes. */
  serverErrors = $state<Record<string, string>>({});
  refusal = $state<Refusal | null>(null);
  private seq = 0;

  constructor(
    readonly base: ReviewStandard,
    readonly passScore: number,
  ) {
    this.items = base.items.map((i) => new DraftItem(++this.seq, i));
  }

  readonly total = $derived(this.items.reduce((s, i) => s + (validPoints(i.maxScore) ? i.maxScore : 0), 0));
  readonly vetoItems = $derived(this.items.filter((i) => i.veto).length);
  /** 满分 100 分: a version whose items total anything else is not published (the server refuses it too). */
  readonly notFull = $derived.by(() => this.total !== FULL_MARKS);

  /** Against the base: items changed, added, removed, and whether the order moved. */
  readonly diff = $derived.by(() => {
    const kept = this.items.filter((i) => i.from).map((i) => i.from!.no);
    return {
      changed: this.items.filter((i) => i.from && i.changed).length,
      added: this.items.filter((i) => !i.from).length,
      removed: this.removed.filter((r) => r.item.from).length,
      reordered: kept.some((no, n) => n > 0 && no < kept[n - 1]),
    };
  });

  /** Nothing the server would publish differs from the base (the basis alone is no new version). */
  readonly unchanged = $derived.by(() => this.items.length === this.base.items.length && this.items.every((i, n) => sameItem(i.toNew(), this.base.items[n])));

  /** Anything typed that leaving would lose. */
  readonly dirty = $derived(!this.unchanged || this.basis.trim() !== '');

  /** The limits the server checks, field by field, once publishing was tried. */
  readonly clientErrors = $derived.by((): Record<string, string> => (this.attempted ? this.check() : {}));
  readonly errors = $derived({ ...this.clientErrors, ...this.serverErrors });

  check(): Record<string, string> {
    const out: Record<string, string> = {};
    if (!between(this.basis, LIMITS.basis)) out.basis = t('reviewStandards.basisRequired');
    for (const i of this.items) {
      if (!between(i.criterion, LIMITS.criterion)) out[`${i.key}.criterion`] = t(FIELD_TEXT.criterion);
      if (!between(i.deductionRule, LIMITS.deductionRule)) out[`${i.key}.deductionRule`] = t(FIELD_TEXT.deductionRule);
      if (!validPoints(i.maxScore)) out[`${i.key}.maxScore`] = t(FIELD_TEXT.maxScore);
      if (new Set(i.categoryCodes).size > LIMITS.categories) out[`${i.key}.categoryCodes`] = t(FIELD_TEXT.categoryCodes);
    }
    return out;
  }

  /** A field was changed: the server's word on it no longer holds. */
  edited(field: string): void {
    if (field in this.serverErrors) {
      const { [field]: _gone, ...rest } = this.serverErrors;
      this.serverErrors = rest;
    }
  }

  add(): DraftItem | null {
    if (this.items.length >= LIMITS.items) return null;
    const item = new DraftItem(++this.seq, null);
    this.items.push(item);
    return item;
  }

  remove(index: number): void {
    if (this.items.length <= 1) return;
    const [item] = this.items.splice(index, 1);
    this.removed.push({ item, at: index });
  }

  restore(index: number): void {
    if (this.items.length >= LIMITS.items) return;
    const [{ item, at }] = this.removed.splice(index, 1);
    this.items.splice(Math.min(at, this.items.length), 0, item);
  }

  move(index: number, by: -1 | 1): void {
    const to = index + by;
    if (to < 0 || to >= this.items.length) return;
    const [item] = this.items.splice(index, 1);
    this.items.splice(to, 0, item);
  }

  body(): PublishBody {
    return { baseVersion: this.base.version, basis: this.basis.trim(), items: this.items.map((i) => i.toNew()) };
  }

  /** The field ids in the page's order, for focusing the first one that is wrong. */
  firstWrong(): string | null {
    const e = this.errors;
    if (e.basis) return 'basis';
    for (const i of this.items) for (const f of ['criterion', 'deductionRule', 'maxScore', 'categoryCodes'] as ItemField[]) if (e[`${i.key}.${f}`]) return `${i.key}.${f}`;
    return null;
  }

  /** A refused publication in words: 409 another version, 422 by its rule, 400 at its field. */
  refused(e: unknown): void {
    this.refusal = null;
    if (!(e instanceof ApiError)) {
      this.refusal = { kind: 'text', text: errorText(e) };
      return;
    }
    const details = (e.details ?? {}) as Record<string, any>;
    if (e.status === 409 && e.code === 'STANDARD_CHANGED') {
      this.refusal = { kind: 'changed', current: Number(details.current) };
    } else if (e.code === 'RULE_VIOLATION' && details.rule === 'category_unknown') {
      const codes: string[] = Array.isArray(details.codes) ? details.codes : [];
      const marks: Record<string, string> = {};
      for (const i of this.items) {
        const bad = i.categoryCodes.filter((c) => codes.includes(c));
        if (bad.length) marks[`${i.key}.categoryCodes`] = t('reviewStandards.categoryUnknownRule', { codes: bad.join('、') });
      }
      this.serverErrors = { ...this.serverErrors, ...marks };
      this.refusal = { kind: 'text', text: t('reviewStandards.categoryUnknownRule', { codes: codes.join('、') }) };
    } else if (e.code === 'RULE_VIOLATION' && details.rule === 'points_total') {
      this.refusal = { kind: 'text', text: t('reviewStandards.totalNotFull', { full: points(details.required ?? FULL_MARKS), points: points(details.points ?? this.total) }) };
    } else if (e.code === 'RULE_VIOLATION' && details.rule === 'standard_unchanged') {
      this.refusal = { kind: 'text', text: t('reviewStandards.unchanged') };
    } else if (e.code === 'VALIDATION_FAILED' && Array.isArray(e.details)) {
      const marks = this.fieldsOf(e.details as Array<{ field?: string }>);
      this.serverErrors = { ...this.serverErrors, ...marks };
      // Marked at their fields (the editor counts them); anything else in general words.
      if (!Object.keys(marks).length) this.refusal = { kind: 'text', text: errorText(e) };
    } else {
      this.refusal = { kind: 'text', text: errorText(e) };
    }
  }

  /** 'basis', 'items.3.maxScore', 'items.3.categoryCodes.9' → the field of the draft, in our words. */
  private fieldsOf(details: Array<{ field?: string }>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const d of details) {
      const f = d.field ?? '';
      if (f === 'basis') out.basis = t('reviewStandards.basisRequired');
      const m = /^items\.(\d+)\.(\w+)/.exec(f);
      const item = m ? this.items[Number(m[1])] : undefined;
      if (!item || !m) continue;
      const field = m[2] as ItemField;
      out[`${item.key}.${field in FIELD_TEXT ? field : 'criterion'}`] = field in FIELD_TEXT ? t(FIELD_TEXT[field]) : t('reviewStandards.fieldInvalid');
    }
    return out;
  }
}
