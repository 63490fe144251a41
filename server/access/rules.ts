// Who may read which cadre and archive (DESIGN.md "People, scope and access"; DOMAIN.md §1.7):
// - archivists and archive chiefs: archives held by their own office (their org unit, when it is
//   a custodian office);
// - auth_leader: archives held by custodian offices inside their org subtree;
// - anyone with a business role: archives opened to them by an archive_grants row inside its
//   time window by the service's clock (only the granted categories);
// - nobody: their own archive (users.cadre_id), a relative's (family_members, both directions),
//   or a cadre on their avoidance list; the 三员 and process_admin see no business data at all.
// - an archive that has left the office (已转出, 已移交档案馆: codes.ts GONE) keeps only its register
//   record for the office that held it (number, status, history, asked with `register: true`): its
//   catalogue, pages and copies are nobody's here any more (DOMAIN.md §1.7: digital archives follow
//   the paper's rules for 转递), and no grant opens it (reason 'gone'). Nor does a grant open an
//   archive being sent (转出中) or one that now belongs to another office: a grant is the granting
//   office's permission and ends with its custody (grantStillHeld; sendTransfer also revokes them).
// Out of scope answers 404, the same as absent: callers turn a denial into errors.notFound.
import type { Knex } from 'knex';
import type { Q } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { bool, parseJson } from '../db.ts';
import { errors } from '../errors.ts';
import { GONE, LEAVING_OR_GONE } from '../archives/codes.ts';
import * as store from './store.ts';

export interface Viewer {
  id: number;
  roles: readonly string[];
  orgUnitId: number;
}

export type Relation = 'self' | 'relative' | 'avoided';
/** 'reading_room': a grant holder asked for a clean scan (readers see pages watermarked only). */
/** 'gone': the archive has left the office (GONE) and its contents were asked for, or a grant's archive is leaving or has left the granting office (grantStillHeld). */
export type DenyReason = Relation | 'absent' | 'out_of_scope' | 'category' | 'reading_room' | 'gone';

export interface Scope {
  /** Archives held by these offices are readable in full. */
  custodianOrgIds: number[];
  /** Open grants: archive → granted category codes. */
  grants: Map<number, { cadreId: number; categories: string[] }>;
  /** Cadres to show in lists besides those whose 正本 is held in custodianOrgIds (副本, grants). */
  extraCadreIds: number[];
  /** Never shown, whatever else says so. */
  excludedCadreIds: number[];
}

export type ArchiveCheck =
  /** `gone`: only with `register: true` — the office that held the archive reads its register record. */
  | { ok: true; archiveId: number; cadreId: number; via: 'custody' | 'grant'; categories: string[] | null; gone: boolean }
  | { ok: false; reason: DenyReason };

const EXCLUSIVE = ['sys_admin', 'sec_admin', 'auditor', 'process_admin'];

/** A grant opens nothing while its archive is being sent (转出中) or has left the office (GONE). */
const CLOSED_TO_GRANTS = LEAVING_OR_GONE;

/**
 * Whether a grant's archive is still the granting office's to open: not being sent, not gone, and
 * still in the custody of the office whose request granted it (a grant without a request: status only).
 */
export const grantStillHeld = (g: { archive_status: string; archive_custodian_org_id: number; grant_office_id: number | null }): boolean =>
  !CLOSED_TO_GRANTS.includes(g.archive_status) && (g.grant_office_id === null || g.grant_office_id === g.archive_custodian_org_id);

/**
 * grantStillHeld as a WHERE clause on the columns that carry the archive's status and custodian and
 * the granting office, for a list that pages in SQL (a filter after LIMIT would shorten the page).
 */
export function whereGrantStillHeld<T extends Knex.QueryBuilder>(qb: T, col: { archiveStatus: string; archiveCustodian: string; grantOffice: string }): T {
  return qb
    .whereNotIn(col.archiveStatus, CLOSED_TO_GRANTS)
    .where((w) => w.whereNull(col.grantOffice).orWhereRaw('?? = ??', [col.grantOffice, col.archiveCustodian])) as T;
}

/** A granted code covers itself and its sub-categories ('4' covers '4-2'). */
export const categoryCovered = (granted: readonly string[], code: string): boolean =>
  granted.some((g) => code === g || code.startsWith(`${g}-`));

export class AccessRules {
  constructor(private readonly clock: Clock) {}

  /** The custodian offices whose holdings the user reads by role. */
  async custodianOffices(q: Q, user: Viewer): Promise<number[]> {
    if (user.roles.some((r) => EXCLUSIVE.includes(r))) return [];
    const out = new Set<number>();
    const org = await store.orgOf(q, user.orgUnitId);
    if (!org) return [];
    if ((user.roles.includes('archivist') || user.roles.includes('archive_chief')) && bool(org.is_custodian)) out.add(org.id);
    if (user.roles.includes('auth_leader')) for (const id of await store.custodiansUnder(q, org.path)) out.add(id);
    return [...out];
  }

  /** Cadres the user may never see: self, relatives, avoidance list. */
  async exclusions(q: Q, userId: number): Promise<Map<number, Relation>> {
    // The closest tie names the relation: self before relative before the avoidance list.
    const rank: Record<Relation, number> = { avoided: 0, relative: 1, self: 2 };
    const out = new Map<number, Relation>();
    for (const { cadre_id: id, tie } of await store.cadreTies(q, userId)) {
      const known = out.get(id);
      if (!known || rank[tie] > rank[known]) out.set(id, tie);
    }
    return out;
  }

