// Which backup key encrypted each backup in the ledger (its id, never the key). The key is made anew
// only while no backup in the ledger was encrypted: after that a missing key file refuses the backup
// (server/admin/backup-crypt.ts loadOrCreateBackupKey) instead of encrypting under a key nobody holds.
// Backups made before have none: an installation that upgrades still gets its first key.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('backups', (t) => {
    t.string('key_id', 16);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('backups', (t) => {
    t.dropColumn('key_id');
  });
}
