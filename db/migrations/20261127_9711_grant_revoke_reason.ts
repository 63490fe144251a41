// Why a viewing grant ended before its reader finished: `archive_transferred` when the archive left
// the office that granted it (sent to another office, or out of Dangan). NULL for the ordinary ends
// (the reader's 结束阅档, the window running out, a withdrawn case). The reading room tells the
// reader "档案已转出，阅档已终止" from it (server/transfers/out-services.ts, server/reading/).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('archive_grants', (t) => {
    t.string('revoke_reason', 30).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  // A plain DROP COLUMN on both: knex's dropColumn rebuilds SQLite's table.
  await knex.raw('ALTER TABLE archive_grants DROP COLUMN revoke_reason');
}
