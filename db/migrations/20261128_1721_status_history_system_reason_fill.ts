// Backfill of `archive_status_history.system_reason` (20261128_1720): the rows the system wrote in a
// case before are read from their line — only a move made in a case (instance_id set) to the status
// that line goes with, so a person's words that read alike keep none.
import type { Knex } from 'knex';

type Rule = { re: RegExp; code: string; to: string[]; from?: string; params: (m: RegExpExecArray) => Record<string, string> };

const PURPOSES: Record<string, string> = { 扫描: 'scan', 补扫: 'rescan', 修裱: 'repair' };
const RESTORED: Record<string, string> = { 离退: 'retired', 死亡: 'deceased' };
const caseNo = (m: RegExpExecArray) => ({ caseNo: m[1] });

const RULES: Rule[] = [
  { re: /^数字化出库 (\S+)（(扫描|补扫|修裱)）$/, code: 'digitisation_out', to: ['digitizing'], params: (m) => ({ caseNo: m[1], purpose: PURPOSES[m[2]] }) },
  { re: /^数字化回库 (\S+)，恢复(离退|死亡)状态$/, code: 'digitisation_restore', to: ['retired', 'deceased'], params: (m) => ({ caseNo: m[1], status: RESTORED[m[2]] }) },
  { re: /^数字化回库 (\S+)$/, code: 'digitisation_back', to: ['in_stock'], params: caseNo },
  { re: /^借出 (\S+)$/, code: 'loan_out', to: ['on_loan'], params: caseNo },
  { re: /^归还 (\S+)$/, code: 'loan_back', to: ['in_stock'], params: caseNo },
  { re: /^归还（有缺失或损坏）(\S+)$/, code: 'loan_back_damaged', to: ['in_stock'], params: caseNo },
  { re: /^转递 (\S+)$/, code: 'transfer_out', to: ['transferring'], params: caseNo },
  { re: /^转入 (\S+)$/, code: 'transfer_in', to: ['in_stock'], from: 'transferred', params: caseNo },
  { re: /^被退回 (\S+)$/, code: 'transfer_returned', to: ['in_stock'], params: caseNo },
  { re: /^已转出，回执已退回 (\S+)$/, code: 'transfer_done', to: ['transferred'], params: caseNo },
];

export async function up(knex: Knex): Promise<void> {
  const rows: Array<{ id: number; reason: string; from_status: string | null; to_status: string }> = await knex('archive_status_history')
    .whereNull('system_reason')
    .whereNotNull('instance_id')
    .select('id', 'reason', 'from_status', 'to_status');
  for (const row of rows) {
    for (const r of RULES) {
      const m = r.re.exec(row.reason);
      if (!m || !r.to.includes(row.to_status) || (r.from && row.from_status !== r.from)) continue;
      await knex('archive_status_history').where({ id: row.id }).update({ system_reason: JSON.stringify({ code: r.code, params: r.params(m) }) });
      break;
    }
  }
}

export async function down(): Promise<void> {
  // The column goes with 20261128_1720's down; the values are not told apart from later ones.
}
