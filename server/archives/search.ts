// Cadre search: name (contains), pinyin initials or full pinyin (prefix; the surname reading, 曾 zeng,
// or the usual one, ceng — pinyin.ts), ID number (prefix),
// 档案号 (prefix, any case, of an archive the caller reads), unit (the unitId subtree, or a unit
// whose name contains the text), filtered by scope in SQL and sorted by pinyin. The scope test reads the covering index cadres_scope_search, which is
// why cadres carry the derived custodian_org_id (bench/search.ts measures it at 100,000 cadres).
import type { Knex } from 'knex';
import type { Q } from '../db.ts';
import { isPg } from '../db.ts';
import type { Scope } from '../access/rules.ts';

export interface SearchParams {
  q?: string;
  unitId?: number;
  offset: number;
  limit: number;
}

export interface SearchHit {
  id: number;
  name: string;
  gender: string;
  birth_date: string;
  org_unit_id: number;
  unit_name: string;
  post: string | null;
  management_level: string;
  custodian_org_id: number | null;
  /** The 档案号 of the cadre's archives the caller reads (held by their offices, or granted), 正本 first. */
  archive_nos: string[];
}

/** The archives a scope reads: those its offices hold and those granted to it. */
function readableArchives(qb: Knex.QueryBuilder, scope: Scope): Knex.QueryBuilder {
  const granted = [...scope.grants.keys()];
  return qb.where((w) => {
    w.whereIn('ar.custodian_org_id', scope.custodianOrgIds.length ? scope.custodianOrgIds : [-1]);
    if (granted.length) w.orWhereIn('ar.id', granted);
  });
}

/**
 * The two parts of a scope: A, cadres whose 正本 is held by one of the caller's offices (one range
 * of the covering index), and B, the few others the caller may see (副本 held by the office, open
 * grants). Kept apart because an OR between them makes both databases leave the index.
 */
function partA(qb: Knex.QueryBuilder, scope: Scope): Knex.QueryBuilder | null {
  if (!scope.custodianOrgIds.length) return null;
  qb.whereIn('c.custodian_org_id', scope.custodianOrgIds);
  if (scope.excludedCadreIds.length) qb.whereNotIn('c.id', scope.excludedCadreIds);
  return qb;
}

function partB(qb: Knex.QueryBuilder, scope: Scope): Knex.QueryBuilder | null {
  const ids = scope.extraCadreIds.filter((id) => !scope.excludedCadreIds.includes(id));
  if (!ids.length) return null;
  qb.whereIn('c.id', ids);
  if (scope.custodianOrgIds.length) qb.where((w) => w.whereNull('c.custodian_org_id').orWhereNotIn('c.custodian_org_id', scope.custodianOrgIds));
  return qb;
}

async function orgSubtreeIds(q: Q, where: (qb: Knex.QueryBuilder) => void): Promise<number[]> {
  const roots = await q('org_units').where(where).select('path');
  if (!roots.length) return [];
  const rows = await q('org_units')
    .where((w) => {
      for (const r of roots) w.orWhere('path', 'like', `${r.path}%`);
    })
    .select('id');
  return rows.map((r: { id: number }) => r.id);
}

/** Totals are exact up to this many matches; beyond, the answer says "more than" (totalExact false). */
export const COUNT_CAP = 1000;

interface Key {
  id: number;
  name_pinyin: string;
}

const before = (x: Key, y: Key) => x.name_pinyin < y.name_pinyin || (x.name_pinyin === y.name_pinyin && x.id < y.id);

/** Merges two lists sorted by (name_pinyin, id). */
function mergeKeys(xs: Key[], ys: Key[]): Key[] {
  if (!ys.length) return xs;
  const out: Key[] = [];
  let i = 0;
  let j = 0;
  while (i < xs.length || j < ys.length) out.push(j >= ys.length || (i < xs.length && before(xs[i], ys[j])) ? xs[i++] : ys[j++]);
  return out;
}

/** [low, high) of the strings that start with `s` (byte order; s is ASCII letters or digits). */
const prefixRange = (s: string): [string, string] => [s, s.slice(0, -1) + String.fromCharCode(s.charCodeAt(s.length - 1) + 1)];

type Branch = (qb: Knex.QueryBuilder) => void;

/**
 * The ways the text can match, each a query of its own so that a prefix is an index seek
 * (initials, full pinyin, ID number); Chinese text is a substring test over the office's rows
 * in the covering index (instr/strpos, several times cheaper than LIKE '%…%').
 */
