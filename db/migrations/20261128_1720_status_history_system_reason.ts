// 档案状态记录: a move the system made (a loan, 数字化出库/回库, a transfer) keeps its reason as data
// (`system_reason` {code, params}, server/archives/status-reason.ts) beside the Chinese line in
// `reason`, so that a page words it in its reader's language; a reason a person typed has none. The
// rows written before are filled in by the next migration (20261128_1721).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('archive_status_history', (t) => {
    /** JSON { code, params } of a move the system made; null for a reason a person typed. */
    t.text('system_reason');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE archive_status_history DROP COLUMN system_reason');
}
