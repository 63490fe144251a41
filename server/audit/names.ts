// Readable names for audit rows, for the auditor's eyes only: the actor's display name, the unit's
// name, and what an object or a detail id stands for (a person, a unit, a cadre, a case number).
// Resolved when the log is read, from the tables as they are now — the stored row and its hash
// chain never change; a name that no longer resolves (a deleted row) is simply absent.
//
// Scope (DESIGN.md: the 三员 see no business data; DOMAIN.md §4): the auditor checks who accessed
// which archive, so a cadre or an archive is named by its 档案号 (the 正本's for a cadre) — the
// register's number, which the archive office resolves, not the person's name or anything else of
// the cadre. Users and units by their names, cases by their number (business key).
import type { Q } from '../db.ts';
import type { AuditRow } from './store.ts';
import { parseJson } from '../db.ts';
import { archiveNosOfCadres } from '../archives/archive-store.ts';

/** What the names of one row are: each absent (null, or no key) when there is nothing to name. */
export interface EntryNames {
  /** The actor's display name now. */
  actor: string | null;
  /** The name of the row's org unit. */
  orgUnit: string | null;
  /** What the object (objectType + objectId) stands for. */
  object: string | null;
  /** Detail key → the name of the id it holds (userId → 冯涛, cadreId → its 档案号, instanceId → case number). */
  detail: Record<string, string>;
}

type Ref =
  | 'user'
  | 'org'
  | 'cadre'
  | 'archive'
  | 'instance'
  | 'task'
  | 'avoidance'
  | 'proposal'
  | 'deployment'
  | 'process'
  | 'material'
  | 'page'
  | 'intake'
  | 'copy'
  | 'grant';

const OBJECT_REFS: Record<string, Ref> = {
  user: 'user',
  org_unit: 'org',
  cadre: 'cadre',
  archive: 'archive',
  process_instance: 'instance',
  task: 'task',
  avoidance: 'avoidance',
  deployment_proposal: 'proposal',
  deployment: 'deployment',
  process: 'process',
  material: 'material',
  page: 'page',
  material_intake: 'intake',
  copy_record: 'copy',
};

/** Detail keys that hold an id, whatever the action. */
const DETAIL_REFS: Record<string, Ref> = {
  userId: 'user',
  user_id: 'user',
  proposedBy: 'user',
  recipientId: 'user',
  recipient_id: 'user',
  cadreId: 'cadre',
  cadre_id: 'cadre',
  archiveId: 'archive',
  archive_id: 'archive',
  orgUnitId: 'org',
  producerOrgId: 'org',
  custodianOrgId: 'org',
  instanceId: 'instance',
  instance_id: 'instance',
  materialId: 'material',
  grantId: 'grant',
};

/** Detail keys whose meaning depends on the action (a move between units: from/to are unit ids). */
const ACTION_DETAIL_REFS: Record<string, Record<string, Ref>> = {
  'user.scope_change': { from: 'org', to: 'org' },
};

const NUMERIC: ReadonlySet<Ref> = new Set(['user', 'org', 'cadre', 'archive', 'avoidance', 'material', 'intake', 'copy', 'grant']);

/** An id as the tables hold it, or null when the value cannot be one (keeps odd detail out of SQL). */
function idOf(ref: Ref, v: unknown): string | null {
  const s = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : typeof v === 'string' ? v : null;
  if (s === null) return null;
  if (NUMERIC.has(ref)) return /^\d{1,12}$/.test(s) ? s : null;
  // A page is "materialId/pageNo".
  if (ref === 'page') return /^\d{1,12}\/\d{1,6}$/.test(s) ? s : null;
  return /^[A-Za-z0-9_.:-]{1,100}$/.test(s) ? s : null;
}

const detailRefs = (r: AuditRow): Record<string, Ref> => ({ ...DETAIL_REFS, ...(ACTION_DETAIL_REFS[r.action] ?? {}) });

