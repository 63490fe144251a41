// 审核标准: the review standard that 专项审核 scores archives against, in versions. A process
// administrator publishes a new version (items, points, 单项否决, the catalogue categories each
// item's materials are filed in) with the basis it rests on — the provincial standard changes, or
// the office adapts it. Nothing is edited in place: a review is scored on the version it was opened
// on (a confirmed 不合格 stays readable against the items it failed), new reviews take the newest,
// and a campaign's reviews the version in force when the campaign opened (campaigns.ts).
//
// Decision: publishing belongs to the process administrator, who keeps the other configuration of
// how Dangan's work runs (diagrams, forms); the archive office decides the content and the basis
// names where it comes from. The standard names no cadre, so reading it is not audited; every
// publication is.
import type { Db } from '../db.ts';
import { forUpdate } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import type { AuditLog } from '../audit/service.ts';
import type { SessionUser } from '../people/sessions.ts';
import { listCategories } from '../archives/catalog-store.ts';
import * as store from './store.ts';
import type { StandardItemRow } from './store.ts';

export interface NewItem {
  criterion: string;
  deductionRule: string;
  maxScore: number;
  veto: boolean;
  categoryCodes: string[];
}

/** What the items of every version total: 满分 100 分. */
export const FULL_MARKS = 100;

const itemDto = (i: StandardItemRow) => ({ no: i.no, criterion: i.criterion, deductionRule: i.deduction_rule, maxScore: i.max_score, veto: i.veto, categoryCodes: i.category_codes });

/** The items as stored, numbered 1… in the order given; each item's categories once each, in the catalogue's order. */
const numbered = (items: NewItem[], order: Map<string, number>): StandardItemRow[] =>
  items.map((i, n) => ({
    no: n + 1,
    criterion: i.criterion,
    deduction_rule: i.deductionRule,
    max_score: i.maxScore,
    veto: i.veto,
    category_codes: [...new Set(i.categoryCodes)].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)),
  }));

const sameItems = (a: StandardItemRow[], b: StandardItemRow[]) => JSON.stringify(a.map(itemDto)) === JSON.stringify(b.map(itemDto));

export class ReviewStandards {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly passScore: number,
  ) {}

  /** Every version, newest first, with its points, its veto items and how many reviews were made on it. */
  async list() {
    const [rows, totals, used, current] = await Promise.all([store.versions(this.db), store.versionTotals(this.db), store.reviewsPerVersion(this.db), store.currentVersion(this.db)]);
    return {
      current,
      passScore: this.passScore,
      items: rows.map((v) => ({
        ...this.head(v),
        items: totals.get(v.version)?.items ?? 0,
        vetoItems: totals.get(v.version)?.vetoes ?? 0,
        points: totals.get(v.version)?.points ?? 0,
        reviews: used.get(v.version) ?? 0,
      })),
    };
  }

  /** One version with its items. */
  async get(version: number) {
    const v = await store.findVersion(this.db, version);
    if (!v) throw errors.notFound('Review standard version');
    const items = await store.standard(this.db, version);
    return { ...this.head(v), current: version === (await store.currentVersion(this.db)), points: store.totalPoints(items), passScore: this.passScore, items: items.map(itemDto) };
  }

  /**
   * Publishes the next version. `baseVersion` is the version the editor started from: when another
   * was published meanwhile, 409 STANDARD_CHANGED, so nobody overwrites a change they did not see.
   */
  async publish(user: SessionUser, ip: string, body: { baseVersion: number; basis: string; items: NewItem[] }) {
    // The categories in use now: one retired from the catalogue is not named by a new version.
    const order = new Map((await listCategories(this.db)).filter((c) => c.active).map((c) => [c.code, c.sort_order]));
    const unknown = [...new Set(body.items.flatMap((i) => i.categoryCodes))].filter((c) => !order.has(c));
    if (unknown.length) throw errors.rule('category_unknown', `未知的材料类别：${unknown.join('、')} / Unknown catalogue categories`, { codes: unknown });
    // Two items with one criterion would score one fault twice (or once as a veto, once not).
    const seen = new Map<string, number>();
    for (const [n, item] of body.items.entries()) {
      const key = item.criterion.replace(/\s+/g, '');
      const first = seen.get(key);
      if (first !== undefined) {
        throw errors.rule('criterion_repeated', `第 ${first + 1} 项与第 ${n + 1} 项的审核内容相同 / Items ${first + 1} and ${n + 1} have the same criterion`, { items: [first + 1, n + 1] });
      }
      seen.set(key, n);
    }
    const items = numbered(body.items, order);
    const points = store.totalPoints(items);
    // 满分 100 分 (DOMAIN.md §1.6): the pass mark, 统计分析's 百分制 and every reader take a score out
    // of 100; a version worth 147 would pass 87 points (59 %) against a mark of 80.
    if (points !== FULL_MARKS) {
      throw errors.rule('points_total', `各项分值合计须为 ${FULL_MARKS} 分（现为 ${points} 分） / The items' points must total ${FULL_MARKS} (now ${points})`, { points, required: FULL_MARKS });
    }
    const version = await this.db.transaction(async (trx) => {
      // The newest version's row, locked: two publications one after the other, never side by side.
      await forUpdate(trx, trx('review_standards').orderBy('version', 'desc').first());
      const current = await store.currentVersion(trx);
      if (current !== body.baseVersion) throw errors.conflict('STANDARD_CHANGED', `审核标准已有新版本（第 ${current} 版），请在其基础上修改 / Version ${current} was published meanwhile`, { current });
      if (sameItems(items, await store.standard(trx, current))) throw errors.rule('standard_unchanged', '与现行版本相同，无需发布 / Nothing differs from the version in force');
      const next = current + 1;
      await store.insertVersion(trx, { version: next, basis: body.basis, published_by: user.id, published_at: iso(this.clock.now()) }, items);
      await this.audit.record(trx, { actor: user, ip, action: 'review_standard.publish', objectType: 'review_standard', objectId: next, detail: { items: items.length, points, vetoItems: items.filter((i) => i.veto).length } });
      return next;
    });
    return this.get(version);
  }

  private head(v: store.VersionRow) {
    return { version: v.version, basis: v.basis, publishedByName: v.published_by_name, publishedAt: v.published_at };
  }
}
