// CSV for the audit export: every row with its hashes, in the shared CSV form (server/shared/csv.ts:
// BOM, RFC 4180 quoting, formula-looking cells neutralised). The stored columns come first, in the
// chain's order, so a copy can be checked offline; the names read at export time (names.ts) follow,
// marked as such: they are not part of the hashed row. Beside the stored UTC time, the same instant in
// Beijing time (what the auditor reads in the console and searches by); it is derived from the UTC
// column, not hashed: an offline check reads the columns by their header.
import type { AuditRow } from './store.ts';
import type { EntryNames } from './names.ts';
import { parseJson } from '../db.ts';
import { csvDocument } from '../shared/csv.ts';

const HEADER = [
  '序号 seq',
  '时间 time (UTC)',
  '北京时间 time (Beijing UTC+8)',
  '用户ID user id',
  '用户 user',
  '角色 roles',
  'IP',
  '操作 action',
  '对象类型 object type',
  '对象 object',
  '单位 org unit',
  '结果 outcome',
  '详情 detail',
  '前一哈希 prev_hash',
  '哈希 hash',
  '姓名（导出时）user name (at export)',
  '角色名称 role names',
  '单位名称（导出时）org unit name (at export)',
  '对象名称（导出时）object name (at export)',
  '详情中的名称（导出时）names in detail (at export)',
];

const pad = (n: number) => String(n).padStart(2, '0');

/** '2026-11-28 21:05:09' in Beijing time (UTC+8 all year), from the stored UTC instant. */
export function beijingTime(at: string): string {
  const t = Date.parse(at);
  if (Number.isNaN(t)) return '';
  const b = new Date(t + 8 * 3_600_000);
  return `${b.getUTCFullYear()}-${pad(b.getUTCMonth() + 1)}-${pad(b.getUTCDate())} ${pad(b.getUTCHours())}:${pad(b.getUTCMinutes())}:${pad(b.getUTCSeconds())}`;
}

/** Detail keys that list role codes: the roles an account was given, before and after a change. */
const roleListKeys = (action: string): string[] => (action === 'user.roles_change' ? ['from', 'to'] : ['roles']);

const roleText = (codes: unknown, roleNames: Map<string, string>): string | null =>
  Array.isArray(codes) && codes.every((c) => typeof c === 'string') ? codes.map((c) => roleNames.get(c) ?? c).join('、') : null;

/** "userId=冯涛; to=查档人员、档案管理员": each detail key that holds an id or role codes, by name. */
function detailNames(r: AuditRow, names: EntryNames | undefined, roleNames: Map<string, string>): string {
  const parts = Object.entries(names?.detail ?? {}).map(([k, v]) => `${k}=${v}`);
  const d = parseJson<Record<string, unknown> | null>(r.detail, null);
  if (d && typeof d === 'object') {
    for (const k of roleListKeys(r.action)) {
      const text = k in d ? roleText(d[k], roleNames) : null;
      if (text !== null) parts.push(`${k}=${text}`);
    }
  }
  return parts.join('; ');
}

/** The object's name; a page's adds its number ("GB-0001 · 1-1 · 第3页"). */
function objectText(r: AuditRow, n: EntryNames | undefined): string | null {
  if (!n?.object) return null;
  const pageNo = r.object_type === 'page' ? r.object_id?.split('/')[1] : undefined;
  return pageNo ? `${n.object} · 第${pageNo}页` : n.object;
}

export function auditCsv(rows: AuditRow[], names: Map<number, EntryNames> = new Map(), roleNames: Map<string, string> = new Map()): string {
  return csvDocument([
    HEADER,
    ...rows.map((r) => {
      const n = names.get(r.seq);
      return [
        r.seq,
        r.at,
        beijingTime(r.at),
        r.actor_id,
        r.actor,
        r.role,
        r.ip,
        r.action,
        r.object_type,
        r.object_id,
        r.org_unit_id,
        r.outcome,
        r.detail,
        r.prev_hash,
        r.hash,
        n?.actor,
        r.role ? roleText(r.role.split(','), roleNames) : null,
        n?.orgUnit,
        objectText(r, n),
        detailNames(r, n, roleNames),
      ];
    }),
  ]);
}