/** Chunks of ids, so that an export of many rows stays under the database's parameter limit. */
async function inChunks<T>(ids: string[], load: (chunk: string[]) => Promise<Array<[string, T]>>): Promise<Map<string, T>> {
  const out = new Map<string, T>();
  for (let i = 0; i < ids.length; i += 500) for (const [k, v] of await load(ids.slice(i, i + 500))) out.set(k, v);
  return out;
}

const joinName = (...parts: Array<string | null | undefined>): string => parts.filter((p) => p).join(' · ');

/** A cadre's 档案号 for the auditor, by the one rule the security administrator reads it by too (archiveNosOfCadres). */
function cadreArchiveNos(q: Q): (ids: string[]) => Promise<Array<[string, string]>> {
  return async (ids) => [...(await archiveNosOfCadres(q, ids.map(Number)))].map(([id, no]) => [String(id), no]);
}

/** A material as the auditor reads it: its archive's 档案号 and its 序号 ("GB-0001 · 1-1"), never its title. */
function materialNames(q: Q): (ids: string[]) => Promise<Array<[string, string]>> {
  return async (ids) =>
    (await q('materials as m').join('archives as a', 'a.id', 'm.archive_id').whereIn('m.id', ids.map(Number)).select('m.id', 'm.seq_no', 'a.archive_no')).map((r: any) => [
      String(r.id),
      joinName(r.archive_no, r.seq_no),
    ]);
}

