// CSV for the audit export: UTF-8 with a BOM (so spreadsheet programs show Chinese), RFC 4180
// quoting, and cells that a spreadsheet would take for a formula (=, +, -, @, tab, CR) prefixed
// with an apostrophe, so an exported log cannot run anything when opened.
import type { AuditRow } from './store.ts';

const HEADER = ['序号 seq', '时间 time (UTC)', '用户ID user id', '用户 user', '角色 roles', 'IP', '操作 action', '对象类型 object type', '对象 object', '单位 org unit', '结果 outcome', '详情 detail', '前一哈希 prev_hash', '哈希 hash'];

export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function auditCsv(rows: AuditRow[]): string {
  const lines = [HEADER.map(csvCell).join(',')];
  for (const r of rows) {
    lines.push(
      [r.seq, r.at, r.actor_id, r.actor, r.role, r.ip, r.action, r.object_type, r.object_id, r.org_unit_id, r.outcome, r.detail, r.prev_hash, r.hash]
        .map(csvCell)
        .join(','),
    );
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
