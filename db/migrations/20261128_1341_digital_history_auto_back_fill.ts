// Backfill of `archive_digital_history.auto_back` (20261128_1340): the rows the scan check wrote
// before are read from their note — the system's own line, on a move to 部分数字化 it counted as one
// checked material. A person's move (no material counted) keeps none, whatever its note says.
import type { Knex } from 'knex';

const AUTO_BACK = /^扫描质检未通过，自动退回：材料 ([0-9-]+)（([A-Z_、]+)）/;

export async function up(knex: Knex): Promise<void> {
  const rows: Array<{ id: number; note: string }> = await knex('archive_digital_history')
    .where({ to_status: 'partial', checked: 1 })
    .whereNull('auto_back')
    .whereLike('note', '扫描质检未通过，自动退回：%')
    .select('id', 'note');
  for (const row of rows) {
    const m = AUTO_BACK.exec(row.note);
    if (m) await knex('archive_digital_history').where({ id: row.id }).update({ auto_back: JSON.stringify({ seqNo: m[1], codes: m[2].split('、') }) });
  }
}

export async function down(): Promise<void> {
  // The column goes with 20261128_1340's down; the values are not told apart from later ones.
}