  /** The ids of those cadres, for list queries that leave them out. */
  async excludedCadreIds(q: Q, userId: number): Promise<number[]> {
    return [...(await this.exclusions(q, userId)).keys()];
  }

  /** 'self' | 'relative' | 'avoided' | null: what ties the user to the cadre (borrowing start check). */
  async relationTo(q: Q, userId: number, cadreId: number): Promise<Relation | null> {
    return (await this.exclusions(q, userId)).get(cadreId) ?? null;
  }

  /** Everything a list query needs to filter by scope in SQL (see applyCadreScope in the search). */
  async scopeFilter(q: Q, user: Viewer): Promise<Scope> {
    const custodianOrgIds = await this.custodianOffices(q, user);
    const grants = new Map<number, { cadreId: number; categories: string[] }>();
    if (!user.roles.some((r) => EXCLUSIVE.includes(r))) {
      for (const g of await store.openGrants(q, user.id, iso(this.clock.now()))) {
        if (!grantStillHeld(g)) continue; // no grant opens an archive that has left (or is leaving) the office
        const prev = grants.get(g.archive_id);
        const cats = parseJson<string[]>(g.categories, []);
        grants.set(g.archive_id, { cadreId: g.cadre_id, categories: [...new Set([...(prev?.categories ?? []), ...cats])] });
      }
    }
    const extra = new Set(await store.copyHoldings(q, custodianOrgIds));
    for (const g of grants.values()) extra.add(g.cadreId);
    return { custodianOrgIds, grants, extraCadreIds: [...extra], excludedCadreIds: await this.excludedCadreIds(q, user.id) };
  }

  /**
   * Whether the user reads the archive. An archive that has left the office (GONE) is denied
   * ('gone') unless `register` asks only for its register record (number, status, history), which
   * the office that held it keeps reading; the answer then says `gone`, and nothing may change it.
   */
  async checkArchive(q: Q, user: Viewer, archiveId: number, opts: { categoryCode?: string; register?: boolean } = {}): Promise<ArchiveCheck> {
    const archive = await q('archives').where({ id: archiveId }).first('id', 'cadre_id', 'custodian_org_id', 'status');
    if (!archive) return { ok: false, reason: 'absent' };
    const relation = await this.relationTo(q, user.id, archive.cadre_id);
    if (relation) return { ok: false, reason: relation };
    const gone = GONE.includes(archive.status);
    if ((await this.custodianOffices(q, user)).includes(archive.custodian_org_id)) {
      if (gone && !opts.register) return { ok: false, reason: 'gone' };
      return { ok: true, archiveId, cadreId: archive.cadre_id, via: 'custody', categories: null, gone };
    }
    if (user.roles.some((r) => EXCLUSIVE.includes(r))) return { ok: false, reason: 'out_of_scope' };
    const granted = await store.openGrants(q, user.id, iso(this.clock.now()), archiveId);
    const open = granted.filter(grantStillHeld);
    if (granted.length && !open.length) return { ok: false, reason: 'gone' };
    if (!open.length) return { ok: false, reason: 'out_of_scope' };
    const categories = [...new Set(open.flatMap((g) => parseJson<string[]>(g.categories, [])))];
    if (opts.categoryCode && !categoryCovered(categories, opts.categoryCode)) return { ok: false, reason: 'category' };
    return { ok: true, archiveId, cadreId: archive.cadre_id, via: 'grant', categories, gone: false };
  }

  /** A cadre is readable when one of their archives is (custody or an open grant; an archive gone from the office by its register record). */
  /**
   * Whether the user reads the cadre's record: through custody or authority over one of the
   * cadre's archives (`custody`), or only through a reading grant (`grant`), which shows less.
   */
  async checkCadre(q: Q, user: Viewer, cadreId: number): Promise<{ ok: true; via: 'custody' | 'grant' } | { ok: false; reason: DenyReason }> {
    const archives = await q('archives').where({ cadre_id: cadreId }).select('id');
    const cadre = archives.length ? true : !!(await q('cadres').where({ id: cadreId }).first('id'));
    if (!cadre) return { ok: false, reason: 'absent' };
    const relation = await this.relationTo(q, user.id, cadreId);
    if (relation) return { ok: false, reason: relation };
    let via: 'custody' | 'grant' | null = null;
    for (const a of archives) {
      const check = await this.checkArchive(q, user, a.id, { register: true });
      if (check.ok && check.via === 'custody') return { ok: true, via: 'custody' };
      if (check.ok) via = 'grant';
    }
    return via ? { ok: true, via } : { ok: false, reason: 'out_of_scope' };
  }

  async assertCanReadCadre(q: Q, user: Viewer, cadreId: number): Promise<void> {
    if (!(await this.checkCadre(q, user, cadreId)).ok) throw errors.notFound('Cadre');
  }

  async assertCanReadArchive(q: Q, user: Viewer, archiveId: number, opts: { categoryCode?: string; register?: boolean } = {}) {
    const check = await this.checkArchive(q, user, archiveId, opts);
    if (!check.ok) throw errors.notFound('Archive');
    return check;
  }
}
