// Cadre search: name (contains), pinyin initials or full pinyin (prefix), ID number (prefix),
// unit (the unitId subtree, or a unit whose name contains the text), filtered by scope in SQL
// and sorted by pinyin. The scope test reads the covering index cadres_scope_search, which is
// why cadres carry the derived custodian_org_id (bench/search.ts measures it at 100,000 cadres).
import type { Knex } from 'knex';
import type { Q } from '../db.ts';
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
}

function applyScope(qb: Knex.QueryBuilder, scope: Scope): boolean {
  if (!scope.custodianOrgIds.length && !scope.extraCadreIds.length) return false;
  qb.where((w) => {
    if (scope.custodianOrgIds.length) w.whereIn('c.custodian_org_id', scope.custodianOrgIds);
    if (scope.extraCadreIds.length) w.orWhereIn('c.id', scope.extraCadreIds);
  });
  if (scope.excludedCadreIds.length) qb.whereNotIn('c.id', scope.excludedCadreIds);
  return true;
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

export async function searchCadres(q: Q, scope: Scope, p: SearchParams): Promise<{ items: SearchHit[]; total: number }> {
  const base = q('cadres as c');
  if (!applyScope(base, scope)) return { items: [], total: 0 };
  if (p.unitId !== undefined) {
    const units = await orgSubtreeIds(q, (w) => w.where('id', p.unitId!));
    if (!units.length) return { items: [], total: 0 };
    base.whereIn('c.org_unit_id', units);
  }
  const text = (p.q ?? '').trim();
  if (text) {
    const like = text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
    if (/^[0-9]{2,17}[0-9xX]?$/.test(text)) {
      base.whereRaw(`c.id_number like ? escape '\\'`, [`${like.toUpperCase()}%`]);
    } else if (/^[a-zA-Z]+$/.test(text)) {
      const low = like.toLowerCase();
      base.where((w) => w.whereRaw(`c.name_initials like ? escape '\\'`, [`${low}%`]).orWhereRaw(`c.name_pinyin like ? escape '\\'`, [`${low}%`]));
    } else {
      const units = await orgSubtreeIds(q, (w) => w.whereRaw(`name like ? escape '\\'`, [`%${like}%`]));
      base.where((w) => {
        w.whereRaw(`c.name like ? escape '\\'`, [`%${like}%`]);
        if (units.length) w.orWhereIn('c.org_unit_id', units);
      });
    }
  }
  const [{ n }] = await base.clone().count({ n: '*' });
  const total = Number(n);
  if (!total || p.offset >= total) return { items: [], total };
  const items = await base
    .join('org_units as u', 'u.id', 'c.org_unit_id')
    .orderBy([{ column: 'c.name_pinyin' }, { column: 'c.id' }])
    .offset(p.offset)
    .limit(p.limit)
    .select('c.id', 'c.name', 'c.gender', 'c.birth_date', 'c.org_unit_id', 'u.name as unit_name', 'c.post', 'c.management_level', 'c.custodian_org_id');
  return { items, total };
}