/** The name of each id of one kind. */
function loader(q: Q, ref: Ref): (ids: string[]) => Promise<Array<[string, string]>> {
  const nums = (ids: string[]) => ids.map(Number);
  switch (ref) {
    case 'user':
      return async (ids) => (await q('users').whereIn('id', nums(ids)).select('id', 'display_name')).map((r: any) => [String(r.id), r.display_name]);
    case 'org':
      return async (ids) => (await q('org_units').whereIn('id', nums(ids)).select('id', 'name')).map((r: any) => [String(r.id), r.name]);
    case 'cadre':
      return cadreArchiveNos(q);
    case 'archive':
      return async (ids) => (await q('archives').whereIn('id', nums(ids)).select('id', 'archive_no')).map((r: any) => [String(r.id), r.archive_no]);
    case 'instance':
      return async (ids) =>
        (await q('process_instances as i').join('process_deployments as d', 'd.id', 'i.deployment_id').whereIn('i.id', ids).select('i.id', 'i.business_key', 'd.name')).map((r: any) => [
          r.id,
          r.business_key ?? r.name,
        ]);
    case 'task':
      return async (ids) =>
        (await q('tasks as t').join('process_instances as i', 'i.id', 't.instance_id').whereIn('t.id', ids).select('t.id', 't.name', 'i.business_key')).map((r: any) => [
          r.id,
          joinName(r.business_key, r.name),
        ]);
    case 'avoidance':
      return async (ids) => {
        const entries = await q('avoidance_entries as e').join('users as u', 'u.id', 'e.user_id').whereIn('e.id', nums(ids)).select('e.id', 'e.cadre_id', 'u.display_name');
        const nos = new Map(await cadreArchiveNos(q)(entries.map((e: any) => String(e.cadre_id))));
        return entries.map((e: any) => [String(e.id), `${e.display_name} → ${nos.get(String(e.cadre_id)) ?? `#${e.cadre_id}`}`]);
      };
    case 'proposal':
      return async (ids) => (await q('deployment_proposals').whereIn('id', ids).select('id', 'name')).map((r: any) => [r.id, r.name]);
    case 'deployment':
      return async (ids) => (await q('process_deployments').whereIn('id', ids).select('id', 'name', 'version')).map((r: any) => [r.id, `${r.name} v${r.version}`]);
    case 'material':
      return materialNames(q);
    case 'page':
      // "materialId/pageNo" → the material's name; the page number is read from the id (the console
      // words it in the reader's language, the CSV in Chinese).
      return async (ids) => {
        const byMaterial = new Map(await materialNames(q)([...new Set(ids.map((id) => id.split('/')[0]))]));
        return ids.flatMap((id): Array<[string, string]> => {
          const name = byMaterial.get(id.split('/')[0]);
          return name ? [[id, name]] : [];
        });
      };
    case 'intake':
      return async (ids) => (await q('material_intakes').whereIn('id', nums(ids)).select('id', 'intake_no')).map((r: any) => [String(r.id), r.intake_no]);
    case 'copy':
      return async (ids) =>
        (await q('copy_records as c').leftJoin('utilization_requests as r', 'r.id', 'c.request_id').whereIn('c.id', nums(ids)).select('c.id', 'c.serial_no', 'r.case_no')).map((r: any) => [
          String(r.id),
          joinName(r.serial_no, r.case_no),
        ]);
    case 'grant':
      // A reading grant by the case it was given for (查借-2026-0001).
      return async (ids) =>
        (
          await q('archive_grants as g')
            .leftJoin('utilization_requests as r', 'r.instance_id', 'g.instance_id')
            .leftJoin('process_instances as i', 'i.id', 'g.instance_id')
            .whereIn('g.id', nums(ids))
            .select('g.id', 'r.case_no', 'i.business_key')
        ).flatMap((r: any): Array<[string, string]> => (r.case_no ?? r.business_key ? [[String(r.id), r.case_no ?? r.business_key]] : []));
    case 'process':
      // The process by its key: the name of its newest version.
      return async (ids) =>
        (await q('process_deployments').whereIn('process_key', ids).orderBy('version').select('process_key', 'name')).map((r: any) => [r.process_key, r.name]);
  }
}

/** The names of each row, by seq. */
export async function namesOf(q: Q, rows: AuditRow[]): Promise<Map<number, EntryNames>> {
  const wanted = new Map<Ref, Set<string>>();
  const want = (ref: Ref, v: unknown): string | null => {
    const id = idOf(ref, v);
    if (id !== null) (wanted.get(ref) ?? wanted.set(ref, new Set()).get(ref)!).add(id);
    return id;
  };
  const details = rows.map((r) => parseJson<Record<string, unknown> | null>(r.detail, null));
  rows.forEach((r, i) => {
    if (r.actor_id !== null) want('user', r.actor_id);
    if (r.org_unit_id !== null) want('org', r.org_unit_id);
    const objectRef = r.object_type ? OBJECT_REFS[r.object_type] : undefined;
    if (objectRef) want(objectRef, r.object_id);
    const d = details[i];
    if (d && typeof d === 'object') for (const [k, ref] of Object.entries(detailRefs(r))) if (k in d) want(ref, d[k]);
  });

  const found = new Map<Ref, Map<string, string>>();
  for (const [ref, ids] of wanted) found.set(ref, await inChunks([...ids], loader(q, ref)));
  const nameOf = (ref: Ref, v: unknown): string | null => {
    const id = idOf(ref, v);
    return id === null ? null : (found.get(ref)?.get(id) ?? null);
  };

  const out = new Map<number, EntryNames>();
  rows.forEach((r, i) => {
    const detail: Record<string, string> = {};
    const d = details[i];
    if (d && typeof d === 'object') {
      for (const [k, ref] of Object.entries(detailRefs(r))) {
        const name = k in d ? nameOf(ref, d[k]) : null;
        if (name !== null) detail[k] = name;
      }
    }
    const objectRef = r.object_type ? OBJECT_REFS[r.object_type] : undefined;
    out.set(r.seq, {
      actor: r.actor_id === null ? null : nameOf('user', r.actor_id),
      orgUnit: r.org_unit_id === null ? null : nameOf('org', r.org_unit_id),
      object: objectRef ? nameOf(objectRef, r.object_id) : null,
      detail,
    });
  });
  return out;
}

/** Role codes → their Chinese names (the CSV export; the console names them in the reader's language). */
export async function roleNamesZh(q: Q): Promise<Map<string, string>> {
  return new Map((await q('roles').select('code', 'name_zh')).map((r: any) => [r.code, r.name_zh]));
}
