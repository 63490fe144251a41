// 库房核对: an archive the register had away when the check opened (借出, 数字化中, 转出中) is not on
// the check's list, yet may stand on the shelf — exactly what a check is there to find. Scanned, it
// is added to the check (`added`), and every archive marked found while the register has it away
// keeps that status (`register_status`): the check's list shows where register and shelf disagree.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('stock_check_items', (t) => {
    /** Not on the list when the check opened (away then, or held since); added when found on the shelf. */
    t.boolean('added').notNullable().defaultTo(false);
    /** The register's status (on_loan, digitizing, transferring) when the archive was marked found on the shelf regardless; null when the register agreed. */
    t.string('register_status', 20);
  });
}

export async function down(knex: Knex): Promise<void> {
  // A plain DROP COLUMN on both: knex's dropColumn rebuilds SQLite's table.
  await knex.raw('ALTER TABLE stock_check_items DROP COLUMN register_status');
  await knex.raw('ALTER TABLE stock_check_items DROP COLUMN added');
}
