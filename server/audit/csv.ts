// CSV for the audit export: every row with its hashes, in the shared CSV form (server/shared/csv.ts:
// BOM, RFC 4180 quoting, formula-looking cells neutralised). The stored columns come first, in the
// chain's order, so a copy can be checked offline; the names read at export time (names.ts) follow,
// marked as such: they are not part of the hashed row. Last, the stored UTC instant in Beijing time
// (what the auditor reads in the console and searches by): derived at export, not hashed, so it comes
// after the stored columns like the names and a checker reading the columns by position still works.
import type { AuditRow } from './store.ts';
import type { EntryNames } from './names.ts';
import { parseJson } from '../db.ts';
import { csvDocument } from '../shared/csv.ts';
import { formatInstant } from '../notify/beijing.ts';

const HEADER = [
  '序号 seq',
  '时间 time (UTC)',
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
  '北京时间（导出时换算）time in Beijing UTC+8 (at export)',
];

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
        formatInstant(r.at, { seconds: true }),
      ];
    }),
  ]);
}