async function branchesFor(q: Q, scope: Scope, text: string): Promise<Branch[]> {
  if (!text) return [() => undefined];
  // A 档案号 (WH000123, 150300-0001) has a digit and no Chinese: its prefix in any case, among the
  // archives the caller reads — one pass over archives, not a probe per cadre.
  const archiveNo: Branch = (qb) =>
    qb.whereIn('c.id', readableArchives(q('archives as ar'), scope).whereRaw('substr(upper(ar.archive_no), 1, ?) = ?', [text.length, text.toUpperCase()]).select('ar.cadre_id'));
  if (/^[0-9]{2,17}[0-9xX]?$/.test(text)) {
    const [lo, hi] = prefixRange(text.toUpperCase());
    return [(qb) => qb.where('c.id_number', '>=', lo).andWhere('c.id_number', '<', hi), archiveNo];
  }
  if (/[0-9]/.test(text) && /^[A-Za-z0-9][A-Za-z0-9\-_/.]*$/.test(text)) return [archiveNo];
  if (/^[a-zA-Z]{1,40}$/.test(text)) {
    const [lo, hi] = prefixRange(text.toLowerCase());
    return [
      (qb) => qb.where('c.name_initials', '>=', lo).andWhere('c.name_initials', '<', hi),
      (qb) => qb.where('c.name_pinyin', '>=', lo).andWhere('c.name_pinyin', '<', hi),
      // The usual reading of a surname read otherwise (曾 ceng for zeng): a seek in the partial index
      // cadres_scope_pinyin_alt, which holds only the names that have one.
      (qb) => qb.where('c.name_pinyin_alt', '>=', lo).andWhere('c.name_pinyin_alt', '<', hi),
    ];
  }
  const contains = isPg(q) ? 'strpos(c.name, ?) > 0' : 'instr(c.name, ?) > 0';
  const like = text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
  const units = await orgSubtreeIds(q, (w) => w.whereRaw(`name like ? escape '\\'`, [`%${like}%`]));
  return [
    (qb) =>
      qb.where((w) => {
        w.whereRaw(contains, [text]);
        if (units.length) w.orWhereIn('c.org_unit_id', units);
      }),
  ];
}

export async function searchCadres(q: Q, scope: Scope, p: SearchParams): Promise<{ items: SearchHit[]; total: number; totalExact: boolean }> {
  let unitIds: number[] | null = null;
  if (p.unitId !== undefined) {
    unitIds = await orgSubtreeIds(q, (w) => w.where('id', p.unitId!));
    if (!unitIds.length) return { items: [], total: 0, totalExact: true };
  }
  const branches = await branchesFor(q, scope, (p.q ?? '').trim());
  const queries = (part: typeof partA) =>
    branches.map((branch) => {
      const qb = part(q('cadres as c'), scope);
      if (qb) {
        if (unitIds) qb.whereIn('c.org_unit_id', unitIds);
        branch(qb);
      }
      return qb;
    });
  const a = queries(partA).filter((x): x is Knex.QueryBuilder => !!x);
  const b = queries(partB).filter((x): x is Knex.QueryBuilder => !!x);
  if (!a.length && !b.length) return { items: [], total: 0, totalExact: true };
  // One ordered walk per branch gives its first COUNT_CAP + 1 matches: the count when there are
  // fewer (exact), "more than COUNT_CAP" otherwise, and the page's ids either way.
  const keysOf = async (qbs: Knex.QueryBuilder[], limit: number, offset = 0): Promise<Key[]> => {
    let out: Key[] = [];
    for (const qb of qbs) {
      const rows: Key[] = await qb.clone().orderBy([{ column: 'c.name_pinyin' }, { column: 'c.id' }]).offset(offset).limit(limit).select('c.id', 'c.name_pinyin');
      out = mergeKeys(out, rows);
    }
    return qbs.length > 1 ? out.filter((k, i) => i === 0 || k.id !== out[i - 1].id) : out;
  };
  const extra = await keysOf(b, 10_000);
  const merged = mergeKeys(await keysOf(a, COUNT_CAP + 1), extra).slice(0, COUNT_CAP + 1);
  const totalExact = merged.length <= COUNT_CAP;
  const total = Math.min(merged.length, COUNT_CAP);
  let pageKeys: Key[];
  if (p.offset + p.limit <= merged.length || totalExact) pageKeys = merged.slice(p.offset, p.offset + p.limit);
  else if (!extra.length && a.length === 1) pageKeys = await keysOf(a, p.limit, p.offset);
  else pageKeys = mergeKeys(await keysOf(a, p.offset + p.limit), extra).slice(p.offset, p.offset + p.limit);
  if (!pageKeys.length) return { items: [], total, totalExact };
  const rows: Omit<SearchHit, 'archive_nos'>[] = await q('cadres as c')
    .join('org_units as u', 'u.id', 'c.org_unit_id')
    .whereIn('c.id', pageKeys.map((k) => k.id))
    .select('c.id', 'c.name', 'c.gender', 'c.birth_date', 'c.org_unit_id', 'u.name as unit_name', 'c.post', 'c.management_level', 'c.custodian_org_id');
  const archives: { cadre_id: number; archive_no: string }[] = await readableArchives(q('archives as ar'), scope)
    .whereIn('ar.cadre_id', pageKeys.map((k) => k.id))
    .orderByRaw("case when ar.kind = 'original' then 0 else 1 end")
    .orderBy('ar.archive_no')
    .select('ar.cadre_id', 'ar.archive_no');
  const byId = new Map(rows.map((r) => [r.id, { ...r, archive_nos: archives.filter((a) => a.cadre_id === r.id).map((a) => a.archive_no) }]));
  return { items: pageKeys.map((k) => byId.get(k.id)!).filter(Boolean), total, totalExact };
}
