// CSV for the audit export: every row with its hashes, in the shared CSV form (server/shared/csv.ts:
// BOM, RFC 4180 quoting, formula-looking cells neutralised).
import type { AuditRow } from './store.ts';
import { csvDocument } from '../shared/csv.ts';

const HEADER = ['序号 seq', '时间 time (UTC)', '用户ID user id', '用户 user', '角色 roles', 'IP', '操作 action', '对象类型 object type', '对象 object', '单位 org unit', '结果 outcome', '详情 detail', '前一哈希 prev_hash', '哈希 hash'];

export function auditCsv(rows: AuditRow[]): string {
  return csvDocument([
    HEADER,
    ...rows.map((r) => [r.seq, r.at, r.actor_id, r.actor, r.role, r.ip, r.action, r.object_type, r.object_id, r.org_unit_id, r.outcome, r.detail, r.prev_hash, r.hash]),
  ]);
}
